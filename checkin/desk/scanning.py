"""Recording scans: resolve the text, run the decision, and make an admission durable in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload

from checkin.domain.admission import DEFAULT_HOURS_BEFORE, admission_window
from checkin.domain.clock import Clock, utc_now
from checkin.domain.codes import CodeKind, ReadCode, lookup_key, read_code
from checkin.domain.decide import (
    EventFacts,
    Outcome,
    OutcomeCode,
    RegistrationFacts,
    SessionFacts,
    decide,
)
from checkin.domain.person import Person
from checkin.domain.vocabulary import ACTIVE_STATUSES, EventKind, Method, RegistrationStatus
from checkin.errors import UsageError
from checkin.store.database import begin_write
from checkin.store.models import (
    AuditLog,
    CheckinEvent,
    ExternalCode,
    Programme,
    Registration,
    RevokedCode,
    ScanLog,
    Session,
    new_uuid,
)

UNDO_WINDOW = timedelta(minutes=2)
_SCANNED_MAX = 300


def session_facts(session: Session, hours_before: int = DEFAULT_HOURS_BEFORE) -> SessionFacts:
    window = admission_window(
        session.starts_at,
        session.ends_at,
        admit_from=session.admit_from,
        admit_until=session.admit_until,
        hours_before=hours_before,
    )
    return SessionFacts(id=session.id, code=session.code, title=session.title, window=window)


def registration_facts(registration: Registration) -> RegistrationFacts:
    return RegistrationFacts(
        id=registration.id,
        session=session_facts(registration.session),
        status=registration.status,
        status_reason=registration.status_reason,
        delegate=Person.of(registration.delegate),
    )


def session_events(db: OrmSession, registration_id: int) -> list[EventFacts]:
    """A registration's session-level events (roll-call marks for segments are not arrivals)."""
    rows = db.scalars(
        select(CheckinEvent).where(
            CheckinEvent.registration_id == registration_id, CheckinEvent.segment_id.is_(None)
        )
    )
    return [EventFacts(e.uuid, e.kind, e.at, e.desk, e.method, e.undoes) for e in rows]


# Statements of the scan path, built once (a desk runs them on every scan).
_SIGNING_KEYS = select(Programme.id, Programme.signing_key)
_KNOWN_EXTERNAL = select(ExternalCode.id).where(ExternalCode.lookup == bindparam("lookup")).limit(1)
_BOOKINGS = (
    select(Registration)
    .options(joinedload(Registration.delegate), joinedload(Registration.session))
    .order_by(Registration.id)
)
_BY_BADGE = _BOOKINGS.where(
    Registration.delegate_id
    == select(Registration.delegate_id).where(Registration.badge_code == bindparam("code")).scalar_subquery()
)
_ISSUED_FOR_EXTERNAL = select(ExternalCode.registration_id).where(ExternalCode.lookup == bindparam("code"))
_BY_EXTERNAL = _BOOKINGS.where(
    Registration.delegate_id
    == select(Registration.delegate_id)
    .where(Registration.id == _ISSUED_FOR_EXTERNAL.scalar_subquery())
    .scalar_subquery()
)


def read_scan(db: OrmSession, text: str, session: Session) -> ReadCode:
    # Every programme's key, this session's first (one query: the programme itself is not loaded).
    rows = db.execute(_SIGNING_KEYS).all()
    keys = [key for id_, key in rows if id_ == session.programme_id]
    keys += [key for id_, key in rows if id_ != session.programme_id]

    def known_external(lookup: str) -> bool:
        return db.execute(_KNOWN_EXTERNAL, {"lookup": lookup}).first() is not None

    return read_code(text, keys, known_external)


_REVOKED = select(RevokedCode.registration_id, RevokedCode.revoked_at).where(
    RevokedCode.lookup == bindparam("lookup")
)


def find_revoked(db: OrmSession, read: ReadCode) -> tuple[ReadCode, Registration | None, datetime | None]:
    """For a code that is not live here: the booking it was issued for and when it was replaced, if a
    newer code replaced it (else the read as it was, None, None). One lookup by a unique index, made
    only after the live lookups found nothing, so an admission costs nothing more."""
    lookup = lookup_key(read.code)
    found = db.execute(_REVOKED, {"lookup": lookup}).first() if lookup else None
    if found is None:
        return read, None, None
    # On record, so a code whatever its shape (a spreadsheet's reference is not "invalid").
    kind = CodeKind.WELL_FORMED if read.kind is CodeKind.INVALID else read.kind
    return ReadCode(kind, lookup, read.layout), db.get(Registration, found.registration_id), found.revoked_at


