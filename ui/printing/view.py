"""Print (F8): badges, the pocket guide, the register, the sign-in sheet and certificates, previewed, then
printed at exact scale or saved as a PDF. Also the walk-in's badge in two clicks from the desk."""

import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMargins, QPointF, QRectF, QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QShortcut,
    QShowEvent,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.roster import RosterEntry, session_roster
from checkin.domain.text import fold
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.printing.imposition import IMPOSITIONS
from checkin.printing.stocks import Stock, load_stocks
from checkin.store.database import address_of
from ui.base.context import DeskContext
from ui.base.failure import is_users, show_failure
from ui.base.fit import FlowLayout
from ui.base.operations import Cancelled, Operation, run_in_process, run_op
from ui.base.pin import require_organiser
from ui.base.theme import choice_buttons, focus_rule, palette_in_use
from ui.printing.documents import (
    ALL,
    BADGES,
    CHOSEN,
    GUIDE,
    KINDS,
    PERSONAL,
    UNPRINTED,
    BadgeChoice,
    DocumentChoice,
    PrintJob,
    log_printed_badges,
    make_badges_in_process,
    make_document_in_process,
    plural,
    used_labels,
)
from ui.printing.printer import offset_for, pages_chosen, prepare_printer, print_document

log = logging.getLogger(__name__)

STYLE = (
    choice_buttons("QPushButton#kindButton")
    + """
QLabel#viewTitle { font-size: 14pt; font-weight: bold; color: $ink; }
QLabel#printHint { color: $ink_muted; }
QLabel#printSummary { color: $ink; font-weight: bold; }
QPushButton#kindButton { padding: 5px 8px; }
QPushButton#primaryButton {
    background: $accent; color: $on_colour; font-weight: bold; border: 1px solid $accent_edge;
    padding: 7px 18px;
}
QPushButton#primaryButton:disabled { background: $disabled; border-color: $disabled; }
QFrame#printOptions { background: $surface; border: 1px solid $frame; border-radius: 8px; }
QPushButton#secondaryButton {
    background: $surface; color: $ink; border: 1px solid $border; padding: 5px 12px;
}
QPushButton#secondaryButton:hover { background: $hover; }
QPushButton#secondaryButton:disabled { color: $ink_disabled; border-color: $frame; }
QLabel#printSummary { font-size: 12pt; }
QLabel#previewEmpty { background: $quiet; color: $ink_muted; font-size: 13pt; border-radius: 8px; }
"""
)
#: The buttons the view styles itself: in high contrast they show the focus as the theme's do.
OWN_BUTTONS = ("QPushButton#kindButton", "QPushButton#primaryButton", "QPushButton#secondaryButton")


# ---- the sheet diagram --------------------------------------------------------------------------------


class SheetDiagram(QWidget):
    """A small drawing of the stock's sheet: used labels crossed out, the first to print in the accent.
    Clicking a label starts there."""

    start_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colours = palette_in_use()
        self.stock: Stock | None = None
        self.start_at = 1
        self.setFixedSize(QSize(92, 124))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click the first free label on the sheet"))

    def set_stock(self, stock: Stock | None) -> None:
        self.stock = stock
        self.update()

    def set_start(self, start_at: int) -> None:
        self.start_at = start_at
        self.update()

    def _scale(self) -> tuple[float, float, float]:
        assert self.stock is not None
        scale = min((self.width() - 8) / self.stock.page_w, (self.height() - 8) / self.stock.page_h)
        x0 = (self.width() - self.stock.page_w * scale) / 2
        y0 = (self.height() - self.stock.page_h * scale) / 2
        return scale, x0, y0

    def label_rect(self, position: int) -> QRectF:
        assert self.stock is not None
        scale, x0, y0 = self._scale()
        r = self.stock.label_rect(position)
        return QRectF(x0 + r.x * scale, y0 + r.y * scale, r.w * scale, r.h * scale)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self.stock is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale, x0, y0 = self._scale()
        page = QRectF(x0, y0, self.stock.page_w * scale, self.stock.page_h * scale)
        colours = self.colours
        painter.fillRect(page.translated(2, 2), QColor(colours.paper_shadow))
        painter.fillRect(page, QColor(colours.paper))
        painter.setPen(QPen(QColor(colours.paper_line), 1))
        painter.drawRect(page)
        font = QFont(self.font())
        font.setPointSizeF(7.5)
        font.setBold(True)
        painter.setFont(font)
        radius = self.stock.corner_radius * scale
        for position in range(self.stock.labels_per_page):
            rect = self.label_rect(position).adjusted(0.5, 0.5, -0.5, -0.5)
            number = position + 1
            if number < self.start_at:
                painter.setPen(QPen(QColor(colours.paper_line), 1))
                painter.setBrush(QColor(colours.label_used))
                painter.drawRoundedRect(rect, radius, radius)
                painter.drawLine(rect.topLeft() + QPointF(3, 3), rect.bottomRight() - QPointF(3, 3))
                painter.drawLine(rect.topRight() + QPointF(-3, 3), rect.bottomLeft() + QPointF(3, -3))
            elif number == self.start_at:
                painter.setPen(QPen(QColor(colours.accent_edge), 1.5))
                painter.setBrush(QColor(colours.accent))
                painter.drawRoundedRect(rect, radius, radius)
                painter.setPen(QColor(colours.on_colour))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(number))
            else:
                painter.setPen(QPen(QColor(colours.label_free_line), 1))
                painter.setBrush(QColor(colours.label_free))
                painter.drawRoundedRect(rect, radius, radius)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.stock is None or self.stock.labels_per_page == 1:
            return
        for position in range(self.stock.labels_per_page):
            if self.label_rect(position).contains(event.position()):
                self.start_chosen.emit(position + 1)
                return


