"""The demonstration programme: what `checkin demo` puts into an empty database."""

import logging
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from checkin import resources
from checkin.desk.bookings import add_session
from checkin.desk.demo import CANCELLED_REASON, DemoSummary, create_demo
from checkin.domain.codes import looks_like_platform_code, lookup_key, verifies
from checkin.domain.text import fold
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UsageError
from checkin.store.database import Database, open_database
from checkin.store.models import CheckinEvent, Delegate, ExternalCode, Programme, Registration, Session

UK = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 12)
NOW = datetime(2026, 3, 12, 7, 45, tzinfo=UTC)
VENUES = [
    "Preston Town Hall",
    "Lancaster Town Hall",
    "Blackpool Town Hall",
    "Burnley Town Hall",
    "Blackburn Town Hall",
    "Chorley Town Hall",
]


def fixed_clock() -> datetime:
    return NOW


def open_demo(path: Path, seed: int = 2026) -> tuple[Database, DemoSummary]:
    database = open_database(path)
    with database.session() as db:
        summary = create_demo(db, seed=seed, today=TODAY, clock=fixed_clock)
        db.commit()
    return database, summary


@pytest.fixture(scope="module")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    database, summary = open_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    yield database, summary
    database.dispose()


@pytest.fixture
def db(seeded_demo: tuple[Database, DemoSummary]) -> Iterator[OrmSession]:
    with seeded_demo[0].session() as session:
        yield session


def sessions_in_order(db: OrmSession) -> list[Session]:
    return list(db.scalars(select(Session).order_by(Session.starts_at)))


def test_programme_and_six_sessions_at_the_named_venues_the_first_today(db: OrmSession, seeded_demo) -> None:
    programme = db.scalars(select(Programme)).one()
    assert programme.title == "Spotting Modern Slavery: Training for Frontline Professionals"
    assert "Police and Crime Commissioner" in programme.organiser
    assert programme.delivered_by
    assert len(programme.signing_key) == 32

    sessions = sessions_in_order(db)
    assert [s.venue.name for s in sessions] == VENUES
    assert all(s.venue.address and s.venue.town for s in sessions)
    local_days = [s.starts_at.astimezone(UK).date() for s in sessions]
    assert local_days[0] == TODAY
    assert local_days == sorted(set(local_days))
    assert (local_days[-1] - TODAY).days <= 62  # over two months
    assert sessions[0].code == "PRE-1203"
    assert seeded_demo[1].first_session_code == "PRE-1203"
    for session, day in zip(sessions, local_days, strict=True):
        assert re.fullmatch(r"[A-Z]{3}-\d{4}", session.code)
        assert session.code.endswith(f"{day:%d%m}")
        # 09:30-16:00 UK time, also after the clocks go forward on 29 March.
        assert session.starts_at.astimezone(UK).strftime("%H:%M") == "09:30"
        assert session.ends_at is not None and session.ends_at.astimezone(UK).strftime("%H:%M") == "16:00"
        assert session.programme_id == programme.id
        assert session.trainers
        assert [segment.name for segment in session.segments] == ["Morning", "Afternoon", "Case study"]
    assert sessions[3].starts_at.hour == 8  # 09:30 BST is 08:30 UTC


def test_about_fifty_bookings_per_session_with_cancellations_and_a_waiting_list(db: OrmSession) -> None:
    for session in sessions_in_order(db):
        statuses = Counter(
            db.scalars(select(Registration.status).where(Registration.session_id == session.id)).all()
        )
        assert 45 <= sum(statuses.values()) <= 55
        assert 2 <= statuses[RegistrationStatus.CANCELLED] <= 4
        assert 1 <= statuses[RegistrationStatus.WAITLISTED] <= 2
        assert session.capacity is not None and 50 <= session.capacity <= 60
        assert statuses[RegistrationStatus.BOOKED] <= session.capacity
    reasons = db.scalars(
        select(Registration.status_reason).where(Registration.status == RegistrationStatus.CANCELLED)
    ).all()
    assert set(reasons) == {CANCELLED_REASON}


def test_summary_counts_match_the_database(db: OrmSession, seeded_demo) -> None:
    summary = seeded_demo[1]
    assert summary.sessions == 6
    assert summary.delegates == db.scalar(select(func.count(Delegate.id)))
    assert summary.registrations == db.scalar(select(func.count(Registration.id)))


def test_names_include_accented_and_non_latin_ones_and_search_keys_are_folded(db: OrmSession) -> None:
    delegates = list(db.scalars(select(Delegate)))
    scripts = {
        unicodedata.name(ch).split()[0]
        for d in delegates
        for ch in d.first_name + d.last_name
        if ch.isalpha() and not ch.isascii()
    }
    assert {"LATIN", "GREEK", "CYRILLIC", "ARABIC"} <= scripts
    zoes = [d for d in delegates if d.first_name == "Zoë"]
    assert zoes and all(d.search_key.startswith("zoe ") for d in zoes)
    assert any("'" in d.last_name for d in delegates)  # O'Neill and friends
    assert any("-" in d.last_name for d in delegates)  # Smith-Jones
    for delegate in delegates:
        assert delegate.first_name == unicodedata.normalize("NFC", delegate.first_name)
        assert fold(delegate.first_name) in delegate.search_key
        assert fold(delegate.last_name) in delegate.search_key
        assert delegate.organisation and delegate.job_title and delegate.sector
        assert re.fullmatch(r"[a-z0-9.\-]+@[a-z0-9.\-]+\.[a-z]+", delegate.email)
    emails = [d.email for d in delegates]
    assert len(emails) == len(set(emails))
    assert len({(d.first_name, d.last_name) for d in delegates}) == len(delegates)


