"""The organisers' live figures: checked in against expected, arrivals over time, no-shows, organisations.

Plain queries returning frozen dataclasses, cheap enough to run every few seconds. "Expected" is the
active bookings (booked and walk-ins); "checked in" is those whose desk check-in counts now (undos and
check-outs applied, one per person however many desks scanned them). Overrides (refusals admitted anyway
with the organiser PIN) are counted apart as well, for the organiser to review.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.desk.attendance import segment_attendance
from checkin.desk.roster import current_checkins
from checkin.domain.clock import Clock, as_utc, utc_now
from checkin.domain.person import Person
from checkin.domain.text import fold
from checkin.domain.vocabulary import ACTIVE_STATUSES, EventKind, Method, RegistrationStatus
from checkin.store.models import CheckinEvent, Delegate, Registration, Session

BIN = timedelta(minutes=5)
NO_ORGANISATION = "No organisation given"


@dataclass(frozen=True)
class NoShow:
    registration_id: int
    delegate_id: int
    display_name: str
    organisation: str
    email: str


@dataclass(frozen=True)
class SessionFigures:
    session_id: int
    code: str
    title: str
    venue: str
    starts_at: datetime
    capacity: int | None
    #: Active bookings: booked and walk-ins.
    expected: int
    #: Active bookings checked in at the desk.
    checked_in: int
    walk_ins: int
    #: Marked present by a trainer without a desk check-in (walked past the desk): not no-shows.
    marked_only: int
    #: Whether the session has started at the time asked about.
    started: bool
    #: After the start: active bookings neither checked in nor marked present, by surname. Before: none.
    no_shows: tuple[NoShow, ...]
    first_arrival: datetime | None
    last_arrival: datetime | None
    #: Refusals admitted anyway with the organiser PIN at this session (not undone).
    overrides: int

    @property
    def not_arrived(self) -> int:
        return self.expected - self.checked_in - self.marked_only


@dataclass(frozen=True)
class ArrivalBin:
    """Desk check-ins in the five minutes from `starts_at` (UTC)."""

    starts_at: datetime
    count: int


@dataclass(frozen=True)
class OrganisationCount:
    organisation: str
    arrived: int
    booked: int


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    code: str
    title: str
    venue: str
    starts_at: datetime
    expected: int
    checked_in: int
    started: bool


@dataclass(frozen=True)
class OverallFigures:
    sessions: tuple[SessionRow, ...]
    #: Over every session, held or not.
    expected: int
    checked_in: int
    #: Over the sessions that have started: the turnout so far.
    sessions_held: int
    expected_so_far: int
    checked_in_so_far: int


def _arrivals(db: OrmSession, session_id: int | None = None) -> dict[int, datetime]:
    """registration id -> desk check-in time, for active bookings checked in now."""
    conditions: list[ColumnElement[bool]] = [Registration.status.in_(ACTIVE_STATUSES)]
    if session_id is not None:
        conditions.append(Registration.session_id == session_id)
    active = select(Registration.id).where(*conditions)
    present = current_checkins(db, CheckinEvent.registration_id.in_(active))
    return {registration_id: as_utc(at) for registration_id, (at, _desk) in present.items()}


def overrides(db: OrmSession, session_id: int) -> int:
    """How many admissions at this session were overrides, leaving out those undone."""
    undone = select(CheckinEvent.undoes).where(CheckinEvent.undoes.is_not(None))
    return (
        db.scalar(
            select(func.count()).where(
                CheckinEvent.session_id == session_id,
                CheckinEvent.segment_id.is_(None),
                CheckinEvent.kind == EventKind.IN,
                CheckinEvent.method == Method.OVERRIDE,
                CheckinEvent.uuid.not_in(undone),
            )
        )
        or 0
    )


def session_figures(db: OrmSession, session_id: int, now: datetime) -> SessionFigures:
    session = db.get(Session, session_id)
    if session is None:
        raise LookupError(f"no session {session_id}")
    registrations = db.scalars(
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Registration.delegate))
    ).all()
    arrived = _arrivals(db, session_id)
    marked = segment_attendance(db, session)
    started = as_utc(now) >= as_utc(session.starts_at)
    absent = [r for r in registrations if r.id not in arrived and not marked.get(r.id)]
    no_shows = tuple(
        NoShow(
            registration_id=r.id,
            delegate_id=r.delegate.id,
            display_name=Person.of(r.delegate).display_name,
            organisation=r.delegate.organisation,
            email=r.delegate.email,
        )
        for r in sorted(
            absent, key=lambda r: (r.delegate.last_name.casefold(), r.delegate.first_name.casefold(), r.id)
        )
        if started
    )
    times = sorted(arrived.values())
    return SessionFigures(
        session_id=session.id,
        code=session.code,
        title=session.title,
        venue=session.venue.name if session.venue else "",
        starts_at=as_utc(session.starts_at),
        capacity=session.capacity,
        expected=len(registrations),
        checked_in=len(arrived),
        walk_ins=sum(1 for r in registrations if r.status == RegistrationStatus.WALK_IN),
        marked_only=sum(1 for r in registrations if r.id not in arrived and marked.get(r.id)),
        started=started,
        no_shows=no_shows,
        first_arrival=times[0] if times else None,
        last_arrival=times[-1] if times else None,
        overrides=overrides(db, session_id),
    )


def _bin_start(moment: datetime) -> datetime:
    moment = as_utc(moment)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def arrivals_per_5_minutes(
    db: OrmSession, session_id: int, *, since: datetime | None = None, until: datetime | None = None
) -> list[ArrivalBin]:
    """Desk check-ins per five minutes (on the clock: 09:00, 09:05...), from the first arrival's five
    minutes to the last's, empty ones included. `since` and `until` widen the range (to show the
    session's start, say); they never hide an arrival. No arrivals and no range: an empty list."""
    times = list(_arrivals(db, session_id).values())
    counts = Counter(_bin_start(at) for at in times)
    edges = list(counts)
    edges += [_bin_start(moment) for moment in (since, until) if moment is not None]
    if not edges:
        return []
    bins = []
    moment, last = min(edges), max(edges)
    while moment <= last:
        bins.append(ArrivalBin(moment, counts.get(moment, 0)))
        moment += BIN
    return bins


