"""What the usability walkthrough found (issue 17), each checked as the person at the desk would notice it:
an outcome that no longer belongs under new results, a roll-call banner from the part of the day before,
Settings and the Dashboard at a small laptop's size."""

from datetime import timedelta

from tests_support import booked_people, scanner_types

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLabel, QScrollArea

from checkin.desk.bookings import session_by_code
from checkin.desk.pin import check_pin, has_pin
from checkin.desk.scanning import record_scan
from checkin.domain.clock import utc_now
from checkin.domain.decide import OutcomeCode
from ui.base.palette import palette_for
from ui.dashboard.view import DashboardView
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


# -- Settings at a small laptop's size -----------------------------------------------------------------


def test_settings_fit_1280_by_720_and_enter_sets_the_pin_in_a_calm_colour(open_demo_window, qtbot):
    window, _scanner, _database, _code, settings = open_demo_window((1280, 720))
    window.show_view("Settings")
    view = window.views["Settings"]
    scroll = view.findChild(QScrollArea)
    qtbot.waitUntil(lambda: scroll.viewport().width() > 0)
    qtbot.wait(100)  # the layout settles
    assert scroll.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to
    assert scroll.widget().width() <= scroll.viewport().width()
    assert view.save_button.visibleRegion().boundingRect().size() == view.save_button.size()  # in sight
    assert "at once" not in view.findChild(QLabel, "hint").text()

    window.activateWindow()
    view.new_pin.setFocus()
    person_types(qtbot, view.new_pin, "135790")  # a person: the scanner filter lets it through
    qtbot.keyClick(view.new_pin, Qt.Key.Key_Return)
    assert view.new_pin_again.hasFocus() and not has_pin(settings)  # Enter goes on to the empty field
    person_types(qtbot, view.new_pin_again, "135790")
    qtbot.keyClick(view.new_pin_again, Qt.Key.Key_Return)
    assert check_pin(settings, "135790", utc_now()).ok
    assert view.pin_message.text().startswith("✔ The new PIN is set")
    colours = palette_for(False)
    assert colours.admitted in view.pin_message.styleSheet()
    assert colours.refused_deep not in view.pin_message.styleSheet()


# -- Dashboard ------------------------------------------------------------------------------------------


def arrivals_over_two_hours(database, code):
    """Forty booked people arriving three minutes apart, from 90 minutes before the start."""
    with database.session() as db:
        session = session_by_code(db, code)
        first = session.starts_at - timedelta(minutes=90)
        for index, person in enumerate(booked_people(database, code)[:40]):
            moment = first + timedelta(minutes=3 * index)
            record_scan(db, person.badge_code, session, desk="door-1", clock=lambda m=moment: m)


def test_dashboard_time_labels_never_touch_and_no_heading_is_clipped(open_demo_window, qtbot):
    window, _scanner, database, code, _settings = open_demo_window((1000, 640))
    arrivals_over_two_hours(database, code)
    view = window.views["Dashboard"]
    assert isinstance(view, DashboardView)
    window.show_view("Dashboard")
    view.refresh()
    for size in ((1000, 640), (1280, 720), (1920, 1080)):
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: window.size().width() == s[0])
        qtbot.wait(50)
        categories = view.x_axis.categories()
        shown = [i for i, label in enumerate(categories) if label.strip("\u200b")]
        assert len(shown) >= 3, "the axis must still say when"
        every = shown[1] - shown[0]
        gap = view.chart.plotArea().width() / len(categories) * every
        assert gap >= QFontMetricsF(view.x_axis.labelsFont()).horizontalAdvance("09:00"), size

        header = view.no_show_table.horizontalHeader()
        needed = header.fontMetrics().horizontalAdvance("Organisation")
        assert header.sectionSize(1) > needed, size
