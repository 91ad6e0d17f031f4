"""One writer decides: programs sharing one database (a kiosk and a desk, the app and the command line)
decide one after the other, so a badge is admitted once.

First each action on its own: while another program has decided and written but not yet committed, a
scan, a roll-call mark (scanned or ticked), an undo and a walk-in wait for it and then see what it wrote. Then the race as
it happens: 2, 4 and 8 desk processes (tests/rival_desks.py) scan the same 200 badges at the same
moments, each in its own order: every badge is admitted exactly once, every other scan of it says
`already_checked_in`. How long a scan waits for the other desks is a speed, measured by the benchmark
harness (`shared_file_wait_s_8desks`), not asserted here: it depends on the machine and its load.
"""

import json
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from checkin.desk.attendance import mark_segment
from checkin.desk.bookings import add_session, refresh_search_key, register, session_by_code
from checkin.desk.rollcall import mark_by_scan
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.desk.walkins import OverCapacity, WalkIn, register_walk_in
from checkin.domain.clock import utc_now
from checkin.domain.marks import MarkCode
from checkin.domain.vocabulary import EventKind
from checkin.store.database import open_database
from checkin.store.models import CheckinEvent, Delegate, Registration, ScanLog, Segment

HELPER = Path(__file__).with_name("rival_desks.py")
BADGES = 200
SESSION = "RIV-0001"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One database two programs share: a SQLite file, or a PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_database_url")
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def _session_with_bookings(url: str, bookings: int, capacity: int | None = None) -> dict[str, int]:
    """A session running today with `bookings` bookings: {badge code: registration id}."""
    database = open_database(url)
    with database.session() as db:
        starts = utc_now() - timedelta(minutes=5)
        # Running for two hours: a start five minutes before midnight still admits after it.
        ends = starts + timedelta(hours=2)
        session = add_session(
            db, SESSION, "Racing desks", "Preston Town Hall", starts, ends, capacity=capacity
        )
        registrations = []
        for number in range(bookings):
            delegate = Delegate(first_name=f"P{number}", last_name="Rival")
            refresh_search_key(delegate)
            db.add(delegate)
            db.flush()
            registrations.append(register(db, delegate, session, source="test"))
        db.commit()
        codes = {registration.badge_code: registration.id for registration in registrations}
    database.dispose()
    return codes


