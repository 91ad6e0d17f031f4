"""Prints the app's resident memory (MB) with a database open and the Delegates roster on screen.

Used by the harness: `memory_probe.py DATABASE SESSION_CODE`, run offscreen.
"""

import resource
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from checkin.settings import Settings
from checkin.store.database import open_database
from ui.shell.app import build_window


def peak_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: on Linux a child started from a
    big process reports the parent's peak there (it survives fork and exec); VmHWM is this program's own."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    app = QApplication(sys.argv[:1])
    database = open_database(Path(sys.argv[1]))
    window, _scanner = build_window(database, Settings(), "bench", sys.argv[2])
    window.resize(1366, 768)
    window.show()
    window.show_view("Delegates")
    for _ in range(20):
        app.processEvents()
    # Scroll through the roster as a person would, to its end.
    from PySide6.QtWidgets import QTableView

    for table_view in window.findChildren(QTableView):
        table_view.scrollToBottom()
        app.processEvents()
    print(f"{peak_mb():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
