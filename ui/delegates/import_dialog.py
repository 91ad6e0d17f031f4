"""Import a delegate list from the app: pick a file, see what a dry run would do and how its columns were
read (and change what a column means), then apply. Both runs go through the background op helper."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin.domain.person import DELEGATE_FIELDS
from checkin.importing.applying import ImportReport
from checkin.importing.reading import MAPPING_FIELDS
from checkin.store.database import address_of
from ui.base.context import DeskContext
from ui.base.failure import failure_text, is_users
from ui.base.fit import fit_placeholder
from ui.base.operations import Cancelled, Operation, run_in_process
from ui.base.processes import WorkerStopped
from ui.base.theme import BUTTON_STYLE, palette_in_use
from ui.delegates.import_work import import_list

FILE_TYPES = "Delegate lists (*.csv *.xlsx *.txt *.tsv);;All files (*)"

_NAMES = ("first_name", "last_name")
#: What each choice in a column's combo box means, in the order listed.
MAPPING_TITLES = {
    **{name: DELEGATE_FIELDS[name] for name in _NAMES},
    "full_name": "Full name (split into first and last)",
    **{name: title for name, title in DELEGATE_FIELDS.items() if name not in _NAMES},
    "external_code": "Ticket or booking code (scannable)",
    "status": "Booking status",
    "answer": "Kept with the booking (not a field)",
    "ignored": "Not imported",
}
assert set(MAPPING_TITLES) == set(MAPPING_FIELDS)

#: The counts of the summary: (report attribute, title).
SUMMARY = (
    ("rows", "Rows read"),
    ("added", "New delegates"),
    ("updated", "Updated"),
    ("unchanged", "Unchanged"),
    ("cancelled", "Cancelled"),
)
#: (wash, ink) colour roles of the messages over the summary.
MESSAGE_LOOKS = {
    "info": ("info_wash", "info_ink"),
    "done": ("admitted_wash", "admitted_ink"),
    "error": ("refused_wash", "refused"),
}
RECHECK_DELAY_MS = 250
#: Columns of the mapping table made in one turn of the event loop (a combo box takes 3-5 ms to take the
#: style sheet, the table its cell widget as much again).
MAPPING_ROWS_A_TURN = 2


def typed_path(text: str) -> Path | None:
    """The file a person typed or pasted: without the quotes Windows' "Copy as path" puts around it, a
    file:// address as a file manager copies it, or a leading ~; None for an empty field."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    return Path(text).expanduser() if text else None


