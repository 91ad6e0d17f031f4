"""The programme report's figures, counted from the bookings, the check-in events and the guides handed out.

What each figure counts (the PDF's method note says the same in the organiser's words):

- **booked**: bookings with a confirmed place (status booked) at the end; **walk-ins**: people
  registered at the desk on the day, and people admitted anyway (organiser PIN) on a booking that held no
  place (cancelled, waitlisted, not confirmed), since they too came without one; **places** = booked +
  walk-ins.
- **attended**: places whose person was checked in at the desk (the check-in that counts: undos applied,
  one per person however many desks scanned them) or marked present by a trainer for any part of the
  day; **no-shows** = places minus attended.
- **certificates**: active bookings marked present for every required part of the day (the rule the
  certificates use: `checkin.desk.attendance.eligible_for_certificate`).
- **cancellations**: bookings cancelled (and not admitted anyway); **overrides**: admissions made anyway
  with the organiser PIN, not undone; **guides**: people given the pocket guide.
- Sectors and organisations count places and attendances (a person at two sessions counts twice);
  **people** counts each person once, and the repeat table says how many sessions each person came to.
- **Arrivals**: desk check-ins that count, by the local time of day in 15 minutes, over every session.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Self

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.desk.attendance import eligible_for_certificate, segment_attendance
from checkin.desk.dashboard import overrides
from checkin.desk.guides import guides_given
from checkin.desk.roster import current_checkins
from checkin.desk.sectors import delegate_sectors
from checkin.domain.clock import Clock, as_utc, to_local, utc_now
from checkin.domain.sectors import Sector, organisation_key
from checkin.domain.vocabulary import ACTIVE_STATUSES, RegistrationStatus
from checkin.errors import UsageError
from checkin.store.models import CheckinEvent, Delegate, Programme, Registration, Session

ARRIVAL_BIN = timedelta(minutes=15)
NO_ORGANISATION = "No organisation given"
#: Sessions attended, the last row "or more".
MOST_SESSIONS_SHOWN = 4


@dataclass(frozen=True)
class Counts:
    """The counts of one session, or a sum of several (a venue, a sector, an organisation, the total)."""

    booked: int = 0
    walk_ins: int = 0
    places: int = 0
    attended: int = 0
    no_shows: int = 0
    certificates: int = 0
    cancellations: int = 0
    overrides: int = 0
    guides: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def total(cls, many: "list[Counts] | tuple[Counts, ...]") -> Self:
        result = cls()
        for counts in many:
            result = result + counts  # type: ignore[assignment]
        return result


@dataclass(frozen=True)
class SessionReport:
    code: str
    title: str
    venue: str
    starts_at: datetime
    counts: Counts
    #: False when the trainers took no roll-call: no certificates can be counted.
    roll_call_taken: bool


@dataclass(frozen=True)
class GroupReport:
    """A venue, a sector or an organisation: its name, how many sessions or people, and its counts."""

    name: str
    counts: Counts
    #: Sessions held there (a venue); different people who came (a sector, an organisation).
    number: int


@dataclass(frozen=True)
class ProgrammeReport:
    title: str
    organiser: str
    made_at: datetime
    #: The first and last session's local dates (None when no sessions were chosen).
    first_day: date | None
    last_day: date | None
    sessions: tuple[SessionReport, ...]
    total: Counts
    venues: tuple[GroupReport, ...]
    sectors: tuple[GroupReport, ...]
    #: Every organisation, most attended first; the blank organisation last.
    organisations: tuple[GroupReport, ...]
    #: Different people who attended at least one session.
    people: int
    #: sessions attended (1..MOST_SESSIONS_SHOWN, the last "or more") -> people.
    repeat: dict[int, int]
    #: Local time of day at the start of each 15 minutes -> desk arrivals, first to last, gaps included.
    arrivals: tuple[tuple[time, int], ...]
    #: The organisations' different people, by organisation key (for thresholds).
    organisation_people: dict[str, int] = field(default_factory=dict)

    @property
    def more_than_one_session(self) -> int:
        return sum(n for sessions, n in self.repeat.items() if sessions > 1)

    @property
    def desk_arrivals(self) -> int:
        return sum(n for _t, n in self.arrivals)


def choose_sessions(
    db: OrmSession,
    codes: list[str] | None = None,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    zone: tzinfo | None = None,
) -> list[Session]:
    """The sessions a report covers: those named (any case), else all; then those whose local date is in
    [first_day, last_day]. In date order."""
    sessions = list(
        db.scalars(
            select(Session).options(selectinload(Session.venue)).order_by(Session.starts_at, Session.code)
        )
    )
    if codes:
        by_code = {s.code.upper(): s for s in sessions}
        missing = [c for c in codes if c.strip().upper() not in by_code]
        if missing:
            known = ", ".join(s.code for s in sessions[:8]) or "none yet"
            raise UsageError(f"There is no session with the code {missing[0]!r}. Known sessions: {known}.")
        wanted = {c.strip().upper() for c in codes}
        sessions = [s for s in sessions if s.code.upper() in wanted]
    if first_day and last_day and first_day > last_day:
        raise UsageError(f"The period starts ({first_day:%d %b %Y}) after it ends ({last_day:%d %b %Y}).")
    return [
        s
        for s in sessions
        if (first_day is None or to_local(s.starts_at, zone).date() >= first_day)
        and (last_day is None or to_local(s.starts_at, zone).date() <= last_day)
    ]


def _bin(moment: datetime, zone: tzinfo | None) -> time:
    local = to_local(moment, zone)
    return time(local.hour, local.minute - local.minute % 15)


def _arrival_bins(times: list[datetime], zone: tzinfo | None) -> tuple[tuple[time, int], ...]:
    counts = Counter(_bin(t, zone) for t in times)
    if not counts:
        return ()
    day = date(2000, 1, 1)  # any day: bins are times of day
    moment, last = (datetime.combine(day, t) for t in (min(counts), max(counts)))
    bins = []
    while moment <= last:
        bins.append((moment.time(), counts.get(moment.time(), 0)))
        moment += ARRIVAL_BIN
    return tuple(bins)


def programme_report(
    db: OrmSession, sessions: list[Session], *, clock: Clock = utc_now, zone: tzinfo | None = None
) -> ProgrammeReport:
    """The report over these sessions (see the module's note for what each figure counts)."""
    programme = db.scalars(select(Programme).order_by(Programme.id)).first()
    ids = [s.id for s in sessions]
    sectors = delegate_sectors(db)
    registrations = (
        db.execute(
            select(
                Registration.id,
                Registration.session_id,
                Registration.delegate_id,
                Registration.status,
                Delegate.organisation,
            )
            .join(Delegate, Registration.delegate_id == Delegate.id)
            .where(Registration.session_id.in_(ids))
        ).all()
        if ids
        else []
    )
    arrived = current_checkins(db, CheckinEvent.session_id.in_(ids)) if ids else {}
    per_registration: dict[int, Counts] = {}
    session_of: dict[int, int] = {}
    guides: set[int] = set()
    certificates: set[int] = set()
    marked: set[int] = set()
    roll_call: dict[int, bool] = {}
    for session in sessions:
        present = segment_attendance(db, session)
        marked |= {rid for rid, segments in present.items() if segments}
        roll_call[session.id] = bool(present)
        if session.segments:
            certificates |= set(eligible_for_certificate(db, session))
        guides |= guides_given(db, session.id)
    attendances: dict[int, set[int]] = defaultdict(set)  # delegate -> sessions attended
    for registration_id, session_id, delegate_id, status, _organisation in registrations:
        session_of[registration_id] = session_id
        came = registration_id in arrived or registration_id in marked
        active = status in ACTIVE_STATUSES
        booked = status == RegistrationStatus.BOOKED
        walk_in = status == RegistrationStatus.WALK_IN or (came and not active)
        place = booked or walk_in
        per_registration[registration_id] = Counts(
            booked=int(booked),
            walk_ins=int(walk_in),
            places=int(place),
            attended=int(came and place),
            no_shows=int(place and not came),
            certificates=int(registration_id in certificates),
            cancellations=int(status == RegistrationStatus.CANCELLED and not came),
            guides=int(registration_id in guides),
        )
        if came:
            attendances[delegate_id].add(session_id)

    def sum_of(registration_ids: list[int]) -> Counts:
        return Counts.total([per_registration[r] for r in registration_ids])

    by_session: dict[int, list[int]] = defaultdict(list)
    for registration_id, session_id in session_of.items():
        by_session[session_id].append(registration_id)
    session_reports = tuple(
        SessionReport(
            code=s.code,
            title=s.title,
            venue=s.venue.name if s.venue else "",
            starts_at=as_utc(s.starts_at),
            counts=sum_of(by_session[s.id]) + Counts(overrides=overrides(db, s.id)),
            roll_call_taken=roll_call[s.id],
        )
        for s in sessions
    )
    total = Counts.total([r.counts for r in session_reports])

    venue_sessions: dict[str, list[SessionReport]] = defaultdict(list)
    for report in session_reports:
        venue_sessions[report.venue or "No venue given"].append(report)
    venues = tuple(
        GroupReport(name, Counts.total([r.counts for r in reports]), len(reports))
        for name, reports in venue_sessions.items()
    )

    sector_rows: dict[Sector, list[int]] = defaultdict(list)
    sector_people: dict[Sector, set[int]] = defaultdict(set)
    organisation_rows: dict[str, list[int]] = defaultdict(list)
    organisation_people: dict[str, set[int]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for registration_id, _session_id, delegate_id, _status, organisation in registrations:
        sector = sectors.get(delegate_id, Sector.NOT_KNOWN)
        key = organisation_key(organisation)
        sector_rows[sector].append(registration_id)
        organisation_rows[key].append(registration_id)
        spellings[key][organisation.strip() or NO_ORGANISATION] += 1
        if per_registration[registration_id].attended:
            sector_people[sector].add(delegate_id)
            organisation_people[key].add(delegate_id)
    sector_reports = [
        GroupReport(sector.label, sum_of(sector_rows[sector]), len(sector_people[sector]))
        for sector in Sector
        if sector in sector_rows and sum_of(sector_rows[sector]).places
    ]
    sector_reports.sort(key=lambda g: -g.counts.attended)
    organisation_reports = [
        GroupReport(spellings[key].most_common(1)[0][0], sum_of(rows), len(organisation_people[key]))
        for key, rows in organisation_rows.items()
        if sum_of(rows).places
    ]
    organisation_reports.sort(
        key=lambda g: (g.name == NO_ORGANISATION, -g.counts.attended, -g.counts.places, g.name.casefold())
    )

    repeat: Counter[int] = Counter(min(len(s), MOST_SESSIONS_SHOWN) for s in attendances.values())
    arrival_times = [
        at for rid, (at, _desk) in arrived.items() if per_registration.get(rid, Counts()).attended
    ]
    days = [to_local(s.starts_at, zone).date() for s in sessions]
    return ProgrammeReport(
        title=programme.title if programme else "",
        organiser=programme.organiser if programme else "",
        made_at=as_utc(clock()),
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        sessions=session_reports,
        total=total,
        venues=venues,
        sectors=tuple(sector_reports),
        organisations=tuple(organisation_reports),
        people=len(attendances),
        repeat={n: repeat.get(n, 0) for n in range(1, MOST_SESSIONS_SHOWN + 1)},
        arrivals=_arrival_bins(arrival_times, zone),
        organisation_people={key: len(people) for key, people in organisation_people.items()},
    )
