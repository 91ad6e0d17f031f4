"""Who is booked and who is in: the session roster and session counts, derived from check-in events."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.domain.decide import EventFacts, current_checkin
from checkin.domain.person import SHOWN_FIELDS, Person, surname_key
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.store.models import CheckinEvent, Delegate, Registration, Session

#: The columns a Person is made of: a row selected with them is a delegate to `Person.of`.
PERSON_COLUMNS = (Delegate.id, *(getattr(Delegate, name) for name in SHOWN_FIELDS))


@dataclass(frozen=True)
class RosterEntry(Person):
    """A person on a session's roster, with their booking there (none in the list of all delegates)."""

    registration_id: int | None
    status: str | None
    badge_code: str | None
    external_codes: tuple[str, ...]
    checked_in_at: datetime | None
    checked_in_desk: str | None


@dataclass(frozen=True)
class SessionSummary:
    id: int
    code: str
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime | None
    capacity: int | None
    booked: int
    checked_in: int
    #: Part of the demonstration programme (shown as DEMO).
    demo: bool = False
    archived: bool = False


def load_events(db: OrmSession, *conditions: ColumnElement[bool]) -> dict[int, list[EventFacts]]:
    """Check-in events matching the conditions, grouped by registration id."""
    events: dict[int, list[EventFacts]] = defaultdict(list)
    rows = db.execute(
        select(
            CheckinEvent.registration_id,
            CheckinEvent.uuid,
            CheckinEvent.kind,
            CheckinEvent.at,
            CheckinEvent.desk,
            CheckinEvent.method,
            CheckinEvent.undoes,
        ).where(*conditions)
    )
    for registration_id, uuid, kind, at, desk, method, undoes in rows:
        events[registration_id].append(EventFacts(uuid, kind, at, desk, method, undoes))
    return events


def current_checkins(db: OrmSession, *conditions: ColumnElement[bool]) -> dict[int, tuple[datetime, str]]:
    """registration id -> (when, desk) of the session check-in that counts, for those in now."""
    result = {}
    for registration_id, facts in load_events(db, CheckinEvent.segment_id.is_(None), *conditions).items():
        current = current_checkin(facts)
        if current is not None:
            result[registration_id] = (current.at, current.desk)
    return result


def attendance(db: OrmSession, session_id: int) -> dict[int, tuple[datetime, str]]:
    """registration id -> (when, desk) of the check-in that counts, for everyone in now."""
    return current_checkins(db, CheckinEvent.session_id == session_id)


def _entry(
    delegate: Delegate,
    registration: Registration | None,
    external_codes: tuple[str, ...],
    present: tuple[datetime | None, str | None] = (None, None),
) -> RosterEntry:
    return RosterEntry.of(
        delegate,
        registration_id=registration.id if registration else None,
        status=registration.status if registration else None,
        badge_code=registration.badge_code if registration else None,
        external_codes=external_codes,
        checked_in_at=present[0],
        checked_in_desk=present[1],
    )


def _by_surname(entries: list[RosterEntry]) -> list[RosterEntry]:
    return sorted(entries, key=lambda e: (surname_key(e.last_name, e.first_name), e.delegate_id))


def session_roster(db: OrmSession, session: Session) -> list[RosterEntry]:
    """Every booking of the session, cancelled ones included, sorted by surname."""
    registrations = db.scalars(
        select(Registration)
        .where(Registration.session_id == session.id)
        .options(selectinload(Registration.delegate), selectinload(Registration.external_codes))
    ).all()
    present = attendance(db, session.id)
    return _by_surname(
        [
            _entry(r.delegate, r, tuple(c.code for c in r.external_codes), present.get(r.id, (None, None)))
            for r in registrations
        ]
    )


def all_delegates(db: OrmSession) -> list[RosterEntry]:
    """Every delegate, without session-specific status."""
    delegates = db.scalars(
        select(Delegate).options(
            selectinload(Delegate.registrations).selectinload(Registration.external_codes)
        )
    ).all()
    return _by_surname(
        [_entry(d, None, tuple(c.code for r in d.registrations for c in r.external_codes)) for d in delegates]
    )


def session_summaries(
    db: OrmSession, code: str | None = None, *, include_archived: bool = False
) -> list[SessionSummary]:
    """Every session in date order with its counts, archived ones only when asked for; with `code`, only
    that session, archived or not (the desk's counts refresh after each scan, and need not count every
    other session's arrivals)."""
    booked_query = select(Registration.session_id, func.count()).where(
        Registration.status.in_(ACTIVE_STATUSES)
    )
    sessions_query = (
        select(Session).options(selectinload(Session.venue)).order_by(Session.starts_at, Session.code)
    )
    if code is not None:
        sessions_query = sessions_query.where(Session.code == code)
        booked_query = booked_query.join(Session, Registration.session_id == Session.id).where(
            Session.code == code
        )
    elif not include_archived:
        sessions_query = sessions_query.where(Session.archived.is_(False))
    booked = dict(db.execute(booked_query.group_by(Registration.session_id)).all())
    summaries = []
    for session in db.scalars(sessions_query):
        summaries.append(
            SessionSummary(
                id=session.id,
                code=session.code,
                title=session.title,
                venue=session.venue.name if session.venue else "",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                capacity=session.capacity,
                booked=booked.get(session.id, 0),
                checked_in=len(attendance(db, session.id)),
                demo=session.demo,
                archived=session.archived,
            )
        )
    return summaries
