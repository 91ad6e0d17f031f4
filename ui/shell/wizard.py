"""The first-run set-up: desk name, organiser PIN, a scanner test and the camera — four short, skippable steps.

Shown by `checkin app` until it has been finished or skipped once (`wizard_done`), and never when a
session was named on the command line (that is someone who knows what they want). Every step can be
skipped; closing the window skips the rest. Everything here can be changed later in Settings (F10).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.pin import pin_problem, set_pin
from checkin.domain.codes import suspected_layout
from checkin.settings import Settings
from ui.base.fit import scrolling
from ui.base.theme import focus_rule, palette_in_use
from ui.input.scanner import ScannerFilter, configure_scanner
from ui.settings.view import computer_name, fill_camera_choice

STYLE = """
#wizard { background: $window; }
#wizard QLabel#wizardStep { font-size: 11pt; color: $accent; font-weight: bold; letter-spacing: 1px; }
#wizard QLabel#wizardTitle { font-size: 24pt; font-weight: bold; color: $display_ink; }
#wizard QLabel#wizardText { font-size: 13pt; color: $display_ink_soft; }
#wizard QLabel#wizardResult { font-size: 16pt; font-weight: bold; color: $admitted; }
#wizard QLabel#wizardProblem { font-size: 13pt; color: $refused; }
#wizard QLineEdit, #wizard QComboBox { font-size: 16pt; padding: 8px 12px; border: 2px solid $field_border;
                                      border-radius: 8px; background: $surface; }
#wizard QLineEdit:focus { border-color: $focus; }
#wizard QFrame#scanTarget { background: $surface; border: 3px dashed $accent_light; border-radius: 16px; }
#wizard QPushButton { font-size: 13pt; padding: 8px 22px; border-radius: 8px; }
#wizard QPushButton#nextButton { background: $accent; color: $on_colour; border: none; }
#wizard QPushButton#skipButton { background: transparent; color: $display_ink_soft;
                                 border: 1px solid $border; }
