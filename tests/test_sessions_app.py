"""Sessions and the programme in the app, driven by keyboard and mouse: the Sessions dialog, the session
form's refusals, duplicating for the next venue, archiving, DEMO wherever the demo shows, removing it
with the PIN, and a list imported into a demo session only after asking."""

from datetime import UTC, datetime

from modal_steps import when_modal
from sqlalchemy import select
from tests_support import pin_dialog_enters

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from checkin.desk.pin import set_pin
from checkin.desk.roster import session_summaries
from checkin.desk.sessions import all_sessions, session_details
from checkin.store.models import Delegate
from ui.base.pin import PinDialog
from ui.sessions.dialogs import DuplicateDialog, SessionEditor, SessionsDialog


def type_in(qtbot, edit, digits: str) -> None:
    """Type into a date or time field as a person does: to its start, over the first part, the digits."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, digits)


def fill_session(qtbot, editor: SessionEditor, code: str, venue: str, day: str = "10042027") -> None:
    qtbot.keyClicks(editor.code_field, code)
    qtbot.keyClicks(editor.title_field, "Spotting modern slavery")
    qtbot.keyClicks(editor.venue_field, venue)
    type_in(qtbot, editor.day_field, day)
    type_in(qtbot, editor.starts_field, "0930")
    type_in(qtbot, editor.ends_field, "1600")
    editor.capacity_field.setFocus()
    editor.capacity_field.selectAll()
    qtbot.keyClicks(editor.capacity_field, "40")


def organiser_window(open_demo_window):
    """The demo window without its scanner filter: these tests type as fast as pytest-qt can, which the
    filter would take for a scanner's burst (typing at a person's pace is the scanner tests' business)."""
    window, scanner, database, code, settings = open_demo_window()
    QApplication.instance().removeEventFilter(scanner)
    return window, database, code, settings


def picker_texts(window) -> list[str]:
    picker = window.session_picker
    return [picker.itemText(i) for i in range(picker.count())]


def test_a_session_made_in_the_dialog_opens_at_the_desk_and_bad_input_changes_nothing(
    open_demo_window, qtbot
):
    window, database, code, _settings = organiser_window(open_demo_window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.desk_view.input,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.sessions_dialog
    assert isinstance(dialog, SessionsDialog) and dialog.table.rowCount() == 6
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = dialog.findChild(SessionEditor)
    assert editor is not None
    qtbot.waitUntil(editor.isActiveWindow)
    assert editor.code_field.hasFocus()
    fill_session(qtbot, editor, "LAN-0410", "Lancaster Town Hall")
    type_in(qtbot, editor.ends_field, "0800")  # ends before it starts
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible() and "must end after it starts" in editor.message.text()
    editor.code_field.selectAll()
    qtbot.keyClicks(editor.code_field, code.lower())  # a code the demo has
    type_in(qtbot, editor.ends_field, "1600")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "already has the code" in editor.message.text()
    with database.session() as db:
        assert len(all_sessions(db)) == 6  # nothing was saved by either try
    editor.code_field.selectAll()
    qtbot.keyClicks(editor.code_field, "LAN-0410")
    editor.parts_field.setFocus()
    editor.parts_field.selectAll()
    qtbot.keyClicks(editor.parts_field, "Morning")
    qtbot.keyClick(editor.parts_field, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.parts_field, "Afternoon")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    with database.session() as db:
        saved = session_details(db, "LAN-0410")
    assert (saved.venue, saved.capacity, saved.segments) == (
        "Lancaster Town Hall",
        40,
        ("Morning", "Afternoon"),
    )
    local = saved.starts_at.astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2027, 4, 10, 9, 30)
    assert dialog.chosen_code() == "LAN-0410"
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert window.context.session_code == "LAN-0410"
    assert window.session_picker.currentText().startswith("LAN-0410 — Spotting modern slavery · Lancaster")
    assert "DEMO" not in window.windowTitle() and not window.demo_banner.isVisible()


