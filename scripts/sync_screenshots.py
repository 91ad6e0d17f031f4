"""Save docs/sync-status.png: the Duplicates view of a desk syncing through a hub, with the status bar
live, offline and without a hub underneath (PostgreSQL started for the run, as the tests do).

Run offscreen: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/sync_screenshots.py [OUT_FOLDER]
"""

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pgserver import running_server  # noqa: E402 - the test suite's throwaway server
from tests_support import two_syncing_desks  # noqa: E402 - shared with benchmarks/propagation.py

SIZE = (1366, 768)
UNREACHABLE = "postgresql://desk@127.0.0.1:9/checkin"


def wait_until(app: QApplication, done: Callable[[], bool], seconds: float = 20) -> None:
    until = time.monotonic() + seconds
    while not done():
        if time.monotonic() > until:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def status_strip(window: QMainWindow, width: int = 760) -> QPixmap:
    bar = window.statusBar()
    shot = bar.grab()
    return shot.copy(QRect(shot.width() - width, 0, width, shot.height()))


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp())
    with running_server() as server:
        hub = server.database_url(server.create_database("checkin_shots"))
        first, second, _code, people, windows = two_syncing_desks(
            folder, hub, ("Preston door 1", "Preston door 2"), size=SIZE
        )
        (door1, _), (door2, _) = windows
        wait_until(app, lambda: door1.sync.state.online and door2.sync.state.online)
        for person in people[:14]:
            door1.desk_view.scan(person.badge_code)
        # Two people let in at both doors while the doors could not see each other.
        door1.sync.stop()
        door2.sync.stop()
        for person in people[20:22]:
            door2.desk_view.scan(person.badge_code)
            time.sleep(0.8)
            door1.desk_view.scan(person.badge_code)
        door1.sync.start()
        door2.sync.start()
        door1.show_view("Duplicates")
        view = door1.views["Duplicates"]
        wait_until(app, lambda: len(view.duplicates) == 2 and door1.sync.state.pending == 0)
        wait_until(app, lambda: door2.counts.text().startswith("Checked in 16 of"))
        wait_until(app, lambda: door1.sync_indicator.text() == "● Live")
        main_shot = door1.grab()
        online = status_strip(door1)

        door2.context.settings.set("hub_url", UNREACHABLE)
        door2.context.settings_changed.emit()
        wait_until(app, lambda: door2.sync.state.online is False)
        for person in people[30:33]:
            door2.desk_view.scan(person.badge_code)
        wait_until(app, lambda: "retrying" in door2.sync_indicator.text())
        offline = status_strip(door2)
        door2.context.settings.set("hub_url", "")
        door2.context.settings_changed.emit()
        wait_until(app, lambda: door2.sync_indicator.text().startswith("○ No hub"))
        alone = status_strip(door2)

        for window, scanner in windows:
            app.removeEventFilter(scanner)
            window.close()
        first.dispose()
        second.dispose()

    strips = [("Live", online), ("Offline", offline), ("No hub", alone)]
    gap, label_width = 8, 90
    strip_height = max(s.height() for _, s in strips)
    height = main_shot.height() + len(strips) * (strip_height + gap) + 16
    sheet = QPixmap(main_shot.width(), height)
    sheet.fill(QColor("#cfd8dc"))
    painter = QPainter(sheet)
    painter.drawPixmap(0, 0, main_shot)
    font = QFont(app.font())
    font.setBold(True)
    painter.setFont(font)
    y = main_shot.height() + 12
    for caption, strip in strips:
        x = sheet.width() - strip.width() - 12
        painter.setPen(QColor("#263238"))
        painter.drawText(QRect(x - label_width - 8, y, label_width, strip.height()), 0x0082, caption)
        painter.drawPixmap(QPoint(x, y), strip)
        y += strip_height + gap
    painter.end()
    sheet.save(str(out / "sync-status.png"))
    print(out / "sync-status.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs")