def session_to_import_into(parent: QWidget, context: DeskContext) -> str | None:
    """The session a list goes into: the one open, unless it is a demonstration session, where the
    organiser is asked first and offered a new session instead. None when they cancel."""
    code = context.session_code
    if code is None:
        return None
    with context.database.session() as db:
        session = context.session(db)
        demo = session is not None and session.demo
    if not demo:
        return code
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("A demonstration session"))
    box.setText(
        parent.tr(
            "{0} is a demonstration session of invented people. Put your real delegates in a session of "
            "their own?"
        ).format(code)
    )
    new = box.addButton(parent.tr("Create a new session…"), QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton(parent.tr("Import into the demo anyway"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(new)
    box.exec()
    if box.clickedButton() is anyway:
        return code
    if box.clickedButton() is not new:
        return None
    from ui.sessions.dialogs import SessionEditor

    editor = SessionEditor(context, None, parent)
    if not editor.exec() or editor.result_details is None:
        return None
    created = editor.result_details.code
    context.sessions_changed.emit(created)  # the picker shows it, and the window opens it
    context.set_session(created)
    return created


class ImportDialog(QDialog):
    #: A dry run finished and its summary is shown (the ImportReport).
    checked = Signal(object)
    #: The import was applied and committed (the ImportReport).
    applied = Signal(object)
    #: A run failed or was cancelled; the message shown.
    failed = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.colours = palette_in_use()
        self.session_code = context.session_code
        self.path: Path | None = None
        #: The mapping the program recognised in the file (before any choice of the user's).
        self.detected: dict[str, str] = {}
        self.report: ImportReport | None = None
        self.operation: Operation | None = None
        self._running: str | None = None  # "check" or "apply" while an op runs
        self._again = False  # the mapping changed while a dry run ran: check again when it ends
        self._close_when_done = False

        self.setWindowTitle(self.tr("Import a delegate list"))
        self.setMinimumSize(860, 600)
        with context.database.session() as db:
            session = context.session(db)
            where = f"{session.code} — {session.title}" if session is not None else self.tr("no session")
        intro = QLabel(
            self.tr(
                "Delegates from the list are added to <b>{0}</b>; people already booked are updated."
            ).format(where)
        )
        intro.setWordWrap(True)

        self.file_field = QLineEdit()
        self.file_field.setObjectName("importFile")
        fit_placeholder(
            self.file_field,
            self.tr("A CSV or Excel file exported from the booking platform: choose it, or paste its path"),
            self.tr("A CSV or Excel file: choose it, or paste its path"),
            self.tr("A CSV or Excel file"),
        )
        self.file_field.setMinimumHeight(34)
        self.file_field.setAccessibleName(self.tr("File to import"))
        self.file_field.editingFinished.connect(self._path_typed)
        self.choose_button = QPushButton(self.tr("Choose file… (Ctrl+O)"))
        self.choose_button.setMinimumHeight(34)
        self.choose_button.setAutoDefault(False)  # Enter in the path field reads the file, opens no dialog
        self.choose_button.clicked.connect(self.choose_file)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_field, 1)
        file_row.addWidget(self.choose_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.busy = QWidget()
        self.busy.setLayout(busy)
        self.busy.hide()

        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        # The summary: one large number per count.
        self.summary = QFrame()
        self.summary.setObjectName("importSummary")
        self.summary.setStyleSheet(
            self.colours.sheet(
                "QFrame#importSummary { background: $surface; border: 1px solid $frame; border-radius: 8px; }"
                "QLabel { border: none; background: transparent; }"
            )
        )
        grid = QGridLayout(self.summary)
        self.format_label = QLabel()
        self.format_label.setObjectName("importFormat")
        grid.addWidget(self.format_label, 0, 0, 1, len(SUMMARY))
        self.numbers: dict[str, QLabel] = {}
        for column, (name, title) in enumerate(SUMMARY):
            number = QLabel("–")
            number.setObjectName(f"count_{name}")
            font = number.font()
            font.setPointSize(20)
            font.setBold(True)
            number.setFont(font)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(self.tr(title))
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setObjectName("hint")
            grid.addWidget(number, 1, column)
            grid.addWidget(caption, 2, column)
            self.numbers[name] = number
        self.summary.hide()

        self.notes = QListWidget()
        self.notes.setObjectName("importNotes")
        self.notes.setAccessibleName(self.tr("Notes on the import"))
        self.notes.setWordWrap(True)
        self.notes.setMaximumHeight(110)
        self.notes.hide()

        mapping_title = QLabel(
            self.tr(
                "<b>Columns</b> — change what a column holds if it was not recognised. "
                "<span style='color:{0}'>?</span> not recognised (kept with the booking) · ✎ your choice"
            ).format(self.colours.warning_ink)
        )
        mapping_title.setWordWrap(True)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setObjectName("mappingTable")
        self.mapping.setAccessibleName(self.tr("Columns of the file"))
        self.mapping.setHorizontalHeaderLabels([self.tr("Column in the file"), self.tr("Imported as")])
        self.mapping.verticalHeader().hide()
        self.mapping.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.mapping.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.mapping.horizontalHeader().resizeSection(1, 330)
        self.mapping.verticalHeader().setDefaultSectionSize(36)
        self.mapping_box = QWidget()
        mapping_layout = QVBoxLayout(self.mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_layout.addWidget(mapping_title)
        mapping_layout.addWidget(self.mapping, 1)
        self.mapping_box.hide()
        self.combos: dict[str, QComboBox] = {}
        self._choice_model: QStandardItemModel | None = None
        self._rows_to_add: list[tuple[int, tuple[str, str]]] = []
        self._after_rows: Callable[[], None] | None = None

        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton(
            self.tr("Apply import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setObjectName("applyImport")
        self.apply_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (
            self.apply_button,
            self.close_button,
        ):  # Enter in the path field neither applies nor closes
            button.setAutoDefault(False)
            button.setDefault(False)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)

        if not self.colours.high_contrast:
            self.setStyleSheet(BUTTON_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.mapping_box, 1)
        layout.addStretch(0)
        layout.addWidget(self.buttons)

        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.check)

    # -- choosing the file and the mapping --------------------------------------------------------

    def choose_file(self) -> None:
        if self._running:
            return
        folder = (
            str(self.path.parent)
            if self.path
            else QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        )
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a delegate list"), folder, self.tr(FILE_TYPES)
        )
        if path:
            self.open_file(Path(path))

    def _path_typed(self) -> None:
        """A path typed or pasted into the field (Enter, or leaving it): read that file."""
        typed = typed_path(self.file_field.text())
        if self._running or typed is None or typed == self.path:
            return
        if not typed.is_file():
            self._say(
                self.tr("There is no file at {0}. Check the path, or choose the file (Ctrl+O).").format(
                    typed
                ),
                "error",
            )
            return
        self.open_file(typed)

    def open_file(self, path: Path) -> None:
        """Read a new file: what it would do with the columns as recognised."""
        self.path = Path(path)
        self.file_field.setText(str(self.path))
        self.detected = {}
        self.combos = {}
        self.mapping.setRowCount(0)
        self._rows_to_add, self._after_rows = [], None  # a list still being filled in stops here
        self.mapping_box.hide()
        self.summary.hide()
        self.notes.hide()
        self.check()

    def mapping_overrides(self) -> dict[str, str]:
        """The columns whose meaning the user changed: {heading: field}."""
        return {
            heading: combo.currentData()
            for heading, combo in self.combos.items()
            if combo.currentData() != self.detected.get(heading)
        }

    def set_column(self, heading: str, field: str) -> None:
        """Choose what a column holds (as the combo box does)."""
        combo = self.combos[heading]
        combo.setCurrentIndex(combo.findData(field))

    def _choices(self) -> QStandardItemModel:
        """What a column can be imported as: one list every column's combo box shows (filling a combo box
        each took the window 2 ms a column)."""
        if self._choice_model is None:
            self._choice_model = QStandardItemModel(self)
            for name, title in MAPPING_TITLES.items():
                item = QStandardItem(self.tr(title))
                item.setData(name, Qt.ItemDataRole.UserRole)
                self._choice_model.appendRow(item)
        return self._choice_model

    def _show_mapping(self, mapping: dict[str, str], then: Callable[[], None]) -> None:
        """List the columns, a few a turn of the event loop (each combo box takes the dialog's style sheet,
        a few milliseconds a column); `then` once all are in."""
        self.mapping.setRowCount(len(mapping))
        self._rows_to_add = list(enumerate(mapping.items()))
        self._after_rows = then
        self.mapping_box.show()
        QTimer.singleShot(0, self._add_mapping_rows)  # the summary shows first, in a turn of its own

    def _add_mapping_rows(self) -> None:
        chunk, self._rows_to_add = (
            self._rows_to_add[:MAPPING_ROWS_A_TURN],
            self._rows_to_add[MAPPING_ROWS_A_TURN:],
        )
        for row, (heading, field) in chunk:
            item = QTableWidgetItem(heading)
            self.mapping.setItem(row, 0, item)
            combo = QComboBox()
            combo.setAccessibleName(self.tr("Imported as, for {0}").format(heading))
            combo.setModel(self._choices())
            combo.setCurrentIndex(combo.findData(field))
            combo.currentIndexChanged.connect(lambda _i, h=heading: self._column_changed(h))
            self.mapping.setCellWidget(row, 1, combo)
            self.combos[heading] = combo
            self._mark(row, heading)
        if self._rows_to_add:
            QTimer.singleShot(0, self._add_mapping_rows)
            return
        then, self._after_rows = self._after_rows, None
        if then is not None:
            then()

    def _mark(self, row: int, heading: str) -> None:
        item = self.mapping.item(row, 0)
        field = self.combos[heading].currentData()
        if field != self.detected.get(heading):
            item.setBackground(QColor(self.colours.accent_wash))
            item.setText(f"{heading}   ✎")
            item.setToolTip(self.tr("You chose what this column holds."))
        elif field == "answer":
            item.setBackground(QColor(self.colours.warning_wash))
            item.setText(f"{heading}   ?")
            item.setToolTip(
                self.tr(
                    "Not recognised: kept with each booking as an answer. Choose a field if it holds one."
                )
            )
        else:
            item.setBackground(QColor(self.colours.surface))
            item.setText(heading)
            item.setToolTip("")

    def _column_changed(self, heading: str) -> None:
        self._mark(list(self.combos).index(heading), heading)
        self.apply_button.setEnabled(False)
        if self._running == "check":
            self._again = True
        else:
            self._recheck.start()

    # -- running ----------------------------------------------------------------------------------

    def check(self) -> None:
        """A dry run with the current mapping: nothing is written."""
        self._start(dry_run=True)

    def apply(self) -> None:
        """The real import, with the mapping the summary was shown for; committed when it succeeds."""
        if self.report is None or self._running:
            return
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        self._recheck.stop()
        if self.path is None or self.session_code is None or self._running:
            return
        path, code, desk = self.path, self.session_code, self.context.desk
        overrides = self.mapping_overrides() or None
        address = address_of(self.context.database)  # the worker process opens the database itself
        self._running = "check" if dry_run else "apply"
        self._again = False
        self.message.hide()
        self.apply_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_label.setText(
            self.tr("Reading the list…") if dry_run else self.tr("Importing into the session…")
        )
        self.busy.show()
        # Parsing and applying thousands of rows is Python's work: in a worker process, so that the window
        # keeps the interpreter lock (on a thread here it waited for it 80-260 ms at a time).
        self.operation = run_in_process(
            self,
            import_list,
            address,
            path,
            code,
            desk,
            overrides,
            dry_run,
            on_success=self._succeeded,
            on_failure=self._failed,
        )

    def cancel(self) -> None:
        if self.operation is not None and self._running:
            self.operation.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("Cancelling…"))

    def _finished(self) -> str | None:
        running, self._running, self.operation = self._running, None, None
        self.busy.hide()
        self.choose_button.setEnabled(True)
        if self._close_when_done:
            super().reject()
        return running

    def _succeeded(self, report: ImportReport) -> None:
        running = self._finished()
        if self._close_when_done:
            return
        if running == "check" and self._again:
            self.check()
            return
        self.report = report
        self._show_report(report)
        if running == "check":
            self.apply_button.setEnabled(True)
            self.apply_button.setDefault(True)
            self._say(
                self.tr("Dry run: nothing has been written yet. Check the numbers and columns, then Apply."),
                "info",
            )
            if self.detected:
                self.checked.emit(report)
            else:  # a new file: its columns are listed first
                self.detected = dict(report.column_mapping)
                self._show_mapping(report.column_mapping, then=lambda: self.checked.emit(report))
        else:
            self.apply_button.setEnabled(False)
            self.mapping_box.setEnabled(False)
            self.close_button.setDefault(True)
            self._say(self.tr("Imported. The delegate list of the session is up to date."), "done")
            self.context.roster_changed.emit()
            self.applied.emit(report)

    def _failed(self, error: Exception) -> None:
        running = self._finished()
        if self._close_when_done:
            return
        if isinstance(error, Cancelled):
            text = self.tr("Cancelled. Nothing was imported.")
            self.apply_button.setEnabled(running == "apply" and self.report is not None)
        elif isinstance(error, WorkerStopped):  # not the file's fault: nothing was written, Apply again
            text = str(error)
            self.apply_button.setEnabled(running == "apply" and self.report is not None)
        else:
            text = failure_text(
                error,
                doing="import from the app",
                fault=self.tr(
                    "The import stopped because of a fault in the program; nothing was imported. ({0})"
                ).format(error),
            )
            if is_users(error):
                text = self.tr(
                    "{0}\nNothing was imported. Choose another file, or correct this one and choose it again."
                ).format(text)
                self.summary.hide()
                self.notes.hide()
            self.report = None
        self._say(text, "error")
        self.failed.emit(text)

    # -- showing ----------------------------------------------------------------------------------

    def _say(self, text: str, kind: str) -> None:
        wash, ink = MESSAGE_LOOKS[kind]
        self.message.setStyleSheet(
            self.colours.sheet(
                f"QLabel#importMessage {{ background: ${wash}; color: ${ink}; border: 1px solid ${ink};"
                " border-radius: 6px; padding: 8px; font-weight: bold; }"
            )
        )
        self.message.setText(text)
        self.message.show()

    def _show_report(self, report: ImportReport) -> None:
        platform = {
            "eventbrite": "Eventbrite attendee report",
            "tito": "Tito export",
            "pretix": "pretix export",
            "meetup": "Meetup member list",
            "microsoft-forms": "Microsoft Forms responses",
            "google-forms": "Google Forms responses",
            "spreadsheet": "Spreadsheet",
        }.get(report.format, report.format)
        self.format_label.setText(self.tr("Recognised as: <b>{0}</b>").format(self.tr(platform)))
        for name, _title in SUMMARY:
            self.numbers[name].setText(f"{getattr(report, name):,}")
        self.summary.show()
        self.notes.clear()
        for text in report.errors:
            self.notes.addItem(QListWidgetItem("✖ " + text))
        for text in report.warnings:
            self.notes.addItem(QListWidgetItem("⚠ " + text))
        self.notes.setVisible(bool(report.errors or report.warnings))

    def reject(self) -> None:
        if self._running:
            # Wait for the work to stop: its results come back to this dialog.
            self._close_when_done = True
            self.cancel()
            return
        super().reject()
