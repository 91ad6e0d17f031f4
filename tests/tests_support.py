"""Small helpers the UI tests share."""

from contextlib import contextmanager

from checkin.desk.bookings import refresh_search_key, register, session_by_code
from checkin.store.models import Delegate


def add_person(db, session_code: str, first: str, last: str, organisation: str = "Lancashire County Council"):
    session = session_by_code(db, session_code)
    delegate = Delegate(first_name=first, last_name=last, organisation=organisation)
    refresh_search_key(delegate)
    db.add(delegate)
    db.flush()
    registration = register(db, delegate, session)
    db.commit()
    return registration


@contextmanager
def demo_window(qtbot, tmp_path, size: tuple[int, int] | None = None):
    """The app's main window on a demo programme's first session, shown; yields (window, scanner,
    database, session code) and takes the scanner filter off the application afterwards."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from checkin.desk.demo import create_demo
    from checkin.settings import Settings
    from checkin.store.database import open_database
    from ui.shell.app import build_window

    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    settings = Settings(tmp_path / "settings.json")
    window, scanner = build_window(database, settings, "door-1", summary.first_session_code)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window, scanner, database, summary.first_session_code
    finally:
        QThreadPool.globalInstance().waitForDone(10_000)
        QApplication.instance().removeEventFilter(scanner)
        database.dispose()


def roster(database, code):
    """The session's bookings as the roster lists them."""
    from checkin.desk.roster import session_roster

    with database.session() as db:
        return session_roster(db, session_by_code(db, code))


def two_syncing_desks(folder, hub: str, desks: tuple[str, str], size: tuple[int, int] | None = None):
    """Two desk windows on one demo programme, each with its own SQLite file, syncing through `hub` (set
    up from the first; the second has pulled). Returns (first database, second database, session code,
    people booked on it, [(window, scanner), (window, scanner)]); the windows are shown."""
    from checkin.desk.demo import create_demo
    from checkin.desk.roster import session_roster
    from checkin.settings import Settings
    from checkin.store.database import open_database
    from checkin.sync.hub import init_hub, sync_round
    from ui.shell.app import build_window

    first = open_database(folder / "door-1.sqlite3")
    with first.session() as db:
        code = create_demo(db).first_session_code
        db.commit()
        people = [e for e in session_roster(db, session_by_code(db, code)) if e.status == "booked"]
    init_hub(first, hub)
    second = open_database(folder / "door-2.sqlite3")
    sync_round(second, hub)
    windows = []
    for database, desk in zip((first, second), desks, strict=True):
        settings = Settings(folder / f"{desk}.json")
        settings.set("hub_url", hub)
        window, scanner = build_window(database, settings, desk, code)
        if size is not None:
            window.resize(*size)
        window.show()
        windows.append((window, scanner))
    return first, second, code, people, windows
