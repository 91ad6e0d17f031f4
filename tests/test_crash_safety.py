"""Crash safety: a desk killed (SIGKILL) in the middle of bursts of scans, 50 times, loses no green light.

Each kill lands at a random moment (seeded, so a failure repeats): while the desk opens the database,
in the middle of a transaction or between two. After each kill a new desk process starts on the same
file, as a person would restart the program. The desk processes are forked from one helper process that
imported the program once (tests/crash_scanner.py): a fork shares no open database, so each is a fresh
desk. Each kill waits for a random number of admissions of that life (and then a random few
milliseconds), not for a time, so the kills land among the scans whatever the machine's speed, and the
desk never runs out of bookings before the last kill. At the end every badge code that was shown green is
admitted in the database, every admission has its scan-log row (one transaction), nobody is admitted
twice, and SQLite's integrity check passes.
"""

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from factories import admits_any_day, make_session, new_database
from sqlalchemy import func, insert, select

from checkin.desk.roster import attendance
from checkin.domain.codes import new_badge_code
from checkin.domain.vocabulary import EventKind
from checkin.store.models import CheckinEvent, Delegate, Registration, ScanLog, new_uuid

HELPER = Path(__file__).with_name("crash_scanner.py")
KILLS = 50
#: Admissions a life may make before its kill: at most KILLS * MOST_GREENS_A_LIFE < BOOKINGS, so the
#: desk is always killed among its scans, never after its last booking.
MOST_GREENS_A_LIFE = 30
BOOKINGS = 2000


def _desk(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    """A session with BOOKINGS bookings, written in bulk (the ORM path would take most of the budget)."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = admits_any_day(make_session(db))  # the desk process scans on today's clock
        db.flush()
        delegate_ids = db.scalars(
            insert(Delegate).returning(Delegate.id),
            [{"uuid": new_uuid(), "first_name": f"P{i}", "last_name": "Crash"} for i in range(BOOKINGS)],
        ).all()
        key = session.programme.signing_key
        rows = [
            {
                "uuid": new_uuid(),
                "delegate_id": delegate_id,
                "session_id": session.id,
                "badge_code": new_badge_code(key),
                "answers": {},
            }
            for delegate_id in delegate_ids
        ]
        registration_ids = db.scalars(insert(Registration).returning(Registration.id), rows).all()
        codes = {rid: row["badge_code"] for rid, row in zip(registration_ids, rows, strict=True)}
        db.commit()
    database.dispose()
    return tmp_path / "desk.sqlite3", codes


class Helper:
    """The helper process and a thread reading its output lines into a list."""

    def __init__(self, db_path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HELPER), str(db_path), "PRE-0312", "1000"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, start: int, prefix: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = next((line for line in self.lines[start:] if line.startswith(prefix)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no {prefix!r} from the helper: {self.lines[-5:]}")
                self.changed.wait(left)

    def wait_for_count(self, start: int, prefix: str, count: int, timeout: float = 60) -> None:
        """Wait until `count` lines from `start` on begin with `prefix` (lines ending a life stop it)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while sum(1 for line in self.lines[start:] if line.startswith(prefix)) < count:
                if any(line.startswith(("ENDED", "DONE")) for line in self.lines[start:]):
                    raise AssertionError(f"the desk ended before {count} {prefix!r} lines: {self.lines[-5:]}")
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no {count} {prefix!r} lines from the helper: {self.lines[-5:]}")
                self.changed.wait(left)

    def start_desk(self) -> tuple[int, int]:
        start = len(self.lines)
        assert self.process.stdin is not None
        self.process.stdin.write("START\n")
        self.process.stdin.flush()
        return int(self.wait_for(start, "PID ").split()[1]), start


def test_no_green_scan_is_lost_when_the_desk_is_killed(tmp_path):
    db_path, codes = _desk(tmp_path)
    rng = random.Random(20260312)
    helper = Helper(db_path)
    finished = False
    try:
        for life in range(KILLS):
            pid, start = helper.start_desk()
            # Most kills land during the bursts; one in ten while the desk is still opening the database.
            if rng.random() < 0.1:
                time.sleep(rng.uniform(0, 0.05))
            else:
                helper.wait_for(start, "READY")
                helper.wait_for_count(start, "GREEN ", rng.randint(0, MOST_GREENS_A_LIFE))
                time.sleep(rng.uniform(0, 0.01))
            with contextlib.suppress(ProcessLookupError):  # it ended by itself: the status below says how
                os.kill(pid, signal.SIGKILL)
            status = int(helper.wait_for(start, "ENDED ").split()[1])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                f"life {life}: the desk ended by itself (wait status {status}), not by the kill: "
                + "".join(helper.lines[start:][-3:])
            )
            if "DONE" in helper.lines[start:]:
                finished = True
                break
    finally:
        assert helper.process.stdin is not None
        helper.process.stdin.close()
        helper.process.wait(30)
    assert helper.process.returncode == 0, helper.process.stderr.read() if helper.process.stderr else ""
    stderr = helper.process.stderr.read() if helper.process.stderr else ""
    assert "Traceback" not in stderr, stderr
    assert not finished, "the kills should land among the bursts, not after the last booking"
    # A line is only trusted whole: a kill can cut the last one short (it then ends without a newline
    # and is glued to the next desk's first line, which never starts with GREEN).
    greens = [
        line.split()[1] for line in helper.lines if line.startswith("GREEN ") and len(line.split()) == 2
    ]
    assert len(greens) >= 50, "the kills should land among many admissions"

    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    database = new_database(tmp_path)  # reopening runs the migration check and quick_check too
    with database.session() as db:
        present = attendance(db, 1)
        admitted_codes = {codes[registration_id] for registration_id in present}
        missing = [code for code in greens if code not in admitted_codes]
        assert not missing, f"{len(missing)} green scans lost, e.g. {missing[:3]}"
        assert len(set(greens)) == len(greens)
        # An admission and its scan-log row are one transaction: never one without the other.
        events = db.scalar(
            select(func.count()).select_from(CheckinEvent).where(CheckinEvent.kind == EventKind.IN)
        )
        logged = db.scalar(select(func.count()).select_from(ScanLog).where(ScanLog.outcome == "admitted"))
        assert events == logged == len(present)
        # Nobody was admitted twice across restarts.
        assert db.scalar(select(func.count(func.distinct(CheckinEvent.registration_id)))) == events
    database.dispose()
