"""Prints the app's resident memory (MB) with a database open and the Delegates roster on screen.

Used by the harness: `memory_probe.py DATABASE SESSION_CODE`, run offscreen.
"""

import resource
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from checkin.database import open_database
from checkin.settings import Settings
from ui.app import build_window


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
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kb / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