def resolve(db: OrmSession, read: ReadCode, session: Session) -> Registration | None:
    """The booking a code stands for at this session: the person's booking here when they have one
    (a badge from another session still admits someone booked here); when they were transferred away or
    were never booked here, their active booking elsewhere (a wrong session); else the one it was issued for."""
    # All the person's bookings in one query; the one the code was issued for is among them.
    if read.kind is CodeKind.BADGE:
        bookings = db.scalars(_BY_BADGE, {"code": read.code}).all()
        issued = next((r for r in bookings if r.badge_code == read.code), None)
    elif read.kind is CodeKind.EXTERNAL:
        bookings = db.scalars(_BY_EXTERNAL, {"code": read.code}).all()
        issued_id = db.execute(_ISSUED_FOR_EXTERNAL, {"code": read.code}).scalar() if bookings else None
        issued = next((r for r in bookings if r.id == issued_id), None)
    else:
        return None
    if issued is None:
        return None
    here = next((r for r in bookings if r.session_id == session.id), None)
    if here is not None and here.status != RegistrationStatus.TRANSFERRED:
        return here
    # Transferred away from here, or never booked here: show where the person is booked now.
    elsewhere = next(
        (r for r in bookings if r.status in ACTIVE_STATUSES and r.session_id != session.id), None
    )
    return elsewhere or here or issued


def log_scan(
    db: OrmSession,
    text: str,
    read: ReadCode,
    session: Session,
    *,
    outcome: str,
    registration_id: int | None,
    at: datetime,
    desk: str,
    method: Method,
) -> None:
    """Add a scan to the scan log, in the caller's transaction: the code as read (an invalid one as it was
    typed), what the scan led to (a check-in outcome or a roll-call mark's code), and where it was made."""
    scanned = read.code if read.kind is not CodeKind.INVALID else text.strip()
    db.add(
        ScanLog(
            at=at,
            desk=desk,
            session_id=session.id,
            scanned=scanned[:_SCANNED_MAX],
            outcome=outcome,
            registration_id=registration_id,
            method=method,
        )
    )


@dataclass(frozen=True)
class ScanResult:
    """An outcome with what was recorded: the check-in that counts now, the desk that scanned, and how
    (the scan's method, or `override` when the organiser admitted a refusal anyway)."""

    outcome: Outcome
    desk: str
    checked_in_at: datetime | None
    event_uuid: str | None
    method: str


#: Refusals no PIN turns into an admission: a code that is not genuine, or one replaced by a newer code.
NEVER_OVERRIDDEN = frozenset({OutcomeCode.INVALID_CODE, OutcomeCode.REVOKED})


def can_override(outcome: Outcome) -> bool:
    """Whether the organiser PIN may admit this refusal anyway. It must name a booking at this session: a
    code no one holds has no one to admit, and a wrong session is moved here by its own action (transfer)."""
    return (
        not outcome.admitted
        and outcome.code not in NEVER_OVERRIDDEN
        and outcome.registration_id is not None
        and outcome.booked_session is None
    )


def override_outcome(
    db: OrmSession, refused: Outcome, session: Session, *, desk: str, operator: str, at: datetime
) -> Outcome:
    """The admission that replaces a refusal admitted anyway, with its audit row (who, and what was refused
    and why), in the caller's transaction."""
    db.add(
        AuditLog(
            at=at,
            desk=desk,
            operator=operator,
            action="override",
            detail=f"registration {refused.registration_id} at {session.code}: {refused.code}: {refused.reason}",
        )
    )
    return Outcome(
        OutcomeCode.ADMITTED,
        f"Admitted anyway with the organiser PIN: {refused.reason}",
        refused.delegate,
        registration_id=refused.registration_id,
        repaired_layout=refused.repaired_layout,
    )


def open_session_today(
    db: OrmSession, delegate_id: int, now: datetime, hours_before: int
) -> SessionFacts | None:
    """The first of a person's other active bookings whose session admits now (for a not_today refusal)."""
    sessions = db.scalars(
        select(Session)
        .join(Registration, Registration.session_id == Session.id)
        .where(Registration.delegate_id == delegate_id, Registration.status.in_(ACTIVE_STATUSES))
        .order_by(Session.starts_at, Session.id)
    )
    for session in sessions:
        facts = session_facts(session, hours_before)
        if facts.window is not None and facts.window.admits(now):
            return facts
    return None


