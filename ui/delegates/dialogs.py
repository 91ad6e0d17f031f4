"""The Delegates view's dialogs: correct a delegate's details, move a booking to another session, and a
booking's history of scans, check-ins and badge prints."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.bookings import session_by_code, transfer
from checkin.desk.delegate_edits import EDITABLE_FIELDS, delegate_details, update_delegate
from checkin.desk.roster import session_summaries
from checkin.desk.roster_index import RosterRow
from checkin.desk.scan_history import HistoryLine, registration_history
from checkin.desk.sectors import organisation_sector, set_organisation_sector
from checkin.domain.clock import day_for_people, time_for_people, utc_now
from checkin.domain.sectors import CHOOSABLE, Sector
from checkin.errors import UserError
from ui.base.context import DeskContext
from ui.base.dialogs import error_line, person_fields
from ui.base.fit import scrolled


class DelegateEditDialog(QDialog):
    """The person's details as a form; Save writes them (audited without the values) and closes."""

    def __init__(self, context: DeskContext, delegate_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.delegate_id = delegate_id
        #: The fields that changed once saved.
        self.changed: tuple[str, ...] = ()
        self.setWindowTitle(self.tr("Edit delegate"))
        self.setMinimumWidth(520)
        with context.database.session() as db:
            details = delegate_details(db, delegate_id)
        form = QFormLayout()
        self.fields = person_fields(form, {name: getattr(details, name) for name in EDITABLE_FIELDS})
        note = QLabel(
            self.tr("The change shows at every desk and on badges printed from now on. The log records that the "
                    "details were edited, not what they were.")
        )  # fmt: skip
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.error = error_line()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(form), 1)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.fields["first_name"].setFocus()

    def values(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.fields.items()}

    def save(self) -> bool:
        try:
            with self.context.database.session() as db:
                self.changed = update_delegate(db, self.delegate_id, self.values(), desk=self.context.desk)
                db.commit()
        except UserError as error:
            self.error.setText(str(error))
            self.error.show()
            return False
        self.accept()
        return True


class SectorDialog(QDialog):
    """Choose the sector everyone from an organisation is counted under in the programme report."""

    def __init__(self, context: DeskContext, organisation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.organisation = organisation
        #: How many delegates the choice applied to, once saved.
        self.applied: int | None = None
        with context.database.session() as db:
            self.facts = organisation_sector(db, organisation)
        self.setWindowTitle(self.tr("Sector of an organisation"))
        intro = QLabel(
            self.tr("Everyone from <b>{0}</b> ({1} delegates) is counted under:").format(
                escape(self.facts.organisation), self.facts.delegates
            )
        )
        intro.setWordWrap(True)
        self.sectors = QComboBox()
        self.sectors.setObjectName("sectorChoice")
        self.sectors.addItem(
            self.tr("Automatic: the list's answer, else the name ({0})").format(self.facts.inferred.label),
            None,
        )
        for sector in CHOOSABLE:
            self.sectors.addItem(sector.label, sector.value)
        if self.facts.chosen is not None:
            self.sectors.setCurrentIndex(self.sectors.findData(self.facts.chosen.value))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sectors)
        layout.addWidget(buttons)
        # As wide as the choices' words (a window opens at most two thirds of the screen wide otherwise);
        # a character more than Fusion's own hint, which leaves the longest a pixel or two short at 200%.
        self.sectors.setMinimumWidth(self.sectors.sizeHint().width() + self.fontMetrics().averageCharWidth())
        self.resize(self.sizeHint().boundedTo(self.screen().availableGeometry().size()))
        self.sectors.setFocus()

    def choose(self, sector: Sector | None) -> None:
        self.sectors.setCurrentIndex(self.sectors.findData(sector.value) if sector is not None else 0)

    def submit(self) -> bool:
        with self.context.database.session() as db:
            self.applied = set_organisation_sector(
                db,
                self.organisation,
                Sector(self.sectors.currentData()) if self.sectors.currentData() else None,
                desk=self.context.desk,
            )
        self.accept()
        return True


