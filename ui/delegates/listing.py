"""The roster's id list and its first pages, read without a widget: what `RosterModel` shows after a sort, a
filter or a change. No Qt here: a reload is read in a worker process (`ui.base.processes`) on its own
connection to the database, so that ordering 100,000 bookings never holds the window up through the
interpreter lock."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.roster_index import (
    RosterFilter,
    RosterRow,
    RosterSort,
    roster_ids,
    roster_rows,
    roster_size,
)
from checkin.desk.sectors import chosen_sectors
from checkin.domain.sectors import Sector
from ui.base.worker_reads import database_at

PAGE_SIZE = 200


@dataclass(frozen=True)
class Listing:
    """What a background reload found: the ids in order, the session's size, and the pages read ahead."""

    ids: list[int]
    total: int
    pages: dict[int, list[RosterRow | None]] = field(default_factory=dict)
    #: The organiser's sector per organisation, read with the ids.
    sectors: dict[str, Sector] = field(default_factory=dict)


@dataclass(frozen=True)
class InView:
    """What the view shows when a reload starts: the rows on screen, and the booking it keeps in sight."""

    rows: range = range(0, 1)
    keep: int | None = None


def read_listing(
    db: OrmSession, session_id: int, sort: RosterSort, filters: RosterFilter, in_view: InView
) -> Listing:
    """The ids and the total, with the pages the view will show first already read: the rows on screen
    now, or, when the booking it keeps is still listed, the rows around it."""
    ids = roster_ids(db, session_id, sort, filters)
    rows = in_view.rows
    if in_view.keep is not None:
        try:
            at = ids.index(in_view.keep)
        except ValueError:  # no longer listed (filtered out, or moved away)
            pass
        else:
            rows = range(max(at - len(rows), 0), at + len(rows) + 1)
    numbers = range(rows.start // PAGE_SIZE, min(rows.stop, len(ids)) // PAGE_SIZE + 1) if ids else range(0)
    pages = {number: read_page(db, ids, number) for number in numbers if number * PAGE_SIZE < len(ids)}
    return Listing(ids, roster_size(db, session_id), pages, chosen_sectors(db))


def read_page(db: OrmSession, ids: list[int], number: int) -> list[RosterRow | None]:
    """Page `number` of the list: its rows, None where a booking has gone since the ids were read."""
    chosen = ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    found = {row.registration_id: row for row in roster_rows(db, chosen)}
    return [found.get(registration_id) for registration_id in chosen]


def read_listing_in_process(
    _progress: object, address: str, session_id: int, sort: RosterSort, filters: RosterFilter, in_view: InView
) -> Listing:
    """`read_listing` in a worker process, on a connection of its own to the database at `address`."""
    with database_at(address).session() as db:
        return read_listing(db, session_id, sort, filters, in_view)
