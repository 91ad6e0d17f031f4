"""The programme's settings in the app: its title, organiser and who delivers it, and the logo and colours
its badges and pocket guide are printed with."""

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.programme import (
    ProgrammeDetails,
    ProgrammeSettings,
    programme_details,
    read_logo,
    save_programme,
)
from checkin.errors import UserError
from checkin.resources import resource_path
from ui.base.context import DeskContext
from ui.base.dialogs import error_line, save_or_say
from ui.base.fit import scrolled

#: The template's own colours, shown when the programme has none of its own.
SHIPPED_COLOUR = "#1b2f4b"
SHIPPED_ACCENT = "#0e7c86"


class ColourField(QWidget):
    """A #rrggbb field with a swatch and a Choose… button; empty means the shipped colour."""

    def __init__(self, name: str, accessible: str, shipped: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shipped = shipped
        self.field = QLineEdit()
        self.field.setObjectName(name)
        self.field.setAccessibleName(accessible)
        self.field.setPlaceholderText(shipped)
        self.field.setMaxLength(7)
        self.field.setMinimumHeight(max(30, self.field.minimumSizeHint().height()))  # never below its text
        self.swatch = QLabel()
        self.swatch.setFixedSize(30, 30)
        self.choose = QPushButton(self.tr("Choose…"))
        self.choose.setAccessibleName(self.tr("Choose the {0}").format(accessible.lower()))
        self.choose.setAutoDefault(False)
        self.choose.clicked.connect(self._pick)
        self.field.textChanged.connect(self._paint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch)
        layout.addWidget(self.field)
        layout.addWidget(self.choose)
        self._paint()

    def text(self) -> str:
        return self.field.text().strip()

    def set_text(self, value: str) -> None:
        self.field.setText(value)

    def _paint(self) -> None:
        colour = QColor(self.text() or self.shipped)
        shown = colour.name() if colour.isValid() else "transparent"
        self.swatch.setStyleSheet(f"background: {shown}; border: 1px solid #888; border-radius: 4px;")

    def _pick(self) -> None:
        colour = QColorDialog.getColor(QColor(self.text() or self.shipped), self, self.field.accessibleName())
        if colour.isValid():
            self.field.setText(colour.name())


class ProgrammeDialog(QDialog):
    """Saves the programme of the session open (or the one new sessions join), or says why not."""

    saved = Signal(object)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session_code = context.session_code
        with context.database.session() as db:
            details = programme_details(db, self.session_code)
        self.logo: bytes | None = details.logo
        self.result_details: ProgrammeDetails | None = None
        self.setWindowTitle(self.tr("Programme"))
        self.setMinimumWidth(560)
        intro = QLabel(
            self.tr(
                "The programme's title and organiser, and the logo and colours on its badges and pocket guide."
            )
            + (self.tr(" <b>This is the demonstration programme.</b>") if details.demo else "")
        )
        intro.setWordWrap(True)
        self.title_field = QLineEdit(details.title)
        self.organiser_field = QLineEdit(details.organiser)
        self.delivered_field = QLineEdit(details.delivered_by)
        for field, name, accessible in (
            (self.title_field, "programmeTitle", self.tr("Programme title")),
            (self.organiser_field, "programmeOrganiser", self.tr("Organiser")),
            (self.delivered_field, "programmeDeliveredBy", self.tr("Delivered by")),
        ):
            field.setObjectName(name)
            field.setAccessibleName(accessible)
            field.setMinimumHeight(max(30, field.minimumSizeHint().height()))  # never below its text
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(64, 64)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_button = QPushButton(self.tr("Choose a logo…"))
        self.logo_button.setObjectName("chooseLogo")
        self.logo_button.setAutoDefault(False)
        self.logo_button.clicked.connect(self.choose_logo)
        self.shipped_logo = QPushButton(self.tr("Use the shipped logo"))
        self.shipped_logo.setAutoDefault(False)
        self.shipped_logo.clicked.connect(lambda: self.set_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.shipped_logo)
        logo_row.addStretch(1)
        self.colour = ColourField("programmeColour", self.tr("Main colour"), SHIPPED_COLOUR)
        self.colour.set_text(details.colour)
        self.accent = ColourField("programmeAccent", self.tr("Accent colour"), SHIPPED_ACCENT)
        self.accent.set_text(details.accent_colour)
        form = QFormLayout()
        form.addRow(self.tr("&Title"), self.title_field)
        form.addRow(self.tr("&Organiser"), self.organiser_field)
        form.addRow(self.tr("&Delivered by"), self.delivered_field)
        form.addRow(self.tr("Logo"), logo_row)
        form.addRow(self.tr("&Main colour"), self.colour)
        form.addRow(self.tr("&Accent colour"), self.accent)
        note = QLabel(
            self.tr(
                "The main colour is for headings (the session's title on badges, the guide's cover); the accent "
                "for lines, the delegate's bar and the guide's highlights. Leave them empty for the shipped ones."
            )
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.message = error_line("programmeError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveProgramme")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        form.addRow(note)  # in the scrolling part: large text may make it taller than the room left
        layout.addWidget(scrolled(form), 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._show_logo()
        self.title_field.setFocus()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo:
            pixmap.loadFromData(self.logo)
        else:
            pixmap.load(str(resource_path("images", "logo.png")))
        self.logo_preview.setPixmap(
            pixmap.scaled(
                60, 60, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.logo_preview.setAccessibleName(
            self.tr("The programme's logo") if self.logo else self.tr("The shipped logo")
        )

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        self._show_logo()

    def choose_logo(self, path: str | Path | None = None) -> bool:
        if not path:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Choose a logo"), folder, self.tr("Pictures (*.png *.jpg *.jpeg)")
            )
            if not path:
                return False
        try:
            self.set_logo(read_logo(Path(path)))
        except UserError as error:
            self.message.setText(str(error))
            self.message.show()
            return False
        self.message.hide()
        return True

    def save(self) -> bool:
        settings = ProgrammeSettings(
            title=self.title_field.text(),
            organiser=self.organiser_field.text(),
            delivered_by=self.delivered_field.text(),
            logo=self.logo,
            colour=self.colour.text(),
            accent_colour=self.accent.text(),
        )

        def write() -> ProgrammeDetails:
            with self.context.database.session() as db:
                details = save_programme(db, settings, self.session_code, desk=self.context.desk)
                db.commit()
            return details

        return save_or_say(self, self.message, write)
