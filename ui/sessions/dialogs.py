"""The organiser's sessions in the app: the list of sessions (archived ones too), a form to create or edit
one, and duplicating one for the next venue. Each dialog either saves or says, in red, why not."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.sessions import (
    SessionDetails,
    SessionDraft,
    all_sessions,
    create_session,
    duplicate_session,
    edit_session,
    next_venue_start,
    session_details,
    set_archived,
    venue_names,
)
from checkin.domain.clock import clock_for_people, day_for_people, to_local
from ui.base.context import DeskContext
from ui.base.dialogs import error_line, save_or_say
from ui.base.fit import FlowLayout, scrolled

#: A dialog that saves a session and says so with `saved` (the editor, the duplicate).
DialogT = TypeVar("DialogT", bound=QDialog)

DATE_FORMAT = "dd/MM/yyyy"
TIME_FORMAT = "HH:mm"
DEFAULT_PARTS = "Morning\nAfternoon\nCase study"


def _local(moment: datetime) -> QDateTime:
    local = to_local(moment)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _aware(day: QDate, clock: QTime) -> datetime:
    """A date and time typed at this laptop, as the moment it means (the laptop's own zone)."""
    moment = QDateTime(day, clock, QTimeZone.systemTimeZone())
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    widget.setMinimumHeight(max(30, widget.minimumSizeHint().height()))  # never below its text
    return widget


def _venue_completer(context: DeskContext, parent: QWidget) -> QCompleter:
    with context.database.session() as db:
        names = venue_names(db)
    completer = QCompleter(names, parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return completer


class SessionEditor(QDialog):
    """A new session, or one to change: code, title, venue, day and times, capacity, trainers, the parts of
    the day, and an admission window of its own if the default does not suit."""

    #: Saved: the session's details.
    saved = Signal(object)

    def __init__(
        self,
        context: DeskContext,
        code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.code = code
        self.result_details: SessionDetails | None = None
        details = None
        if code is not None:
            with context.database.session() as db:
                details = session_details(db, code)
        self.setWindowTitle(self.tr("Edit session {0}").format(code) if code else self.tr("New session"))
        self.setMinimumWidth(560)

        self.code_field = _named(QLineEdit(), "sessionCode", self.tr("Session code"))
        self.code_field.setPlaceholderText(self.tr("One word, like LAN-0410"))
        self.title_field = _named(QLineEdit(), "sessionTitle", self.tr("Title"))
        self.venue_field = _named(QLineEdit(), "sessionVenue", self.tr("Venue"))
        self.venue_field.setCompleter(_venue_completer(context, self))
        self.day_field = _named(QDateEdit(), "sessionDay", self.tr("Day"))
        self.day_field.setDisplayFormat(DATE_FORMAT)
        self.day_field.setCalendarPopup(True)
        self.starts_field = _named(QTimeEdit(), "sessionStarts", self.tr("Starts at"))
        self.ends_field = _named(QTimeEdit(), "sessionEnds", self.tr("Ends at"))
        for field in (self.starts_field, self.ends_field):
            field.setDisplayFormat(TIME_FORMAT)
        self.capacity_field = _named(QSpinBox(), "sessionCapacity", self.tr("Capacity"))
        self.capacity_field.setRange(0, 100_000)
        self.capacity_field.setSpecialValueText(self.tr("No limit"))
        self.trainers_field = _named(QLineEdit(), "sessionTrainers", self.tr("Trainers"))
        self.trainers_field.setPlaceholderText(self.tr("Names, separated by commas"))
        self.parts_field = _named(QPlainTextEdit(), "sessionParts", self.tr("Parts of the day, one a line"))
        self.parts_field.setTabChangesFocus(True)
        self.parts_field.setMaximumHeight(90)
        self.own_window = _named(QCheckBox(self.tr("Its own admission window")), "ownWindow", "")
        self.own_window.setAccessibleName(self.tr("Its own admission window"))
        self.admit_from = _named(QDateTimeEdit(), "admitFrom", self.tr("Admit from"))
        self.admit_until = _named(QDateTimeEdit(), "admitUntil", self.tr("Admit until"))
        for field in (self.admit_from, self.admit_until):
            field.setDisplayFormat(f"{DATE_FORMAT} {TIME_FORMAT}")
        self.window_note = QLabel()
        self.window_note.setObjectName("hint")
        self.window_note.setWordWrap(True)
        self.own_window.toggled.connect(self._window_toggled)

        times = QHBoxLayout()
        for label, field in ((self.tr("&from"), self.starts_field), (self.tr("t&o"), self.ends_field)):
            caption = QLabel(label)
            caption.setBuddy(field)
            times.addWidget(caption)
            times.addWidget(field)
        times.addStretch(1)
        window_row = FlowLayout()  # onto two lines when larger text makes it wider than the dialog
        window_row.addWidget(self.admit_from)
        window_row.addWidget(QLabel(self.tr("until")))
        window_row.addWidget(self.admit_until)
        window_row.addStretch()

        form = QFormLayout()
        form.addRow(self.tr("&Code"), self.code_field)
        form.addRow(self.tr("&Title"), self.title_field)
        form.addRow(self.tr("&Venue"), self.venue_field)
        form.addRow(self.tr("&Day"), self.day_field)
        form.addRow(self.tr("Times"), times)
        form.addRow(self.tr("C&apacity"), self.capacity_field)
        form.addRow(self.tr("T&rainers"), self.trainers_field)
        form.addRow(self.tr("&Parts of the day\n(one a line)"), self.parts_field)
        form.addRow("", self.own_window)
        form.addRow("", window_row)
        form.addRow("", self.window_note)
        self.message = error_line("sessionError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveSession")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(form), 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        if details is not None:
            self._show(details)
        else:
            now = QDateTime.currentDateTime()
            self.day_field.setDate(now.date().addDays(7))
            self.starts_field.setTime(QTime(9, 30))
            self.ends_field.setTime(QTime(16, 0))
            self.parts_field.setPlainText(DEFAULT_PARTS)
            self.admit_from.setDateTime(QDateTime(now.date().addDays(7), QTime(7, 30)))
            self.admit_until.setDateTime(QDateTime(now.date().addDays(8), QTime(0, 0)))
        self._window_toggled(self.own_window.isChecked())
        self.code_field.setFocus()

    def _show(self, details: SessionDetails) -> None:
        self.code_field.setText(details.code)
        self.title_field.setText(details.title)
        self.venue_field.setText(details.venue)
        start = _local(details.starts_at)
        self.day_field.setDate(start.date())
        self.starts_field.setTime(start.time())
        self.ends_field.setTime(_local(details.ends_at).time() if details.ends_at else QTime(16, 0))
        self.capacity_field.setValue(details.capacity or 0)
        self.trainers_field.setText(details.trainers)
        self.parts_field.setPlainText("\n".join(details.segments))
        own = details.admit_from is not None or details.admit_until is not None
        self.own_window.setChecked(own)
        self.admit_from.setDateTime(
            _local(details.admit_from) if details.admit_from else start.addSecs(-2 * 3600)
        )
        self.admit_until.setDateTime(
            _local(details.admit_until)
            if details.admit_until
            else QDateTime(start.date().addDays(1), QTime(0, 0))
        )

    def _window_toggled(self, own: bool) -> None:
        self.admit_from.setEnabled(own)
        self.admit_until.setEnabled(own)
        hours = self.context.settings.get("admit_hours_before")
        self.window_note.setText(
            self.tr("Badges admit only between these times.")
            if own
            else self.tr(
                "Badges admit from {0} hours before the start to the end of the day (Settings ▸ Admission)."
            ).format(hours)
        )

    def draft(self) -> SessionDraft:
        day = self.day_field.date()
        parts = tuple(line.strip() for line in self.parts_field.toPlainText().splitlines() if line.strip())
        own = self.own_window.isChecked()
        return SessionDraft(
            code=self.code_field.text().strip(),
            title=self.title_field.text(),
            venue=self.venue_field.text(),
            starts_at=_aware(day, self.starts_field.time()),
            ends_at=_aware(day, self.ends_field.time()),
            capacity=self.capacity_field.value() or None,
            trainers=self.trainers_field.text(),
            segments=parts,
            admit_from=_aware(self.admit_from.date(), self.admit_from.time()) if own else None,
            admit_until=_aware(self.admit_until.date(), self.admit_until.time()) if own else None,
        )

    def save(self) -> bool:
        """Save the session and close; or say why not and keep everything as typed."""
        draft = self.draft()

        def write() -> SessionDetails:
            with self.context.database.session() as db:
                if self.code is None:
                    details = create_session(db, draft, desk=self.context.desk)
                else:
                    details = edit_session(db, self.code, draft, desk=self.context.desk)
                db.commit()
            return details

        return save_or_say(self, self.message, write)


class DuplicateDialog(QDialog):
    """The same session at the next venue: a new code, venue and day; everything else is copied."""

    saved = Signal(object)

    def __init__(self, context: DeskContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.source = code
        self.result_details: SessionDetails | None = None
        with context.database.session() as db:
            details = session_details(db, code)
        self.setWindowTitle(self.tr("Duplicate {0} for the next venue").format(code))
        self.setMinimumWidth(520)
        parts = ", ".join(details.segments)
        capacity = self.tr("{0} places").format(details.capacity) if details.capacity else self.tr("no limit")
        intro = QLabel(
            self.tr(
                "A new session like <b>{0}</b>: the same title, parts of the day ({1}), capacity ({2}) and "
                "trainers. Nobody is booked on it yet."
            ).format(details.title, parts, capacity)
        )
        intro.setWordWrap(True)
        self.code_field = _named(QLineEdit(), "duplicateCode", self.tr("New session code"))
        self.code_field.setPlaceholderText(self.tr("One word, like LAN-0410"))
        self.venue_field = _named(QLineEdit(), "duplicateVenue", self.tr("Venue"))
        self.venue_field.setCompleter(_venue_completer(context, self))
        start = _local(next_venue_start(details))
        self.day_field = _named(QDateEdit(start.date()), "duplicateDay", self.tr("Day"))
        self.day_field.setDisplayFormat(DATE_FORMAT)
        self.day_field.setCalendarPopup(True)
        self.starts_field = _named(QTimeEdit(start.time()), "duplicateStarts", self.tr("Starts at"))
        self.starts_field.setDisplayFormat(TIME_FORMAT)
        form = QFormLayout()
        form.addRow(self.tr("New &code"), self.code_field)
        form.addRow(self.tr("&Venue"), self.venue_field)
        form.addRow(self.tr("&Day"), self.day_field)
        form.addRow(self.tr("&Starts at"), self.starts_field)
        self.message = error_line("sessionError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            self.tr("Create the session"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveDuplicate")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.code_field.setFocus()

    def save(self) -> bool:
        """Create the copy and close; or say why not and keep everything as typed."""

        def write() -> SessionDetails:
            with self.context.database.session() as db:
                details = duplicate_session(
                    db,
                    self.source,
                    self.code_field.text().strip(),
                    self.venue_field.text(),
                    _aware(self.day_field.date(), self.starts_field.time()),
                    desk=self.context.desk,
                )
                db.commit()
            return details

        return save_or_say(self, self.message, write)


COLUMNS = ("Code", "Title", "Venue", "Day", "Booked", "Note")


class SessionsDialog(QDialog):
    """Every session: create, edit, duplicate for the next venue, archive and bring back, or open one."""

    #: Sessions were created or changed; the code to show (or "").
    changed = Signal(str)
    #: The organiser chose to open this session (its code).
    open_requested = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.sessions: list[SessionDetails] = []
        self.setWindowTitle(self.tr("Sessions"))
        self.resize(940, 520)
        intro = QLabel(
            self.tr(
                "Each session is one day at one venue. Archived sessions are hidden from the session picker "
                "and the desk, and kept for reports."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sessionsTable")
        self.table.setAccessibleName(self.tr("Sessions"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.show_archived = QCheckBox(self.tr("Show archived sessions"))
        self.show_archived.setObjectName("showArchived")
        self.show_archived.toggled.connect(lambda _on: self.reload())

        self.new_button = self._button(self.tr("New session…"), "Ctrl+N", self.new, "newSession")
        self.edit_button = self._button(self.tr("Edit…"), "Ctrl+E", self.edit, "editSession")
        self.duplicate_button = self._button(
            self.tr("Duplicate for the next venue…"), "Ctrl+D", self.duplicate, "duplicateSession"
        )
        self.archive_button = self._button(
            self.tr("Archive"), "Ctrl+Shift+A", self.toggle_archived, "archiveSession"
        )
        self.open_button = self._button(
            self.tr("Open at the desk"), "Ctrl+O", self.open_chosen, "openSession"
        )
        row = FlowLayout()  # onto more lines when larger text makes the buttons wider than the dialog
        for button in (self.new_button, self.edit_button, self.duplicate_button, self.archive_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.open_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_archived)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.reload(context.session_code)
        self.table.setFocus()

    def _button(self, text: str, keys: str, slot: Callable[[], object], name: str) -> QPushButton:
        button = QPushButton(f"{text} ({keys})")
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setMinimumHeight(32)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        QShortcut(QKeySequence(keys), self, activated=slot)
        return button

    def reload(self, select_code: str | None = None) -> None:
        chosen = select_code or self.chosen_code()
        with self.context.database.session() as db:
            everything = all_sessions(db)
        self.sessions = [s for s in everything if self.show_archived.isChecked() or not s.archived]
        self.table.setRowCount(len(self.sessions))
        for row, details in enumerate(self.sessions):
            capacity = f" of {details.capacity}" if details.capacity else ""
            marks = [
                word
                for word, on in ((self.tr("DEMO"), details.demo), (self.tr("Archived"), details.archived))
                if on
            ]
            values = (
                details.code,
                details.title,
                details.venue,
                f"{day_for_people(details.starts_at)} {clock_for_people(details.starts_at)}",
                f"{details.booked}{capacity}",
                " · ".join(marks),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        codes = [s.code for s in self.sessions]
        if chosen in codes:
            self.table.selectRow(codes.index(chosen))
        elif codes:
            self.table.selectRow(0)
        self._update_buttons()

    def chosen(self) -> SessionDetails | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.sessions[rows[0].row()] if rows else None

    def chosen_code(self) -> str | None:
        details = self.chosen()
        return details.code if details else None

    def choose(self, code: str) -> None:
        codes = [s.code for s in self.sessions]
        self.table.selectRow(codes.index(code))

    def _update_buttons(self) -> None:
        details = self.chosen()
        for button in (self.edit_button, self.duplicate_button, self.archive_button, self.open_button):
            button.setEnabled(details is not None)
        archived = details is not None and details.archived
        self.archive_button.setText(
            self.tr("Bring back (Ctrl+Shift+A)") if archived else self.tr("Archive (Ctrl+Shift+A)")
        )
        self.open_button.setEnabled(details is not None and not details.archived)

    def _after(self, details: SessionDetails | None) -> None:
        if details is not None:
            self.reload(details.code)
            self.changed.emit(details.code)

    def _opened(self, dialog: DialogT) -> DialogT:
        """Open a session dialog over this one; what it saves is shown here."""
        dialog.saved.connect(self._after)
        dialog.open()
        return dialog

    def new(self) -> SessionEditor:
        return self._opened(SessionEditor(self.context, None, self))

    def edit(self) -> SessionEditor | None:
        code = self.chosen_code()
        return None if code is None else self._opened(SessionEditor(self.context, code, self))

    def duplicate(self) -> DuplicateDialog | None:
        code = self.chosen_code()
        return None if code is None else self._opened(DuplicateDialog(self.context, code, self))

    def toggle_archived(self) -> None:
        details = self.chosen()
        if details is None:
            return
        with self.context.database.session() as db:
            changed = set_archived(db, details.code, not details.archived, desk=self.context.desk)
            db.commit()
        if changed.archived and not self.show_archived.isChecked():
            self.reload()
            self.changed.emit("")
        else:
            self._after(changed)

    def open_chosen(self) -> None:
        details = self.chosen()
        if details is not None and not details.archived:
            self.open_requested.emit(details.code)
            self.accept()