"""

STEPS = 4
#: The longest scan the scanner test shows whole.
SHOWN_SCAN = 80
#: How each layout's mismatch with a US-layout scanner shows (checkin.domain.codes.suspected_layout).
LAYOUT_MISMATCHES = {
    "uk": ("a UK keyboard layout", '“@” arrives as a double quote (") and “#” as “£”'),
    "de": ("a German keyboard layout", "Y and Z swap, and “-” arrives as “ß”"),
    "fr": ("a French keyboard layout", "digits arrive as “&”, “é”, “è”, “à”…, and A and Q swap"),
}


def _text(text: str, name: str = "wizardText") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class WizardDialog(QDialog):
    """Four pages; "Next" keeps what was entered, "Skip" moves on without it."""

    def __init__(self, settings: Settings, scanner: ScannerFilter, default_desk: str = "") -> None:
        super().__init__()
        self.settings = settings
        self.scanner = scanner
        self.setObjectName("wizard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.colours = palette_in_use()
        self.setStyleSheet(
            self.colours.sheet(STYLE)
            + focus_rule(self.colours, "#wizard QPushButton#nextButton", "#wizard QPushButton#skipButton")
        )
        self.setWindowTitle(self.tr("Set up this desk — Check-in Desk"))
        self.resize(760, 520)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._desk_page(default_desk or computer_name()))
        self.pages.addWidget(self._pin_page())
        self.pages.addWidget(self._scanner_page())
        self.pages.addWidget(self._camera_page())

        self.step = QLabel()
        self.step.setObjectName("wizardStep")
        self.skip_button = QPushButton(self.tr("Skip"))
        self.skip_button.setObjectName("skipButton")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(self.skip)
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_step)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 24)
        layout.addWidget(scrolling(self.pages), 1)  # large text: a step scrolls rather than lose lines
        layout.addLayout(buttons)
        scanner.scanned.connect(self._scanned)
        self._listening = True
        self._go(0)

    # -- pages --------------------------------------------------------------------------------------

    def _page(self, title: str, text: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_text(title, "wizardTitle"))
        layout.addWidget(_text(text))
        layout.addSpacing(14)
        return page, layout

    def _desk_page(self, default: str) -> QWidget:
        page, layout = self._page(
            self.tr("Welcome to Check-in Desk"),
            self.tr(
                "Four quick questions to set up this laptop. Skip any of them — everything can be "
                "changed later in Settings (F10).\n\nFirst: what should this desk be called? It appears on "
                "every check-in it records, so you can tell desks apart."
            ),
        )
        self.desk_name = QLineEdit(self.settings.get("desk_name") or default)
        self.desk_name.setObjectName("wizardDeskName")
        self.desk_name.setAccessibleName(self.tr("Desk name"))
        self.desk_name.setMaximumWidth(420)
        layout.addWidget(_text(self.tr("Desk name")))
        layout.addWidget(self.desk_name)
        layout.addStretch(1)
        return page

    def _pin_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("An organiser PIN"),
            self.tr(
                "The PIN protects importing, editing, exporting, settings and leaving kiosk mode. Scanning, "
                "searching and walk-ins never need it. Use at least 6 characters — or skip, and set it later."
            ),
        )
        self.pin = QLineEdit()
        self.pin_again = QLineEdit()
        self.pin.setAccessibleName(self.tr("PIN"))
        self.pin_again.setAccessibleName(self.tr("The same PIN again"))
        for field, name in ((self.pin, "wizardPin"), (self.pin_again, "wizardPinAgain")):
            field.setObjectName(name)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaximumWidth(320)
        self.pin_problem = _text("", "wizardProblem")
        layout.addWidget(_text(self.tr("PIN")))
        layout.addWidget(self.pin)
        layout.addWidget(_text(self.tr("The same PIN again")))
        layout.addWidget(self.pin_again)
        layout.addWidget(self.pin_problem)
        layout.addStretch(1)
        return page

    def _scanner_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Test the scanner"),
            self.tr("Plug in the USB scanner and scan any badge now — any QR code or barcode will do."),
        )
        self.scan_target = QLineEdit()
        self.scan_target.setObjectName("wizardScanTarget")
        self.scan_target.setPlaceholderText(self.tr("Waiting for a scan…"))
        self.scan_target.setAccessibleName(self.tr("Scanner test"))
        self.scan_target.setAccessibleDescription(
            self.tr("Scan any badge: what the scanner typed shows below")
        )
        self.scan_target.returnPressed.connect(self._typed)
        self.scan_result = _text(self.tr("No scan yet."), "wizardResult")
        self.scan_result.setTextFormat(Qt.TextFormat.PlainText)  # a scan is shown as read, never as markup
        self.scan_result.setStyleSheet(self.colours.sheet("color: $display_ink_soft;"))
        layout.addWidget(self.scan_target)
        layout.addSpacing(8)
        layout.addWidget(self.scan_result)
        layout.addStretch(1)
        return page

    def _camera_page(self) -> QWidget:
        page, layout = self._page(
            self.tr("Camera"),
            self.tr(
                "Without a USB scanner, the laptop's camera can read badges. Choose which camera to use."
            ),
        )
        self.camera = QComboBox()
        self.camera.setMinimumWidth(420)
        self.camera.setAccessibleName(self.tr("Camera"))
        fill_camera_choice(self.camera, self.settings.get("camera_id"))
        label = _text(self.tr("Camera"))
        label.setBuddy(self.camera)  # on Linux a screen reader names a combo box by its label
        layout.addWidget(label)
        layout.addWidget(self.camera, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    # -- moving on ----------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.step.setText(self.tr("STEP {0} OF {1}").format(index + 1, STEPS))
        last = index == STEPS - 1
        self.next_button.setText(self.tr("Finish") if last else self.tr("Next →"))
        self.skip_button.setText(self.tr("Skip and finish") if last else self.tr("Skip"))
        focus = {0: self.desk_name, 1: self.pin, 2: self.scan_target, 3: self.camera}[index]
        focus.setFocus()

    def skip(self) -> None:
        self._advance()

    def next_step(self) -> None:
        index = self.pages.currentIndex()
        if index == 0:
            self.settings.set("desk_name", self.desk_name.text().strip() or computer_name())
        elif index == 1 and (self.pin.text() or self.pin_again.text()):
            problem = pin_problem(self.pin.text())
            if problem is None and self.pin.text() != self.pin_again.text():
                problem = self.tr("The two PINs are different: type the same PIN twice.")
            if problem is not None:
                self.pin_problem.setText(problem)
                return
            set_pin(self.settings, self.pin.text())
        elif index == 3:
            self.settings.set("camera_id", self.camera.currentData() or "")
        self._advance()

    def _advance(self) -> None:
        index = self.pages.currentIndex()
        if index + 1 >= STEPS:
            self.accept()
        else:
            self._go(index + 1)

    def _scanned(self, text: str) -> None:
        if self.pages.currentIndex() != 2:
            return
        self.scan_target.clear()
        shown = text if len(text) <= SHOWN_SCAN else text[: SHOWN_SCAN - 1] + "…"
        said = self.tr("✔ Scanner works. It read: {0}\nIs that what the badge says?").format(shown)
        layout = suspected_layout(text)
        if layout:
            name, signs = LAYOUT_MISMATCHES[layout]
            said += "\n" + self.tr(
                "This computer seems to have {0} and the scanner a US one: {1}. Set the scanner to this "
                "computer's layout (its manual has a code to scan for it), then test again."
            ).format(self.tr(name), self.tr(signs))
        self.scan_result.setStyleSheet(self.colours.sheet("color: $warning;") if layout else "")
        self.scan_result.setText(said)

    def _typed(self) -> None:
        """Enter in the field: the keys came too slowly to be a scanner (or too few of them)."""
        text = self.scan_target.text()
        self.scan_target.clear()
        if not text:
            return
        self.scan_result.setStyleSheet(self.colours.sheet("color: $warning;"))
        self.scan_result.setText(
            self.tr(
                "That came in as typing, not a scan: {0} characters, with more than {1} ms between keys "
                "(or fewer than {2} characters). If that was the scanner, raise 'Longest pause between keys' "
                "in Settings (F10)."
            ).format(len(text), round(self.scanner.max_gap * 1000), self.scanner.min_length)
        )

    def done(self, result: int) -> None:
        self.settings.set("wizard_done", True)  # finished, skipped or closed: don't ask again
        if self._listening:
            self._listening = False
            self.scanner.scanned.disconnect(self._scanned)
        super().done(result)


def run_wizard(settings: Settings, default_desk: str = "") -> None:
    """Show the wizard modally, with a scanner filter of its own for the scanner test."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    scanner = ScannerFilter()
    configure_scanner(scanner, settings)
    app.installEventFilter(scanner)
    try:
        WizardDialog(settings, scanner, default_desk).exec()
    finally:
        app.removeEventFilter(scanner)
        scanner.deleteLater()
