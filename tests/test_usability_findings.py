"""What the usability walkthrough found (issue 17), each checked as the person at the desk would notice it:
an outcome that no longer belongs under new results, a roll-call banner from the part of the day before."""

from tests_support import booked_people, scanner_types

from PySide6.QtCore import Qt

from checkin.desk.bookings import session_by_code
from checkin.domain.decide import OutcomeCode
from ui.rollcall.view import RollCallView


def person_types(qtbot, widget, text):
    """A person typing: far slower than a scanner."""
    for ch in text:
        qtbot.keyClick(widget, ch)
        qtbot.wait(70)


def test_a_refused_badge_gives_way_to_the_next_search(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    scanner_types(qtbot, view.input, "HELLO WORLD 12345")
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.INVALID_CODE)
    assert view.panel.headline.text() == "Not a valid badge" and view.action_button.isVisible()
    person = booked_people(database, code)[0]
    person_types(qtbot, view.input, person.last_name[:4])
    qtbot.waitUntil(lambda: view.results.isVisible() and view.results.count() > 0)
    assert view.panel.code is None and view.panel.headline.text() == "Ready to scan"
    assert not view.action_button.isVisible()
    qtbot.keyClick(view.input, Qt.Key.Key_F2)  # the old outcome's action is gone with it
    assert view.panel.headline.text() == "Ready to scan"


def test_the_roll_call_banner_follows_the_part_of_the_day_chosen(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[0]
    view = window.views["Roll-call"]
    assert isinstance(view, RollCallView)
    window.show_view("Roll-call")
    with database.session() as db:
        parts = [(s.id, s.name) for s in session_by_code(db, code).segments]
    view.choose_segment(parts[0][0])
    with qtbot.waitSignal(view.marked):
        scanner_types(qtbot, view.tree, person.badge_code)
    assert view.banner.headline.text().startswith("Marked present")
    qtbot.keyClick(view.tree, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.segment_id == parts[1][0])
    assert view.banner.headline.text() == f"{parts[1][1]}: scan a badge to mark the person present"
    assert not view.banner.headline.text().startswith("Marked present")
