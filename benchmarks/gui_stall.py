"""Measures how long the window stops answering: a heartbeat timer in a real main window, while it works.

One main window on a session of 100,000 bookings (offscreen), with a timer that beats every 5 ms and keeps
the longest gap between two beats: the longest the event loop was held. Measured while the window imports
10,000 rows through the import dialog, sorts the roster by each column, types a search, makes 1,000
badges and saves them as a PDF, and (on a second window, its desk on a 10,000-booking session) pulls
10,000 other desks' check-ins from a real PostgreSQL hub and shows them. Prints one line per activity and,
last, a JSON object {"activity": stall_ms, ..., "gui_stall_ms_max": worst} for the harness. The window
idle for three seconds is measured too, for comparison (a busy machine delays a beat by itself), and each
stall is told apart: how much of it was the GUI thread's own work (its CPU time between two beats), the
rest being waits for the processor or for Python's interpreter lock ("gui_busy_ms_max", the worst).

Run offscreen: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_stall.py [--skip-sync]`.
"""

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import build_database, eventbrite_export  # noqa: E402 - the harness's data builders

from checkin.settings import Settings  # noqa: E402
from ui.base.processes import warm_up  # noqa: E402
from ui.shell.app import build_window, freeze_what_start_up_made  # noqa: E402

BEAT_MS = 5
#: The longest any one activity may take before the script gives up on it.
TIMEOUT_S = 300.0
#: How fast the search is typed: a quick typist's gap between keys.
KEY_GAP_MS = 90
#: The window doing nothing: how long this machine alone keeps a beat waiting (not in the worst).
IDLE = "idle (for comparison)"


