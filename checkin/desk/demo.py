"""The demonstration programme: six sessions at Lancashire town halls, about fifty invented delegates each.

Everything is drawn from `resources/demo/people.json` with seeded random sources, so a seed always gives
the same people, the same badge codes and the same signing key. Dates are relative to today: the first
session is today, so a desk that opens the demo can scan at once.
"""

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NotRequired, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import add_session, refresh_search_key
from checkin.domain.clock import Clock, as_utc, utc_now
from checkin.domain.codes import KEY_BYTES, lookup_key, new_badge_code
from checkin.domain.text import fold
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UsageError
from checkin.resources import resource_path
from checkin.store.models import AuditLog, Delegate, ExternalCode, Programme, Registration, Session

log = logging.getLogger(__name__)

UK = ZoneInfo("Europe/London")
STARTS, ENDS = time(9, 30), time(16, 0)
CANCELLED_REASON = "cancelled by delegate"
NOT_EMPTY = "The database already holds a programme; the demo goes into an empty database."

T = TypeVar("T")


@dataclass(frozen=True)
class DemoSummary:
    sessions: int
    delegates: int
    registrations: int
    first_session_code: str


class _Organisation(TypedDict):
    """An invented employer in people.json."""

    name: str
    domain: str
    sector: str
    weight: float
    jobs: list[str]
    #: The towns its people mostly come from; none for a county-wide body.
    towns: NotRequired[list[str]]
    #: "female" for a women's organisation.
    staff: NotRequired[str]


def _uk_time(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=UK).astimezone(UTC)


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _email_part(text: str) -> str:
    part = fold(text).replace(" ", "")
    return "".join(ch for ch in part if ch.isascii() and (ch.isalnum() or ch == "-"))


class _People:
    """Draws distinct invented people; the listed (international) names are each used at most once."""

    def __init__(self, data: dict[str, Any], rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.names = data["names"]
        self.groups = [(name, group["weight"]) for name, group in self.names.items()]
        self.listed = list(self.names["listed"]["people"])
        rng.shuffle(self.listed)
        self.preferred: dict[str, str] = data["preferred_names"]
        self.organisations: list[_Organisation] = data["organisations"]
        self.access = [(need, weight) for need, weight in data["access_needs"]]
        self.dietary = [(need, weight) for need, weight in data["dietary_needs"]]
        self.phones = rng.sample(range(1000), 1000)
        self.taken_names: set[tuple[str, str]] = set()
        self.taken_emails: set[str] = set()

    def _name(self) -> tuple[str, str, str, str]:
        """First name, last name, the e-mail's local part, and "female", "male" or "" (not recorded)."""
        while True:
            group = _weighted(self.rng, self.groups)
            if group == "listed":
                if not self.listed:
                    continue
                person = self.listed.pop()
                first, last, local, gender = person["first"], person["last"], person["email"], ""
            else:
                names = self.names[group]
                gender = self.rng.choice(("female", "male"))
                first = self.rng.choice(names[gender])
                last = self.rng.choice(names["surnames"])
                local = f"{_email_part(first)}.{_email_part(last)}"
            if (fold(first), fold(last)) not in self.taken_names:
                self.taken_names.add((fold(first), fold(last)))
                return first, last, local, gender

    def _organisation(self, town: str, gender: str) -> _Organisation:
        # Most people come to the session nearest them; county-wide bodies send people everywhere.
        weights = []
        for organisation in self.organisations:
            towns = organisation.get("towns")
            factor = 1.0 if not towns else 4.0 if town in towns else 0.15
            if organisation.get("staff", gender) != gender:  # a women's organisation
                factor = 0.0
            weights.append(organisation["weight"] * factor)
        return self.rng.choices(self.organisations, weights=weights)[0]

    def _email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.taken_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.taken_emails.add(email)
        return email

    def new(self, town: str, booked_at: datetime) -> Delegate:
        rng = self.rng
        first, last, local, gender = self._name()
        organisation = self._organisation(town, gender)
        nickname = self.preferred.get(first, "")
        delegate = Delegate(
            first_name=first,
            last_name=last,
            badge_name=nickname if nickname and rng.random() < 0.4 else "",
            organisation=organisation["name"],
            job_title=rng.choice(organisation["jobs"]),
            sector=organisation["sector"],
            email=self._email(local, organisation["domain"]),
            phone=f"07700 900{self.phones.pop():03d}" if rng.random() < 0.7 and self.phones else "",
            access_needs=_weighted(rng, self.access) if rng.random() < 0.10 else "",
            dietary_needs=_weighted(rng, self.dietary) if rng.random() < 0.25 else "",
            consent=rng.random() < 0.96,
            created_at=booked_at,
            updated_at=booked_at,
        )
        refresh_search_key(delegate)
        return delegate


def _platform_code(platform: str, rng: random.Random, last_tito: list[str]) -> tuple[str, str]:
    if platform == "eventbrite":
        # Order number and attendee number run together: 19 or 20 digits.
        order = rng.randrange(10**9 * 7, 10**10)
        attendee = rng.randrange(10**8 * 5, 10 ** rng.choice((9, 10)))
        return "eventbrite", f"{order}{attendee}"
    # Tito references: four characters and the ticket's number within the order.
    if last_tito and rng.random() < 0.25:
        stem, number = last_tito[-1].rsplit("-", 1)
        reference = f"{stem}-{int(number) + 1}"
    else:
        stem = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4))
        reference = f"{stem}-1"
    last_tito.append(reference)
    return "tito", reference


