"""A session's roster for long lists: the ordered, filtered booking ids, then rows for a page of them.

A list of 100,000 bookings never loads 100,000 people: `roster_ids` sorts and filters in SQL and hands
back ints; `roster_rows` turns one page of ids into plain rows. Arrival is derived from check-in events,
never stored: for a page, by `checkin.domain.decide.current_checkin` itself; for filtering and sorting the whole
list, by one grouped query that states the same rule in SQL (a test holds the two to each other).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Subquery, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.roster import PERSON_COLUMNS, current_checkins
from checkin.domain.person import Person
from checkin.domain.text import fold
from checkin.domain.vocabulary import EventKind
from checkin.store.models import CheckinEvent, Delegate, PrintLog, Registration

_CHUNK = 500  # ids per IN (...), well under SQLite's and PostgreSQL's parameter limits


class RosterColumn(StrEnum):
    """What the roster can be sorted by."""

    SURNAME = "last_name"
    FIRST_NAME = "first_name"
    ORGANISATION = "organisation"
    JOB_TITLE = "job_title"
    STATUS = "status"
    CHECKED_IN = "checked_in"
    BADGE_PRINTED = "badge_printed"
    #: By the list's sector answer: the organiser's choice per organisation is applied in the view.
    SECTOR = "sector"


@dataclass(frozen=True)
class RosterSort:
    column: RosterColumn = RosterColumn.SURNAME
    descending: bool = False


@dataclass(frozen=True)
class RosterFilter:
    """Who to list. Empty means everyone; every filter given must hold."""

    #: Registration statuses to keep ("booked", "walk_in", ...); empty keeps all.
    statuses: tuple[str, ...] = ()
    #: True: only those in now; False: only those not in; None: both.
    checked_in: bool | None = None
    #: Part of the organisation's name, case ignored.
    organisation: str = ""
    #: Words that must all appear in the name, badge name, organisation or email (accents ignored).
    text: str = ""


@dataclass(frozen=True)
class RosterRow(Person):
    """A booking on a page of the roster: the person and how their booking stands."""

    registration_id: int
    status: str
    status_reason: str
    badge_code: str
    checked_in_at: datetime | None
    checked_in_desk: str | None
    #: How many times a badge was printed for this booking (reprints counted).
    badges_printed: int
    #: The delegate list's sector answer, as imported (checkin.domain.sectors decides the sector counted).
    sector: str = ""


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _prints() -> Any:
    return (
        select(PrintLog.registration_id, func.count().label("printed"))
        .group_by(PrintLog.registration_id)
        .subquery("prints")
    )


def arrivals(session_id: int) -> Subquery:
    """(registration_id, arrived_at) of everyone in now: `current_checkin`'s rule as one grouped query —
    the earliest 'in' since the person was last out, undone events ignored."""
    undone = select(CheckinEvent.undoes).where(
        CheckinEvent.kind == EventKind.UNDO, CheckinEvent.undoes.is_not(None)
    )
    live = (
        select(CheckinEvent.registration_id, CheckinEvent.kind, CheckinEvent.at)
        .where(
            CheckinEvent.session_id == session_id,
            CheckinEvent.segment_id.is_(None),
            CheckinEvent.kind.in_((EventKind.IN, EventKind.OUT)),
            CheckinEvent.uuid.not_in(undone),
        )
        .cte("live")
    )
    last_out = (
        select(live.c.registration_id, func.max(live.c.at).label("out_at"))
        .where(live.c.kind == EventKind.OUT)
        .group_by(live.c.registration_id)
        .subquery("last_out")
    )
    return (
        select(live.c.registration_id, func.min(live.c.at).label("arrived_at"))
        .outerjoin(last_out, last_out.c.registration_id == live.c.registration_id)
        .where(live.c.kind == EventKind.IN, or_(last_out.c.out_at.is_(None), live.c.at > last_out.c.out_at))
        .group_by(live.c.registration_id)
        .subquery("arrivals")
    )


def roster_ids(
    db: OrmSession,
    session_id: int,
    sort: RosterSort | None = None,
    filters: RosterFilter | None = None,
) -> list[int]:
    """The session's registration ids, filtered and in order. Ties, and empty values, go by name."""
    sort = sort or RosterSort()
    filters = filters or RosterFilter()
    query = (
        select(Registration.id)
        .join(Delegate, Registration.delegate_id == Delegate.id)
        .where(Registration.session_id == session_id)
    )
    if filters.statuses:
        query = query.where(Registration.status.in_(filters.statuses))
    organisation = filters.organisation.strip().lower()
    if organisation:
        query = query.where(func.lower(Delegate.organisation).like(_like(organisation), escape="\\"))
    for word in fold(filters.text).split():
        query = query.where(Delegate.search_key.like(_like(word), escape="\\"))

    # surname_key is accent-free "last first": Ó Súilleabháin sorts among the O names, not after Z.
    by_name: list[Any] = [Delegate.surname_key, Registration.id]
    order: list[Any]
    if filters.checked_in is not None or sort.column is RosterColumn.CHECKED_IN:
        arrived = arrivals(session_id)
        query = query.outerjoin(arrived, arrived.c.registration_id == Registration.id)
        if filters.checked_in is not None:
            present = arrived.c.registration_id.is_not(None)
            query = query.where(present if filters.checked_in else arrived.c.registration_id.is_(None))
    if sort.column is RosterColumn.CHECKED_IN:
        # Those in, by arrival time; then everyone not yet in, by name.
        at = arrived.c.arrived_at
        order = [at.is_(None), at.desc() if sort.descending else at]
    elif sort.column is RosterColumn.BADGE_PRINTED:
        prints = _prints()
        query = query.outerjoin(prints, prints.c.registration_id == Registration.id)
        printed = func.coalesce(prints.c.printed, 0)
        order = [printed.desc() if sort.descending else printed]
    elif sort.column is RosterColumn.SURNAME:
        order = []
    else:
        column = {
            RosterColumn.FIRST_NAME: func.lower(Delegate.first_name),
            RosterColumn.ORGANISATION: func.lower(Delegate.organisation),
            RosterColumn.JOB_TITLE: func.lower(Delegate.job_title),
            RosterColumn.STATUS: Registration.status,
            RosterColumn.SECTOR: func.lower(Delegate.sector),
        }[sort.column]
        # Blank organisations and job titles go last either way: nobody sorts to look for blanks.
        order = [column == "", column.desc() if sort.descending else column]
    if sort.column is RosterColumn.SURNAME and sort.descending:
        by_name = [Delegate.surname_key.desc(), Registration.id.desc()]
    return list(db.scalars(query.order_by(*order, *by_name)))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def roster_rows(db: OrmSession, ids: Sequence[int]) -> list[RosterRow]:
    """Rows for these registration ids, in the same order; ids no longer in the database are left out."""
    found: dict[int, RosterRow] = {}
    for chunk in _chunks(ids):
        prints = _prints()
        present = current_checkins(db, CheckinEvent.registration_id.in_(chunk))
        rows = db.execute(
            select(
                *PERSON_COLUMNS,
                Registration.id.label("registration_id"),
                Registration.status,
                Registration.status_reason,
                Registration.badge_code,
                Delegate.sector,
                func.coalesce(prints.c.printed, 0).label("printed"),
            )
            .join(Delegate, Registration.delegate_id == Delegate.id)
            .outerjoin(prints, prints.c.registration_id == Registration.id)
            .where(Registration.id.in_(chunk))
        )
        for row in rows:
            at, desk = present.get(row.registration_id, (None, None))
            found[row.registration_id] = RosterRow.of(
                row,
                registration_id=row.registration_id,
                status=row.status,
                status_reason=row.status_reason,
                badge_code=row.badge_code,
                checked_in_at=at,
                checked_in_desk=desk,
                badges_printed=row.printed,
                sector=row.sector,
            )
    return [found[i] for i in ids if i in found]


def roster_organisations(db: OrmSession, session_id: int) -> list[str]:
    """The organisations booked on a session, for completing what the organisation filter is typed."""
    names = db.scalars(
        select(Delegate.organisation)
        .join(Registration, Registration.delegate_id == Delegate.id)
        .where(Registration.session_id == session_id, Delegate.organisation != "")
        .distinct()
    )
    return sorted(names, key=str.casefold)


def roster_size(db: OrmSession, session_id: int) -> int:
    """How many bookings the session has, of any status (what "12 of 54" counts against)."""
    return db.scalar(select(func.count()).where(Registration.session_id == session_id)) or 0