def by_organisation(db: OrmSession, session_id: int, limit: int = 10) -> list[OrganisationCount]:
    """The organisations with the most delegates checked in, most first (then most booked, then by
    name). Spellings that differ only in case or accents count as one organisation."""
    arrived = _arrivals(db, session_id)
    rows = db.execute(
        select(Registration.id, Delegate.organisation)
        .join(Delegate, Registration.delegate_id == Delegate.id)
        .where(Registration.session_id == session_id, Registration.status.in_(ACTIVE_STATUSES))
    ).all()
    names: dict[str, Counter[str]] = {}
    booked: Counter[str] = Counter()
    came: Counter[str] = Counter()
    for registration_id, organisation in rows:
        key = fold(organisation) if organisation.strip() else ""
        names.setdefault(key, Counter())[organisation.strip() or NO_ORGANISATION] += 1
        booked[key] += 1
        if registration_id in arrived:
            came[key] += 1
    counts = [
        OrganisationCount(names[key].most_common(1)[0][0], came[key], booked[key])
        for key in came
        if came[key]
    ]
    counts.sort(key=lambda c: (-c.arrived, -c.booked, c.organisation.casefold()))
    return counts[:limit]


def overall(db: OrmSession, *, clock: Clock = utc_now) -> OverallFigures:
    """Checked in against expected for every session, and the totals: all sessions, and those held."""
    now = as_utc(clock())
    sessions = db.scalars(
        select(Session).options(selectinload(Session.venue)).order_by(Session.starts_at, Session.code)
    ).all()
    active = db.execute(
        select(Registration.id, Registration.session_id).where(Registration.status.in_(ACTIVE_STATUSES))
    ).all()
    arrived = _arrivals(db)
    expected: Counter[int] = Counter(session_id for _rid, session_id in active)
    present: Counter[int] = Counter(session_id for rid, session_id in active if rid in arrived)
    rows = tuple(
        SessionRow(
            session_id=s.id,
            code=s.code,
            title=s.title,
            venue=s.venue.name if s.venue else "",
            starts_at=as_utc(s.starts_at),
            expected=expected[s.id],
            checked_in=present[s.id],
            started=now >= as_utc(s.starts_at),
        )
        for s in sessions
    )
    held = [row for row in rows if row.started]
    return OverallFigures(
        sessions=rows,
        expected=sum(row.expected for row in rows),
        checked_in=sum(row.checked_in for row in rows),
        sessions_held=len(held),
        expected_so_far=sum(row.expected for row in held),
        checked_in_so_far=sum(row.checked_in for row in held),
    )