def test_duplicate_for_the_next_venue_then_archive_and_bring_back(open_demo_window, qtbot):
    window, database, code, _settings = organiser_window(open_demo_window)
    dialog = window.open_sessions()
    dialog.choose(code)
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    duplicate = dialog.findChild(DuplicateDialog)
    qtbot.keyClicks(duplicate.code_field, code)  # the code of the session it copies
    qtbot.keyClicks(duplicate.venue_field, "Burnley Mechanics")
    type_in(qtbot, duplicate.day_field, "01052027")
    qtbot.keyClick(duplicate.venue_field, Qt.Key.Key_Return)
    assert duplicate.isVisible() and "already has the code" in duplicate.message.text()
    assert duplicate.message.isVisible() and duplicate.venue_field.text() == "Burnley Mechanics"
    duplicate.code_field.selectAll()
    qtbot.keyClicks(duplicate.code_field, "BUR-0501")
    qtbot.keyClick(duplicate.venue_field, Qt.Key.Key_Return)
    assert not duplicate.isVisible()
    with database.session() as db:
        source, copy = session_details(db, code), session_details(db, "BUR-0501")
    assert (copy.title, copy.segments, copy.capacity, copy.trainers) == (
        source.title,
        source.segments,
        source.capacity,
        source.trainers,
    )
    assert copy.booked == 0 and copy.venue == "Burnley Mechanics" and not copy.demo
    assert copy.starts_at.astimezone().date() == datetime(2027, 5, 1, tzinfo=UTC).date()
    assert any(text.startswith("BUR-0501") for text in picker_texts(window))

    dialog.choose("BUR-0501")
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(
        dialog.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert not any(text.startswith("BUR-0501") for text in picker_texts(window))
    assert "BUR-0501" not in [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    dialog.show_archived.setChecked(True)
    dialog.choose("BUR-0501")
    assert dialog.table.item(dialog.table.currentRow(), 5).text() == "Archived"
    assert dialog.archive_button.text().startswith("Bring back") and not dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    assert any(text.startswith("BUR-0501") for text in picker_texts(window))


def test_the_demo_says_demo_and_is_removed_with_the_pin(open_demo_window, qtbot, monkeypatch):
    window, database, code, settings = organiser_window(open_demo_window)
    assert all(text.startswith("DEMO · ") for text in picker_texts(window))
    assert window.windowTitle().endswith("— DEMO") and window.demo_banner.isVisible()
    for title in window.views:  # every view made, so each sees the sessions go
        window.show_view(title)
    window.show_view("Dashboard")
    assert window.demo_banner.isVisible()  # over every view, the dashboard too
    set_pin(settings, "246810")

    wrong = when_modal(PinDialog, lambda pin: pin.reject())
    assert window.remove_demo() is False and wrong
    with database.session() as db:
        assert len(session_summaries(db)) == 6

    # The right PIN, then Yes: answered in place (two dialogs polled for at once proved flaky under load).
    pin_dialog_enters(monkeypatch, "246810")
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes,
    )
    assert window.remove_demo() is True and asked and "Your own sessions and delegates stay" in asked[0]
    with database.session() as db:
        assert session_summaries(db, include_archived=True) == []
        assert db.scalars(select(Delegate.id)).first() is None
    assert window.session_picker.count() == 0 and not window.demo_banner.isVisible()
    assert "DEMO" not in window.windowTitle()
    for title in window.views:  # no view fails on a desk without sessions
        window.show_view(title)
        qtbot.wait(50)


def test_importing_into_a_demo_session_asks_and_offers_a_new_session(open_demo_window, qtbot):
    from ui.delegates.import_dialog import ImportDialog

    window, database, code, _settings = organiser_window(open_demo_window)
    window.show_view("Delegates")
    view = window.views["Delegates"]

    cancelled = when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    view.open_import()
    assert cancelled and "demonstration session" in cancelled[0].text()

    def create_instead(box):
        (new,) = [b for b in box.buttons() if b.text() == "Create a new session…"]
        new.click()

    def new_session(editor):
        fill_session(qtbot, editor, "PRE-0601", "Preston Guild Hall")
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    imports: list[str] = []

    def import_dialog(dialog):
        imports.append(dialog.session_code)
        dialog.reject()

    asked = when_modal(QMessageBox, create_instead)
    when_modal(SessionEditor, new_session)
    when_modal(ImportDialog, import_dialog)
    view.open_import()
    assert asked and imports == ["PRE-0601"]
    assert window.context.session_code == "PRE-0601"
    assert window.session_picker.currentData() == "PRE-0601" and not window.demo_banner.isVisible()
    with database.session() as db:
        assert not session_details(db, "PRE-0601").demo
