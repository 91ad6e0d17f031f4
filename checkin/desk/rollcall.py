"""The trainers' roll-call: who is on the list for each part of the day, and marking people by a scan.

The list is the session's active bookings (booked and walk-ins), each with their desk check-in if any.
People not checked in at the desk can still be marked present (some walk past the desk); the view
shows them apart. Marking never checks anyone in at the desk. Marks are recorded by `checkin.desk.attendance`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.desk.attendance import is_marked, mark_segment, segment_attendance
from checkin.desk.guides import guides_given
from checkin.desk.roster import attendance
from checkin.desk.scanning import (
    find_revoked,
    log_scan,
    read_scan,
    registration_facts,
    resolve,
    session_facts,
)
from checkin.domain.clock import Clock, as_utc, utc_now
from checkin.domain.marks import MarkCode, MarkOutcome, decide_mark
from checkin.domain.person import Person
from checkin.domain.vocabulary import ACTIVE_STATUSES, Method
from checkin.store.database import begin_write
from checkin.store.models import Registration, Segment, Session


@dataclass(frozen=True)
class SegmentInfo:
    """A part of the day and how many are marked present for it."""

    id: int
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    required: bool
    marked: int


@dataclass(frozen=True)
class RollCallEntry:
    """One active booking on the roll-call."""

    registration_id: int
    delegate_id: int
    first_name: str
    last_name: str
    display_name: str
    organisation: str
    #: When the person was checked in at the desk; None if they were not (yet).
    checked_in_at: datetime | None
    #: The ids of the segments they are marked present for.
    marked: frozenset[int]
    #: Whether they were given the pocket guide.
    guide: bool = False


@dataclass(frozen=True)
class RollCall:
    session_id: int
    session_code: str
    segments: tuple[SegmentInfo, ...]
    #: Every active booking, by surname.
    entries: tuple[RollCallEntry, ...]

    @property
    def checked_in(self) -> int:
        return sum(1 for entry in self.entries if entry.checked_in_at is not None)


def roll_call(db: OrmSession, session: Session) -> RollCall:
    """The session's active bookings with their desk check-in and their segment marks."""
    registrations = db.scalars(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Registration.delegate))
    ).all()
    arrived = attendance(db, session.id)
    marks = segment_attendance(db, session)
    guides = guides_given(db, session.id)
    entries = []
    for registration in registrations:
        card = Person.of(registration.delegate)
        at_desk = arrived.get(registration.id)
        entries.append(
            RollCallEntry(
                registration_id=registration.id,
                delegate_id=card.delegate_id,
                first_name=card.first_name,
                last_name=card.last_name,
                display_name=card.display_name,
                organisation=card.organisation,
                checked_in_at=at_desk[0] if at_desk else None,
                marked=frozenset(marks.get(registration.id, ())),
                guide=registration.id in guides,
            )
        )
    entries.sort(key=lambda e: (e.last_name.casefold(), e.first_name.casefold(), e.registration_id))
    counted = {entry.registration_id for entry in entries}
    segments = tuple(
        SegmentInfo(
            id=segment.id,
            name=segment.name,
            starts_at=segment.starts_at,
            ends_at=segment.ends_at,
            required=segment.required,
            marked=sum(1 for rid, ids in marks.items() if rid in counted and segment.id in ids),
        )
        for segment in session.segments
    )
    return RollCall(session.id, session.code, segments, tuple(entries))


def current_segment(segments: tuple[SegmentInfo, ...], now: datetime) -> SegmentInfo | None:
    """The part of the day a trainer is most likely taking the roll for at `now`: the one running; in a
    break between two parts (lunch), the next one; otherwise (before the day, after it, another day)
    the first."""
    if not segments:
        return None
    now = as_utc(now)
    for segment in segments:
        if (
            segment.starts_at
            and segment.ends_at
            and as_utc(segment.starts_at) <= now < as_utc(segment.ends_at)
        ):
            return segment
    # Between two parts (lunch): the next one. Before the first, after the last: the first.
    started = [s for s in segments if s.starts_at is not None and as_utc(s.starts_at) <= now]
    upcoming = [s for s in segments if s.starts_at is not None and as_utc(s.starts_at) > now]
    if started and upcoming:
        return upcoming[0]
    return segments[0]


def mark_by_scan(
    db: OrmSession,
    text: str,
    session: Session,
    segment_id: int,
    *,
    desk: str,
    operator: str = "",
    method: Method = Method.SCANNER,
    clock: Clock = utc_now,
) -> MarkOutcome:
    """Mark the person a scanned code stands for present in the segment; commits. The code is read and
    resolved exactly as at the desk, and `checkin.domain.marks.decide_mark` decides. It never checks
    anyone in at the desk; it logs the scan."""
    begin_write(db)  # before the marks are read: another program marking this person decides first
    segment = db.get(Segment, segment_id)
    if segment is None or segment.session_id != session.id:
        raise ValueError(f"segment {segment_id} is not part of session {session.code}")
    read = read_scan(db, text, session)
    registration = resolve(db, read, session)
    revoked_at = None
    if registration is None:
        read, registration, revoked_at = find_revoked(db, read)
    already_marked = False
    checked_in_at: datetime | None = None
    if revoked_at is None and registration is not None and registration.session_id == session.id:
        # Only a booking here can be marked: for one elsewhere these facts are not needed.
        already_marked = is_marked(db, registration.id, segment.id)
        at_desk = attendance(db, session.id).get(registration.id)
        checked_in_at = at_desk[0] if at_desk else None
    outcome = decide_mark(
        read,
        session_facts(session),
        registration_facts(registration) if registration is not None else None,
        segment.name,
        already_marked=already_marked,
        checked_in_at=checked_in_at,
        revoked_at=revoked_at,
    )
    if outcome.code is MarkCode.MARKED and registration is not None:
        mark_segment(
            db, registration.id, segment.id, desk=desk, operator=operator, method=method, clock=clock
        )
    log_scan(
        db,
        text,
        read,
        session,
        outcome=outcome.code,
        registration_id=outcome.registration_id,
        at=clock(),
        desk=desk,
        method=method,
    )
    db.commit()
    return outcome
