"""Saves a screenshot of every view of the app into docs/, offscreen, from a demo programme.

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py` (the README shows the results);
name views to make only theirs, e.g. `scripts/screenshots.py Settings Dashboard`.
Thirty delegates arrive between 09:00 and 10:00 so the counts, the roster and the chart have a real shape.
"""

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin.desk.bookings import session_by_code  # noqa: E402
from checkin.desk.demo import create_demo  # noqa: E402
from checkin.desk.roster import session_roster, session_summaries  # noqa: E402
from checkin.desk.scanning import record_scan  # noqa: E402
from checkin.desk.sessions import duplicate_session  # noqa: E402
from checkin.domain.vocabulary import Method
from checkin.settings import Settings  # noqa: E402
from checkin.store.database import open_database  # noqa: E402
from ui.shell.app import build_window  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
SIZE = (1280, 720)  # a small venue laptop: nothing may be cut off at this size


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def land(app: QApplication, done: Callable[[], bool] | None = None, seconds: float = 2.0) -> None:
    """Let what views read in worker processes (the counts, the roster's rows) land: until `done()` (at
    most 20 s), or for `seconds`."""
    deadline = time.monotonic() + (20 if done else seconds)
    while time.monotonic() < deadline and not (done and done()):
        settle(app, 5)
        time.sleep(0.05)
    settle(app)


def sessions_screenshot(app: QApplication, window: MainWindow, demo_code: str) -> None:
    """The Sessions dialog (a session duplicated for the next venue beside the demo's) and the form of a
    new session, side by side."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from ui.sessions.dialogs import SessionEditor, SessionsDialog

    with window.context.database.session() as db:
        source = session_by_code(db, demo_code)
        duplicate_session(
            db, demo_code, "LAN-0410", "Lancaster Castle", source.starts_at + timedelta(days=35)
        )
        db.commit()
    dialog = SessionsDialog(window.context, window)
    dialog.resize(900, 430)
    dialog.show()
    dialog.choose("LAN-0410")
    editor = SessionEditor(window.context, None, window)
    editor.code_field.setText("BUR-0611")
    editor.title_field.setText("Spotting modern slavery")
    editor.venue_field.setText("Burnley Mechanics")
    editor.capacity_field.setValue(50)
    editor.trainers_field.setText("Amara Okoye, Tom Riley")
    editor.show()
    settle(app)
    left, right = dialog.grab(), editor.grab()
    gap = 16
    sheet = QPixmap(left.width() + right.width() + 3 * gap, max(left.height(), right.height()) + 2 * gap)
    sheet.fill(QColor("#d9dee5"))
    painter = QPainter(sheet)
    painter.drawPixmap(gap, gap, left)
    painter.drawPixmap(left.width() + 2 * gap, gap, right)
    painter.end()
    sheet.save(str(DOCS / "sessions.png"))
    editor.close()
    dialog.close()


def main(only: list[str]) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="checkin-shots-"))
    os.environ["CHECKIN_SETTINGS"] = str(folder / "settings.json")
    database = open_database(folder / "demo.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
        session = session_by_code(db, summary.first_session_code)
        people = [e for e in session_roster(db, session) if e.status == "booked"]
        doors_open = session.starts_at - timedelta(minutes=30)
        for index, person in enumerate(people[:30]):
            moment = doors_open + timedelta(minutes=2 * index + (index % 3))
            record_scan(
                db, person.badge_code, session, desk="door-1", method=Method.SCANNER, clock=lambda m=moment: m
            )
        later = session_summaries(db)[1].code
        elsewhere = next(
            e
            for e in session_roster(db, session_by_code(db, later))
            if e.status == "booked" and e.delegate_id not in {p.delegate_id for p in people}
        )
    settings = Settings(folder / "settings.json")
    settings.set("wizard_done", True)
    window, _scanner = build_window(database, settings, "door-1", summary.first_session_code)
    window.resize(*SIZE)
    window.show()
    land(app, lambda: "Checked in" in window.counts.text())
    DOCS.mkdir(exist_ok=True)

    if not only or "Desk" in only:
        shoot_desk(app, window, people, elsewhere)
    for title in window.views:
        if title == "Desk" or (only and title not in only):
            continue
        shoot_view(app, window, title)
    if not only or "Sessions" in only:
        sessions_screenshot(app, window, summary.first_session_code)
    database.dispose()
    print(f"Screenshots saved in {DOCS} ({datetime.now(UTC):%H:%M} UTC)")
    return 0


def shoot_desk(app: QApplication, window, people, elsewhere) -> None:  # noqa: ANN001 - a script
    desk = window.desk_view
    arriving = (
        next(p for p in people[30:] if p.dietary_needs or p.access_needs) if len(people) > 30 else people[-1]
    )
    desk.scan(arriving.badge_code)
    land(app)
    window.grab().save(str(DOCS / "desk-admitted.png"))
    desk.scan(elsewhere.badge_code)
    settle(app)
    window.grab().save(str(DOCS / "desk-wrong-session.png"))
    desk.clear()
    desk.input.setText(people[3].last_name[:3])
    desk._run_search()  # noqa: SLF001 - what typing does after its short pause
    settle(app)
    window.grab().save(str(DOCS / "desk-search.png"))
    desk.clear()


def shoot_view(app: QApplication, window, title: str) -> None:  # noqa: ANN001 - a script
    window.show_view(title)
    view = window.views[title]
    if title == "Delegates":
        land(app, lambda: view.model.rowCount() > 0)
    land(app)
    if title == "Print":  # show a real preview: the session's badges on the default stock
        view = window.views[title]
        ready: list[object] = []
        view.document_ready.connect(ready.append)
        view.make_preview()
        deadline = time.monotonic() + 30
        while not ready and time.monotonic() < deadline:
            settle(app, 5)
            time.sleep(0.05)
        for _ in range(40):  # QtPdf renders the page in the background
            settle(app, 5)
            time.sleep(0.05)
    name = title.lower().replace(" ", "-").replace("-call", "call")
    window.grab().save(str(DOCS / f"{name}.png"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
