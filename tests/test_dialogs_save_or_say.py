"""Every dialog that saves either saves or says why not: Enter in each field, typed as a person types (fast
too) through the desk's scanner filter, never closes a form without saving.

The vanished walk-in: the walk-in form set its "Register and check in" button as the default before the
button was inside the dialog, so Qt made the first button, Cancel, the one Enter presses. Every field
filled, Enter, and the form closed with nothing saved and nothing said."""

import pytest
from tests_support import answer_when_shown, key_at, roster

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from checkin.desk.pin import set_pin
from checkin.domain.decide import OutcomeCode
from checkin.store.models import Delegate
from ui.base.pin import PinDialog
from ui.delegates.dialogs import DelegateEditDialog
from ui.desk.walk_in import WALK_IN_FIELDS, WalkInDialog

ZOFIA = {
    "first_name": "Zofia",
    "last_name": "Nowak-Kowalska",
    "badge_name": "Zosia",
    "organisation": "Lancashire and South Cumbria Integrated Care Board — Population Health",
    "job_title": "Community link worker",
    "email": "",
    "phone": "+44 7700 900123",
    "access_needs": "Step-free access",
    "dietary_needs": "Vegetarian",
}


class Typist:
    """A person at the keyboard: keys `gap_ms` apart, with the window system's time stamps."""

    def __init__(self, gap_ms: int) -> None:
        self.gap = gap_ms
        self.now = 5_000_000

    def types(self, text: str) -> None:
        for ch in text:
            self.now += self.gap
            key_at(self.now, ch)

    def presses(self, key) -> None:
        self.now += self.gap
        key_at(self.now, key=key)


def fill(qtbot, typist: Typist, dialog: WalkInDialog, values: dict[str, str]) -> None:
    """Field by field, Tab to the next, as a person fills the form."""
    dialog.activateWindow()
    dialog.fields[WALK_IN_FIELDS[0]].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.fields[WALK_IN_FIELDS[0]])
    for name in WALK_IN_FIELDS:
        assert QApplication.focusWidget() is dialog.fields[name]
        typist.types(values[name])
        typist.presses(Qt.Key.Key_Tab)


def walk_in(qtbot, window, act) -> list:
    seen = answer_when_shown(qtbot, WalkInDialog, act)
    qtbot.keyClick(window.desk_view.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    return seen


@pytest.mark.parametrize("enter_in", WALK_IN_FIELDS)
@pytest.mark.parametrize("gap_ms", [45])
def test_enter_in_any_field_registers_the_walk_in_as_typed(scan_desk, qtbot, enter_in, gap_ms):
    window, _scanner, database, code = scan_desk
    person = {**ZOFIA, "first_name": f"Zofia {enter_in.replace('_', ' ')}"}
    typist = Typist(gap_ms)

    def person_fills_then_enter(dialog):
        fill(qtbot, typist, dialog, person)
        dialog.fields[enter_in].setFocus()
        typist.presses(Qt.Key.Key_Return)

    seen = walk_in(qtbot, window, person_fills_then_enter)
    assert len(seen) == 1, seen
    assert not seen[0].isVisible()
    assert window.desk_view.panel.code is OutcomeCode.ADMITTED
    saved = [e for e in roster(database, code) if e.first_name == person["first_name"]]
    assert len(saved) == 1 and saved[0].status == "walk_in" and saved[0].checked_in_at is not None
    with database.session() as db:
        delegate = db.get(Delegate, saved[0].delegate_id)
        assert {name: getattr(delegate, name) for name in WALK_IN_FIELDS} == person


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"email": "zofia(at)example.org"}, "not an email address"),
        ({"first_name": "", "last_name": ""}, "Give the walk-in's name"),
    ],
)
def test_enter_in_any_field_of_a_form_that_cannot_be_saved_keeps_it_open_and_says_why(
    scan_desk, qtbot, change, said
):
    window, _scanner, database, code = scan_desk
    before = len(roster(database, code))
    typist = Typist(90)

    def enter_everywhere(dialog):
        fill(qtbot, typist, dialog, {**ZOFIA, **change})
        for name in WALK_IN_FIELDS:
            dialog.fields[name].setFocus()
            typist.presses(Qt.Key.Key_Return)
            assert dialog.isVisible(), name
            assert dialog.error.isVisible() and said in dialog.error.text(), name
        dialog.done(QDialog.DialogCode.Rejected)

    seen = walk_in(qtbot, window, enter_everywhere)
    assert len(seen) == 1, seen
    assert len(roster(database, code)) == before