def _in_a_thread(action: Callable) -> tuple[threading.Thread, dict]:
    done: dict = {}

    def run() -> None:
        try:
            done["result"] = action()
        except BaseException as error:  # handed to the test, which raises it
            done["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def _result(thread: threading.Thread, done: dict):
    thread.join(30)
    assert not thread.is_alive(), "the program did not finish"
    if "error" in done:
        raise done["error"]
    return done["result"]


@contextmanager
def _another_program_deciding(url: str, action: Callable) -> Iterator[None]:
    """Another program, on its own connection, in the middle of `action(db)`: it has decided and
    written, and its commit waits until the block ends."""
    database = open_database(url)
    deciding, go_on = threading.Event(), threading.Event()

    def decide_and_hold() -> None:
        with database.session() as db:
            event.listen(db, "before_commit", lambda _db: (deciding.set(), go_on.wait(30)))
            action(db)

    thread, done = _in_a_thread(decide_and_hold)
    try:
        assert deciding.wait(30) or "error" in done, "the other program never came to its commit"
        yield
    finally:
        go_on.set()
        _result(thread, {"result": None, **done})
        database.dispose()


def _while_another_program_decides(url: str, first: Callable, second: Callable):
    """What `second(db)` answers when it starts while another program is deciding `first(db)`."""
    database = open_database(url)
    try:
        with database.session() as db:
            with _another_program_deciding(url, first):
                thread, done = _in_a_thread(lambda: second(db))
                thread.join(0.5)  # it gets as far as it can while the other program holds on
            return _result(thread, done)
    finally:
        database.dispose()


def _count(url: str, query) -> int:
    database = open_database(url)
    with database.session() as db:
        count = db.scalar(query)
    database.dispose()
    return count or 0


def _scan(code: str, desk: str) -> Callable:
    return lambda db: record_scan(db, code, session_by_code(db, SESSION), desk=desk)


def test_a_scan_waits_for_another_programs_scan_of_the_badge(shared_url: str) -> None:
    (code,) = _session_with_bookings(shared_url, 1)
    second = _while_another_program_decides(shared_url, _scan(code, "kiosk"), _scan(code, "door-1"))
    assert second.outcome.code == "already_checked_in"
    assert second.outcome.earlier is not None and second.outcome.earlier.desk == "kiosk"
    assert _count(shared_url, select(func.count()).where(CheckinEvent.kind == EventKind.IN)) == 1


def test_a_roll_call_mark_waits_for_another_programs_mark(shared_url: str) -> None:
    (code,) = _session_with_bookings(shared_url, 1)

    def mark(db):
        session = session_by_code(db, SESSION)
        morning = db.scalar(
            select(Segment.id).where(Segment.session_id == session.id, Segment.name == "Morning")
        )
        return mark_by_scan(db, code, session, morning, desk="trainer")

    second = _while_another_program_decides(shared_url, mark, mark)
    assert second.code is MarkCode.ALREADY_MARKED
    assert _count(shared_url, select(func.count()).where(CheckinEvent.segment_id.is_not(None))) == 1


def test_a_roll_call_tick_waits_for_another_programs_tick(shared_url: str) -> None:
    (registration_id,) = _session_with_bookings(shared_url, 1).values()

    def tick(db):
        session = session_by_code(db, SESSION)
        morning = db.scalar(
            select(Segment.id).where(Segment.session_id == session.id, Segment.name == "Morning")
        )
        return mark_segment(db, registration_id, morning, desk="trainer")

    assert _while_another_program_decides(shared_url, tick, tick) is False  # marked already
    assert _count(shared_url, select(func.count()).where(CheckinEvent.segment_id.is_not(None))) == 1


def test_an_undo_waits_for_another_programs_undo(shared_url: str) -> None:
    (code,) = _session_with_bookings(shared_url, 1)
    database = open_database(shared_url)
    with database.session() as db:
        assert _scan(code, "door-1")(db).outcome.admitted
    database.dispose()

    def undo(db):
        return undo_last_admission(db, session_by_code(db, SESSION), desk="door-1")

    assert _while_another_program_decides(shared_url, undo, undo) is None  # nothing left to undo
    assert _count(shared_url, select(func.count()).where(CheckinEvent.kind == EventKind.UNDO)) == 1


def test_a_walk_in_waits_for_another_programs_walk_in_to_the_last_place(shared_url: str) -> None:
    _session_with_bookings(shared_url, 0, capacity=1)

    def walk_in(name: str) -> Callable:
        return lambda db: register_walk_in(
            db, session_by_code(db, SESSION), WalkIn(name, "Walker"), desk=name
        )

    with pytest.raises(OverCapacity):
        _while_another_program_decides(shared_url, walk_in("Ann"), walk_in("Bob"))
    assert _count(shared_url, select(func.count()).select_from(Registration)) == 1


# -- the race -------------------------------------------------------------------------------------------


def _race(url: str, desks: int) -> list[list]:
    run = subprocess.run(
        [sys.executable, str(HELPER), url, SESSION, str(desks)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "Traceback" not in run.stderr, run.stderr[-4000:]
    return json.loads(run.stdout)["scans"]


def _check_race(url: str, desks: int) -> None:
    codes = _session_with_bookings(url, BADGES)
    scans = _race(url, desks)
    assert len(scans) == desks * BADGES
    outcomes: dict[str, Counter] = defaultdict(Counter)
    for _desk, code, outcome, _seconds in scans:
        outcomes[code][outcome] += 1
    twice = {code: counts["admitted"] for code, counts in outcomes.items() if counts["admitted"] != 1}
    assert not twice, f"{len(twice)} of {BADGES} badges not admitted exactly once: {list(twice.items())[:5]}"
    assert all(counts == {"admitted": 1, "already_checked_in": desks - 1} for counts in outcomes.values())

    database = open_database(url)
    with database.session() as db:
        admissions = db.scalars(
            select(CheckinEvent.registration_id).where(CheckinEvent.kind == EventKind.IN)
        ).all()
        assert sorted(admissions) == sorted(codes.values())
        logged = db.scalar(select(func.count()).select_from(ScanLog).where(ScanLog.outcome == "admitted"))
        assert logged == BADGES
    database.dispose()


@pytest.mark.parametrize("desks", [2, 4, 8])
def test_desks_on_one_file_admit_each_badge_once(tmp_path: Path, desks: int) -> None:
    _check_race(f"sqlite:///{tmp_path / 'shared.sqlite3'}", desks)


@pytest.mark.parametrize("desks", [2, 4])
def test_desks_on_one_postgresql_database_admit_each_badge_once(pg_database_url: str, desks: int) -> None:
    _check_race(pg_database_url, desks)
