"""Nobody walks out of a kiosk without the organiser PIN: it will not start without one, says nothing about
leaving, cannot be closed, and no key or shortcut anywhere in the app reaches anything else."""

import logging

import pytest
from tests_support import answer_when_shown, pin_dialog_enters

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox

from checkin.desk.pin import clear_pin, has_pin, set_pin
from checkin.errors import UsageError
from checkin.settings import Settings
from ui.base.pin import PinDialog
from ui.kiosk.window import KioskPinDialog, build_kiosk, ensure_kiosk_pin

PIN = "246810"
MODIFIERS = (
    Qt.KeyboardModifier.NoModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.MetaModifier,
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
)
KEYS = [getattr(Qt.Key, f"Key_F{n}") for n in range(1, 13)] + [
    Qt.Key.Key_Escape,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
    Qt.Key.Key_Return,
    Qt.Key.Key_Q,
    Qt.Key.Key_W,
    Qt.Key.Key_N,
    Qt.Key.Key_Z,
    Qt.Key.Key_P,
    Qt.Key.Key_S,
    Qt.Key.Key_O,
    Qt.Key.Key_E,
    Qt.Key.Key_I,
    Qt.Key.Key_H,
    Qt.Key.Key_Comma,
    Qt.Key.Key_Delete,
    Qt.Key.Key_Menu,
]


@pytest.fixture
def kiosk(qtbot, tmp_path, demo_programme):
    """The kiosk as `checkin app --kiosk` starts it: PIN set, full screen, frameless, focused."""
    database, code = demo_programme
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, PIN)
    window, scanner = build_kiosk(database, settings, "kiosk-1", code)
    qtbot.addWidget(window)
    window.lock_down()
    qtbot.waitExposed(window)
    window.setFocus()
    yield window, settings
    QApplication.instance().removeEventFilter(scanner)
    window.may_close = True


def every_shortcut_in_the_app(open_demo_window) -> set[tuple[Qt.Key, Qt.KeyboardModifier]]:
    """Every QShortcut and QAction key of the desk window, with every view made."""
    window, scanner, *_ = open_demo_window()
    for title in window.views:
        window.views[title]
    sequences = [shortcut.key() for shortcut in window.findChildren(QShortcut)]
    sequences += [seq for action in window.findChildren(QAction) for seq in action.shortcuts()]
    QApplication.instance().removeEventFilter(scanner)
    window.close()
    keys = set()
    for sequence in sequences:
        for i in range(sequence.count()):
            combination = sequence[i]
            keys.add((combination.key(), combination.keyboardModifiers()))
    assert len(keys) >= 10  # F5…F10, Ctrl+N, Ctrl+Z, F1, F2, Shift+F2, F4, Escape…
    return keys


def others_open(window) -> list:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]


def test_no_shortcut_of_the_app_nor_any_usual_way_out_leaves_the_kiosk(
    kiosk, open_demo_window, qtbot, monkeypatch
):
    window, settings = kiosk
    keys = every_shortcut_in_the_app(open_demo_window)
    keys |= {(key, modifiers) for key in KEYS for modifiers in MODIFIERS}
    asked = []

    def cancelled(dialog):
        asked.append(dialog)
        return 0

    monkeypatch.setattr(PinDialog, "exec", cancelled)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    for page in ("welcome", "search"):
        for key, modifiers in sorted(keys, key=lambda k: (int(k[0]), int(k[1].value))):
            if page == "search":
                window.show_search()
            target = QApplication.focusWidget() or window
            qtbot.keyClick(target, key, modifiers)
            shown = QKeySequence(key | modifiers).toString()
            assert window.isVisible() and window.isFullScreen(), shown
            assert others_open(window) == [], shown
            assert window.pages.currentWidget() in (window.welcome, window.search_page, window.result_page)
    # The one way out asks for the PIN (cancelled here), on both pages; nothing else ever did.
    assert len(asked) == 2
    assert settings.get("pin_failures") == 0


