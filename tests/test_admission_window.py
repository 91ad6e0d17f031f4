"""The day matters: a session admits only in its window (two hours before its start to the end of its last
day, or its own hours), and outside it a scan says which day the session is on and records no check-in."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from factories import MORNING, at, book, make_session, new_database
from sqlalchemy import func, select

from checkin.cli import main
from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.domain.decide import OutcomeCode
from checkin.settings import Settings
from checkin.store.models import CheckinEvent, ScanLog
from checkin.sync.hub import init_hub, sync_round


@pytest.fixture(autouse=True)
def on_london_time(london_time):
    """The laptop's clock is on UK time (12 March is GMT, so local times read as the UTC ones)."""
    return london_time


@pytest.fixture
def preston(tmp_path):
    """PRE-0312 starts 09:30 on Thu 12 March 2026, with Zoë booked."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        zoe = book(db, session)
        db.commit()
        yield database, db, session, zoe
    database.dispose()


def events(db) -> int:
    return db.scalar(select(func.count()).select_from(CheckinEvent))


def test_a_session_dated_a_year_ago_refuses_not_today_and_records_no_event(preston):
    _database, db, session, zoe = preston
    result = record_scan(db, zoe.badge_code, session, desk="door-1", clock=at(365 * 24 * 60))
    assert result.outcome.code is OutcomeCode.NOT_TODAY
    # A year on, "Thu 12 March" alone would read as today's date: the year is said.
    assert result.outcome.reason == "This session is on Thu 12 March 2026, 09:30."
    assert result.outcome.delegate.first_name == "Zoë" and result.checked_in_at is None
    assert events(db) == 0
    [logged] = db.scalars(select(ScanLog)).all()  # the refusal is in the scan log, as every refusal is
    assert (logged.outcome, logged.registration_id) == ("not_today", zoe.id)


def test_the_day_after_the_sentence_says_the_sessions_day_and_start(preston):
    _database, db, session, zoe = preston
    result = record_scan(db, zoe.badge_code, session, desk="door-1", clock=at(24 * 60))
    assert (result.outcome.code, result.outcome.reason) == (
        OutcomeCode.NOT_TODAY,
        "This session is on Thu 12 March, 09:30.",
    )
    assert events(db) == 0


@pytest.mark.parametrize(
    ("minutes", "admitted"),
    [
        (-121, False),  # more than two hours before the start
        (-120, True),  # the window opens
        (0, True),
        (14 * 60 + 29, True),  # 23:59 on the session's day
        (14 * 60 + 30, False),  # midnight: the next day
    ],
)
def test_a_scan_within_the_window_admits_and_outside_refuses(preston, minutes, admitted):
    _database, db, session, zoe = preston
    result = record_scan(db, zoe.badge_code, session, desk="door-1", clock=at(minutes))
    assert result.outcome.admitted is admitted
    assert result.outcome.code is (OutcomeCode.ADMITTED if admitted else OutcomeCode.NOT_TODAY)
    assert events(db) == (1 if admitted else 0)


def test_a_multi_day_session_admits_to_the_end_of_its_last_day(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        from checkin.desk.bookings import add_session

        session = add_session(
            db, "PRE-0312", "Two days", "Preston", MORNING, MORNING + timedelta(days=1, hours=7)
        )
        zoe = book(db, session)
        db.commit()
        second_evening = at(24 * 60 + 13 * 60)  # 22:30 on the second day
        assert record_scan(db, zoe.badge_code, session, desk="d", clock=second_evening).outcome.admitted
    database.dispose()


def run(*args: str, db, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "checkin.cli", "--db", str(db), "--desk", "door-1", *args]
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=60, env=env, input=stdin
    )


def test_a_setting_change_widens_the_window(tmp_path):
    """Staff who open the doors early set the desk to admit four hours before the start."""
    database = new_database(tmp_path)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    with database.session() as db:
        zoe = book(db, make_session(db, starts=starts))
        db.commit()
        badge = zoe.badge_code
    database.dispose()
    settings_file = tmp_path / "settings.json"
    env = {**os.environ, "CHECKIN_SETTINGS": str(settings_file)}  # TZ: London, from the fixture
    early = run("scan", badge, "--session", "PRE-0312", "--json", db=tmp_path / "desk.sqlite3", env=env)
    assert (early.returncode, json.loads(early.stdout)["outcome"]) == (1, "not_today")
    Settings(settings_file).set("admit_hours_before", 4)
    widened = run("scan", badge, "--session", "PRE-0312", "--json", db=tmp_path / "desk.sqlite3", env=env)
    assert (widened.returncode, json.loads(widened.stdout)["outcome"]) == (0, "admitted")


def add_session_with_hours(db_path) -> int:
    return main(
        [
            "--db",
            str(db_path),
            "session",
            "add",
            "EVE-0312",
            "--title",
            "Evening session",
            "--venue",
            "Preston Town Hall",
            "--starts",
            "2026-03-12T18:00",
            "--admit-from",
            "2026-03-12T12:00",
            "--admit-until",
            "2026-03-12T20:30",
        ]
    )


def test_session_add_takes_its_own_admission_hours(tmp_path, capsys):
    assert add_session_with_hours(tmp_path / "desk.sqlite3") == 0
    database = new_database(tmp_path)
    with database.session() as db:
        session = session_by_code(db, "EVE-0312")
        assert (session.admit_from, session.admit_until) == (
            datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 12, 20, 30, tzinfo=UTC),
        )
        zoe = book(db, session)
        db.commit()
        noon = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
        # 13:00 is five hours before the start: the session's own hours admit.
        assert record_scan(
            db, zoe.badge_code, session, desk="d", clock=lambda: noon + timedelta(hours=1)
        ).outcome.admitted
        ade = book(db, session, "Ade", "Bello")
        db.commit()
        # 21:00 is still the session's day, but after its own closing time.
        late = record_scan(db, ade.badge_code, session, desk="d", clock=lambda: noon + timedelta(hours=9))
        assert late.outcome.code is OutcomeCode.NOT_TODAY
        assert late.outcome.reason == "This session is on Thu 12 March, 18:00."
    database.dispose()


def test_admit_until_before_admit_from_is_refused(tmp_path, capsys):
    status = main(
        [
            "--db",
            str(tmp_path / "desk.sqlite3"),
            "session",
            "add",
            "EVE-0312",
            "--title",
            "Evening",
            "--venue",
            "Preston",
            "--starts",
            "2026-03-12T18:00",
            "--admit-from",
            "2026-03-12T12:00",
            "--admit-until",
            "2026-03-12T11:00",
        ]
    )
    assert status == 2
    assert "--admit-until must be after --admit-from" in capsys.readouterr().err


def test_a_sessions_own_hours_travel_by_sync(tmp_path, pg_database_url, capsys):
    organiser_file = tmp_path / "desk.sqlite3"
    assert add_session_with_hours(organiser_file) == 0
    organiser = new_database(tmp_path)
    other = new_database(tmp_path, "door-2.sqlite3")
    try:
        init_hub(organiser, pg_database_url)
        sync_round(other, pg_database_url)
        with other.session() as db:
            session = session_by_code(db, "EVE-0312")
            assert (session.admit_from, session.admit_until) == (
                datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
                datetime(2026, 3, 12, 20, 30, tzinfo=UTC),
            )
        # A later change of hours at the organiser's desk reaches the other desk too.
        with organiser.session() as db:
            session_by_code(db, "EVE-0312").admit_until = datetime(2026, 3, 12, 22, 0, tzinfo=UTC)
            db.commit()
        sync_round(organiser, pg_database_url)
        sync_round(other, pg_database_url)
        with other.session() as db:
            assert session_by_code(db, "EVE-0312").admit_until == datetime(2026, 3, 12, 22, 0, tzinfo=UTC)
    finally:
        organiser.dispose()
        other.dispose()