def record_scan(
    db: OrmSession,
    text: str,
    session: Session,
    *,
    desk: str,
    operator: str = "",
    method: Method = Method.SCANNER,
    clock: Clock = utc_now,
    new_id: Callable[[], str] = new_uuid,
    hours_before: int = DEFAULT_HOURS_BEFORE,
    override: bool = False,
) -> ScanResult:
    """Decide a scan and record it; commits. The admission is on disk when this returns.

    `hours_before` is the desk's setting for when sessions open. With `override` (the caller has checked
    the organiser PIN) a refusal that `can_override` is admitted anyway, with the method `override`."""
    begin_write(db)  # before the events are read: another program's scan of this badge decides first
    now = clock()
    read = read_scan(db, text, session)
    registration = resolve(db, read, session)
    revoked_at = None
    if registration is None:
        read, registration, revoked_at = find_revoked(db, read)
    facts = registration_facts(registration) if registration is not None else None
    events = session_events(db, registration.id) if registration is not None else []
    outcome = decide(read, session_facts(session, hours_before), facts, events, now, revoked_at)
    if override and can_override(outcome):
        outcome = override_outcome(db, outcome, session, desk=desk, operator=operator, at=now)
        method = Method.OVERRIDE
    elif outcome.code is OutcomeCode.NOT_TODAY and facts is not None:
        today = open_session_today(db, facts.delegate.delegate_id, now, hours_before)
        outcome = replace(outcome, open_session=today)
    event_uuid = None
    checked_in_at = outcome.earlier.at if outcome.earlier else None
    if outcome.admitted and registration is not None:
        event_uuid = new_id()
        db.add(
            CheckinEvent(
                uuid=event_uuid,
                registration_id=registration.id,
                session_id=session.id,
                kind=EventKind.IN,
                at=now,
                desk=desk,
                operator=operator,
                method=method,
            )
        )
        checked_in_at = now
    log_scan(
        db,
        text,
        read,
        session,
        outcome=outcome.code,
        registration_id=registration.id if registration is not None else None,
        at=now,
        desk=desk,
        method=method,
    )
    db.commit()
    return ScanResult(outcome, desk, checked_in_at, event_uuid, method)


def admit_registration(
    db: OrmSession,
    registration_id: int,
    session: Session,
    *,
    desk: str,
    operator: str = "",
    method: Method = Method.SEARCH,
    clock: Clock = utc_now,
    hours_before: int = DEFAULT_HOURS_BEFORE,
    override: bool = False,
) -> ScanResult:
    """Check in a person found by search (or a walk-in): the same decision as a scan of their badge.
    With `override`, a refusal the organiser admits anyway after the desk checked the PIN."""
    registration = db.get(Registration, registration_id)
    if registration is None:
        raise UsageError("That booking no longer exists.")
    return record_scan(
        db,
        registration.badge_code,
        session,
        desk=desk,
        operator=operator,
        method=method,
        clock=clock,
        hours_before=hours_before,
        override=override,
    )


def undo_last_admission(
    db: OrmSession, session: Session, *, desk: str, operator: str = "", clock: Clock = utc_now
) -> Person | None:
    """Undo this desk's most recent admission at this session if it is under two minutes old.

    Undo is an event of its own; the admission stays in the record. Returns whose check-in was undone."""
    begin_write(db)  # so the admission found is still the last when the undo is written
    now = clock()
    undone = select(CheckinEvent.undoes).where(CheckinEvent.undoes.is_not(None))
    last = db.scalars(
        select(CheckinEvent)
        .where(
            CheckinEvent.session_id == session.id,
            CheckinEvent.desk == desk,
            CheckinEvent.kind == EventKind.IN,
            CheckinEvent.segment_id.is_(None),
            CheckinEvent.uuid.not_in(undone),
        )
        .order_by(CheckinEvent.at.desc(), CheckinEvent.id.desc())
        .limit(1)
    ).first()
    if last is None or now - last.at > UNDO_WINDOW:
        return None
    db.add(
        CheckinEvent(
            registration_id=last.registration_id,
            session_id=session.id,
            kind=EventKind.UNDO,
            undoes=last.uuid,
            at=now,
            desk=desk,
            operator=operator,
            method=last.method,
        )
    )
    db.commit()
    registration = db.get(Registration, last.registration_id)
    return Person.of(registration.delegate) if registration is not None else None
