"""Programmes, sessions and bookings: creating them, cancelling, restoring and transferring."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.domain.codes import new_badge_code, new_signing_key
from checkin.domain.person import search_key_of, surname_key
from checkin.domain.text import clean
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UsageError
from checkin.store.models import AuditLog, Delegate, Programme, Registration, Segment, Session, Venue

DEFAULT_PROGRAMME_TITLE = "Training programme"
DEFAULT_SEGMENTS = ("Morning", "Afternoon", "Case study")


def default_programme(db: OrmSession) -> Programme:
    """The programme new sessions belong to: the first real one, created when there is none. Never the
    demonstration programme: its signing key is no secret, so real badges are never signed with it."""
    programme = db.scalars(
        select(Programme).where(Programme.demo.is_(False)).order_by(Programme.id).limit(1)
    ).first()
    if programme is None:
        programme = Programme(title=DEFAULT_PROGRAMME_TITLE, signing_key=new_signing_key())
        db.add(programme)
        db.flush()
    return programme


def venue_named(db: OrmSession, name: str) -> Venue:
    name = clean(name)
    venue = db.scalars(select(Venue).where(Venue.name == name)).first()
    if venue is None:
        venue = Venue(name=name)
        db.add(venue)
        db.flush()
    return venue


def session_by_code(db: OrmSession, code: str) -> Session:
    session = db.scalars(select(Session).where(func.upper(Session.code) == code.strip().upper())).first()
    if session is None:
        known = db.scalars(select(Session.code).order_by(Session.starts_at).limit(8)).all()
        hint = f" Known sessions: {', '.join(known)}." if known else " There are no sessions yet."
        raise UsageError(f"There is no session with the code {code!r}.{hint}")
    return session


def add_session(
    db: OrmSession,
    code: str,
    title: str,
    venue: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    capacity: int | None = None,
    *,
    programme: Programme | None = None,
    segments: tuple[str, ...] = DEFAULT_SEGMENTS,
    trainers: str = "",
) -> Session:
    code = code.strip()
    if not code or any(ch.isspace() for ch in code):
        raise UsageError("A session code must be one word, like PRE-0312.")
    exists = db.scalars(select(Session.id).where(func.upper(Session.code) == code.upper())).first()
    if exists is not None:
        raise UsageError(f"A session with the code {code} already exists.")
    if ends_at is not None and ends_at <= starts_at:
        raise UsageError("The session must end after it starts.")
    if capacity is not None and capacity < 1:
        raise UsageError("The capacity must be a positive number of places.")
    session = Session(
        programme=programme or default_programme(db),
        venue=venue_named(db, venue) if venue.strip() else None,
        code=code,
        title=clean(title),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        trainers=trainers,
        segments=[Segment(position=i, name=name) for i, name in enumerate(segments)],
    )
    db.add(session)
    db.flush()
    return session


def refresh_search_key(delegate: Delegate) -> None:
    """Remake the keys a delegate is searched and sorted by, after their fields changed."""
    delegate.search_key = search_key_of(delegate)
    delegate.surname_key = surname_key(delegate.last_name or "", delegate.first_name or "")


def issue_badge_code(
    db: OrmSession, programme: Programme, token_bytes: Callable[[int], bytes] | None = None
) -> str:
    kwargs = {"token_bytes": token_bytes} if token_bytes else {}
    return new_badge_code(programme.signing_key, **kwargs)


def register(
    db: OrmSession,
    delegate: Delegate,
    session: Session,
    *,
    status: RegistrationStatus = RegistrationStatus.BOOKED,
    source: str = "",
    reason: str = "",
    clock: Clock = utc_now,
) -> Registration:
    """Book a delegate on a session with a new badge code (or return the booking they already have)."""
    existing = (
        db.scalars(
            select(Registration).where(
                Registration.delegate_id == delegate.id, Registration.session_id == session.id
            )
        ).first()
        if delegate.id is not None
        else None
    )
    if existing is not None:
        return existing
    now = clock()
    registration = Registration(
        delegate=delegate,
        session=session,
        status=status,
        status_reason=reason,
        source=source,
        badge_code=issue_badge_code(db, session.programme),
        answers={},
        created_at=now,
        updated_at=now,
    )
    db.add(registration)
    return registration


@dataclass(frozen=True)
class Transfer:
    from_registration_id: int
    to_registration_id: int
    to_session_code: str


def transfer(
    db: OrmSession, registration_id: int, to_session: Session, *, desk: str = "", clock: Clock = utc_now
) -> Transfer:
    """Move a booking to another session (a delegate who came to the wrong one): the old booking is
    marked transferred and the person is booked here. Their old badge still works here, because a scan
    resolves to the person's booking on the session being scanned."""
    old = db.get(Registration, registration_id)
    if old is None:
        raise UsageError("That booking no longer exists.")
    if old.session_id == to_session.id:
        raise UsageError("The booking is already for this session.")
    now = clock()
    new = register(
        db, old.delegate, to_session, status=RegistrationStatus.BOOKED, source="transfer", clock=clock
    )
    if new.status not in (RegistrationStatus.BOOKED, RegistrationStatus.WALK_IN):
        new.status = RegistrationStatus.BOOKED
        new.status_reason = ""
    old.status = RegistrationStatus.TRANSFERRED
    old.status_reason = f"transferred to {to_session.code}"
    old.updated_at = now
    db.flush()
    db.add(AuditLog(at=now, desk=desk, action="transfer", detail=f"registration {old.id} -> {new.id}"))
    return Transfer(old.id, new.id, to_session.code)


def set_status(
    db: OrmSession,
    registration_id: int,
    status: RegistrationStatus,
    reason: str = "",
    *,
    desk: str = "",
    clock: Clock = utc_now,
) -> None:
    """Cancel or restore a booking."""
    registration = db.get(Registration, registration_id)
    if registration is None:
        raise UsageError("That booking no longer exists.")
    now = clock()
    registration.status = status
    registration.status_reason = reason
    registration.updated_at = now
    db.add(AuditLog(at=now, desk=desk, action=f"status:{status}", detail=f"registration {registration.id}"))
