"""Times "a scan at desk A shown at desk B" with the app's background sync and nobody pressing anything.

Two desk windows in one process, each with its own SQLite file, syncing through a real PostgreSQL server
started for the run (as the test suite does, `tests/pgserver.py`) with the app's default timings (push
300 ms after a change, pull every 2 s). Each scan waits a random 0-1 s first so scans fall at every point of
desk B's pull cycle. Prints the median and p95 in seconds (the last line is the p95 alone, for the
benchmark harness). Run offscreen: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/propagation.py [SCANS]`.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from checkin.database import open_database
from checkin.demo import create_demo
from checkin.hub import init_hub, sync_round
from checkin.registrations import session_by_code
from checkin.roster import session_roster
from checkin.settings import Settings
from ui.app import build_window

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pgserver import running_server  # noqa: E402 - the test suite's throwaway server

SCANS = 30
TIMEOUT_S = 30.0


def spin(app: QApplication, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.002)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure(app: QApplication, hub: str, folder: Path, scans: int) -> list[float]:
    first = open_database(folder / "door-1.sqlite3")
    with first.session() as db:
        code = create_demo(db).first_session_code
        db.commit()
        people = [e for e in session_roster(db, session_by_code(db, code)) if e.status == "booked"]
    init_hub(first, hub)
    second = open_database(folder / "door-2.sqlite3")
    sync_round(second, hub)
    windows = []
    for database, desk in ((first, "door-1"), (second, "door-2")):
        settings = Settings(folder / f"{desk}.json")
        settings.set("hub_url", hub)
        window, scanner = build_window(database, settings, desk, code)
        window.show()
        windows.append((window, scanner))
    (door1, _), (door2, _) = windows
    spin(app, 3)  # both online
    times: list[float] = []
    random.seed(7)
    try:
        for index, person in enumerate(people[:scans], start=1):
            spin(app, random.uniform(0, 1))
            started = time.monotonic()
            door1.desk_view.scan(person.badge_code)
            expected = f"Checked in {index} of"
            while not door2.counts.text().startswith(expected):
                if time.monotonic() - started > TIMEOUT_S:
                    raise SystemExit(f"scan {index} did not reach desk B within {TIMEOUT_S:.0f} s")
                app.processEvents()
                time.sleep(0.002)
            times.append(time.monotonic() - started)
    finally:
        for window, scanner in windows:
            app.removeEventFilter(scanner)
            window.close()
        first.dispose()
        second.dispose()
    return times


def main() -> None:
    scans = int(sys.argv[1]) if len(sys.argv) > 1 else SCANS
    app = QApplication.instance() or QApplication(sys.argv)
    with running_server() as server, tempfile.TemporaryDirectory() as folder:
        name = server.create_database("checkin_bench")
        try:
            times = measure(app, server.database_url(name), Path(folder), scans)
        finally:
            server.drop_database(name)
    print(f"scan at desk A shown at desk B, {len(times)} scans: median {statistics.median(times):.2f} s")
    print(f"p95 {percentile(times, 0.95):.2f} s (max {max(times):.2f} s)")
    print(f"{percentile(times, 0.95):.3f}")


if __name__ == "__main__":
    main()
