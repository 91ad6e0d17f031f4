"""The desktop app's entry point: open the database, build the window, catch scanners, run."""

import gc
import os
import sys

from sqlalchemy import select

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from checkin.resources import resource_path
from checkin.settings import Settings
from checkin.store.database import Database
from checkin.store.models import Session
from ui.base.context import DeskContext
from ui.base.theme import apply_theme
from ui.input.scanner import ScannerFilter
from ui.input.sounds import OutcomeSounds
from ui.shell.main_window import MainWindow


def build_window(
    database: Database, settings: Settings, desk: str, session_code: str | None = None
) -> tuple[MainWindow, ScannerFilter]:
    """The window on a session, with a scanner filter installed on the application."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    context = DeskContext(database, settings, settings.get("desk_name") or desk)
    apply_theme(app, high_contrast=settings.get("high_contrast"))
    window = MainWindow(context)
    window.load_sessions(session_code)
    scanner = ScannerFilter(
        settings.get("scanner_max_gap_ms"),
        settings.get("scanner_min_length"),
        settings.get("scanner_suffix"),
        window,
    )
    app.installEventFilter(scanner)
    scanner.scanned.connect(window.route_scan)
    window.scanner = scanner
    from ui.shell.idle_lock import install_idle_lock
    from ui.shell.live_settings import apply_live_settings

    context.settings_changed.connect(lambda: apply_live_settings(settings, scanner, window))
    window.idle_lock = install_idle_lock(window, context)
    sounds = window.sounds = OutcomeSounds(settings, parent=window)
    window.desk_view.outcome_shown.connect(sounds.play_outcome)
    from ui.sync.status import install_sync

    window.sync, window.sync_indicator, window.duplicates_badge = install_sync(window, context)
    from ui.settings.backups import install_snapshots

    window.snapshots = install_snapshots(window, database)
    return window, scanner


def freeze_what_start_up_made() -> None:
    """Once the window is up: what start-up made (modules, Qt wrappers, SQLAlchemy's mappers, ~100,000
    objects) is set aside from the garbage collector, whose full passes over it held the window 130-190 ms
    at unpredictable moments. Later garbage is collected as usual."""
    gc.collect()
    gc.freeze()


#: How long after the window shows a worker process starts (`ui.base.processes.warm_up`).
WARM_UP_AFTER_MS = 500


def run_app(db_target: str | None, desk: str, session_code: str | None = None, kiosk: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Check-in Desk")
    app.setOrganizationName("CheckinDesk")
    app.setWindowIcon(QIcon(str(resource_path("images", "icon.png"))))
    from checkin.logging_setup import configure_logging
    from ui.settings.backups import install_snapshots, open_or_offer_restore

    configure_logging()
    database = open_or_offer_restore(db_target)
    if database is None:
        return 2
    fill_with_demo_when_empty(database)
    settings = Settings()
    if not settings.get("wizard_done") and session_code is None:
        from ui.shell.wizard import run_wizard

        apply_theme(app, high_contrast=settings.get("high_contrast"))
        run_wizard(settings)
    if kiosk:
        from ui.kiosk.window import build_kiosk, ensure_kiosk_pin

        apply_theme(app, high_contrast=settings.get("high_contrast"))
        if not ensure_kiosk_pin(settings):
            return 2
        kiosk_window, _kiosk_scanner = build_kiosk(database, settings, desk, session_code)
        kiosk_window.snapshots = install_snapshots(kiosk_window, database)
        kiosk_window.lock_down()
        freeze_what_start_up_made()
        return app.exec()
    window, _scanner = build_window(database, settings, desk, session_code)
    window.show()
    window.desk_view.input.setFocus()
    freeze_what_start_up_made()
    from ui.base.processes import stop_workers, warm_up

    app.aboutToQuit.connect(stop_workers)
    if os.environ.get("CHECKIN_EXIT_WHEN_READY"):
        # For the start-up benchmark: leave as soon as the desk is ready to take a scan.
        QTimer.singleShot(0, app.quit)
        return app.exec()
    # A worker process for badges and imports, started once the window is up and drawn, so that the first
    # badges need not wait for one to start.
    QTimer.singleShot(WARM_UP_AFTER_MS, warm_up)
    if os.environ.get("CHECKIN_SMOKE_QUIT_AFTER_MS"):
        # For packaging/smoke-test: let the window live a while (timers, sync, sounds), then close.
        QTimer.singleShot(int(os.environ["CHECKIN_SMOKE_QUIT_AFTER_MS"]), window.close)
        QTimer.singleShot(int(os.environ["CHECKIN_SMOKE_QUIT_AFTER_MS"]) + 500, app.quit)
    return app.exec()


def fill_with_demo_when_empty(database: Database) -> None:
    from checkin.desk.demo import create_demo

    with database.session() as db:
        if db.scalar(select(Session.id).limit(1)) is not None:
            return
        create_demo(db)
        db.commit()
