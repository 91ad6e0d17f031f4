"""Times "a scan at desk A shown at desk B" with the app's background sync and nobody pressing anything.

Two desk windows in one process, each with its own SQLite file, syncing through a real PostgreSQL server
started for the run (as the test suite does, `tests/pgserver.py`) with the app's default timings: push
50 ms after a change; desk B pulls when the hub notifies it (LISTEN/NOTIFY), with the poll every 2 s only
as the fallback. Each scan waits a random 0-1 s first so scans fall at every point of the poll's cycle
(which no longer matters while desk B is live). Prints the median and p95 in seconds (the last line is the p95 alone, for the
benchmark harness). Run offscreen: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/propagation.py [SCANS]`.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pgserver import running_server  # noqa: E402 - the test suite's throwaway server
from tests_support import two_syncing_desks  # noqa: E402 - shared with scripts/sync_screenshots.py

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
    first, second, _code, people, windows = two_syncing_desks(folder, hub, ("door-1", "door-2"))
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
