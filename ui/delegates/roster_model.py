"""A session's roster as a table model over registration ids: rows are fetched a page at a time, when shown.

The model holds the ordered ids (ints) and a few cached pages of plain `RosterRow`s, never ORM objects,
so a list of 100,000 bookings scrolls as smoothly as one of fifty. Sorting and filtering ask the core for
a new id list (SQL does the work) in a worker process: the old list stays on screen until the new one lands
(`landing`, then `reloaded`), with the pages the view will show already read. A change of attendance only
forgets the cached rows.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from checkin.desk.roster_index import (
    RosterColumn,
    RosterFilter,
    RosterRow,
    RosterSort,
)
from checkin.desk.sectors import chosen_sectors, shipped_rules
from checkin.domain.clock import time_for_people, utc_now
from checkin.domain.sectors import Sector, effective_sector
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.database import Database, address_of
from ui.base.operations import LatestReader
from ui.base.processes import call_in_process
from ui.base.theme import palette_in_use
from ui.delegates.listing import PAGE_SIZE, InView, Listing, read_listing_in_process, read_page

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
    #: A new id list is about to replace the one shown (the old ids are still in place): keep what to keep.
    landing = Signal()
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
        #: How many bookings the session has, whatever the filters (counted with the ids).
        self.total = 0
        self._pages: OrderedDict[int, list[RosterRow | None]] = OrderedDict()
        #: Pages read from the database since the model was made (for tests and the benchmark).
        self.page_reads = 0
        #: The organiser's sector per organisation, read with the ids.
        self.sector_choices: dict[str, Sector] = {}
        #: Asked on the GUI thread as a reload starts: what the view shows (its pages are read ahead).
        self.in_view: Callable[[], InView] = InView
        self._reader = LatestReader(self, self._land)
        self._rows_reader = LatestReader(self, self._rows_read)

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

    @property
    def loading(self) -> bool:
        """Whether a new id list is being read."""
        return self._reader.reading

    def reload(self) -> None:
        """Ask the core for the ids again, off the GUI thread; they replace the shown ones when they land.
        Asked again while a read runs, the newest wish is read when it ends (one read at a time)."""
        if self.session_id is None:
            self._reader.read(lambda: Listing([], 0))
            return
        address, session_id, sort, filters = (
            address_of(self.database),
            self.session_id,
            self.sort_order,
            self.filters,
        )
        in_view = self.in_view()

        def work() -> Listing:  # on the thread pool, waiting for a worker process: no widgets
            # Reading and ordering 100,000 ids is Python's work too: in a worker process, the window keeps
            # the interpreter lock (on a thread here it painted between waits for it, 50-70 ms a sort).
            listing: Listing = call_in_process(
                read_listing_in_process, address, session_id, sort, filters, in_view
            )
            return listing

        self._reader.read(work)

    def _land(self, listing: Listing) -> None:
        self.landing.emit()
        self.beginResetModel()
        self.ids = listing.ids
        self.total = listing.total
        self.sector_choices = listing.sectors
        self._pages.clear()
        for number, page in listing.pages.items():
            self._pages[number] = page
            self.page_reads += 1
        self.endResetModel()
        self.reloaded.emit()

    def forget_rows(self) -> None:
        """The same people in the same order, but their details may have changed: the pages shown are
        read again in the background and replace the old ones when they are in."""
        if not self._pages:
            return
        ids, numbers, database = self.ids, list(self._pages), self.database

        def work() -> tuple[list[int], dict[int, list[RosterRow | None]], dict[str, Sector]]:  # on the pool
            with database.session() as db:
                return ids, {number: read_page(db, ids, number) for number in numbers}, chosen_sectors(db)

        self._rows_reader.read(work)

    def _rows_read(
        self, read: tuple[list[int], dict[int, list[RosterRow | None]], dict[str, Sector]]
    ) -> None:
        ids, pages, sectors = read
        if ids is not self.ids:
            return  # a new list landed meanwhile, with its own pages
        self.sector_choices = sectors
        for number, page in pages.items():
            self._pages[number] = page
            self._pages.move_to_end(number)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
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
        # One page of 200 rows, when scrolled to: a few milliseconds, so read where it is needed.
        with self.database.session() as db:
            page = read_page(db, self.ids, number)
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