class TransferDialog(QDialog):
    """Pick the session to move a booking to; the person is booked there and this booking marked transferred."""

    def __init__(self, context: DeskContext, row: RosterRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.row = row
        #: The session code the booking went to, once done.
        self.moved_to: str | None = None
        self.setWindowTitle(self.tr("Transfer a booking"))
        self.setMinimumSize(620, 380)
        intro = QLabel(self.tr("Move the booking of <b>{0}</b> to:").format(row.display_name))
        self.sessions = QListWidget()
        self.sessions.setObjectName("sessionList")
        self.sessions.setAccessibleName(self.tr("Sessions to move the booking to"))
        with context.database.session() as db:
            summaries = session_summaries(db)
        for summary in summaries:
            if summary.code == context.session_code:
                continue
            when = day_for_people(summary.starts_at)
            places = (
                self.tr("{0} of {1} places taken").format(summary.booked, summary.capacity)
                if summary.capacity
                else self.tr("{0} booked").format(summary.booked)
            )
            item = QListWidgetItem(f"{summary.code} — {summary.venue} · {when} · {places}")
            item.setData(Qt.ItemDataRole.UserRole, summary.code)
            self.sessions.addItem(item)
        self.sessions.setCurrentRow(0)
        self.sessions.itemActivated.connect(lambda _item: self.submit())
        self.error = error_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.transfer_button = buttons.addButton(self.tr("Transfer"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sessions, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # Only once inside the dialog: a default set before is lost, and Qt makes Cancel the default.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.transfer_button.setDefault(True)
        self.sessions.setFocus()

    def choose(self, code: str) -> None:
        for i in range(self.sessions.count()):
            if self.sessions.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.sessions.setCurrentRow(i)
                return
        raise LookupError(code)

    def submit(self) -> bool:
        item = self.sessions.currentItem()
        if item is None:
            return False
        code = item.data(Qt.ItemDataRole.UserRole)
        try:
            with self.context.database.session() as db:
                moved = transfer(
                    db, self.row.registration_id, session_by_code(db, code), desk=self.context.desk
                )
                db.commit()
        except UserError as error:
            self.error.setText(str(error))
            self.error.show()
            return False
        self.moved_to = moved.to_session_code
        self.accept()
        return True


HISTORY_WORDS = {
    ("scan", "admitted"): "Scan: admitted",
    ("scan", "already_checked_in"): "Scan: already checked in",
    ("scan", "wrong_session"): "Scan: booked on another session",
    ("scan", "cancelled"): "Scan: booking cancelled",
    ("scan", "not_found"): "Scan: code not known",
    ("scan", "invalid_code"): "Scan: not a valid badge",
    ("event", "in"): "Checked in",
    ("event", "out"): "Left",
    ("event", "undo"): "Check-in undone",
    ("print", "printed"): "Badge printed",
    ("print", "reprinted"): "Badge reprinted",
    ("scan", "revoked"): "Scan: replaced code refused",
    ("code", "badge"): "Badge code replaced: the old badge no longer admits",
    ("code", "ticket"): "Ticket code replaced: the old code no longer admits",
}


def history_words(line: HistoryLine) -> str:
    return HISTORY_WORDS.get((line.source, line.result), f"{line.source}: {line.result}")


class HistoryDialog(QDialog):
    """Every scan of a booking (refused ones too), its check-in events and badge prints, oldest first."""

    HEADINGS = ("When", "What happened", "Desk", "How", "Session")

    def __init__(self, context: DeskContext, row: RosterRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History — {0}").format(row.display_name))
        self.setMinimumSize(760, 420)
        with context.database.session() as db:
            self.lines = registration_history(db, row.registration_id)
        title = QLabel(
            f"<b>{row.display_name}</b> · {row.organisation}"
            if row.organisation
            else f"<b>{row.display_name}</b>"
        )
        self.table = QTableWidget(len(self.lines), len(self.HEADINGS))
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName(self.tr("Scan history"))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADINGS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        now = utc_now()
        for r, line in enumerate(self.lines):
            cells = (
                time_for_people(line.at, now, seconds=True),
                self.tr(history_words(line)),
                line.desk,
                line.method,
                line.where,
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        empty = QLabel(self.tr("No scans, check-ins or badge prints for this booking yet."))
        empty.setVisible(not self.lines)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(buttons)

    def texts(self) -> list[list[str]]:
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