def test_an_email_known_under_another_name_is_said_not_swapped_for_the_typed_name(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    someone = next(e for e in roster(database, code) if e.email)
    typist = Typist(90)

    def same_email(dialog):
        fill(qtbot, typist, dialog, {**ZOFIA, "email": someone.email})
        typist.presses(Qt.Key.Key_Return)
        assert dialog.isVisible()
        assert f"already the email of {someone.first_name}" in dialog.error.text()
        dialog.done(QDialog.DialogCode.Rejected)

    seen = walk_in(qtbot, window, same_email)
    assert len(seen) == 1, seen
    assert not [e for e in roster(database, code) if e.last_name == "Nowak-Kowalska"]


def test_escape_on_a_filled_walk_in_form_asks_before_throwing_it_away(scan_desk, qtbot):
    window, _scanner, _database, _code = scan_desk
    typist = Typist(90)
    asked = []

    def keep_it(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    def escape_twice(dialog):
        fill(qtbot, typist, dialog, ZOFIA)
        answer_when_shown(qtbot, QMessageBox, keep_it)
        typist.presses(Qt.Key.Key_Escape)
        assert dialog.isVisible() and asked and "will be lost" in asked[0]
        dialog.done(QDialog.DialogCode.Rejected)

    seen = walk_in(qtbot, window, escape_twice)
    assert len(seen) == 1, seen


def test_an_empty_walk_in_form_closes_on_escape_without_asking(scan_desk, qtbot):
    window, _scanner, _database, _code = scan_desk

    def escape(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.first_name)
        key_at(9_000_000, key=Qt.Key.Key_Escape)
        if dialog.isVisible():
            dialog.done(QDialog.DialogCode.Rejected)
            raise AssertionError("Escape left an empty walk-in form open")

    seen = walk_in(qtbot, window, escape)
    assert len(seen) == 1 and not seen[0].isVisible()


def test_the_walk_in_form_shows_a_long_organisation_whole(scan_desk, qtbot, tmp_path):
    window, _scanner, _database, _code = scan_desk
    dialog = WalkInDialog(window.context, window)
    qtbot.addWidget(dialog)
    for name, value in ZOFIA.items():
        dialog.fields[name].setText(value)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.organisation
    field.setCursorPosition(0)
    dialog.grab().save(str(tmp_path / "walk-in.png"))
    needed = field.fontMetrics().horizontalAdvance(ZOFIA["organisation"])
    room = field.contentsRect().width() - 8
    dialog.done(QDialog.DialogCode.Rejected)
    assert needed < room, (needed, room)
    assert [dialog.fields[n].objectName() for n in ("badge_name", "phone")] == ["badge_name", "phone"]


# -- the other dialogs that save --------------------------------------------------------------------


def test_enter_in_any_field_of_the_edit_dialog_saves_or_says_why(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = roster(database, code)[0]
    for name in WALK_IN_FIELDS:
        dialog = DelegateEditDialog(window.context, person.delegate_id, window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.fields["email"].setText("not an address")
        dialog.fields[name].setFocus()
        qtbot.keyClick(dialog.fields[name], Qt.Key.Key_Return)
        assert dialog.isVisible() and "not an email address" in dialog.error.text()
        dialog.fields["email"].setText(f"{name}@example.org")
        qtbot.keyClick(dialog.fields[name], Qt.Key.Key_Return)
        assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
        with database.session() as db:
            assert db.get(Delegate, person.delegate_id).email == f"{name}@example.org"


def test_enter_in_the_pin_dialog_checks_the_pin_and_says_when_it_is_wrong(scan_desk_with_settings, qtbot):
    window, _scanner, _database, _code, settings = scan_desk_with_settings
    set_pin(settings, "246810")
    dialog = PinDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.field, "111111")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.isVisible() and "not right" in dialog.message.text()
    qtbot.keyClicks(dialog.field, "246810")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.unlocked


def test_enter_in_the_transfer_dialog_transfers(scan_desk, qtbot):
    from ui.delegates.dialogs import TransferDialog

    window, _scanner, _database, _code = scan_desk
    window.show_view("Delegates")
    view = window.views["Delegates"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    rows = [view.model.row_at(i) for i in range(view.model.rowCount())]
    row = next(r for r in rows if r is not None and r.status == "booked")
    dialog = TransferDialog(window.context, row, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.sessions.setFocus()
    qtbot.keyClick(dialog.sessions, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.moved_to is not None
