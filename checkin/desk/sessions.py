"""Sessions as the organiser keeps them: create, edit, duplicate for the next venue, archive, and remove
the demonstration programme. Every check runs before anything changes, so bad input changes nothing."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import add_session, session_by_code, venue_named
from checkin.domain.clock import Clock, as_utc, utc_now
from checkin.domain.text import clean
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.errors import UsageError
from checkin.store.models import (
    AuditLog,
    CheckinEvent,
    Delegate,
    ExternalCode,
    Outbox,
    PrintLog,
    Programme,
    Registration,
    RevokedCode,
    ScanLog,
    Segment,
    Session,
    Venue,
)


@dataclass(frozen=True)
class SessionDraft:
    """What the organiser fills in for a session. Times are aware datetimes; None where left empty."""

    code: str
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime | None
    capacity: int | None
    trainers: str = ""
    #: The parts of the day attendance is taken for, in order.
    segments: tuple[str, ...] = ("Morning", "Afternoon", "Case study")
    #: The session's own admission window; None takes the default around its dates.
    admit_from: datetime | None = None
    admit_until: datetime | None = None


@dataclass(frozen=True)
class SessionDetails(SessionDraft):
    """A session as it is stored, with what the organiser cannot type: bookings, marks."""

    id: int = 0
    booked: int = 0
    archived: bool = False
    demo: bool = False


# ---- reading ---------------------------------------------------------------------------------------


def _booked(db: OrmSession, session_id: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.session_id == session_id, Registration.status.in_(ACTIVE_STATUSES))
        )
        or 0
    )


def _details(db: OrmSession, session: Session) -> SessionDetails:
    return SessionDetails(
        code=session.code,
        title=session.title,
        venue=session.venue.name if session.venue else "",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
        trainers=session.trainers,
        segments=tuple(segment.name for segment in session.segments),
        admit_from=session.admit_from,
        admit_until=session.admit_until,
        id=session.id,
        booked=_booked(db, session.id),
        archived=session.archived,
        demo=session.demo,
    )


def session_details(db: OrmSession, code: str) -> SessionDetails:
    return _details(db, session_by_code(db, code))


def all_sessions(db: OrmSession) -> list[SessionDetails]:
    """Every session, archived ones too, in date order."""
    sessions = db.scalars(select(Session).order_by(Session.starts_at, Session.code))
    return [_details(db, session) for session in sessions]


def venue_names(db: OrmSession) -> list[str]:
    """The venues known, for completing what the organiser types."""
    return list(db.scalars(select(Venue.name).order_by(Venue.name)))


# ---- checking what was typed ---------------------------------------------------------------------


def _problem(db: OrmSession, draft: SessionDraft, current: Session | None) -> str | None:
    """The first thing wrong with a draft, in the organiser's words; None when it can be saved."""
    code = draft.code.strip()
    if not code or any(ch.isspace() for ch in code):
        return "A session code must be one word, like PRE-0312."
    if len(code) > 40:
        return "A session code is at most 40 characters."
    taken = db.scalars(
        select(Session.id).where(
            func.upper(Session.code) == code.upper(), Session.id != (current.id if current else -1)
        )
    ).first()
    if taken is not None:
        return f"Another session already has the code {code}: choose another code."
    if not clean(draft.title):
        return "Give the session a title."
    if not clean(draft.venue):
        return "Say where the session is (the venue)."
    if draft.ends_at is not None and as_utc(draft.ends_at) <= as_utc(draft.starts_at):
        return "The session must end after it starts."
    if draft.capacity is not None and draft.capacity < 1:
        return "The capacity must be a positive number of places (or left empty for no limit)."
    if current is not None and draft.capacity is not None:
        booked = _booked(db, current.id)
        if draft.capacity < booked:
            return (
                f"{booked} people are booked on this session: the capacity cannot be less than {booked}. "
                "Cancel or transfer bookings first."
            )
    names = [clean(name) for name in draft.segments]
    if not names or any(not name for name in names):
        return "Give every part of the day a name (at least one part)."
    if len({name.casefold() for name in names}) != len(names):
        return "Two parts of the day have the same name: give each its own."
    if (
        draft.admit_from is not None
        and draft.admit_until is not None
        and as_utc(draft.admit_until) <= as_utc(draft.admit_from)
    ):
        return "The desk must stop admitting after it starts admitting."
    return None


def check_draft(db: OrmSession, draft: SessionDraft, code: str | None = None) -> None:
    """Raise UsageError with the first problem of a draft (for a new session, or the session `code`)."""
    current = session_by_code(db, code) if code is not None else None
    problem = _problem(db, draft, current)
    if problem is not None:
        raise UsageError(problem)


# ---- changing -------------------------------------------------------------------------------------