def _is_empty(db: OrmSession) -> bool:
    return all(
        db.scalars(select(table.id).limit(1)).first() is None for table in (Programme, Session, Delegate)
    )


def create_demo(
    db: OrmSession, *, seed: int = 2026, today: date | None = None, clock: Clock = utc_now
) -> DemoSummary:
    """Fill an empty database with the demonstration programme. Flushes; the caller commits."""
    if not _is_empty(db):
        raise UsageError(NOT_EMPTY)
    data = json.loads(resource_path("demo", "people.json").read_text(encoding="utf-8"))
    now = as_utc(clock())
    if today is None:
        today = now.astimezone(UK).date()
    people_rng = random.Random(f"{seed}:people")
    codes_rng = random.Random(f"{seed}:codes")

    programme = Programme(
        title=data["programme"]["title"],
        organiser=data["programme"]["organiser"],
        delivered_by=data["programme"]["delivered_by"],
        signing_key=random.Random(seed).randbytes(KEY_BYTES),
        created_at=now,
        demo=True,
    )
    db.add(programme)
    people = _People(data, people_rng, now)
    badge_codes: set[str] = set()
    external_codes: set[str] = set()
    delegates: list[Delegate] = []
    once: list[Delegate] = []  # booked on exactly one session so far: candidates for a second booking
    sessions: list[Session] = []
    registrations = 0
    last_tito: list[str] = []

    for index, venue in enumerate(data["venues"]):
        day = today + timedelta(days=venue["days_after_first"])
        session = add_session(
            db,
            f"{venue['prefix']}-{day:%d%m}",
            f"Spotting Modern Slavery: {venue['town']}",
            venue["name"],
            _uk_time(day, STARTS),
            _uk_time(day, ENDS),
            programme=programme,
            segments=tuple(segment["name"] for segment in data["segments"]),
            trainers=", ".join(people_rng.sample(data["trainers"], 2)),
        )
        session.created_at = now
        session.demo = True
        if index == 0:  # the first session admits all day today, so a demo opened at any hour scans at once
            session.admit_from = _uk_time(day, time(0, 0))
        assert session.venue is not None
        session.venue.address = venue["address"]
        session.venue.town = venue["town"]
        for segment, spec in zip(session.segments, data["segments"], strict=True):
            segment.starts_at = _uk_time(day, time.fromisoformat(spec["starts"]))
            segment.ends_at = _uk_time(day, time.fromisoformat(spec["ends"]))
        sessions.append(session)

        size = people_rng.randint(45, 55)
        # Bookings opened five weeks ago; nobody books on the day itself.
        opened = now - timedelta(days=35)
        latest = min(now, _uk_time(day, STARTS)) - timedelta(hours=2)
        booked_times = sorted(opened + (latest - opened) * people_rng.random() for _ in range(size))
        returning = people_rng.sample(once, min(len(once), people_rng.randint(1, 2))) if index else []
        session_people = returning + [people.new(venue["town"], at) for at in booked_times[len(returning) :]]
        people_rng.shuffle(session_people)

        waitlisted = people_rng.randint(1, 2)
        cancelled = set(people_rng.sample(range(size - waitlisted), people_rng.randint(2, 4)))
        platform = venue.get("platform")
        share = venue.get("platform_share", 0.0)
        active = 0
        for position, (delegate, booked_at) in enumerate(zip(session_people, booked_times, strict=True)):
            if position >= size - waitlisted:  # the last to book found the session full
                status, reason, changed_at = RegistrationStatus.WAITLISTED, "", booked_at
            elif position in cancelled:
                changed_at = booked_at + (now - booked_at) * people_rng.random()
                status, reason = RegistrationStatus.CANCELLED, CANCELLED_REASON
            else:
                status, reason, changed_at = RegistrationStatus.BOOKED, "", booked_at
                active += 1
            code = new_badge_code(programme.signing_key, token_bytes=codes_rng.randbytes)
            while code in badge_codes:
                code = new_badge_code(programme.signing_key, token_bytes=codes_rng.randbytes)
            badge_codes.add(code)
            registration = Registration(
                delegate=delegate,
                session=session,
                status=status,
                status_reason=reason,
                source=venue["booked_through"],
                badge_code=code,
                answers={},
                created_at=booked_at,
                updated_at=changed_at,
            )
            if platform and people_rng.random() < share:
                kind, external = _platform_code(platform, codes_rng, last_tito)
                while lookup_key(external) in external_codes:
                    kind, external = _platform_code(platform, codes_rng, last_tito)
                external_codes.add(lookup_key(external))
                registration.source = kind
                registration.external_codes.append(
                    ExternalCode(kind=kind, code=external, lookup=lookup_key(external))
                )
            registrations += 1
        session.capacity = max(people_rng.randint(50, 60), active)
        for delegate in returning:
            once.remove(delegate)
        fresh = [delegate for delegate in session_people if delegate not in returning]
        delegates.extend(fresh)
        once.extend(fresh)

    db.add_all(delegates)
    db.add(
        AuditLog(at=now, desk="", action="demo", detail=f"{len(sessions)} sessions, {registrations} bookings")
    )
    db.flush()
    log.info(
        "Demo programme created: %d sessions, %d delegates, %d bookings",
        len(sessions),
        len(delegates),
        registrations,
    )
    return DemoSummary(
        sessions=len(sessions),
        delegates=len(delegates),
        registrations=registrations,
        first_session_code=sessions[0].code,
    )
