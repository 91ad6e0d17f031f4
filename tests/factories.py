"""Builders for the tests: real sessions and bookings in a real database file."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from checkin.desk.bookings import add_session, refresh_search_key, register
from checkin.desk.demo import create_demo
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.database import Database, open_database
from checkin.store.models import Delegate, ExternalCode, Registration, Session

MORNING = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def at(minutes: float):
    """A clock stopped `minutes` after MORNING."""
    return lambda: MORNING + timedelta(minutes=minutes)


#: Admission hours that take in any day these tests run on (see `admits_any_day`).
ANY_DAY = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def admits_any_day(session: Session) -> Session:
    """Give a session admission hours that take in today: for a session dated in the past that is scanned
    with the real clock (through the command line, or by a desk in another process)."""
    session.admit_from, session.admit_until = ANY_DAY
    return session


def new_database(folder: Path, name: str = "desk.sqlite3") -> Database:
    return open_database(folder / name)


def make_session(
    db, code: str = "PRE-0312", venue: str = "Preston Town Hall", starts: datetime = MORNING
) -> Session:
    return add_session(db, code, "Spotting modern slavery", venue, starts, capacity=50)


def book(
    db,
    session: Session,
    first: str = "Zoë",
    last: str = "O'Neill",
    organisation: str = "Preston City Council",
    email: str = "",
    status: RegistrationStatus = RegistrationStatus.BOOKED,
    external: str | None = None,
) -> Registration:
    delegate = Delegate(first_name=first, last_name=last, organisation=organisation, email=email)
    refresh_search_key(delegate)
    db.add(delegate)
    db.flush()
    registration = register(db, delegate, session, status=status, source="test")
    if external is not None:
        registration.external_codes.append(
            ExternalCode(kind="eventbrite", code=external, lookup=external.upper())
        )
    db.flush()
    return registration


def demo_database(folder: Path) -> tuple[Database, str]:
    """The demo programme in folder/desk.sqlite3: (database, code of its first session)."""
    database = new_database(folder)
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    return database, summary.first_session_code
