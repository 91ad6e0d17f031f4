"""Every view, outcome, dialog and page of the app on a 1280×720 screen, each checked for text cut off and
controls drawn over one another (`layout_checks`), and photographed when a folder is given.

Run in its own process, since the text size is the process's: `tests/test_large_text.py` does, at 100%
and with the system's text at 200% (QT_FONT_DPI=192, as Settings ▸ Text size 200% does on Linux desktops);
`tools/large_text.py` does to take the screenshots. The screen is Qt's offscreen screen set to 1280×720,
so dialogs open at the size they would on a small venue laptop. Prints the findings as JSON:
{scene: [finding, …]}.
"""

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

SCREEN = (1280, 720)


def offscreen_screen(folder: Path, size: tuple[int, int] = SCREEN) -> str:
    """A QT_QPA_PLATFORM value for Qt's offscreen platform with one screen of `size`."""
    config = folder / "offscreen-screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": size[0], "height": size[1]}]})
    )
    return f"offscreen:configfile={config}"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else None
    work = Path(tempfile.mkdtemp(prefix="checkin-large-text-"))
    os.environ.setdefault("QT_QPA_PLATFORM", offscreen_screen(work))
    os.environ["CHECKIN_SETTINGS"] = str(work / "settings.json")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from layout_checks import layout_problems

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    for name, widget in scenes(app, work):
        settle(app)
        print(name, file=sys.stderr, flush=True)
        found[name] = layout_problems(widget)
        if widget.width() > SCREEN[0] or widget.height() > SCREEN[1]:
            found[name].append(f"larger than the screen: {widget.width()}×{widget.height()}")
        if folder is not None:
            widget.grab().save(str(folder / f"{name}.png"))
    print(json.dumps(found, ensure_ascii=False, indent=1))
    return 0


def settle(app, rounds: int = 30) -> None:  # noqa: ANN001
    for _ in range(rounds):
        app.processEvents()


def as_on_screen(dialog) -> None:  # noqa: ANN001 - a QDialog
    """Show a dialog as a window manager would: at the size it asks for, no bigger than the screen."""
    dialog.show()
    size = dialog.size()
    if size.width() > SCREEN[0] or size.height() > SCREEN[1]:
        dialog.resize(min(size.width(), SCREEN[0]), min(size.height(), SCREEN[1]))


