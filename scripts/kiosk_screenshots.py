"""Save screenshots of the kiosk, the Settings view and the first-run wizard at 1366×768 into docs/.

Run offscreen: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/kiosk_screenshots.py
"""

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from checkin.desk.bookings import session_by_code
from checkin.desk.demo import create_demo
from checkin.desk.pin import set_pin
from checkin.desk.roster import session_roster
from checkin.settings import Settings
from checkin.store.database import open_database
from ui.input.scanner import ScannerFilter
from ui.kiosk.window import build_kiosk
from ui.shell.app import build_window
from ui.shell.wizard import WizardDialog

SIZE = (1366, 768)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp())
    database = open_database(folder / "desk.sqlite3")
    with database.session() as db:
        code = create_demo(db).first_session_code
        db.commit()
        person = next(e for e in session_roster(db, session_by_code(db, code)) if e.status == "booked")
    settings = Settings(folder / "settings.json")
    settings.set("desk_name", "Preston door 1")

    # A kiosk needs an organiser PIN; set on a settings file of its own, so that the Settings view below
    # still shows a desk without one.
    kiosk_settings = Settings(folder / "kiosk-settings.json")
    kiosk_settings.set("desk_name", "Preston door 1")
    set_pin(kiosk_settings, "246810")
    kiosk, scanner = build_kiosk(database, kiosk_settings, "kiosk-1", code)
    kiosk.resize(*SIZE)
    kiosk.show()
    settle(app)
    kiosk.grab().save(str(out / "kiosk.png"))
    kiosk.scan(person.badge_code)
    settle(app)
    kiosk.grab().save(str(out / "kiosk-admitted.png"))
    kiosk.show_search()
    kiosk.surname.setText(person.last_name[:3])
    kiosk._surname_edited(kiosk.surname.text())
    settle(app)
    kiosk.grab().save(str(out / "kiosk-search.png"))
    app.removeEventFilter(scanner)
    kiosk.may_close = True
    kiosk.close()

    window, scanner = build_window(database, settings, "door-1", code)
    window.resize(*SIZE)
    window.show()
    window.show_view("Settings")
    settle(app)
    window.grab().save(str(out / "settings.png"))
    app.removeEventFilter(scanner)
    window.close()

    wizard_scanner = ScannerFilter()
    wizard = WizardDialog(Settings(folder / "fresh.json"), wizard_scanner, "PRESTON-DESK-1")
    wizard.resize(760, 520)
    wizard.show()
    settle(app)
    wizard.desk_name.deselect()
    settle(app)
    # The wizard is a dialog: show it as it appears, centred on a 1366×768 screen.
    screen = QPixmap(*SIZE)
    screen.fill(QColor("#cfd8dc"))
    shot = wizard.grab()
    painter = QPainter(screen)
    left, top = (SIZE[0] - shot.width()) // 2, (SIZE[1] - shot.height()) // 2
    painter.fillRect(left - 1, top - 1, shot.width() + 2, shot.height() + 2, QColor("#90a4ae"))
    painter.drawPixmap(left, top, shot)
    painter.end()
    screen.save(str(out / "wizard.png"))
    wizard.reject()
    database.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs")
