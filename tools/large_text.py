"""Screenshots of every view, the kiosk, the wizard and the main dialogs with text at 200% (not shipped).

Run: `QT_QPA_PLATFORM=offscreen QT_FONT_DPI=192 .venv/bin/python tools/large_text.py [FOLDER]` (default
/tmp/checkin-large-text). QT_FONT_DPI=192 is what the system's text scaling at 200% does: every point
size doubles, the window stays 1366×768. Add QT_SCALE_FACTOR=2 to see the whole interface scaled
instead. Look at each picture: nothing may be cut off or drawn over something else.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from factories import demo_database  # noqa: E402

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from checkin.settings import Settings  # noqa: E402
from ui.shell.app import build_window  # noqa: E402

SIZE = (1366, 768)


def settle(app: QApplication) -> None:
    for _ in range(40):
        app.processEvents()


def shoot(app: QApplication, widget: QWidget, path: Path) -> None:
    settle(app)
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkin-large-text")
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="checkin-large-"))
    database, code = demo_database(work)
    settings = Settings(work / "settings.json")
    window, _scanner = build_window(database, settings, "door-1", code)
    window.resize(*SIZE)
    window.show()
    for title in window.views:
        window.show_view(title)
        shoot(app, window, folder / f"view-{title.lower()}.png")
    from ui.desk.walk_in import WalkInDialog

    walk_in = WalkInDialog(window.context, window)
    walk_in.show()
    shoot(app, walk_in, folder / "dialog-walk-in.png")
    walk_in.close()
    from ui.kiosk.window import build_kiosk

    kiosk, _kiosk_scanner = build_kiosk(database, settings, "kiosk-1", code)
    kiosk.resize(*SIZE)
    kiosk.show()
    shoot(app, kiosk, folder / "kiosk-welcome.png")
    kiosk.show_search()
    shoot(app, kiosk, folder / "kiosk-search.png")
    kiosk.may_close = True
    kiosk.close()
    from ui.input.scanner import ScannerFilter
    from ui.shell.wizard import WizardDialog

    wizard = WizardDialog(Settings(work / "wizard.json"), ScannerFilter())
    wizard.show()
    shoot(app, wizard, folder / "wizard.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