def test_needs_are_recorded_for_a_realistic_share(db: OrmSession) -> None:
    delegates = list(db.scalars(select(Delegate)))
    access = sum(1 for d in delegates if d.access_needs) / len(delegates)
    dietary = sum(1 for d in delegates if d.dietary_needs) / len(delegates)
    assert 0.04 <= access <= 0.18
    assert 0.15 <= dietary <= 0.35


def test_some_people_are_booked_on_two_sessions(db: OrmSession) -> None:
    per_delegate = Counter(db.scalars(select(Registration.delegate_id)).all())
    twice = [delegate_id for delegate_id, n in per_delegate.items() if n == 2]
    assert 3 <= len(twice) <= 15
    assert max(per_delegate.values()) == 2


def test_every_badge_code_verifies_and_is_unique(db: OrmSession) -> None:
    key = db.scalars(select(Programme.signing_key)).one()
    codes = db.scalars(select(Registration.badge_code)).all()
    assert len(codes) == len(set(codes))
    assert all(verifies(code, key) for code in codes)


def test_external_codes_from_eventbrite_and_tito(db: OrmSession) -> None:
    external = list(db.scalars(select(ExternalCode)))
    kinds = Counter(code.kind for code in external)
    assert kinds["eventbrite"] >= 15 and kinds["tito"] >= 5
    for code in external:
        assert code.lookup == lookup_key(code.code)
        assert looks_like_platform_code(code.lookup)
        assert code.registration.source == code.kind
        if code.kind == "eventbrite":
            assert re.fullmatch(r"\d{19,20}", code.code)
        else:
            assert re.fullmatch(r"[A-Z0-9]{4}-\d{1,4}", code.code)
    assert len({code.lookup for code in external}) == len(external)
    # Half of one session booked through Eventbrite.
    by_session = Counter(code.registration.session.code for code in external if code.kind == "eventbrite")
    assert len(by_session) == 1


def test_nobody_has_checked_in_yet(db: OrmSession) -> None:
    assert db.scalar(select(func.count(CheckinEvent.id))) == 0


def test_demo_into_a_database_that_holds_a_programme_is_refused(seeded_demo, tmp_path: Path) -> None:
    with seeded_demo[0].session() as db, pytest.raises(UsageError, match="empty database"):
        create_demo(db)
    database = open_database(tmp_path / "one-session.sqlite3")
    with database.session() as db:
        add_session(db, "PRE-0103", "Existing", "Preston Town Hall", datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
        db.commit()
        with pytest.raises(UsageError, match="already holds a programme"):
            create_demo(db)
    database.dispose()


def test_the_same_seed_gives_the_same_people_and_codes(seeded_demo, tmp_path: Path) -> None:
    def people(database: Database) -> list[tuple[str, ...]]:
        with database.session() as db:
            rows = db.execute(
                select(Delegate.first_name, Delegate.last_name, Delegate.email, Registration.badge_code)
                .join(Registration)
                .order_by(Registration.id)
            )
            return [tuple(row) for row in rows]

    again, _ = open_demo(tmp_path / "again.sqlite3")
    other, _ = open_demo(tmp_path / "other.sqlite3", seed=7)
    try:
        assert people(again) == people(seeded_demo[0])
        assert people(other) != people(seeded_demo[0])
    finally:
        again.dispose()
        other.dispose()


def test_today_comes_from_the_clock_in_uk_time(tmp_path: Path) -> None:
    # 23:30 UTC on 29 March 2026 is already 30 March in the UK (British Summer Time).
    database = open_database(tmp_path / "clock.sqlite3")
    with database.session() as db:
        summary = create_demo(db, clock=lambda: datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
        first = sessions_in_order(db)[0]
    database.dispose()
    assert summary.first_session_code == "PRE-3003"
    assert first.starts_at == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)


def test_no_personal_data_in_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = open_database(tmp_path / "log.sqlite3")
    with caplog.at_level(logging.DEBUG), database.session() as db:
        create_demo(db, today=TODAY, clock=fixed_clock)
        names = {d.last_name for d in db.scalars(select(Delegate))}
    database.dispose()
    logged = caplog.text
    assert "Demo programme created" in logged
    assert not any(name in logged for name in names if len(name) > 3)
    assert "@" not in logged


def test_demo_data_is_found_through_the_resource_locator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert resources.resource_path("demo", "people.json").is_file()
    # A PyInstaller bundle unpacks its data under sys._MEIPASS.
    (tmp_path / "resources" / "demo").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    resources.resources_root.cache_clear()
    try:
        assert (
            resources.resource_path("demo", "people.json") == tmp_path / "resources" / "demo" / "people.json"
        )
    finally:
        monkeypatch.undo()
        resources.resources_root.cache_clear()