def create_session(
    db: OrmSession, draft: SessionDraft, *, desk: str = "", clock: Clock = utc_now
) -> SessionDetails:
    """A new session from the organiser's draft. Flushes; the caller commits."""
    check_draft(db, draft)
    session = add_session(
        db,
        draft.code,
        draft.title,
        draft.venue,
        draft.starts_at,
        draft.ends_at,
        draft.capacity,
        segments=tuple(clean(name) for name in draft.segments),
        trainers=clean(draft.trainers),
    )
    session.admit_from, session.admit_until = draft.admit_from, draft.admit_until
    session.created_at = clock()
    db.add(AuditLog(at=clock(), desk=desk, action="session:create", detail=session.code))
    db.flush()
    return _details(db, session)


def _segment_has_marks(db: OrmSession, segment_id: int) -> bool:
    return (
        db.scalar(select(CheckinEvent.id).where(CheckinEvent.segment_id == segment_id).limit(1)) is not None
    )


def _never_sent(db: OrmSession, entity: str, row_id: int) -> bool:
    """The row's creation is still in this desk's outbox: no other desk has it yet."""
    return (
        db.scalar(
            select(Outbox.id)
            .where(Outbox.entity == entity, Outbox.row_id == row_id, Outbox.op == "create")
            .limit(1)
        )
        is not None
    )


def edit_session(
    db: OrmSession, code: str, draft: SessionDraft, *, desk: str = "", clock: Clock = utc_now
) -> SessionDetails:
    """Change a session to the draft. Parts of the day are renamed and added in place; a part is removed
    only when nobody was marked in it and no other desk has it yet (sync carries no deletions).
    Flushes; the caller commits."""
    session = session_by_code(db, code)
    problem = _problem(db, draft, session)
    names = [clean(name) for name in draft.segments]
    removed = session.segments[len(names) :]
    if problem is None:
        for segment in removed:
            if _segment_has_marks(db, segment.id):
                problem = (
                    f"Attendance was taken for “{segment.name}”: that part of the day cannot be removed."
                )
            elif not _never_sent(db, "segment", segment.id):
                problem = f"“{segment.name}” is already on other desks: rename it instead of removing it."
            if problem:
                break
    if problem is not None:
        raise UsageError(problem)
    session.code = draft.code.strip()
    session.title = clean(draft.title)
    if session.venue is None or session.venue.name != clean(draft.venue):
        session.venue = venue_named(db, draft.venue)
    session.starts_at = draft.starts_at
    session.ends_at = draft.ends_at
    session.capacity = draft.capacity
    session.trainers = clean(draft.trainers)
    session.admit_from, session.admit_until = draft.admit_from, draft.admit_until
    for segment, name in zip(session.segments, names, strict=False):
        if segment.name != name:
            segment.name = name
    for segment in removed:
        db.execute(delete(Outbox).where(Outbox.entity == "segment", Outbox.row_id == segment.id))
        session.segments.remove(segment)
    for position in range(len(session.segments), len(names)):
        session.segments.append(Segment(position=position, name=names[position]))
    db.add(AuditLog(at=clock(), desk=desk, action="session:edit", detail=session.code))
    db.flush()
    return _details(db, session)


def duplicate_session(
    db: OrmSession,
    code: str,
    new_code: str,
    venue: str,
    starts_at: datetime,
    *,
    desk: str = "",
    clock: Clock = utc_now,
) -> SessionDetails:
    """The same session for the next venue: title, parts of the day (their times moved with the day),
    capacity and trainers kept; a new code, venue and start; nobody booked. Flushes; the caller commits."""
    source = session_by_code(db, code)
    shift = as_utc(starts_at) - as_utc(source.starts_at)

    def moved(moment: datetime | None) -> datetime | None:
        return None if moment is None else as_utc(moment) + shift

    draft = replace(
        _details(db, source),
        code=new_code,
        venue=venue,
        starts_at=starts_at,
        ends_at=moved(source.ends_at),
        admit_from=moved(source.admit_from),
        admit_until=moved(source.admit_until),
    )
    check_draft(db, draft)
    created = create_session(db, _draft_of(draft), desk=desk, clock=clock)
    copy = db.get(Session, created.id)
    assert copy is not None
    for segment, original in zip(copy.segments, source.segments, strict=True):
        segment.starts_at = moved(original.starts_at)
        segment.ends_at = moved(original.ends_at)
        segment.required = original.required
    db.flush()
    return created


def _draft_of(details: SessionDraft) -> SessionDraft:
    return SessionDraft(
        code=details.code,
        title=details.title,
        venue=details.venue,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        capacity=details.capacity,
        trainers=details.trainers,
        segments=details.segments,
        admit_from=details.admit_from,
        admit_until=details.admit_until,
    )


def next_venue_start(details: SessionDetails, days: int = 7) -> datetime:
    """Where a duplicate starts unless the organiser says otherwise: a week later, same time of day."""
    return as_utc(details.starts_at) + timedelta(days=days)


