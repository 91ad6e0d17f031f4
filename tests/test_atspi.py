"""Through the real accessibility bus: the app under Xvfb with the AT-SPI registry, walked as a screen reader
walks it (tests/atspi_walker.py with pyatspi): every interactive element named, no name shared, the scan
outcome readable from its panel."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-pyatspi is for the system's Python
WALKER = Path(__file__).with_name("atspi_walker.py")


def _require_the_bus_tools() -> None:
    """Never skipped: without these the test cannot say anything, and says so (scripts/setup installs them)."""
    missing = [tool for tool in ("Xvfb", "xdotool", "dbus-daemon") if shutil.which(tool) is None]
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        missing.append("at-spi2-core")
    if subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True).returncode != 0:
        missing.append("python3-pyatspi")
    if missing:
        pytest.fail(f"the accessibility bus cannot start: {', '.join(missing)} missing (run scripts/setup)")


@pytest.fixture
def session_bus():
    """A private D-Bus session bus (the AT-SPI bus launcher and registry start on it when first asked)."""
    _require_the_bus_tools()
    daemon = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--nopidfile", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if daemon.returncode != 0:
        pytest.fail(f"the session bus did not start: {daemon.stderr.strip()}")
    address, pid = daemon.stdout.split()[:2]
    yield address
    subprocess.run(["kill", pid], check=False)  # the bus launcher and registry leave with it


def _run_and_walk(x_display, bus, tmp_path, app_args, walk_args):
    from checkin.store.database import open_database  # noqa: F401 - the core imports before the app

    env = {
        **os.environ,
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
        "DBUS_SESSION_BUS_ADDRESS": bus,
        "CHECKIN_SETTINGS": str(tmp_path / "settings.json"),
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui",
            "--db",
            str(tmp_path / "desk.sqlite3"),
            "--desk",
            "a11y",
            "app",
            *app_args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        walk = subprocess.run(
            [SYSTEM_PYTHON, str(WALKER), *walk_args], env=env, capture_output=True, text=True, timeout=240
        )
    finally:
        app.terminate()
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
    lines = walk.stdout.strip().splitlines()
    assert walk.returncode == 0 and lines, f"the walk failed: {walk.stdout[-2000:]} {walk.stderr[-2000:]}"
    return json.loads(lines[-1])


def _demo(tmp_path):
    db = tmp_path / "desk.sqlite3"
    cli = [sys.executable, "-m", "checkin.cli", "--db", str(db)]
    subprocess.run([*cli, "demo"], check=True, capture_output=True, timeout=120)
    session = json.loads(
        subprocess.run([*cli, "sessions", "--json"], check=True, capture_output=True).stdout
    )[0]
    people = json.loads(
        subprocess.run(
            [*cli, "delegates", "--session", session["code"], "--json"], check=True, capture_output=True
        ).stdout
    )
    return session["code"], next(p for p in people if p["status"] == "booked")


def test_a_screen_reader_finds_every_control_named_and_hears_the_scan_outcome(
    session_bus, x_display, tmp_path
):
    _code, person = _demo(tmp_path)
    name = f"{person['first_name']} {person['last_name']}"
    found = _run_and_walk(x_display, session_bus, tmp_path, [], ["desk", person["badge_code"], name])
    screens = found["screens"]
    expected = [f"Wizard step {n}" for n in range(1, 5)] + [
        "Desk",
        "Delegates",
        "Roll-call",
        "Print",
        "Dashboard",
        "Settings",
        "Duplicates",
        "Desk after a scan",
    ]
    assert list(screens) == expected
    assert {title: screen["problems"] for title, screen in screens.items()} == {
        title: [] for title in expected
    }
    for title, screen in screens.items():
        assert screen["elements"], f"{title}: no interactive element reached"
    desk = dict(map(tuple, screens["Desk"]["elements"]))
    assert desk.get("text") == "Scan or search" and desk.get("combo box") == "Session"
    assert "Welcome" in found["outcome_text"] and name in found["outcome_text"]
    assert found["outcome_description"].startswith(f"Welcome. {name}")
    assert found["focus_after_scan"] == ["text", "Scan or search"]


def test_a_screen_reader_finds_the_kiosk_controls_named(session_bus, x_display, tmp_path):
    from checkin.desk.pin import set_pin
    from checkin.settings import Settings

    code, _person = _demo(tmp_path)
    set_pin(Settings(tmp_path / "settings.json"), "482916")  # a kiosk starts only with a PIN
    found = _run_and_walk(x_display, session_bus, tmp_path, ["--session", code, "--kiosk"], ["kiosk"])
    screens = found["screens"]
    assert {title: screen["problems"] for title, screen in screens.items()} == {
        "Kiosk welcome": [],
        "Kiosk surname search": [],
    }
    assert ["text", "Surname"] in screens["Kiosk surname search"]["elements"]
