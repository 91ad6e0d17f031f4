"""The real program on a real X display: a USB-scanner burst typed through the X server checks a person in."""

import json
import os
import subprocess
import sys
import time


def checkin(*args: str, db) -> str:
    command = [sys.executable, "-m", "checkin.cli", "--db", str(db), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def test_a_scanner_burst_through_the_x_server_checks_the_delegate_in(x_display, tmp_path):
    db = tmp_path / "desk.sqlite3"
    checkin("demo", db=db)
    session = json.loads(checkin("sessions", "--json", db=db))[0]["code"]
    people = json.loads(checkin("delegates", "--session", session, "--json", db=db))
    person = next(p for p in people if p["status"] == "booked")
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
        "CHECKIN_SETTINGS": str(tmp_path / "settings.json"),
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui",
            "--db",
            str(db),
            "--desk",
            "x-desk",
            "app",
            "--session",
            session,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        window = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Check-in Desk"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()
        assert window, "the app window did not appear"
        time.sleep(0.5)
        # A scanner types a few milliseconds a key and ends with Enter, in one go (a second xdotool would
        # start too late on a busy machine, and the Enter would come as a person's).
        burst = ["type", "--delay", "6", "--args", "1", person["badge_code"], "key", "--delay", "6", "Return"]
        subprocess.run(["xdotool", *burst], env=env, check=True)
        deadline = time.monotonic() + 15
        checked_in = 0
        while time.monotonic() < deadline and not checked_in:
            checked_in = json.loads(checkin("sessions", "--json", db=db))[0]["checked_in"]
            time.sleep(0.2)
        assert checked_in == 1
        listed = json.loads(checkin("delegates", "--session", session, "--json", db=db))
        admitted = next(p for p in listed if p["id"] == person["id"])
        assert admitted["checked_in_at"] is not None
    finally:
        app.terminate()
        app.wait(timeout=15)


def test_a_person_typing_at_80_ms_a_key_into_a_file_dialog_through_the_x_server(x_display, tmp_path):
    """The reported "giude": real key presses from the X server, 80 ms apart, into Qt's file dialog whose
    list of the folder's names opens and closes as the name is typed, with the scanner filter on."""
    for name in ("guide-2025.pdf", "guard-rota.pdf", "walk-ins.pdf", "guided-walk.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4\n")
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    helper = os.path.join(os.path.dirname(__file__), "typing_dialog.py")
    dialog = subprocess.Popen(
        [sys.executable, helper, str(tmp_path)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Save the guide"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()
        assert found, "the file dialog did not appear"
        time.sleep(0.5)
        typed = "guide-2026 walkers.pdf"
        subprocess.run(["xdotool", "type", "--delay", "80", typed], env=env, check=True)
        time.sleep(0.3)
        subprocess.run(["xdotool", "key", "Return"], env=env, check=True)
        out, _ = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
            dialog.wait(timeout=10)
    assert out.splitlines() == [f"FILE {typed}"]


def test_a_person_moving_between_fields_mid_typing_through_the_x_server(x_display, tmp_path):
    """Real key presses and a click from the X server, with the scanner filter on: a person types a first
    name, Tabs on mid-flow into a field whose completer lists names, picks one from the list, Tabs back
    and goes on typing, Shift+Tabs away; a scanner's burst (Shift for every capital, as a keyboard-wedge
    scanner sends it) arrives; the person clicks back into the first field and finishes. Each field ends
    with what was typed into it, in order, and the burst is a scan that typed nothing."""
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    helper = os.path.join(os.path.dirname(__file__), "typing_form.py")
    form = subprocess.Popen([sys.executable, helper], env=env, stdout=subprocess.PIPE, text=True)

    def xdotool(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=env, check=True, timeout=30)

    try:
        assert form.stdout is not None
        ready = form.stdout.readline().split()
        assert ready[:1] == ["READY"], "the form did not appear"
        end_of_first_field = ready[1:]
        xdotool("type", "--delay", "80", "Zofia")
        xdotool("key", "Tab")
        xdotool("type", "--delay", "80", "Nowak-Kow")
        time.sleep(0.3)  # the person looks at the list
        xdotool("key", "Down", "Return")
        xdotool("key", "Tab")
        xdotool("key", "End")  # Tab selected the first name; the person goes to its end
        xdotool("type", "--delay", "30", " Maria")
        xdotool("key", "shift+Tab")
        time.sleep(0.3)
        # A scanner: a key every few ms, then Enter, in one go (as in the first test).
        xdotool("type", "--delay", "6", "--args", "1", "PRS-4K7Q2", "key", "--delay", "6", "Return")
        time.sleep(0.3)
        xdotool("mousemove", *end_of_first_field, "click", "1")
        xdotool("type", "--delay", "80", " K.")
        xdotool("key", "ctrl+Return")
        out, _ = form.communicate(timeout=30)
    finally:
        if form.poll() is None:
            form.kill()
            form.wait(timeout=10)
    assert out.splitlines() == ["SCAN PRS-4K7Q2", 'TEXT ["Zofia Maria K.", "Nowak-Kowalska"]']
