"""A session's roster as a table model over registration ids: rows are fetched a page at a time, when shown.

The model holds the ordered ids (ints) and a few cached pages of plain `RosterRow`s, never ORM objects,
so a list of 100,000 bookings scrolls as smoothly as one of fifty. Sorting and filtering ask the core for
a new id list (SQL does the work); a change of attendance only forgets the cached rows.
"""

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from checkin.desk.roster_index import (
    RosterColumn,
    RosterFilter,
    RosterRow,
    RosterSort,
    roster_ids,
    roster_rows,
)
from checkin.desk.sectors import chosen_sectors, shipped_rules
from checkin.domain.clock import time_for_people, utc_now
from checkin.domain.sectors import Sector, effective_sector
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.database import Database
from ui.base.theme import palette_in_use

PAGE_SIZE = 200
#: Pages kept at once: a screenful needs one or two; scrolling back a little should not refetch.
MAX_PAGES = 4

#: (heading, what the column sorts by), in the order shown.
COLUMNS: tuple[tuple[str, RosterColumn], ...] = (
    ("Surname", RosterColumn.SURNAME),
    ("First name", RosterColumn.FIRST_NAME),
    ("Organisation", RosterColumn.ORGANISATION),
    ("Job title", RosterColumn.JOB_TITLE),
    ("Status", RosterColumn.STATUS),
    ("Checked in", RosterColumn.CHECKED_IN),
    ("Badge", RosterColumn.BADGE_PRINTED),
    ("Sector", RosterColumn.SECTOR),
)
SURNAME, FIRST_NAME, ORGANISATION, JOB_TITLE, STATUS, CHECKED_IN, BADGE, SECTOR = range(len(COLUMNS))

#: The words a status is shown with (never colour alone).
STATUS_WORDS = {
    RegistrationStatus.BOOKED: "Booked",
    RegistrationStatus.WALK_IN: "Walk-in",
    RegistrationStatus.CANCELLED: "Cancelled",
    RegistrationStatus.WAITLISTED: "Waiting list",
    RegistrationStatus.TRANSFERRED: "Transferred",
}
#: Bookings no longer holding a place: their rows are muted.
INACTIVE = (RegistrationStatus.CANCELLED, RegistrationStatus.TRANSFERRED)

#: The row's `RosterRow` (or None while it cannot be read).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: A short machine word for painting the cell: a status, "in"/"not_in", "printed"/"not_printed".
KIND_ROLE = Qt.ItemDataRole.UserRole + 2


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())  # type: ignore[call-overload]


class RosterModel(QAbstractTableModel):
    #: The id list was rebuilt (sorting, a filter, a new session, bookings changed).
    reloaded = Signal()

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        #: The words of bookings no longer holding a place.
        self.muted = QColor(palette_in_use().ink_faint)
        self.session_id: int | None = None
        self.sort_order = RosterSort()
        self.filters = RosterFilter()
        self.ids: list[int] = []
        self._pages: OrderedDict[int, list[RosterRow | None]] = OrderedDict()
        #: Pages read from the database since the model was made (for tests and the benchmark).
        self.page_reads = 0
        #: The organiser's sector per organisation, read with the ids.
        self.sector_choices: dict[str, Sector] = {}

    # -- what is listed -----------------------------------------------------------------------------

    def set_session(self, session_id: int | None) -> None:
        self.session_id = session_id
        self.reload()

    def set_filters(self, filters: RosterFilter) -> None:
        if filters != self.filters:
            self.filters = filters
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_order = RosterSort(COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def depends_on_attendance(self) -> bool:
        """Whether who is listed, or their order, changes when someone checks in."""
        return self.filters.checked_in is not None or self.sort_order.column is RosterColumn.CHECKED_IN

    def reload(self) -> None:
        """Ask the core for the ids again and forget every cached row."""
        if self.session_id is None:
            ids: list[int] = []
        else:
            with self.database.session() as db:
                ids = roster_ids(db, self.session_id, self.sort_order, self.filters)
                self.sector_choices = chosen_sectors(db)
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def forget_rows(self) -> None:
        """The same people in the same order, but their details may have changed: read them again."""
        self._pages.clear()
        with self.database.session() as db:
            self.sector_choices = chosen_sectors(db)
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    # -- rows ---------------------------------------------------------------------------------------

    def row_at(self, row: int) -> RosterRow | None:
        if not 0 <= row < len(self.ids):
            return None
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        return page[offset]

    def _read_page(self, number: int) -> list[RosterRow | None]:
        ids = self.ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        with self.database.session() as db:
            found = {row.registration_id: row for row in roster_rows(db, ids)}
        page = [found.get(registration_id) for registration_id in ids]
        self.page_reads += 1
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def row_of(self, registration_id: int) -> int:
        """Where a booking is listed now, or -1."""
        try:
            return self.ids.index(registration_id)
        except ValueError:
            return -1

    def replace_row(self, row: RosterRow) -> None:
        """Show a row's new details at once (after an edit), without waiting for a reread."""
        index = self.row_of(row.registration_id)
        number, offset = divmod(index, PAGE_SIZE)
        if index >= 0 and number in self._pages:
            self._pages[number][offset] = replace(row)
            self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))

    # -- Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section][0])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if role == ROW_ROLE:
            return row
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == KIND_ROLE:
            return self._kind(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.status in INACTIVE and column < STATUS:
            return self.muted
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: RosterRow, column: int) -> str:
        if column == SURNAME:
            return row.last_name
        if column == FIRST_NAME:
            return (
                row.first_name
                if not row.badge_name or row.badge_name == row.first_name
                else (f"{row.first_name} ({row.badge_name})")
            )
        if column == ORGANISATION:
            return row.organisation
        if column == JOB_TITLE:
            return row.job_title
        if column == STATUS:
            return self.tr(status_word(row.status))
        if column == SECTOR:
            return effective_sector(row.organisation, row.sector, shipped_rules(), self.sector_choices).label
        if column == CHECKED_IN:
            if row.checked_in_at is None:
                return self.tr("Not yet")
            return "✔ " + time_for_people(row.checked_in_at, utc_now())
        if row.badges_printed == 0:
            return self.tr("Not printed")
        if row.badges_printed == 1:
            return self.tr("Printed")
        return self.tr("Printed ×{0}").format(row.badges_printed)

    @staticmethod
    def _kind(row: RosterRow, column: int) -> str | None:
        if column == STATUS:
            return row.status
        if column == CHECKED_IN:
            return "in" if row.checked_in_at is not None else "not_in"
        if column == BADGE:
            return "printed" if row.badges_printed else "not_printed"
        return None

    def _tooltip(self, row: RosterRow, column: int) -> str | None:
        if column == STATUS and row.status_reason:
            return f"{self.tr(status_word(row.status))}: {row.status_reason}"
        if column == CHECKED_IN and row.checked_in_at is not None:
            return self.tr("Checked in at {0} by desk {1}").format(
                time_for_people(row.checked_in_at, utc_now(), seconds=True), row.checked_in_desk
            )
        if column in (SURNAME, FIRST_NAME):
            needs = " · ".join(n for n in (row.access_needs, row.dietary_needs) if n)
            # dict.fromkeys: a nameless delegate's display name is their email, said once.
            return "\n".join(part for part in dict.fromkeys((row.display_name, row.email, needs)) if part)
        return None