# ---- choosing delegates ---------------------------------------------------------------------------------


class ChooseDelegatesDialog(QDialog):
    """Tick the people to print badges for; a filter narrows the list by name or organisation."""

    def __init__(
        self, entries: Sequence[RosterEntry], chosen: set[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose delegates"))
        self.resize(520, 560)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by name or organisation"))
        self.filter.setAccessibleName(self.tr("Filter the list"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Delegates to print badges for"))
        for entry in entries:
            name = f"{entry.last_name}, {entry.first_name}".strip(", ")
            item = QListWidgetItem(f"{name}  —  {entry.organisation}" if entry.organisation else name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if entry.registration_id in chosen else Qt.CheckState.Unchecked
            )
            item.setData(Qt.ItemDataRole.UserRole, entry.registration_id)
            item.setData(
                Qt.ItemDataRole.UserRole + 1,
                fold(f"{entry.first_name} {entry.last_name} {entry.organisation}"),
            )
            self.list.addItem(item)
        self.list.itemActivated.connect(
            lambda item: item.setCheckState(
                Qt.CheckState.Unchecked
                if item.checkState() == Qt.CheckState.Checked
                else Qt.CheckState.Checked
            )
        )
        tick_shown = QPushButton(self.tr("Tick all shown"))
        tick_shown.clicked.connect(lambda: self._tick_shown(Qt.CheckState.Checked))
        untick = QPushButton(self.tr("Untick all shown"))
        untick.clicked.connect(lambda: self._tick_shown(Qt.CheckState.Unchecked))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(tick_shown)
        row.addWidget(untick)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        for item in self._items():
            key = item.data(Qt.ItemDataRole.UserRole + 1)
            item.setHidden(not all(word in key for word in words))

    def _tick_shown(self, state: Qt.CheckState) -> None:
        for item in self._items():
            if not item.isHidden():
                item.setCheckState(state)

    def chosen(self) -> list[int]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]


# ---- the view -------------------------------------------------------------------------------------------


class PrintView(QWidget):
    """Choose what to print on the left; see it on the right; print it at exact scale or save it."""

    #: A document was made and is in the preview (the PrintJob).
    document_ready = Signal(object)
    #: A print job went to the printer (the number of pages).
    printed = Signal(int)
    #: The document was saved as a PDF (the file's path).
    saved = Signal(object)
    #: Saved badges the organiser counted as printed are logged (written in the background).
    badges_logged = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.colours = palette_in_use()
        self.setStyleSheet(self.colours.sheet(STYLE) + focus_rule(self.colours, *OWN_BUTTONS))
        self.job: PrintJob | None = None
        self.operation: Operation | None = None
        self.chosen_ids: set[int] = set()
        self._folder = tempfile.TemporaryDirectory(prefix="checkin-print-", ignore_cleanup_errors=True)
        self._shown_once = False
        self._token = 0  # which operation's result is still wanted (a cancelled one's is not)
        self._after_make: Callable[[PrintJob], None] | None = None
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        last = context.settings.get("last_printer")
        if last and last in QPrinterInfo.availablePrinterNames():
            self.printer.setPrinterName(last)
        save_folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.save_folder = Path(save_folder or Path.home())

        self.title = QLabel()
        self.title.setObjectName("viewTitle")

        # What to print.
        self.kind_group = QButtonGroup(self)
        kinds = QGridLayout()
        kinds.setSpacing(6)
        self.kind_buttons: dict[str, QPushButton] = {}
        for index, (kind, title) in enumerate(KINDS):
            button = QPushButton(self.tr(title))
            button.setObjectName("kindButton")
            button.setCheckable(True)
            button.setMinimumHeight(30)
            bold = QFont(button.font())
            bold.setBold(True)  # the chosen type is in bold: its name must still fit
            button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(button.text()) + 20)
            self.kind_group.addButton(button, index)
            self.kind_buttons[kind] = button
            kinds.addWidget(button, index // 2, index % 2)
        self.kind_buttons[BADGES].setChecked(True)
        self.kind_group.idToggled.connect(self._kind_toggled)
        self.kind_group.idToggled.connect(self._options_changed)

        self.options = QStackedWidget()
        self.options.addWidget(self._badge_options())
        self.options.addWidget(self._guide_options())
        for text in (
            "Every booking, sorted by surname, with arrival times, a tick for each part of the day the "
            "trainers marked, and room to sign. A4 portrait.",
            "The paper fallback for doors: active bookings by surname with boxes to sign and the time, "
            "then blank rows for walk-ins. Print it before doors open.",
            "A4 landscape certificates for everyone marked present in every required part of the day. "
            "Take the roll-call (F7) first.",
        ):
            note = QLabel(self.tr(text))
            note.setWordWrap(True)
            note.setAlignment(Qt.AlignmentFlag.AlignTop)
            holder = QWidget()
            QVBoxLayout(holder).addWidget(note)
            self.options.addWidget(holder)
        frame = QFrame()
        frame.setObjectName("printOptions")
        QVBoxLayout(frame).addWidget(self.options)

        self.make_button = QPushButton(self.tr("Make preview (Ctrl+Enter)"))
        self.make_button.setObjectName("primaryButton")
        self.make_button.setMinimumHeight(40)
        self.make_button.clicked.connect(lambda: self.make_preview())
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.busy_row = QWidget()
        self.busy_row.setLayout(busy)
        busy.setContentsMargins(0, 0, 0, 0)
        self.busy_row.hide()
        self.message = QLabel()
        self.message.setObjectName("printHint")
        self.message.setWordWrap(True)
        self.message.hide()
        # Saved badges are not counted as printed (they may never be); a print shop's run is counted here.
        self.count_saved_button = QPushButton(self.tr("Count the saved badges as printed"))
        self.count_saved_button.clicked.connect(self.count_saved_badges)
        self.count_saved_button.hide()
        self._saved_badges: PrintJob | None = None

        self.calibrate_button = QPushButton(self.tr("Calibrate printer…"))
        self.calibrate_button.clicked.connect(self.open_calibration)
        self.printer_note = QLabel()
        self.printer_note.setObjectName("printHint")
        self.printer_note.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addLayout(kinds)
        left.addWidget(frame)
        left.addWidget(self.make_button)
        left.addStretch(1)
        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_note, 1)
        printer_row.addWidget(self.calibrate_button)
        left.addLayout(printer_row)
        left_panel = QWidget()
        left_panel.setLayout(left)
        left.setContentsMargins(0, 0, 6, 0)

        # The preview.
        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        backdrop = self.pdf_view.palette()
        # QPdfView paints around pages in Dark.
        backdrop.setColor(QPalette.ColorRole.Dark, QColor(self.colours.preview_backdrop))
        self.pdf_view.setPalette(backdrop)
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.pdf_view.setPageSpacing(14)
        self.pdf_view.setDocumentMargins(QMargins(8, 8, 8, 8))
        # A scroll bar that comes and goes as a single page is fitted narrows the view, which refits the
        # page, and so on for ever (the calibration dialog froze so): the vertical one is always there.
        self.pdf_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.pdf_view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.empty = QLabel(
            self.tr("Choose what to print, then Make preview.\nThe preview shows it at its real size.")
        )
        self.empty.setObjectName("previewEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.empty)
        self.preview_stack.addWidget(self.pdf_view)

        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip(self.tr("Previous page (Page Up)"))
        self.previous_button.setAccessibleName(self.tr("Previous page"))
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip(self.tr("Next page (Page Down)"))
        self.next_button.setAccessibleName(self.tr("Next page"))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_label = QLabel()
        self.zoom_out = QPushButton("−")
        self.zoom_out.setToolTip(self.tr("Zoom out (Ctrl+−)"))
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.zoom_out.clicked.connect(lambda: self.zoom(1 / 1.25))
        self.zoom_in = QPushButton("+")
        self.zoom_in.setToolTip(self.tr("Zoom in (Ctrl++)"))
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self.zoom_in.clicked.connect(lambda: self.zoom(1.25))
        self.fit_width = QPushButton(self.tr("Fit width"))
        self.fit_width.clicked.connect(lambda: self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page = QPushButton(self.tr("Whole page"))
        self.fit_page.clicked.connect(lambda: self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView))
        for button in (self.previous_button, self.next_button, self.zoom_out, self.zoom_in):
            # Square at the normal size; wider when larger text makes the symbol wider than the padding.
            button.setFixedWidth(max(38, button.fontMetrics().horizontalAdvance(button.text()) + 30))
        self.summary = QLabel()
        self.summary.setObjectName("printSummary")
        self.summary.setWordWrap(True)
        toolbar = FlowLayout()  # onto two lines when larger text makes it wider than the preview
        toolbar.addWidget(self.previous_button)
        toolbar.addWidget(self.page_label)
        toolbar.addWidget(self.next_button)
        toolbar.addWidget(self.zoom_out)
        toolbar.addWidget(self.zoom_in)
        toolbar.addWidget(self.fit_width)
        toolbar.addWidget(self.fit_page)

        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.print_button = QPushButton(self.tr("Print… (Ctrl+P)"))
        self.print_button.setObjectName("primaryButton")
        self.print_button.setMinimumHeight(40)
        self.print_button.clicked.connect(self.print_job)
        for button in (
            self.previous_button,
            self.next_button,
            self.zoom_out,
            self.zoom_in,
            self.fit_width,
            self.fit_page,
            self.save_button,
            self.calibrate_button,
            self.cancel_button,
            self.choose_button,
            self.count_saved_button,
        ):
            button.setObjectName("secondaryButton")
            button.setMinimumHeight(34)
        self.save_button.setMinimumHeight(40)

        heading = QHBoxLayout()
        heading.addWidget(self.summary, 1)
        actions = FlowLayout()  # one above the other when larger text leaves no room side by side
        actions.addWidget(self.save_button)
        actions.addWidget(self.print_button)
        heading.addLayout(actions)
        # What is happening (making, printing, saved, a problem) sits over the preview, which gives way
        # to it: the options on the left then never get less room than they need (1280 × 720).
        status = QHBoxLayout()
        status.addWidget(self.message, 1)
        status.addWidget(self.count_saved_button)
        right = QVBoxLayout()
        right.addLayout(heading)
        right.addWidget(self.busy_row)
        right.addLayout(status)
        right.addWidget(self.preview_stack, 1)
        right.addLayout(toolbar)

        layout = QHBoxLayout(self)
        layout.addWidget(left_panel)
        layout.addLayout(right, 1)

        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.make_preview)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_job)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=lambda: self.save_pdf())
        QShortcut(QKeySequence("PgUp"), self, activated=lambda: self.go_to_page(self.current_page() - 1))
        QShortcut(QKeySequence("PgDown"), self, activated=lambda: self.go_to_page(self.current_page() + 1))
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self.zoom(1.25))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self.zoom(1 / 1.25))
        context.session_changed.connect(self._session_changed)
        self._load_stocks()
        # 380 pixels, or what larger text needs: the widest choice, option or button with its words whole,
        # and room in the stock picker for the longest stock's name.
        picker, metrics = self.stock_picker, self.stock_picker.fontMetrics()
        frame = picker.minimumSizeHint().width() - picker.minimumContentsLength() * metrics.horizontalAdvance(
            "x"
        )
        longest = max(
            (metrics.horizontalAdvance(stock.short_title) for stock in self.stocks.values()), default=0
        )
        extra = max(0, longest + frame - picker.minimumSizeHint().width())
        left_panel.setFixedWidth(max(380, left.minimumSize().width() + extra))
        self._session_changed(context.session_code or "")
        self._update_actions()

    # -- options ----------------------------------------------------------------------------------------

    def _badge_options(self) -> QWidget:
        self.stock_picker = QComboBox()
        self.stock_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.stock_picker.setMinimumContentsLength(20)
        self.stock_picker.currentIndexChanged.connect(self._stock_changed)
        self.stock_picker.currentIndexChanged.connect(self._options_changed)
        stock_label = QLabel(self.tr("Label &stock"))
        stock_label.setBuddy(self.stock_picker)
        self.stock_note = QLabel()
        self.stock_note.setObjectName("printHint")
        self.stock_note.setWordWrap(True)

        self.which_group = QButtonGroup(self)
        self.all_radio = QRadioButton(self.tr("Everyone booked, by surname"))
        self.unprinted_radio = QRadioButton(self.tr("Only those without a badge yet"))
        self.chosen_radio = QRadioButton(self.tr("Chosen delegates"))
        self.all_radio.setChecked(True)
        for radio in (self.all_radio, self.unprinted_radio, self.chosen_radio):
            self.which_group.addButton(radio)
        self.which_group.buttonToggled.connect(self._options_changed)
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.clicked.connect(self.choose_delegates)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen_radio)
        chosen_row.addWidget(self.choose_button)
        chosen_row.addStretch(1)

        self.sheet = SheetDiagram()
        self.sheet.start_chosen.connect(lambda number: self.start_spin.setValue(number))
        self.start_spin = QSpinBox()
        self.start_spin.setMinimum(1)
        self.start_spin.setFixedWidth(max(80, self.start_spin.sizeHint().width()))
        self.start_spin.valueChanged.connect(self.sheet.set_start)
        start_label = QLabel(self.tr("Start at &label"))
        start_label.setBuddy(self.start_spin)
        self.start_note = QLabel()
        self.start_note.setObjectName("printHint")
        self.start_note.setWordWrap(True)
        self.start_spin.valueChanged.connect(self._describe_start)
        self.start_spin.valueChanged.connect(self._options_changed)
        self.outlines = QCheckBox(self.tr("Label outlines (a test on plain paper)"))
        self.outlines.toggled.connect(self._options_changed)
        start_box = QVBoxLayout()
        start_box.addWidget(start_label)
        start_box.addWidget(self.start_spin)
        start_box.addWidget(self.start_note)
        start_box.addStretch(1)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet)
        sheet_row.addSpacing(6)
        sheet_row.addLayout(start_box, 1)

        layout = QVBoxLayout()
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        layout.addWidget(stock_label)
        layout.addWidget(self.stock_picker)
        layout.addWidget(self.stock_note)
        layout.addWidget(self.all_radio)
        layout.addWidget(self.unprinted_radio)
        layout.addLayout(chosen_row)
        layout.addLayout(sheet_row)
        layout.addWidget(self.outlines)
        page = QWidget()
        page.setLayout(layout)
        return page

    def _guide_options(self) -> QWidget:
        self.layout_picker = QComboBox()
        # Sized like the stock picker, not by its longest layout's name: the column stays 380 wide.
        self.layout_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.layout_picker.setMinimumContentsLength(20)
        for name, imposition in IMPOSITIONS.items():
            self.layout_picker.addItem(imposition.title, name)
        self.layout_picker.currentIndexChanged.connect(self._describe_layout)
        self.layout_picker.currentIndexChanged.connect(self._options_changed)
        label = QLabel(self.tr("&Layout"))
        label.setBuddy(self.layout_picker)
        self.layout_note = QLabel()
        self.layout_note.setWordWrap(True)
        self.layout_note.setObjectName("printHint")
        layout = QVBoxLayout()
        layout.addWidget(label)
        layout.addWidget(self.layout_picker)
        layout.addWidget(self.layout_note)
        layout.addStretch(1)
        page = QWidget()
        page.setLayout(layout)
        self._describe_layout()
        return page

    def _describe_layout(self) -> None:
        imposition = IMPOSITIONS[self.layout_picker.currentData()]
        if imposition.duplex:
            text = self.tr("A4 landscape, both sides: flip on the short edge. Fold on the marks.")
        else:
            text = self.tr("One side of A4 landscape: fold in half lengthwise, cut the centre slit, fold.")
        self.layout_note.setText(text)

    def _load_stocks(self) -> None:
        catalogue = load_stocks()
        self.stocks = catalogue.stocks
        self.stock_picker.blockSignals(True)
        self.stock_picker.clear()
        for stock in self.stocks.values():
            self.stock_picker.addItem(stock.short_title, stock.name)
            self.stock_picker.setItemData(
                self.stock_picker.count() - 1, stock.title, Qt.ItemDataRole.ToolTipRole
            )
        self.stock_picker.blockSignals(False)
        wanted = self.stock_picker.findData(self.context.settings.get("default_stock"))
        self.stock_picker.setCurrentIndex(max(wanted, 0))
        self._stock_changed()
        if catalogue.problems:
            self.stock_note.setText(catalogue.problems[0])

    def current_stock(self) -> Stock:
        return self.stocks[self.stock_picker.currentData()]

    def _stock_changed(self) -> None:
        if self.stock_picker.currentData() is None:
            return
        stock = self.current_stock()
        self.sheet.set_stock(stock)
        per_page = stock.labels_per_page
        self.start_spin.setMaximum(per_page)
        self.start_spin.setEnabled(per_page > 1)
        self.start_spin.setValue(self.next_free_label(stock.name))
        size = f"{stock.label_w:g} × {stock.label_h:g} mm"
        self.stock_note.setText(
            self.tr("{0} labels of {1} on {2}").format(per_page, size, stock.page)
            if per_page > 1
            else self.tr("One {0} label a page: a label printer").format(size)
        )
        self._describe_start()

    def _describe_start(self) -> None:
        start = self.start_spin.value()
        if not self.start_spin.isEnabled():
            self.start_note.setText(self.tr("Each badge is its own label."))
        elif start == 1:
            self.start_note.setText(self.tr("A new sheet. Click the sheet to start further on."))
        else:
            self.start_note.setText(
                self.tr("{0}: printing starts at {1}.").format(self.tr(used_labels(start)), start)
            )

    def next_free_label(self, stock_name: str) -> int:
        stock = self.stocks.get(stock_name)
        stored = self.context.settings.get("next_labels").get(stock_name, 1)
        if stock is None or not isinstance(stored, int) or not 1 <= stored <= stock.labels_per_page:
            return 1
        return stored

    def _sent(self, job: PrintJob) -> None:
        """The job was printed (its print thread logged the badges as printed): the sheet moves on. A saved
        PDF does neither: it may be printed later, elsewhere, on other paper, or never."""
        self._remember_next_label(job)
        if job.badges is not None:
            self.context.roster_changed.emit()  # the Badge column of the Delegates view

    def _logged(self) -> None:
        self.context.roster_changed.emit()
        self.badges_logged.emit()

    def _not_logged(self, error: Exception) -> None:
        show_failure(
            self,
            self.tr("Badges not counted as printed"),
            error,
            doing="logging printed badges",
            fault=self.tr("The badges could not be counted as printed (a fault in the program): {0}").format(
                error
            ),
            writes_files=True,
        )

    def count_saved_badges(self) -> None:
        """The organiser printed the saved badges elsewhere (a print shop): count them as printed now, in
        the background. The label sheet of this desk is not touched: they were not printed on it."""
        job, self._saved_badges = self._saved_badges, None
        self.count_saved_button.hide()
        if job is None or job.badges is None:
            return
        database, desk = self.context.database, self.context.desk
        run_op(
            self,
            lambda _progress: log_printed_badges(database, desk, job),
            on_success=lambda _logged: self._logged(),
            on_failure=self._not_logged,
        )
        self._say(self.tr("{0} counted as printed.").format(plural(job.badges.count, "badge")))

    def _remember_next_label(self, job: PrintJob) -> None:
        if job.badges is None or job.badges.next_label is None:
            return
        stock, next_label = job.badges.stock, job.badges.next_label
        labels = self.context.settings.get("next_labels")
        labels[stock] = next_label
        self.context.settings.set("next_labels", labels)
        if self.stock_picker.currentData() == stock:
            self.start_spin.setValue(next_label)

    def _kind_toggled(self, index: int, checked: bool) -> None:
        if checked:
            self.options.setCurrentIndex(index)

    def current_kind(self) -> str:
        return KINDS[max(self.kind_group.checkedId(), 0)][0]

    def set_kind(self, kind: str) -> None:
        self.kind_buttons[kind].setChecked(True)

    def badge_choice(self) -> BadgeChoice:
        which = (
            ALL if self.all_radio.isChecked() else UNPRINTED if self.unprinted_radio.isChecked() else CHOSEN
        )
        return BadgeChoice(
            stock=self.stock_picker.currentData(),
            which=which,
            registration_ids=tuple(sorted(self.chosen_ids)) if which == CHOSEN else (),
            start_at=self.start_spin.value(),
            outlines=self.outlines.isChecked(),
        )

    def _active_entries(self) -> list[RosterEntry]:
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return []
            return [
                e for e in session_roster(db, session) if e.status in ACTIVE_STATUSES and e.registration_id
            ]

    def choose_delegates(self) -> None:
        dialog = ChooseDelegatesDialog(self._active_entries(), self.chosen_ids, self)
        if dialog.exec():
            self.set_chosen(dialog.chosen())

    def set_chosen(self, registration_ids: Sequence[int]) -> None:
        self.chosen_ids = set(registration_ids)
        self.chosen_radio.setChecked(True)
        self.choose_button.setText(self.tr("Choose… ({0} chosen)").format(len(self.chosen_ids)))
        self._options_changed()

    def current_choice(self) -> DocumentChoice | None:
        """The document the options shown describe; None without a session."""
        code = self.context.session_code
        if not code:
            return None
        kind = self.current_kind()
        if kind == BADGES:
            return DocumentChoice(code, kind, badges=self.badge_choice())
        if kind == GUIDE:
            return DocumentChoice(code, kind, layout=self.layout_picker.currentData())
        return DocumentChoice(code, kind)

    def job_is_current(self) -> bool:
        """Whether the preview is the document the options shown describe."""
        return self.job is not None and self.job.choice == self.current_choice()

    def _options_changed(self, *_changed: object) -> None:
        # Whatever changed (document type, stock, people, label, layout), a preview of something else
        # must not stay on screen to be printed or saved by mistake.
        if self.job is not None and not self.job_is_current():
            self.show_job(None)

    def _session_changed(self, code: str) -> None:
        self.title.setText(self.tr("Print · {0}").format(code) if code else self.tr("Print"))
        self.chosen_ids = set()
        self.choose_button.setText(self.tr("Choose…"))
        if self.chosen_radio.isChecked():
            self.all_radio.setChecked(True)
        self.show_job(None)
        self._forget_saved_badges()

    def _forget_saved_badges(self) -> None:
        self._saved_badges = None
        self.count_saved_button.hide()

    # -- making the document ----------------------------------------------------------------------------

    def make_preview(self, then: Callable[[PrintJob], None] | None = None) -> Operation | None:
        """Make the chosen document in the background, then show it (and run `then` with it)."""
        wanted = self.current_choice()
        if wanted is None or self.operation is not None:
            return None
        code, kind, choice = wanted.session_code, wanted.kind, wanted.badges
        address = address_of(self.context.database)  # the worker process opens the database itself
        if choice is not None:
            if choice.which == CHOSEN and not choice.registration_ids:
                self._say(self.tr("Choose the delegates first (Choose…)."))
                return None
            return self._make(make_badges_in_process, (address, code, self.context.desk, choice), then)
        layout = wanted.layout or self.layout_picker.currentData()
        return self._make(make_document_in_process, (address, code, self.context.desk, kind, layout), then)

    def make_badge_for(
        self, registration_id: int, then: Callable[[PrintJob], None] | None = None
    ) -> Operation | None:
        """One person's badge on this desk's stock, at the sheet's next free label. The options shown
        become that badge's, so what is shown is what prints."""
        if not self.context.session_code or self.operation is not None:
            return None
        stock = self.context.settings.get("default_stock")
        if stock in self.stocks:
            self.stock_picker.setCurrentIndex(self.stock_picker.findData(stock))
        self.set_kind(BADGES)
        self.outlines.setChecked(False)
        self.set_chosen([registration_id])
        self.start_spin.setValue(self.next_free_label(self.stock_picker.currentData()))
        return self.make_preview(then)

    def _make(
        self,
        function: Callable[..., PrintJob | None],
        args: tuple[object, ...],
        then: Callable[[PrintJob], None] | None,
    ) -> Operation:
        """Make a document with `function(progress, *args, folder)` in a worker process (ReportLab's work
        would hold the window up through the interpreter lock on a thread of this one)."""
        self.show_job(None)
        self._forget_saved_badges()
        # Each document gets a folder of its own: the preview keeps its file open while the next is made.
        folder = Path(tempfile.mkdtemp(dir=self._folder.name))
        self._after_make = then
        self._set_busy(self.tr("Making the document…"))
        token = self._next_token()
        self.operation = run_in_process(
            self,
            function,
            *args,
            folder,
            on_success=lambda job: self._made(token, job),
            on_failure=lambda error: self._failed(token, error),
        )
        return self.operation

    def _next_token(self) -> int:
        self._token += 1
        return self._token

    def _made(self, token: int, job: PrintJob | None) -> None:
        if token != self._token:
            return  # cancelled: the result is not wanted
        self.operation = None
        self._set_idle()
        then, self._after_make = self._after_make, None
        if job is None:
            self._say(self.tr("No badges to print: everyone chosen already has one."))
            return
        if job.choice != self.current_choice():  # the options changed while it was being made
            self._say(self.tr("The options changed: make the preview again."))
            return
        self.show_job(job)
        self._say("")
        if then is not None:
            then(job)

    def _failed(self, token: int, error: Exception) -> None:
        if token != self._token or isinstance(error, Cancelled):
            return
        self.operation = None
        self._set_idle()
        if is_users(error, writes_files=True):
            self._say(str(error))
        show_failure(
            self,
            self.tr("Not printed"),
            error,
            doing="making or printing a document",
            fault=self.tr("Something went wrong (a fault in the program): {0}").format(error),
            writes_files=True,
        )

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.operation = None
        self._next_token()
        self._after_make = None
        self._set_idle()
        self._say(self.tr("Cancelled."))

    def _say(self, text: str) -> None:
        """The line over the preview: what happened or what to do; no empty gap when there is nothing."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_busy(self, text: str) -> None:
        self.progress.setRange(0, 0)
        self.busy_row.show()
        self._say(text)
        self._update_actions()

    def _set_idle(self) -> None:
        self.busy_row.hide()
        self._update_actions()

    def _progress(self, done: int, total: int) -> None:
        if self.operation is None:
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if total:
            self._say(self.tr("Printing page {0} of {1}…").format(min(done + 1, total), total))

    # -- the preview ----------------------------------------------------------------------------------

    def show_job(self, job: PrintJob | None) -> None:
        self.job = job
        self.document.close()
        if job is None:
            self.preview_stack.setCurrentWidget(self.empty)
            self.summary.setText("")
        else:
            self.document.load(str(job.path))
            self.preview_stack.setCurrentWidget(self.pdf_view)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
            self.summary.setText(job.summary)
            self.document_ready.emit(job)
        self._page_changed(0)
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # QPdfView renders nothing of a document loaded before it was first shown (a walk-in's badge
        # made from the desk): load it again.
        if self.job is not None and not self._shown_once:
            self.document.close()
            self.document.load(str(self.job.path))
            self._page_changed(0)
        self._shown_once = True

    def current_page(self) -> int:
        return self.pdf_view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.document.pageCount():
            self.pdf_view.pageNavigator().jump(page, QPointF(), self.pdf_view.zoomFactor())

    def zoom(self, factor: float) -> None:
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.pdf_view.setZoomFactor(max(0.1, min(8.0, self.pdf_view.zoomFactor() * factor)))

    def _page_changed(self, _page: int) -> None:
        count = self.document.pageCount() if self.job is not None else 0
        page = self.current_page() if count else -1
        self.page_label.setText(self.tr("Page {0} of {1}").format(page + 1, count) if count else "")
        self.previous_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(count > 0 and page < count - 1)

    def _update_actions(self) -> None:
        idle = self.operation is None
        ready = idle and bool(self.context.session_code)
        self.make_button.setEnabled(ready)
        # Without a preview of what is shown, Print and Save make it first.
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        for button in (self.zoom_in, self.zoom_out, self.fit_page, self.fit_width):
            button.setEnabled(self.job is not None)
        name = self.printer.printerName()
        if name:
            x, y = offset_for(self.context.settings, name)
            self.printer_note.setText(
                self.tr("{0} · offset {1:+.1f}, {2:+.1f} mm").format(name, x, y) if (x or y) else name
            )
        else:
            self.printer_note.setText(self.tr("Printed at actual size"))

    # -- printing and saving ----------------------------------------------------------------------------

    def choose_printer(self, printer: QPrinter, pages: int) -> bool:
        """The print dialog: printer, copies, pages. True when the person pressed Print."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print {0}").format(self.job.title if self.job else ""))
        dialog.setMinMax(1, pages)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, pages > 1)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_job(self) -> Operation | None:
        """Print the document the options describe: made first when the preview is not it, then the print
        dialog, then the pages at exact scale."""
        if self.operation is not None:
            return None
        if not self.job_is_current():
            return self.make_preview(then=lambda _job: self.print_job())
        job = self.job
        assert job is not None
        pages = self.document.pageCount()
        printer = self.printer
        printer.setDocName(job.title)
        printer.setPrintRange(QPrinter.PrintRange.AllPages)
        prepare_printer(printer, self.document.pagePointSize(0), job.duplex)
        if not self.choose_printer(printer, pages):
            return None
        if printer.outputFileName() and not self._may_export(job):
            # "Print to file" makes a file of delegates' names: an export.
            self._say(self.tr("Not printed to a file: the organiser PIN is needed."))
            return None
        if printer.printerName():
            self.context.settings.set("last_printer", printer.printerName())
        offset = offset_for(self.context.settings, printer.printerName())
        wanted = pages_chosen(printer, pages)
        path = job.path
        database, desk = self.context.database, self.context.desk

        def work(progress: Callable[[int, int], None]) -> int:
            printed = print_document(path, printer, offset, pages=wanted, progress=progress)
            log_printed_badges(database, desk, job)  # here too, off the GUI thread
            return printed

        self._set_busy(self.tr("Printing…"))
        token = self._next_token()
        self.operation = run_op(
            self,
            work,
            on_success=lambda count: self._printed(token, job, count),
            on_failure=lambda error: self._failed(token, error),
            on_progress=self._progress,
        )
        return self.operation

    def _printed(self, token: int, job: PrintJob, pages: int) -> None:
        if token != self._token:
            return
        self.operation = None
        self._set_idle()
        self._sent(job)
        if job.badges is not None and self.job is job:
            # Printed badges count as printed now: this preview ("only those without a badge", "start
            # at label 3") no longer says what printing it again would do.
            self.show_job(None)
        where = self.printer.printerName() or self.printer.outputFileName()
        self._say(self.tr("Sent {0} to {1}.").format(plural(pages, "page"), where))
        self.printed.emit(pages)

    def _may_export(self, job: PrintJob) -> bool:
        """A document with delegates' names leaves the program only with the organiser PIN."""
        what = PERSONAL.get(job.kind)
        if what is None:
            return True
        return require_organiser(
            self,
            self.context,
            self.tr("Enter the organiser PIN to save {0} as a file: it holds delegates' names.").format(
                self.tr(what)
            ),
        )

    def save_pdf(self, path: str | Path | None = None) -> Path | None:
        """Save the document the options describe as a PDF (made first when the preview is not it; then
        `saved` says where). Returns the file when it was saved at once. Saving counts no badge as printed
        and uses no labels: the file may be printed later, elsewhere, or never."""
        if self.operation is not None:
            return None
        if not self.job_is_current():
            self.make_preview(then=lambda _job: self.save_pdf(path))
            return None
        job = self.job
        assert job is not None
        if not self._may_export(job):
            self._say(self.tr("Not saved: the organiser PIN is needed."))
            return None
        if path is None:
            suggested = self.save_folder / job.file_name
            chosen, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Save as PDF"), str(suggested), self.tr("PDF files (*.pdf)")
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        try:
            shutil.copyfile(job.path, target)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr("The PDF could not be saved to {0} ({1}). Choose another folder.").format(
                    target, error.strerror or error
                ),
            )
            return None
        self.save_folder = target.parent
        if job.badges is not None:
            self._say(
                self.tr(
                    "Saved {0}. Not counted as printed: print from here, or count them once printed."
                ).format(target)
            )
            self._saved_badges = job
            self.count_saved_button.show()
        else:
            self._say(self.tr("Saved {0}.").format(target))
        self.saved.emit(target)
        return target

    # -- a walk-in's badge and calibration ---------------------------------------------------------------

    def print_walk_in_badge(self, registration_id: int) -> Operation | None:
        """Make this person's badge, show it, and open the print dialog (the second click)."""
        return self.make_badge_for(registration_id, then=lambda _job: self.print_job())

    def open_calibration(self) -> None:
        from ui.printing.calibration_dialog import CalibrationDialog

        dialog = CalibrationDialog(self.context, self.printer, self.stock_picker.currentData(), self)
        dialog.exec()
        self._update_actions()
