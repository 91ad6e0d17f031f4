"""Every task of the desk done with the keyboard alone: keys go where the focus is, as on a real keyboard;
the tests only read what came of them (the one exception: the operating system's print dialog, whose
Print button is stood in for, since there is no printer here)."""

from collections.abc import Callable

import pytest
from tests_support import booked_people, roster

from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QWidget

from checkin.desk.pin import set_pin
from checkin.domain.decide import OutcomeCode

PIN = "246810"
CTRL = Qt.KeyboardModifier.ControlModifier
HUMAN_MS = 90  # between two keys typed by hand; a scanner's come a few milliseconds apart


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(qtbot, which, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """One key, to whatever has the focus, held as long as a finger holds it (the scanner filter holds
    back a printable key such as Space for a moment, to tell a person from a scanner)."""
    widget = focus()
    qtbot.keyPress(widget, which, modifier)
    qtbot.wait(HUMAN_MS)
    qtbot.keyRelease(QApplication.focusWidget() or widget, which, modifier)


def type_in(qtbot, text: str) -> None:
    """Typed by a person: slower than a scanner, whose bursts the desk catches wherever the focus is."""
    for character in text:
        qtbot.keyClick(focus(), character, delay=HUMAN_MS)


def scan(qtbot, code: str) -> None:
    """A USB scanner: a burst of keys, then Enter."""
    for character in code:
        qtbot.keyClick(focus(), character)
    qtbot.keyClick(focus(), Qt.Key.Key_Return)


def tab_to(qtbot, found: Callable[[QWidget], bool], what: str, *, back: bool = False) -> QWidget:
    """Tab (or Shift+Tab) until the focus reaches the widget: it must be reachable, its focus visible."""
    for _ in range(80):
        widget = focus()
        if found(widget):
            return widget
        key(qtbot, Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reaches {what}")


def button(text: str) -> Callable[[QWidget], bool]:
    return lambda widget: isinstance(widget, QAbstractButton) and widget.text().startswith(text)


def in_the_dialog(keys: Callable[[QWidget], None], kind: type[QWidget] = QDialog) -> list[QWidget]:
    """Once a modal dialog opens (its exec() blocks the test) and has the focus, press keys in it. Returns
    the dialogs seen; a failure in it closes the dialog and is raised again by `check`."""
    seen: list[QWidget] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        focused = QApplication.focusWidget()
        if (
            not isinstance(dialog, kind)
            or focused is None
            or not dialog.isAncestorOf(focused)
            or any(dialog is earlier for earlier in seen)
        ):
            if dialog is not None:
                dialog.activateWindow()
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        try:
            keys(dialog)
        except BaseException as error:  # noqa: BLE001 - handed back to the test, which is waiting
            seen.append(error)  # type: ignore[arg-type]
            dialog.reject()

    QTimer.singleShot(0, look)
    return seen


def back_from_a_dialog(qtbot, window: QWidget) -> None:
    """A window manager hands the window the keyboard again when its dialog closes; offscreen has none."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def check(dialogs: list) -> None:
    assert dialogs, "no dialog opened"
    for seen in dialogs:
        if isinstance(seen, BaseException):
            raise seen


@pytest.fixture
def desk(scan_desk_with_settings, qtbot):
    window, _scanner, database, code, settings = scan_desk_with_settings
    # The scan field is ready from the start.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.desk_view.input)
    return window, database, code, settings


def test_scan_then_undo(desk, qtbot):
    window, database, code, _settings = desk
    person = booked_people(database, code)[0]
    scan(qtbot, person.badge_code)
    qtbot.waitUntil(lambda: window.desk_view.panel.code is OutcomeCode.ADMITTED)
    assert focus() is window.desk_view.input  # ready for the next badge
    key(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.desk_view.panel.headline.text() == "Check-in undone")
    assert (
        next(e for e in roster(database, code) if e.registration_id == person.registration_id).checked_in_at
        is None
    )


def test_search_by_a_few_letters_then_admit_the_second_hit(desk, qtbot):
    window, database, code, _settings = desk
    view = window.desk_view
    person = booked_people(database, code)[0]
    type_in(qtbot, person.last_name[:4])
    qtbot.waitUntil(lambda: view.results.isVisible() and view.results.count() > 0)
    rows = view.results.count()
    if rows > 1:
        key(qtbot, Qt.Key.Key_Down)
        key(qtbot, Qt.Key.Key_Up)
    chosen = view.results.currentItem().data(Qt.ItemDataRole.UserRole)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    admitted = next(e for e in roster(database, code) if e.registration_id == chosen.registration_id)
    assert admitted.checked_in_at is not None and focus() is view.input


def test_a_walk_in_registered_and_their_badge_printed(desk, qtbot, monkeypatch, tmp_path):
    from ui.printing.view import PrintView

    window, database, code, _settings = desk
    printed = tmp_path / "walk-in.pdf"

    def print_button_pressed(self, printer: QPrinter, pages: int) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(PrintView, "choose_printer", print_button_pressed)

    def fill_in(dialog: QWidget) -> None:
        assert focus() is dialog.first_name
        type_in(qtbot, "Ngozi")
        key(qtbot, Qt.Key.Key_Tab)
        type_in(qtbot, "Okafor")
        key(qtbot, Qt.Key.Key_Tab)
        type_in(qtbot, "Preston Foodbank")
        # The demo session is full: the desk asks before admitting one more; Y answers Yes.
        in_the_dialog(lambda _question: key(qtbot, Qt.Key.Key_Y), QMessageBox)
        key(qtbot, Qt.Key.Key_Return)  # the default button: Register and check in

    dialogs = in_the_dialog(fill_in)
    with qtbot.waitSignal(window.desk_view.walk_in_admitted, timeout=10_000):
        key(qtbot, Qt.Key.Key_N, CTRL)
    check(dialogs)
    assert window.desk_view.panel.code is OutcomeCode.ADMITTED
    back_from_a_dialog(qtbot, window)
    assert focus() is window.desk_view.input  # ready for the next scan
    assert any(e.last_name == "Okafor" and e.checked_in_at for e in roster(database, code))
    with qtbot.waitSignal(window.views["Print"].printed, timeout=30_000):
        key(qtbot, Qt.Key.Key_P, CTRL)
    assert printed.stat().st_size > 1000


def test_roll_call_by_filter_and_space(desk, qtbot):
    window, database, code, _settings = desk
    key(qtbot, Qt.Key.Key_F7)
    view = window.views["Roll-call"]
    qtbot.waitUntil(lambda: view.tree.topLevelItemCount() > 0, timeout=10_000)
    person = booked_people(database, code)[0]
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert focus() is view.filter
    type_in(qtbot, person.last_name)
    key(qtbot, Qt.Key.Key_Down)  # into the list
    assert focus() is view.tree
    while view.tree.currentItem() is None or view.tree.currentItem().childCount():
        key(qtbot, Qt.Key.Key_Down)  # past the group heading to the first person
    assert person.last_name in view.tree.currentItem().text(0)
    key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.banner.headline.text().startswith("Marked present"))


def test_print_the_guide_and_the_register(desk, qtbot, monkeypatch, tmp_path):
    from ui.printing.view import PrintView

    window, _database, _code, _settings = desk
    outputs = []

    def print_button_pressed(self, printer: QPrinter, pages: int) -> bool:
        outputs.append(tmp_path / f"printed-{len(outputs)}.pdf")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(outputs[-1]))
        return True

    monkeypatch.setattr(PrintView, "choose_printer", print_button_pressed)
    key(qtbot, Qt.Key.Key_F8)
    view = window.views["Print"]
    titles = [button.text() for button in view.kind_buttons.values()]  # two to a row, as on screen
    for kind in ("Name badges", "Pocket guide", "Attendance register"):
        # Tab reaches the grid of choices at its chosen one; the arrow keys move in it, Space chooses.
        tab_to(qtbot, lambda widget: widget.objectName() == "kindButton", "the choice of what to print")
        for arrow in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Up):  # to the first, top left
            key(qtbot, arrow)
        row, column = divmod(titles.index(kind), 2)
        for arrow in [Qt.Key.Key_Down] * row + [Qt.Key.Key_Right] * column:
            key(qtbot, arrow)
        key(qtbot, Qt.Key.Key_Space)
        assert button(kind)(focus()) and focus().isChecked()
        with qtbot.waitSignal(view.document_ready, timeout=60_000):
            key(qtbot, Qt.Key.Key_Return, CTRL)
        with qtbot.waitSignal(view.printed, timeout=60_000):
            key(qtbot, Qt.Key.Key_P, CTRL)
    assert len(outputs) == 3 and all(path.stat().st_size > 1000 for path in outputs)


def test_settings_changed_and_saved_behind_the_pin(desk, qtbot):
    window, _database, _code, settings = desk
    set_pin(settings, PIN)
    key(qtbot, Qt.Key.Key_F10)
    view = window.views["Settings"]
    sounds_before = settings.get("sounds")
    tab_to(qtbot, button("Play a sound"), "the sounds choice")
    key(qtbot, Qt.Key.Key_Space)
    tab_to(qtbot, button("Save settings"), "Save settings")
    pin_dialogs = in_the_dialog(lambda _dialog: (type_in(qtbot, PIN), key(qtbot, Qt.Key.Key_Return)))
    key(qtbot, Qt.Key.Key_Space)
    back_from_a_dialog(qtbot, window)
    qtbot.waitUntil(lambda: view.saved_message.text().startswith("✔ Saved"))
    check(pin_dialogs)
    assert settings.get("sounds") is not sounds_before


def test_the_kiosk_find_yourself_by_surname(qtbot, tmp_path, demo_programme):
    from checkin.settings import Settings
    from ui.kiosk.window import build_kiosk

    database, code = demo_programme
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, "482916")  # a kiosk starts only with a PIN, its only way out
    kiosk, scanner = build_kiosk(database, settings, "kiosk-1", code)
    qtbot.addWidget(kiosk)
    kiosk.show()
    qtbot.waitExposed(kiosk)
    kiosk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    try:
        person = next(p for p in booked_people(database, code) if p.email)
        tab_to(qtbot, button("Forgot your badge"), "the Forgot your badge button")
        key(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: focus() is kiosk.surname)
        type_in(qtbot, person.last_name)
        qtbot.waitUntil(lambda: kiosk.people.count() > 0)
        while (
            kiosk.people.currentItem().data(Qt.ItemDataRole.UserRole).registration_id
            != person.registration_id
        ):
            key(qtbot, Qt.Key.Key_Down)
        key(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: focus() is kiosk.letters)
        type_in(qtbot, person.email[:3])
        key(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: kiosk.panel.code is OutcomeCode.ADMITTED)
    finally:
        QApplication.instance().removeEventFilter(scanner)
        kiosk.may_close = True


VIEW_KEYS = {
    "Desk": Qt.Key.Key_F5,
    "Delegates": Qt.Key.Key_F6,
    "Roll-call": Qt.Key.Key_F7,
    "Print": Qt.Key.Key_F8,
    "Dashboard": Qt.Key.Key_F9,
    "Settings": Qt.Key.Key_F10,
    "Duplicates": Qt.Key.Key_F11,
}


@pytest.mark.parametrize("title", list(VIEW_KEYS))
def test_tab_reaches_every_control_of_every_view(desk, qtbot, title):
    from ui.base.accessibility import controls

    window, *_ = desk
    key(qtbot, VIEW_KEYS[title])
    view = window.views[title]
    qtbot.waitUntil(view.isVisible)
    wanted = {
        c.widget
        for c in controls(view)
        if c.widget.isEnabled() and c.widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    }
    reached = set()
    for _ in range(3 * len(wanted) + 20):
        reached.add(focus())
        key(qtbot, Qt.Key.Key_Tab)
    # A row of buttons of which one is chosen is one stop for Tab, at the chosen one; the arrows move in it.
    reached |= {member for widget in reached for member in choices_with(widget)}
    missed = [
        f"{type(w).__name__} {w.accessibleName() or getattr(w, 'text', str)()}" for w in wanted - reached
    ]
    assert missed == []


def choices_with(widget: QWidget) -> list[QWidget]:
    """The buttons of an exclusive choice the widget belongs to."""
    if not isinstance(widget, QAbstractButton):
        return []
    group = widget.group()
    if group is not None and group.exclusive():
        return list(group.buttons())
    if widget.autoExclusive() and widget.parentWidget() is not None:
        return [b for b in widget.parentWidget().findChildren(QAbstractButton) if b.autoExclusive()]
    return []
