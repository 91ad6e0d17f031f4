"""Fixtures shared by the whole test suite: PostgreSQL servers, the demo programme and windows on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from factories import demo_database
from pgserver import PostgresServer, ServerUnavailable, running_server

from checkin.store.database import Database

# -- PostgreSQL -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server in a temporary folder, started once for the session."""
    try:
        with running_server() as server:
            yield server
    except ServerUnavailable as missing:
        # CI sets this, so a machine without PostgreSQL fails loudly instead of passing by skipping.
        if os.environ.get("CHECKIN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{missing} (CHECKIN_REQUIRE_POSTGRES=1, so this is an error)", pytrace=False)
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the test server's default database: postgresql+psycopg://postgres@127.0.0.1:PORT/postgres."""
    return postgres_server.url


@pytest.fixture
def pg_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database for this test alone, dropped afterwards."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.database_url(name)
    finally:
        postgres_server.drop_database(name)


# -- the clock on the wall -------------------------------------------------------------------------------

#: The UK's rules written out (GMT in winter, BST from the last Sunday in March to the last in October), so
#: the zone does not depend on the machine's own zone or its zone files.
LONDON_RULES = "GMT0BST,M3.5.0/1,M10.5.0"


@pytest.fixture
def london_time() -> Iterator[ZoneInfo]:
    """This process's local time is London's for the test (what a desk in Preston shows); yields the zone
    for code that takes one. A test of local time must not pass only on a machine that is in London."""
    if not hasattr(time, "tzset"):
        pytest.skip("the process's time zone can be set only where time.tzset exists")
    before = os.environ.get("TZ")
    os.environ["TZ"] = LONDON_RULES
    time.tzset()
    try:
        yield ZoneInfo("Europe/London")
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


# -- label stocks ---------------------------------------------------------------------------------------


@pytest.fixture
def no_user_stocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's stock folder, empty and in tmp_path: tests never read the real user's stock folder."""
    folder = tmp_path / "user-stocks"
    monkeypatch.setenv("CHECKIN_STOCKS_DIR", str(folder))
    return folder


# -- the demo programme and windows on it ---------------------------------------------------------------


@pytest.fixture
def demo_programme(tmp_path: Path) -> Iterator[tuple[Database, str]]:
    """The demo programme in tmp_path/desk.sqlite3: (database, code of its first session)."""
    database, code = demo_database(tmp_path)
    yield database, code
    database.dispose()


@pytest.fixture
def open_demo_window(qtbot, tmp_path: Path, demo_programme: tuple[Database, str]) -> Iterator[Callable]:
    """Opens the main window on the demo programme's first session as desk door-1, shown: call it, with a
    size or not, for (window, scanner, database, session code, settings). Afterwards background work is
    waited for, and the window's event filters and theme come off the application."""
    # Qt is imported here, not at the top, so the core's tests still run where the UI cannot import.
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from checkin.settings import Settings
    from ui.base.theme import apply_theme
    from ui.shell.app import build_window

    database, code = demo_programme
    opened = []

    def open_window(size: tuple[int, int] | None = None):
        settings = Settings(tmp_path / "settings.json")
        window, scanner = build_window(database, settings, "door-1", code)
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, scanner))
        return window, scanner, database, code, settings

    yield open_window
    QThreadPool.globalInstance().waitForDone(10_000)
    application = QApplication.instance()
    for window, scanner in opened:
        application.removeEventFilter(scanner)
        application.removeEventFilter(window.idle_lock)
    apply_theme(application, high_contrast=False)


@pytest.fixture
def scan_desk_with_settings(open_demo_window: Callable) -> tuple:
    """The main window on the demo programme, active, its scan field focused: (window, scanner, database,
    session code, settings)."""
    window, scanner, database, code, settings = open_demo_window()
    window.activateWindow()
    window.desk_view.input.setFocus()
    return window, scanner, database, code, settings


@pytest.fixture
def scan_desk(scan_desk_with_settings: tuple) -> tuple:
    """The main window on the demo programme, active, its scan field focused: (window, scanner, database,
    session code)."""
    window, scanner, database, code, _settings = scan_desk_with_settings
    return window, scanner, database, code


# -- a real X display ----------------------------------------------------------------------------------


X_TOOLS = ("Xvfb", "xdotool")


def _require_x_tools() -> None:
    missing = [tool for tool in X_TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (scripts/setup installs them)"
        if os.environ.get("CI") == "true":  # CI ran scripts/setup, which installs them: never skip there
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def x_display(tmp_path):
    """A virtual X screen (Xvfb, 1366×768) for the app as a real X client: its DISPLAY name."""
    _require_x_tools()
    display = f":{90 + os.getpid() % 500}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not os.path.exists(f"/tmp/.X11-unix/X{display[1:]}") and time.monotonic() < deadline:
        time.sleep(0.05)
    yield display
    server.terminate()
    server.wait(timeout=10)
