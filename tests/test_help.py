"""Help: the guide opens with F1, offline, from the shipped resources, and names every key the window
answers to; the File menu quits with Ctrl+Q."""

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton

from checkin.resources import resource_path
from ui.shell.help import GUIDE, GuideDialog


def every_key(window) -> dict[str, str]:
    """Every key of the window and all its views (made now), as Qt writes it: {key: what answers it}."""
    for title in window.views:
        window.views[title]
    keys: dict[str, str] = {}
    for shortcut in window.findChildren(QShortcut):
        keys.setdefault(shortcut.key().toString(), type(shortcut.parent()).__name__)
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            keys.setdefault(key.toString(), action.text())
    for button in window.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            keys.setdefault(button.shortcut().toString(), button.text())
    keys.pop("", None)
    return keys


def test_f1_opens_the_guide_for_each_kind_of_user(scan_desk, qtbot):
    window, *_ = scan_desk
    assert [action.text() for action in window.menuBar().actions()] == ["&File", "&Programme", "&Help"]
    help_menu = window.menuBar().actions()[2].menu()
    assert [a.text() for a in help_menu.actions()] == ["&Using Check-in Desk", "&About Check-in Desk"]
    qtbot.keyClick(window.desk_view.input, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(GuideDialog) is not None)
    guide = window.findChild(GuideDialog)
    qtbot.waitUntil(guide.isVisible)
    text = guide.browser.toPlainText()
    assert guide.windowTitle() == "Using Check-in Desk"
    for heading in ("At the desk", "In the room", "For organisers", "Every key"):
        assert heading in text
    assert guide.browser.source().isLocalFile()  # shipped with the program, nothing fetched
    guide.browser.scrollToAnchor("keys")
    qtbot.keyClick(window, Qt.Key.Key_F1)  # again: the same guide, not a second one
    assert len(window.findChildren(GuideDialog)) == 1


def test_every_key_of_the_window_is_in_the_guide(scan_desk):
    window, *_ = scan_desk
    guide = resource_path(*GUIDE).read_text(encoding="utf-8")
    keys = every_key(window)
    assert {"F1", "Ctrl+Q", "F2", "F4", "Ctrl+N", "F5", "F10"} <= set(keys)
    missing = {
        key: owner
        for key, owner in keys.items()
        if key not in guide and not (re.fullmatch(r"Ctrl\+[1-9]", key) and "Ctrl+1 … Ctrl+9" in guide)
    }
    assert missing == {}, f"keys the guide does not mention: {missing}"


def test_ctrl_q_quits_from_the_file_menu(scan_desk, qtbot):
    window, *_ = scan_desk
    file_menu = window.menuBar().actions()[0].menu()
    [quit_action] = file_menu.actions()
    assert quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert quit_action.menuRole() is QAction.MenuRole.QuitRole
    qtbot.keyClick(window.desk_view.input, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
