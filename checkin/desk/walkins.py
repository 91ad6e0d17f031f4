"""Walk-ins: someone not on the list is registered at the desk, given a badge code and admitted; someone
whose booking was cancelled is booked again and admitted while places are free."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import refresh_search_key, register
from checkin.desk.scanning import ScanResult, admit_registration
from checkin.domain.admission import DEFAULT_HOURS_BEFORE
from checkin.domain.clock import Clock, utc_now
from checkin.domain.text import clean, fold, normalise_email
from checkin.domain.vocabulary import ACTIVE_STATUSES, Method, RegistrationStatus
from checkin.errors import UsageError, UserError
from checkin.store.database import begin_write
from checkin.store.models import AuditLog, Delegate, Registration, Session


@dataclass(frozen=True)
class WalkIn:
    first_name: str
    last_name: str
    organisation: str = ""
    email: str = ""
    job_title: str = ""
    access_needs: str = ""
    dietary_needs: str = ""
    badge_name: str = ""
    phone: str = ""


#: What a walk-in's form may fill in besides the name (and the email, which finds a known person).
_DETAILS = ("badge_name", "organisation", "job_title", "phone", "access_needs", "dietary_needs")


class OverCapacity(UserError):
    """The session is full; the desk asks before admitting one more."""

    def __init__(self, booked: int, capacity: int) -> None:
        super().__init__(f"The session is full: {booked} of {capacity} places are taken.")
        self.booked, self.capacity = booked, capacity


class EmailOfSomeoneElse(UserError):
    """The walk-in's email is already a delegate's under another name: the desk decides who this is."""

    def __init__(self, known: str, email: str) -> None:
        super().__init__(
            f"{email} is already the email of {known}. If this is {known}, find them by name at the desk; "
            "if not, correct the email or leave it empty."
        )
        self.known = known


def places_taken(db: OrmSession, session: Session) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                Registration.session_id == session.id, Registration.status.in_(ACTIVE_STATUSES)
            )
        )
        or 0
    )


def register_walk_in(
    db: OrmSession,
    session: Session,
    person: WalkIn,
    *,
    desk: str,
    operator: str = "",
    over_capacity_ok: bool = False,
    clock: Clock = utc_now,
    hours_before: int = DEFAULT_HOURS_BEFORE,
) -> ScanResult:
    """Book and admit a walk-in; commits. A known email reuses that person's record when the name is
    theirs too; under another name it is refused (EmailOfSomeoneElse), so that a typed name is never
    silently replaced by the record's. `hours_before` is the desk's setting for when sessions open."""
    first, last = clean(person.first_name), clean(person.last_name)
    if not (first or last):
        raise UsageError("Give the walk-in's name.")
    email = normalise_email(person.email)
    if person.email.strip() and not email:
        raise UsageError(f"{person.email.strip()!r} is not an email address.")
    begin_write(db)  # before the places are counted and the email looked up: one walk-in at a time
    taken = places_taken(db, session)
    if session.capacity is not None and taken >= session.capacity and not over_capacity_ok:
        raise OverCapacity(taken, session.capacity)
    delegate = db.scalars(select(Delegate).where(Delegate.email == email)).first() if email else None
    if delegate is not None and fold(f"{delegate.first_name}{delegate.last_name}") != fold(f"{first}{last}"):
        raise EmailOfSomeoneElse(f"{delegate.first_name} {delegate.last_name}".strip(), email)
    if delegate is None:
        delegate = Delegate(first_name=first, last_name=last, email=email)
        db.add(delegate)
    for field in _DETAILS:
        value = clean(getattr(person, field))
        if value:
            setattr(delegate, field, value)
    refresh_search_key(delegate)
    db.flush()
    registration = register(
        db, delegate, session, status=RegistrationStatus.WALK_IN, source="walk-in", clock=clock
    )
    if registration.status not in ACTIVE_STATUSES:
        registration.status = RegistrationStatus.WALK_IN
        registration.status_reason = ""
    db.flush()
    return admit_registration(
        db,
        registration.id,
        session,
        desk=desk,
        operator=operator,
        method=Method.WALK_IN,
        clock=clock,
        hours_before=hours_before,
    )


#: Bookings that may be booked again at the desk: cancelled or waiting for a place (one transferred away
#: is booked on its new session, and is checked in there).
REBOOKABLE = (RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED)


def can_rebook(db: OrmSession, registration_id: int) -> bool:
    """Whether a refused booking can be booked again here: cancelled or waitlisted, with a place free."""
    registration = db.get(Registration, registration_id)
    if registration is None or registration.status not in REBOOKABLE:
        return False
    capacity = registration.session.capacity
    return capacity is None or places_taken(db, registration.session) < capacity


def rebook_and_admit(
    db: OrmSession,
    registration_id: int,
    session: Session,
    *,
    desk: str,
    operator: str = "",
    clock: Clock = utc_now,
    hours_before: int = DEFAULT_HOURS_BEFORE,
) -> ScanResult:
    """Book a cancelled (or waitlisted) booking again and admit it, as the organiser decided at the desk
    (the caller checked the PIN); commits. The booking counts as booked again, on every desk."""
    begin_write(db)  # before the places are counted: two desks never give away the last place twice
    registration = db.get(Registration, registration_id)
    if registration is None or registration.session_id != session.id:
        raise UsageError("That booking is not for this session.")
    if registration.status not in REBOOKABLE:
        raise UsageError("That booking is not cancelled: scan the badge again.")
    taken = places_taken(db, session)
    if session.capacity is not None and taken >= session.capacity:
        raise OverCapacity(taken, session.capacity)
    now = clock()
    was = registration.status
    registration.status = RegistrationStatus.BOOKED
    registration.status_reason = ""
    registration.updated_at = now
    db.add(
        AuditLog(
            at=now,
            desk=desk,
            operator=operator,
            action="rebook",
            detail=f"registration {registration.id}: {was}",
        )
    )
    db.flush()
    return admit_registration(
        db, registration.id, session, desk=desk, operator=operator, clock=clock, hours_before=hours_before
    )