class Heartbeat(QObject):
    """A timer beating every BEAT_MS on the GUI thread; `worst_ms` is the longest gap since `reset`."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.worst_ms = 0.0
        self.busiest_ms = 0.0
        self.timer.start()

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst_ms = max(self.worst_ms, (now - self.last) * 1000)
        # The GUI thread's own CPU time between two beats: work done on it, apart from waiting for the
        # processor or for the interpreter lock while other threads and programs run.
        self.busiest_ms = max(self.busiest_ms, (cpu - self.last_cpu) * 1000)
        self.last, self.last_cpu = now, cpu

    def reset(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.worst_ms = 0.0
        self.busiest_ms = 0.0


class Sampler:
    """With --why: a thread that, while the heartbeat is late, samples where the GUI thread is (our frames)."""

    def __init__(self, beat: Heartbeat) -> None:
        import collections
        import threading

        self.beat = beat
        self.main = threading.main_thread().ident
        self.samples: collections.Counter[str] = collections.Counter()
        self.collections: list[str] = []
        self._collecting = 0.0
        threading.Thread(target=self._watch, daemon=True).start()
        import gc

        gc.callbacks.append(self._collector)

    def _collector(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif (spent := (time.perf_counter() - self._collecting) * 1000) > 10:
            self.collections.append(f"gen{info['generation']} {spent:.0f} ms")

    def _watch(self) -> None:
        import traceback

        root = str(Path(__file__).resolve().parent.parent)
        while True:
            time.sleep(0.01)
            if (time.perf_counter() - self.beat.last) * 1000 < 30:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is None:
                continue
            ours = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)
                if f.filename.startswith(root) and ".venv" not in f.filename and "gui_stall" not in f.filename
            ]
            self.samples[" < ".join(reversed(ours[-4:]))] += 1

    def report(self) -> None:
        for where, count in self.samples.most_common(8):
            print(f"      {count * 10:5d} ms  {where}", file=sys.stderr)
        if self.collections:
            print(f"      garbage collections: {', '.join(self.collections)}", file=sys.stderr)
        self.samples.clear()
        self.collections.clear()


SAMPLER: Sampler | None = None
#: Each activity's longest stretch of the GUI thread's own CPU time between two beats.
BUSIEST: dict[str, float] = {}


def run_until(app: QApplication, done: Callable[[], bool], what: str, timeout_s: float = TIMEOUT_S) -> None:
    """Let the event loop run until `done()`; the heartbeat wakes it at least every BEAT_MS."""
    until = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > until:
            raise SystemExit(f"{what}: not finished within {timeout_s:.0f} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def settle(app: QApplication, seconds: float) -> None:
    until = time.monotonic() + seconds
    run_until(app, lambda: time.monotonic() > until, "settling")


class Counter:
    """Counts a signal's emissions (a reload landing, a document made)."""

    def __init__(self, signal) -> None:  # noqa: ANN001 - a bound Qt signal
        self.count = 0
        signal.connect(self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


def measure(
    app: QApplication, beat: Heartbeat, results: dict[str, float], name: str, action: Callable[[], None]
) -> None:
    settle(app, 0.3)
    beat.reset()
    if SAMPLER is not None:  # where the GUI thread was during this activity only, not while it was set up
        SAMPLER.samples.clear()
        SAMPLER.collections.clear()
    started = time.perf_counter()
    action()
    settle(app, 0.2)  # what the activity set off afterwards (refreshes of other views) counts too
    results[name] = round(beat.worst_ms, 1)
    BUSIEST[name] = round(beat.busiest_ms, 1)
    print(
        f"{name:<34}{beat.worst_ms:8.1f} ms longest stall,{beat.busiest_ms:6.1f} ms of it the GUI thread's"
        f" own work   ({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
    if SAMPLER is not None:
        SAMPLER.report()


def big_window(app: QApplication, beat: Heartbeat, folder: Path, results: dict[str, float]) -> None:
    database, code, _badges = build_database(folder / "stall.sqlite3", 100_000, seed=17)
    window, scanner = build_window(database, Settings(folder / "stall-settings.json"), "bench", code)
    window.resize(1366, 768)
    window.show()
    freeze_what_start_up_made()  # as the app does once its window is up
    warm_up()  # as the app does half a second later: a worker process for badges and imports, ready
    settle(app, 0.5)
    window.show_view("Delegates")
    roster = window.views["Delegates"]
    reloads = Counter(roster.model.reloaded)
    run_until(app, lambda: reloads.count > 0 or roster.model.rowCount() > 0, "the roster's first load")
    settle(app, 0.5)
    # The machine's own noise, for comparison: the window doing nothing (not counted in the worst).
    measure(app, beat, results, IDLE, lambda: settle(app, 3.0))
    # Someone selected in the middle of the list, as an organiser looking at one person would have.
    roster.table.selectRow(500)
    header = roster.table.horizontalHeader()

    def sort_by(column: int) -> Callable[[], None]:
        def action() -> None:
            before = reloads.count
            x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
            QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
            run_until(app, lambda: reloads.count > before, f"sorting by column {column}")

        return action

    from ui.delegates.roster_model import COLUMNS

    for column, (title, _by) in enumerate(COLUMNS):
        measure(app, beat, results, f"sort by {title.lower()}", sort_by(column))
    measure(app, beat, results, "sort by surname (back)", sort_by(0))

    def type_search(text: str) -> Callable[[], None]:
        def action() -> None:
            before = reloads.count
            roster.find.setFocus()
            for character in text:
                QTest.keyClicks(roster.find, character)
                settle(app, KEY_GAP_MS / 1000)
            run_until(app, lambda: reloads.count > before, f"searching {text!r}")

        return action

    def clear_search() -> None:
        before = reloads.count
        roster.find.selectAll()
        QTest.keyClick(roster.find, Qt.Key.Key_Backspace)
        run_until(app, lambda: reloads.count > before, "clearing the search")

    measure(app, beat, results, "type a search (pat)", type_search("pat"))
    measure(app, beat, results, "clear the search", clear_search)
    measure(app, beat, results, "type a search (lancashire co)", type_search("lancashire co"))
    measure(app, beat, results, "clear the search (again)", clear_search)

    # 1,000 badges as a PDF: made, shown in the preview, saved (a saved PDF counts nothing as printed: only
    # a real print does, so the save is done when the view says `saved` and the file is there).
    window.show_view("Print")
    printing = window.views["Print"]
    from ui.printing.view import BADGES

    printing.set_kind(BADGES)
    printing.set_chosen(roster.model.ids[:1000])
    made = Counter(printing.document_ready)

    def badges() -> None:
        printing.make_preview()
        run_until(app, lambda: made.count > 0, "1,000 badges")

    saved = Counter(printing.saved)
    target = folder / "badges-1000.pdf"

    def save() -> None:
        printing.save_pdf(target)
        run_until(app, lambda: saved.count > 0 and target.exists(), "saving the badges", timeout_s=60)

    measure(app, beat, results, "1,000 badges to PDF", badges)
    measure(app, beat, results, "save the 1,000 badges", save)

    # 10,000 rows through the import dialog, with the roster behind it.
    window.show_view("Delegates")
    settle(app, 0.3)
    export = folder / "eventbrite-10000.csv"
    eventbrite_export(export, 10_000)
    from ui.delegates.import_dialog import ImportDialog

    dialog = ImportDialog(roster.context, roster)
    dialog.show()
    checked, applied = Counter(dialog.checked), Counter(dialog.applied)

    def dry_run() -> None:
        dialog.open_file(export)
        run_until(app, lambda: checked.count > 0, "the import's dry run")

    def apply() -> None:
        before = reloads.count
        dialog.apply()
        run_until(app, lambda: applied.count > 0 and reloads.count > before, "the import")

    measure(app, beat, results, "import 10,000: dry run", dry_run)
    measure(app, beat, results, "import 10,000: apply", apply)
    dialog.close()
    app.removeEventFilter(scanner)
    app.removeEventFilter(window.idle_lock)
    window.close()
    settle(app, 0.3)
    database.dispose()


def sync_window(app: QApplication, beat: Heartbeat, folder: Path, results: dict[str, float]) -> None:
    """A desk pulls 10,000 check-ins another desk made, while its Delegates view is on screen."""
    from pgserver import running_server

    from checkin.desk.bookings import session_by_code
    from checkin.desk.scanning import record_scan
    from checkin.store.database import open_database
    from checkin.sync.hub import init_hub, sync_round

    with running_server() as server:
        hub = server.database_url(server.create_database("stall_hub"))
        other, code, badges = build_database(folder / "sync-other.sqlite3", 10_000, seed=19)
        init_hub(other, hub)
        here = open_database(folder / "sync-here.sqlite3")
        sync_round(here, hub)
        with other.session() as db:
            session = session_by_code(db, code)
            for badge in badges:
                record_scan(db, badge, session, desk="door-2")
        sync_round(other, hub)
        settings = Settings(folder / "sync-settings.json")
        window, scanner = build_window(here, settings, "door-1", code)
        window.resize(1366, 768)
        window.show()
        freeze_what_start_up_made()
        window.show_view("Delegates")
        settle(app, 1.0)
        rounds = Counter(window.sync.round_finished)
        pulled: list[int] = []
        window.sync.round_finished.connect(
            lambda result: pulled.append(result.report.pulled if result.report else 0)
        )

        def pull() -> None:
            settings.set("hub_url", hub)
            window.context.settings_changed.emit()
            run_until(app, lambda: sum(pulled) >= 10_000, "the 10,000-event sync")
            run_until(app, lambda: rounds.count >= 2, "the round after")

        measure(app, beat, results, "sync: pull 10,000 check-ins", pull)
        window.sync.stop()
        app.removeEventFilter(scanner)
        app.removeEventFilter(window.idle_lock)
        window.close()
        settle(app, 0.3)
        here.dispose()
        other.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sync", action="store_true", help="no PostgreSQL: leave the sync out")
    parser.add_argument("--only-sync", action="store_true", help="measure the sync alone")
    parser.add_argument("--why", action="store_true", help="say where the GUI thread was during stalls")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    beat = Heartbeat()
    if args.why:
        global SAMPLER
        SAMPLER = Sampler(beat)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="checkin-stall-") as temporary:
        if not args.only_sync:
            big_window(app, beat, Path(temporary), results)
        if not args.skip_sync:
            sync_window(app, beat, Path(temporary), results)
    results["gui_stall_ms_max"] = max(stall for name, stall in results.items() if name != IDLE)
    results["gui_busy_ms_max"] = max(busy for name, busy in BUSIEST.items() if name != IDLE)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
