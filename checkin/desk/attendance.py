"""Attendance per segment of the day (roll-call), derived from check-in events, and who earns a certificate.

A desk's arrival scan is a session-level event (``segment_id`` NULL); a trainer's roll-call marks one
segment (morning, afternoon, case study) with an event carrying that segment. Marks are append-only like
every check-in event: unmarking records an 'undo' of the marks that count.

Certificates are strict: a delegate "attended every required segment" only when a trainer marked them
present for each required segment. Arriving at the desk is not enough (people leave at lunch), and a
session whose trainers took no roll-call has no one eligible; the organiser is told so rather than
certificates going to everyone who walked in.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.domain.decide import EventFacts, current_checkin
from checkin.domain.vocabulary import ACTIVE_STATUSES, EventKind, Method
from checkin.errors import UsageError
from checkin.store.database import begin_write
from checkin.store.models import CheckinEvent, Registration, Segment, Session


def _booking_and_segment(
    db: OrmSession, registration_id: int, segment_id: int
) -> tuple[Registration, Segment]:
    registration = db.get(Registration, registration_id)
    if registration is None:
        raise UsageError("That booking no longer exists.")
    segment = db.get(Segment, segment_id)
    if segment is None or segment.session_id != registration.session_id:
        raise UsageError("That part of the day does not belong to this person's session.")
    return registration, segment


def _segment_events(db: OrmSession, registration_id: int, segment_id: int) -> list[CheckinEvent]:
    return list(
        db.scalars(
            select(CheckinEvent).where(
                CheckinEvent.registration_id == registration_id, CheckinEvent.segment_id == segment_id
            )
        )
    )


def _facts(event: CheckinEvent) -> EventFacts:
    return EventFacts(event.uuid, event.kind, event.at, event.desk, event.method, event.undoes)


def is_marked(db: OrmSession, registration_id: int, segment_id: int) -> bool:
    """Whether the person counts as present for the segment now."""
    events = _segment_events(db, registration_id, segment_id)
    return current_checkin([_facts(e) for e in events]) is not None


def mark_segment(
    db: OrmSession,
    registration_id: int,
    segment_id: int,
    *,
    desk: str,
    operator: str = "",
    method: Method = Method.ROLL_CALL,
    clock: Clock = utc_now,
) -> bool:
    """Record that the person is present for the segment; commits. Returns False (and records nothing)
    when they were marked already, so ticking twice is harmless. Only active bookings can be marked."""
    begin_write(db)
    registration, segment = _booking_and_segment(db, registration_id, segment_id)
    if registration.status not in ACTIVE_STATUSES:
        raise UsageError(
            f"This booking is {registration.status.replace('_', ' ')}: it cannot be marked present."
        )
    if is_marked(db, registration_id, segment_id):
        return False
    db.add(
        CheckinEvent(
            registration_id=registration.id,
            session_id=registration.session_id,
            segment_id=segment.id,
            kind=EventKind.IN,
            at=clock(),
            desk=desk,
            operator=operator,
            method=method,
        )
    )
    db.commit()
    return True


def unmark_segment(
    db: OrmSession,
    registration_id: int,
    segment_id: int,
    *,
    desk: str,
    operator: str = "",
    method: Method = Method.ROLL_CALL,
    clock: Clock = utc_now,
) -> bool:
    """Take back a segment mark (a tick in the wrong row); commits. The marks stay in the record, each
    cancelled by an 'undo' event. Returns False when there was no mark to take back."""
    begin_write(db)
    registration, segment = _booking_and_segment(db, registration_id, segment_id)
    events = _segment_events(db, registration_id, segment_id)
    undone = {e.undoes for e in events if e.kind == EventKind.UNDO}
    # Every 'in' still standing is undone, so the earlier of two desks' marks cannot resurface.
    standing = [e for e in events if e.kind == EventKind.IN and e.uuid not in undone]
    if not standing:
        return False
    now = clock()
    for event in standing:
        db.add(
            CheckinEvent(
                registration_id=registration.id,
                session_id=registration.session_id,
                segment_id=segment.id,
                kind=EventKind.UNDO,
                undoes=event.uuid,
                at=now,
                desk=desk,
                operator=operator,
                method=method,
            )
        )
    db.commit()
    return True


def segment_attendance(db: OrmSession, session: Session) -> dict[int, set[int]]:
    """registration id -> the ids of the segments the person is marked present for (only people with at
    least one mark appear)."""
    grouped: dict[tuple[int, int], list[EventFacts]] = defaultdict(list)
    rows = db.execute(
        select(
            CheckinEvent.registration_id,
            CheckinEvent.segment_id,
            CheckinEvent.uuid,
            CheckinEvent.kind,
            CheckinEvent.at,
            CheckinEvent.desk,
            CheckinEvent.method,
            CheckinEvent.undoes,
        ).where(CheckinEvent.session_id == session.id, CheckinEvent.segment_id.is_not(None))
    )
    for registration_id, segment_id, uuid, kind, at, desk, method, undoes in rows:
        assert segment_id is not None  # the query asks for segment marks only
        grouped[(registration_id, segment_id)].append(EventFacts(uuid, kind, at, desk, method, undoes))
    present: dict[int, set[int]] = defaultdict(set)
    for (registration_id, segment_id), facts in grouped.items():
        if current_checkin(facts) is not None:
            present[registration_id].add(segment_id)
    return dict(present)


def required_segment_ids(session: Session) -> set[int]:
    return {segment.id for segment in session.segments if segment.required}


def attended_all_required(marked: Iterable[int], required: set[int]) -> bool:
    """True when the marked segments cover every required one. Strict: with no marks at all it is
    False even for a session with no required segments, so a no-show never gets a certificate."""
    marked = set(marked)
    return bool(marked) and required <= marked


def eligible_for_certificate(db: OrmSession, session: Session) -> list[int]:
    """Registration ids of active bookings marked present for every required segment, in id order."""
    required = required_segment_ids(session)
    present = segment_attendance(db, session)
    active = db.scalars(
        select(Registration.id).where(
            Registration.session_id == session.id, Registration.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    return sorted(rid for rid in active if attended_all_required(present.get(rid, ()), required))


def segment_named(session: Session, name: str) -> Segment:
    """A part of the session's day by its name (any case) or its number counted from 1."""
    wanted = name.strip().casefold()
    for number, segment in enumerate(session.segments, start=1):
        if segment.name.casefold() == wanted or wanted == str(number):
            return segment
    parts = ", ".join(s.name for s in session.segments) or "none"
    raise UsageError(f"{session.code} has no part of the day called {name!r}; its parts: {parts}.")


def booking_of(db: OrmSession, session: Session, delegate_id: int, *, active: bool = False) -> int:
    """The registration id of a delegate's booking on the session; with `active`, only a booking that
    can be marked present (so a batch can be checked whole before anything is written)."""
    registration = db.scalars(
        select(Registration).where(
            Registration.session_id == session.id, Registration.delegate_id == delegate_id
        )
    ).first()
    if registration is None:
        raise UsageError(f"Delegate {delegate_id} is not booked on {session.code}.")
    if active and registration.status not in ACTIVE_STATUSES:
        status = registration.status.replace("_", " ")
        raise UsageError(f"Delegate {delegate_id}'s booking on {session.code} is {status}: not marked.")
    return registration.id