def test_closing_is_refused_and_staff_leave_only_with_the_right_pin(kiosk, qtbot, monkeypatch):
    window, settings = kiosk
    assert not window.close()
    QApplication.closeAllWindows()
    assert window.isVisible()
    pin_dialog_enters(monkeypatch, "135790")
    qtbot.mouseClick(window.staff_button, Qt.MouseButton.LeftButton)
    assert window.isVisible() and settings.get("pin_failures") == 1
    # The PIN removed at a desk window meanwhile: Staff leads nowhere rather than out.
    clear_pin(settings)
    pin_dialog_enters(monkeypatch, "")
    assert not window.leave()
    assert window.isVisible()
    set_pin(settings, PIN)
    pin_dialog_enters(monkeypatch, PIN)
    qtbot.mouseClick(window.staff_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_a_kiosk_made_smaller_goes_back_to_full_screen(kiosk, qtbot):
    window, _settings = kiosk
    window.showNormal()
    qtbot.waitUntil(window.isFullScreen)
    window.showMinimized()
    qtbot.waitUntil(window.isFullScreen)


def test_nothing_on_the_kiosk_tells_delegates_how_to_leave(kiosk):
    window, _settings = kiosk
    words = [label.text() for label in window.findChildren(QLabel)]
    words += [button.text() for button in window.findChildren(QAbstractButton)]
    words += [w.toolTip() for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton)]
    said = " ".join(words).lower()
    for hint in ("leave", "exit", "quit", "close", "anyone", "ctrl+shift", "pin"):
        assert hint not in said, hint


def test_a_kiosk_is_not_built_without_a_pin(tmp_path, demo_programme):
    database, code = demo_programme
    settings = Settings(tmp_path / "settings.json")
    with pytest.raises(UsageError, match="organiser PIN"):
        build_kiosk(database, settings, "kiosk-1", code)


def test_starting_a_kiosk_asks_for_a_pin_and_says_why_when_none_is_given(qtbot, tmp_path, monkeypatch):
    """`checkin app --kiosk` on a fresh desk: the PIN is asked first; cancelled, kiosk mode does not start
    and says why (exit status 2)."""
    from ui.shell.app import run_app

    settings_file = tmp_path / "settings.json"
    Settings(settings_file).set("wizard_done", True)
    monkeypatch.setenv("CHECKIN_SETTINGS", str(settings_file))
    monkeypatch.setenv("CHECKIN_LOG", str(tmp_path / "checkin.log"))
    told = []
    answer_when_shown(qtbot, KioskPinDialog, lambda dialog: dialog.reject())

    def read_and_close(box):
        told.append(box.text())
        box.accept()

    answer_when_shown(qtbot, QMessageBox, read_and_close)
    try:
        assert run_app(str(tmp_path / "desk.sqlite3"), "kiosk-1", kiosk=True) == 2
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "").startswith(str(tmp_path))]:
            root.removeHandler(handler)
            handler.close()
    assert told and "needs an organiser PIN" in told[0]
    assert not has_pin(Settings(settings_file))
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


def test_the_kiosk_pin_is_set_twice_alike_or_not_at_all(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.json")

    def type_pins(dialog):
        qtbot.keyClicks(dialog.pin, "135790")
        qtbot.keyClicks(dialog.pin_again, "135791")
        qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
        assert dialog.isVisible() and "different" in dialog.problem.text()
        assert not has_pin(settings)
        dialog.pin.clear()
        qtbot.keyClicks(dialog.pin, "123")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.isVisible() and "at least 6" in dialog.problem.text()
        dialog.pin.clear()
        qtbot.keyClicks(dialog.pin, "135790")
        qtbot.keyClicks(dialog.pin_again, "135790")
        qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)

    seen = answer_when_shown(qtbot, KioskPinDialog, type_pins)
    answer_when_shown(qtbot, QMessageBox, lambda box: box.accept())  # only if the test failed
    assert ensure_kiosk_pin(settings), seen
    assert has_pin(settings)