def set_archived(
    db: OrmSession, code: str, archived: bool, *, desk: str = "", clock: Clock = utc_now
) -> SessionDetails:
    """Archive a session (hidden from the session picker and the desk, kept for reports) or bring it back."""
    session = session_by_code(db, code)
    session.archived = archived
    db.add(
        AuditLog(
            at=clock(),
            desk=desk,
            action="session:archive" if archived else "session:unarchive",
            detail=session.code,
        )
    )
    db.flush()
    return _details(db, session)


# ---- the demonstration programme ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoRemoved:
    sessions: int
    delegates: int


def has_demo(db: OrmSession) -> bool:
    return db.scalar(select(Session.id).where(Session.demo.is_(True)).limit(1)) is not None


def _ids(db: OrmSession, query: Select[int] | Select[int | None]) -> list[int]:
    return [value for value in db.scalars(query) if value is not None]


def _delete_rows(db: OrmSession, table: type, entity: str | None, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.execute(delete(table).where(table.id.in_(chunk)))  # type: ignore[attr-defined]
        if entity is not None:
            # Not sent yet (or never to be): other desks never hear of it.
            db.execute(delete(Outbox).where(Outbox.entity == entity, Outbox.row_id.in_(chunk)))


def remove_demo(db: OrmSession, *, desk: str = "", clock: Clock = utc_now) -> DemoRemoved:
    """Remove the demonstration programme: its sessions with their bookings, check-ins, scans and prints,
    the invented people booked on nothing else, and the demo programme itself. Real sessions and people
    are untouched. This desk only: sync carries no deletions, so a desk that received the demo removes
    it itself. Flushes; the caller commits."""
    session_ids = _ids(db, select(Session.id).where(Session.demo.is_(True)))
    if not session_ids:
        raise UsageError("There is no demonstration programme to remove.")
    registration_ids = _ids(db, select(Registration.id).where(Registration.session_id.in_(session_ids)))
    delegate_ids = set(
        _ids(db, select(Registration.delegate_id).where(Registration.id.in_(registration_ids)))
    )
    kept = set(
        _ids(
            db,
            select(Registration.delegate_id).where(
                Registration.delegate_id.in_(delegate_ids), Registration.session_id.not_in(session_ids)
            ),
        )
    )
    gone_delegates = sorted(delegate_ids - kept)
    event_ids = _ids(db, select(CheckinEvent.id).where(CheckinEvent.session_id.in_(session_ids)))
    # Check-in events are append-only through the ORM; the demo's are removed whole, with their session.
    _delete_rows(db, CheckinEvent, "checkin_event", event_ids)
    db.execute(delete(ScanLog).where(ScanLog.session_id.in_(session_ids)))
    db.execute(
        update(ScanLog).where(ScanLog.registration_id.in_(registration_ids)).values(registration_id=None)
    )
    db.execute(delete(PrintLog).where(PrintLog.registration_id.in_(registration_ids)))
    _delete_rows(
        db,
        ExternalCode,
        "external_code",
        _ids(db, select(ExternalCode.id).where(ExternalCode.registration_id.in_(registration_ids))),
    )
    _delete_rows(
        db,
        RevokedCode,
        "revoked_code",
        _ids(db, select(RevokedCode.id).where(RevokedCode.registration_id.in_(registration_ids))),
    )
    _delete_rows(db, Registration, "registration", registration_ids)
    _delete_rows(
        db, Segment, "segment", _ids(db, select(Segment.id).where(Segment.session_id.in_(session_ids)))
    )
    venue_ids = set(_ids(db, select(Session.venue_id).where(Session.id.in_(session_ids))))
    programme_ids = set(_ids(db, select(Session.programme_id).where(Session.id.in_(session_ids))))
    _delete_rows(db, Session, "session", session_ids)
    _delete_rows(db, Delegate, "delegate", gone_delegates)
    used_venues = set(_ids(db, select(Session.venue_id).where(Session.venue_id.in_(venue_ids))))
    _delete_rows(db, Venue, "venue", sorted(venue_ids - used_venues))
    used_programmes = set(
        _ids(db, select(Session.programme_id).where(Session.programme_id.in_(programme_ids)))
    )
    demo_programmes = set(
        _ids(db, select(Programme.id).where(Programme.id.in_(programme_ids), Programme.demo.is_(True)))
    )
    _delete_rows(db, Programme, "programme", sorted(demo_programmes - used_programmes))
    db.add(
        AuditLog(
            at=clock(),
            desk=desk,
            action="demo:remove",
            detail=f"{len(session_ids)} sessions, {len(gone_delegates)} invented delegates",
        )
    )
    db.flush()
    db.expire_all()
    return DemoRemoved(len(session_ids), len(gone_delegates))