def scenes(app, work: Path) -> Iterator[tuple[str, object]]:  # noqa: ANN001, C901, PLR0915 - one long walk
    from factories import demo_database
    from tests_support import booked_people, roster

    from PySide6.QtWidgets import QDialog

    from checkin.desk.bookings import session_by_code
    from checkin.desk.pin import set_pin
    from checkin.desk.roster import session_summaries
    from checkin.domain.clock import utc_now
    from checkin.domain.vocabulary import EventKind
    from checkin.settings import Settings
    from checkin.store.models import CheckinEvent
    from ui.shell.app import build_window

    database, code = demo_database(work)
    settings = Settings(work / "settings.json")
    settings.set("wizard_done", True)
    set_pin(settings, "482916")
    window, _scanner = build_window(database, settings, "door-1", code)
    window.resize(*SCREEN)
    window.show()
    settle(app)
    desk = window.desk_view
    people = booked_people(database, code)
    with database.session() as db:
        later = session_summaries(db)[1].code
    here = {e.delegate_id for e in roster(database, code)}
    stranger = next(e for e in booked_people(database, later) if e.delegate_id not in here)
    cancelled = next(e for e in roster(database, code) if e.status == "cancelled")
    with_needs = next((p for p in people if p.dietary_needs or p.access_needs), people[0])

    yield "desk-ready", window
    desk.scan(with_needs.badge_code)
    yield "desk-admitted", window
    desk.scan(with_needs.badge_code)
    yield "desk-already-in", window
    desk.scan(stranger.badge_code)
    yield "desk-wrong-session", window
    desk.scan("NOT-A-BADGE-123")
    yield "desk-not-valid", window
    desk.scan(cancelled.badge_code)
    yield "desk-cancelled-rebook", window
    desk.scan(people[1].badge_code)
    desk._offer_badge(people[1].registration_id)  # noqa: SLF001 - as after a walk-in is admitted
    yield "desk-walk-in-admitted", window
    desk.clear()
    desk.input.setText(people[3].last_name[:3])
    desk._run_search()  # noqa: SLF001 - what typing does after its short pause
    yield "desk-search", window
    desk.clear()

    def dialog(name: str, make: Callable[[], QDialog]) -> Iterator[tuple[str, object]]:
        made = make()
        as_on_screen(made)
        yield name, made
        made.close()
        made.deleteLater()

    from ui.base.pin import PinDialog
    from ui.desk.walk_in import WalkInDialog

    yield from dialog("dialog-walk-in", lambda: WalkInDialog(window.context, window))
    yield from dialog(
        "dialog-pin",
        lambda: PinDialog(window.context, window, reason="Enter the organiser PIN to change the settings."),
    )

    window.show_view("Delegates")
    delegates = window.views["Delegates"]
    wait_for(app, lambda: delegates.model.rowCount() > 0)
    delegates.table.selectRow(0)
    yield "view-delegates", window
    row = delegates.current_row()
    from ui.delegates.dialogs import DelegateEditDialog, HistoryDialog, SectorDialog, TransferDialog
    from ui.delegates.import_dialog import ImportDialog

    yield from dialog("dialog-edit", lambda: DelegateEditDialog(window.context, row.delegate_id, delegates))
    yield from dialog("dialog-sector", lambda: SectorDialog(window.context, row.organisation, delegates))
    yield from dialog("dialog-transfer", lambda: TransferDialog(window.context, row, delegates))
    yield from dialog("dialog-history", lambda: HistoryDialog(window.context, row, delegates))
    yield from dialog("dialog-import", lambda: ImportDialog(window.context, delegates))

    window.show_view("Roll-call")
    rollcall = window.views["Roll-call"]
    yield "view-roll-call", window
    rollcall.scan(people[0].badge_code)
    yield "view-roll-call-marked", window

    window.show_view("Print")
    printing = window.views["Print"]
    for kind, button in printing.kind_buttons.items():
        button.click()
        yield f"view-print-{kind}", window
    printing.kind_buttons[next(iter(printing.kind_buttons))].click()
    from ui.printing.view import ChooseDelegatesDialog

    yield from dialog(
        "dialog-choose-delegates",
        lambda: ChooseDelegatesDialog(printing._active_entries(), set(), printing),  # noqa: SLF001
    )
    from ui.printing.calibration_dialog import CalibrationDialog

    yield from dialog(
        "dialog-calibration", lambda: CalibrationDialog(window.context, printing.printer, None, printing)
    )

    window.show_view("Dashboard")
    dashboard = window.views["Dashboard"]
    for index in range(dashboard.tabs.count()):
        dashboard.tabs.setCurrentIndex(index)
        settle(app, 60)
        yield f"view-dashboard-{index + 1}", window

    window.show_view("Settings")
    yield "view-settings", window

    window.show_view("Duplicates")
    yield "view-duplicates-none", window
    with database.session() as db:
        session = session_by_code(db, code)
        twice = people[5]
        for minutes, where in ((0, "door-1"), (2, "door-2")):
            db.add(
                CheckinEvent(
                    registration_id=twice.registration_id,
                    session_id=session.id,
                    kind=EventKind.IN,
                    at=utc_now() - timedelta(minutes=30 - minutes),
                    desk=where,
                    method="scanner",
                )
            )
        db.commit()
    duplicates = window.views["Duplicates"]
    duplicates.refresh()
    wait_for(app, lambda: bool(duplicates.duplicates))
    yield "view-duplicates", window

    from ui.sessions.dialogs import SessionEditor, SessionsDialog
    from ui.sessions.programme_dialog import ProgrammeDialog
    from ui.shell.about import AboutDialog
    from ui.shell.help import GuideDialog

    yield from dialog("dialog-sessions", lambda: SessionsDialog(window.context, window))
    yield from dialog("dialog-new-session", lambda: SessionEditor(window.context, None, window))
    yield from dialog("dialog-edit-session", lambda: SessionEditor(window.context, code, window))
    yield from dialog("dialog-programme", lambda: ProgrammeDialog(window.context, window))
    yield from dialog("dialog-guide", lambda: GuideDialog(window))
    yield from dialog("dialog-about", lambda: AboutDialog(None, window))
    window.close()

    from ui.kiosk.window import build_kiosk

    kiosk, kiosk_scanner = build_kiosk(database, settings, "kiosk-1", code)
    kiosk.resize(*SCREEN)
    kiosk.show()
    yield "kiosk-welcome", kiosk
    kiosk.show_search()
    kiosk.surname.setText(people[2].last_name[:3])
    settle(app, 60)
    yield "kiosk-search", kiosk
    kiosk.scan(people[4].badge_code)
    yield "kiosk-admitted", kiosk
    kiosk.may_close = True
    kiosk.close()
    app.removeEventFilter(kiosk_scanner)

    from ui.input.scanner import ScannerFilter
    from ui.shell.wizard import STEPS, WizardDialog

    wizard = WizardDialog(Settings(work / "wizard.json"), ScannerFilter())
    as_on_screen(wizard)
    for step in range(STEPS):
        wizard._go(step)  # noqa: SLF001 - each step as Next shows it
        yield f"wizard-step-{step + 1}", wizard
    wizard.close()


def wait_for(app, condition: Callable[[], bool], rounds: int = 2000) -> None:  # noqa: ANN001
    """Let the event loop run until the condition holds (background reads finish), or give up quietly."""
    from PySide6.QtCore import QThread

    for _ in range(rounds):
        if condition():
            return
        app.processEvents()
        QThread.msleep(5)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
