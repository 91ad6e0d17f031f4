"""Small helpers the UI tests share."""

from PySide6.QtCore import Qt

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


def roster(database, code):
    """The session's bookings as the roster lists them."""
    from checkin.desk.roster import session_roster

    with database.session() as db:
        return session_roster(db, session_by_code(db, code))


def booked_people(database, code):
    """The session's bookings whose status is booked."""
    return [e for e in roster(database, code) if e.status == "booked"]


def scanner_types(qtbot, widget, text, suffix=Qt.Key.Key_Return):
    """A USB scanner: every key a few milliseconds apart, then Enter."""
    widget.setFocus()
    for ch in text:
        qtbot.keyClick(widget, ch)
    qtbot.keyClick(widget, suffix)


def pin_dialog_enters(monkeypatch, pin):
    """Every PIN dialog opened from now on is answered with `pin`, as if typed and submitted."""
    from ui.base.pin import PinDialog

    def fake_exec(dialog):
        dialog.field.setText(pin)
        dialog.submit(dialog.field.text())
        return int(dialog.result())

    monkeypatch.setattr(PinDialog, "exec", fake_exec)


def demo_through_hub(folder, hub: str):
    """The demo programme on a first desk (folder/door-1.sqlite3), published to `hub`, and a second desk
    (folder/door-2.sqlite3), empty until it pulled once. Returns (first database, second database,
    session code)."""
    from checkin.desk.demo import create_demo
    from checkin.store.database import open_database
    from checkin.sync.hub import init_hub, sync_round

    first = open_database(folder / "door-1.sqlite3")
    with first.session() as db:
        code = create_demo(db).first_session_code
        db.commit()
    init_hub(first, hub)
    second = open_database(folder / "door-2.sqlite3")
    sync_round(second, hub)
    return first, second, code


def two_syncing_desks(folder, hub: str, desks: tuple[str, str], size: tuple[int, int] | None = None):
    """Two desk windows on one demo programme, each with its own SQLite file, syncing through `hub` (set
    up from the first; the second has pulled). Returns (first database, second database, session code,
    people booked on it, [(window, scanner), (window, scanner)]); the windows are shown."""
    from checkin.settings import Settings
    from ui.shell.app import build_window

    first, second, code = demo_through_hub(folder, hub)
    people = booked_people(first, code)
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


def key_for(ch: str):
    """The Qt key and modifiers a keyboard gives for one character."""
    from PySide6.QtCore import Qt as _Qt

    shift = _Qt.KeyboardModifier.ShiftModifier if ch.isupper() else _Qt.KeyboardModifier.NoModifier
    return _Qt.Key(ord(ch.upper())), shift


def key_at(at_ms: int, ch: str = "", key=None, modifiers=None):
    """One key pressed at `at_ms` (the window system's time stamp), delivered as Qt delivers a real key: the
    shortcut check to the focused widget, then the press and release to an open popup (a completer's list)
    before the field that has focus. A key with Shift (a capital letter) comes as a keyboard or a scanner
    sends it through X: Shift goes down first, a key of its own with its own shortcut check, then the key,
    then Shift comes up."""
    from PySide6.QtCore import Qt as _Qt

    if key is None:
        key, shift = key_for(ch)
        modifiers = shift if modifiers is None else modifiers
    modifiers = _Qt.KeyboardModifier.NoModifier if modifiers is None else modifiers
    shift = _Qt.KeyboardModifier.ShiftModifier
    shifted = bool(modifiers & shift) and key != _Qt.Key.Key_Shift
    if shifted:
        _press(at_ms, _Qt.Key.Key_Shift, shift, "")
    target = _press(at_ms, key, modifiers, ch)
    _release(target, at_ms, key, modifiers, ch)
    if shifted:
        _release(_first_receiver(), at_ms, _Qt.Key.Key_Shift, _Qt.KeyboardModifier.NoModifier, "")


def _first_receiver():
    """Where Qt sends a key: an open popup (a completer's list) before the widget that has focus."""
    from PySide6.QtWidgets import QApplication

    popup = QApplication.activePopupWidget()
    return (popup.focusWidget() or popup) if popup is not None else QApplication.focusWidget()


def _press(at_ms: int, key, modifiers, text: str):
    """The shortcut check to the focused widget, then the press where a key goes once the check is done
    (what the check set off — held keys replayed, a list opened by them — comes first, as in Qt). Returns
    the widget the press went to."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    focus = QApplication.focusWidget() or _first_receiver()
    assert focus is not None, "no widget has keyboard focus"
    override = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifiers, text)
    override.setTimestamp(at_ms)
    QApplication.sendEvent(focus, override)
    target = _first_receiver()
    event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text)
    event.setTimestamp(at_ms)
    QApplication.sendEvent(target, event)
    return target


def _release(target, at_ms: int, key, modifiers, text: str) -> None:
    """The key let go, to `target` while it is there (the press may have closed its dialog)."""
    import shiboken6
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    if target is None or not shiboken6.isValid(target):
        return
    event = QKeyEvent(QEvent.Type.KeyRelease, key, modifiers, text)
    event.setTimestamp(at_ms)
    QApplication.sendEvent(target, event)


def answer_when_shown(qtbot, kind, act):
    """Once a modal `kind` shows, `act(it)` (a person at the dialog). Returns what was seen: the dialog,
    then the exception `act` raised, if it did (the dialog is then closed as it stands, so that the test
    fails instead of waiting for ever)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen = []

    def look():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog not in seen:
            seen.append(dialog)
            try:
                act(dialog)
            except BaseException as failure:  # close it, so the test fails instead of waiting forever
                seen.append(failure)
                dialog.done(0)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen
