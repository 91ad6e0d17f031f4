"""Roll-call and dashboard driven like a trainer and an organiser would: ticks, keys, scanner bursts, figures."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests_support import booked_people, scanner_types

from PySide6.QtCore import Qt

from checkin.desk.attendance import segment_attendance
from checkin.desk.bookings import session_by_code
from checkin.desk.roster import session_roster, session_summaries
from checkin.desk.scanning import record_scan
from checkin.domain.marks import MarkCode
from checkin.domain.vocabulary import EventKind
from checkin.store.models import CheckinEvent
from ui.dashboard.view import DashboardView
from ui.rollcall.view import REGISTRATION, RollCallView


@pytest.fixture
def demo_window(open_demo_window):
    """The main window on the demo programme, shown and active: (window, database, session code)."""
    window, _scanner, database, code, _settings = open_demo_window()
    window.activateWindow()
    return window, database, code


def segments_of(database, code):
    """(id, name, starts_at) of the session's parts of the day."""
    with database.session() as db:
        return [(s.id, s.name, s.starts_at) for s in session_by_code(db, code).segments]


def admit(database, code, person, at=None):
    with database.session() as db:
        session = session_by_code(db, code)
        clock = (lambda: at) if at is not None else None
        kwargs = {"clock": clock} if clock else {}
        return record_scan(db, person.badge_code, session, desk="door-1", **kwargs)


def marks(database, code):
    with database.session() as db:
        return segment_attendance(db, session_by_code(db, code))


def desk_events(database, registration_id):
    with database.session() as db:
        return db.scalar(
            select(func.count())
            .select_from(CheckinEvent)
            .where(CheckinEvent.registration_id == registration_id, CheckinEvent.segment_id.is_(None))
        )


def open_roll_call(window, database, code, segment_index=0) -> RollCallView:
    """The roll-call in front, its clock inside the chosen part of the day."""
    view = window.views["Roll-call"]
    assert isinstance(view, RollCallView)
    _id, _name, starts = segments_of(database, code)[segment_index]
    view.clock = lambda: starts + timedelta(minutes=10)
    view.segment_id = None
    window.show_view("Roll-call")
    view.reload()
    return view


def row_of(view: RollCallView, registration_id):
    item = view._item_for(registration_id)
    assert item is not None, "the person is not on the roll-call"
    return item


# ---- roll-call ---------------------------------------------------------------------------------------


def test_the_part_of_the_day_defaults_to_the_one_running_now(demo_window):
    window, database, code = demo_window
    parts = segments_of(database, code)
    for index in range(3):
        view = open_roll_call(window, database, code, index)
        assert view.segment_id == parts[index][0]
        assert view.segment_buttons.checkedId() == parts[index][0]
    # Long before the day: the first.
    view.clock = lambda: parts[0][2] - timedelta(days=3)
    view.segment_id = None
    view.reload()
    assert view.segment_id == parts[0][0]
    morning = view.segment_buttons.button(parts[0][0]).text()
    assert "Morning" in morning and parts[0][2].astimezone().strftime("%H:%M") in morning


def test_ticking_marks_the_part_and_unticking_takes_it_back(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)[:3]
    for person in people:
        admit(database, code, person)
    view = open_roll_call(window, database, code, 0)
    morning = segments_of(database, code)[0][0]
    first = row_of(view, people[0].registration_id)
    assert first.parent() is view.checked_in_group
    first.setCheckState(0, Qt.CheckState.Checked)  # a click on the box
    assert marks(database, code) == {people[0].registration_id: {morning}}
    assert view.banner.headline.text().startswith("Marked present")
    first.setCheckState(0, Qt.CheckState.Unchecked)
    assert marks(database, code) == {}
    with database.session() as db:
        kinds = db.scalars(select(CheckinEvent.kind).where(CheckinEvent.segment_id == morning)).all()
    assert sorted(kinds) == [EventKind.IN, EventKind.UNDO]  # append-only: the mark and its undo


def test_space_toggles_the_selected_row_and_arrows_move(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)[:2]
    for person in people:
        admit(database, code, person)
    view = open_roll_call(window, database, code, 1)
    afternoon = segments_of(database, code)[1][0]
    view.tree.setFocus()
    view.tree.setCurrentItem(view.checked_in_group.child(0))
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.tree.currentItem() is view.checked_in_group.child(1))
    second = view.tree.currentItem().data(0, REGISTRATION)
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: marks(database, code) == {second: {afternoon}})
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: marks(database, code) == {})


def test_a_scanner_burst_marks_the_current_part_and_never_checks_in_at_the_desk_twice(demo_window, qtbot):
    window, database, code = demo_window
    person = booked_people(database, code)[0]
    admit(database, code, person)
    view = open_roll_call(window, database, code, 2)  # during the case study
    case_study = segments_of(database, code)[2][0]
    with qtbot.waitSignal(view.marked) as scanned:
        scanner_types(qtbot, view.tree, person.badge_code)
    assert scanned.args[0].code is MarkCode.MARKED
    assert window.stack.currentWidget() is view  # the scan stayed in the roll-call
    assert marks(database, code) == {person.registration_id: {case_study}}
    assert desk_events(database, person.registration_id) == 1
    assert view.banner.headline.text() == f"Marked present — {scanned.args[0].delegate.display_name}"
    assert view.tree.currentItem().data(0, REGISTRATION) == person.registration_id
    assert row_of(view, person.registration_id).checkState(0) == Qt.CheckState.Checked

    with qtbot.waitSignal(view.marked) as again:
        scanner_types(qtbot, view.filter, person.badge_code)  # focus in the filter: still a scan
    assert again.args[0].code is MarkCode.ALREADY_MARKED
    assert view.banner.headline.text().startswith("Already marked")
    assert view.filter.text() == ""
    assert desk_events(database, person.registration_id) == 1


def test_scans_that_mark_nothing_say_why(demo_window, qtbot):
    window, database, code = demo_window
    view = open_roll_call(window, database, code, 0)
    with database.session() as db:
        later = session_summaries(db)[1].code
    here = {e.delegate_id for e in booked_people(database, code)}
    stranger = next(e for e in booked_people(database, later) if e.delegate_id not in here)
    forged = booked_people(database, code)[0].badge_code
    forged = forged[:-1] + ("B" if forged[-1] != "B" else "C")
    for text, expected, headline in [
        (stranger.badge_code, MarkCode.NOT_BOOKED_HERE, "Not booked on this session"),
        (forged, MarkCode.INVALID_CODE, "Not a valid badge"),
    ]:
        with qtbot.waitSignal(view.marked) as scanned:
            scanner_types(qtbot, view.tree, text)
        assert scanned.args[0].code is expected
        assert view.banner.headline.text().startswith(headline)
        assert view.banner.symbol.text()  # never colour alone
    assert marks(database, code) == {}


def test_someone_who_walked_past_the_desk_can_be_marked_and_is_listed_apart(demo_window, qtbot):
    window, database, code = demo_window
    walker = booked_people(database, code)[5]
    view = open_roll_call(window, database, code, 0)
    row = row_of(view, walker.registration_id)
    assert row.parent() is view.not_checked_in_group
    with qtbot.waitSignal(view.marked) as scanned:
        scanner_types(qtbot, view.tree, walker.badge_code)
    assert scanned.args[0].code is MarkCode.MARKED
    assert "Not checked in at the desk" in view.banner.detail.text()
    assert walker.registration_id in marks(database, code)
    assert desk_events(database, walker.registration_id) == 0  # marking is not a desk check-in
    assert row_of(view, walker.registration_id).parent() is view.not_checked_in_group


def test_counts_per_part_of_the_day_follow_the_marks(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)[:3]
    for person in people:
        admit(database, code, person)
    view = open_roll_call(window, database, code, 0)
    assert "Morning 0 · Afternoon 0 · Case study 0 — of 3 checked in" in view.counts.text()
    for person in people:
        row_of(view, person.registration_id).setCheckState(0, Qt.CheckState.Checked)
    parts = segments_of(database, code)
    qtbot.keyClick(view.tree, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # the afternoon
    assert view.segment_id == parts[1][0]
    assert view.tree.headerItem().text(0) == "Present for Afternoon"
    row_of(view, people[0].registration_id).setCheckState(0, Qt.CheckState.Checked)
    assert "Morning 3 · Afternoon 1 · Case study 0 — of 3 checked in" in view.counts.text()
    assert "3 present" in view.segment_buttons.button(parts[0][0]).text()
    assert "1 present" in view.segment_buttons.button(parts[1][0]).text()
    # Someone checked in at another view shows up without leaving the roll-call.
    admit(database, code, booked_people(database, code)[3])
    window.context.attendance_changed.emit()
    assert "— of 4 checked in" in view.counts.text()


def test_the_filter_ignores_accents_and_ctrl_f_reaches_it(demo_window, qtbot):
    from tests_support import add_person

    window, database, code = demo_window
    with database.session() as db:
        add_person(db, code, "Zoë", "O'Neill", "Preston Foodbank")
    view = open_roll_call(window, database, code, 0)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.filter.hasFocus()
    view.filter.setText("oneill zoe")
    shown = [item.text(0) for item in view._visible_people()]
    assert shown == ["Zoë O'Neill"]
    assert view.tree.currentItem().text(0) == "Zoë O'Neill"
    assert view.not_checked_in_group.text(0).endswith(
        "(1 of " + str(view.not_checked_in_group.childCount()) + ")"
    )
    view.filter.setText("")
    assert len(view._visible_people()) == len(view.call.entries)


# ---- dashboard ---------------------------------------------------------------------------------------


def open_dashboard(window, now) -> DashboardView:
    view = window.views["Dashboard"]
    assert isinstance(view, DashboardView)
    view.clock = lambda: now
    window.show_view("Dashboard")
    view.refresh()
    return view


def test_dashboard_figures_match_the_admissions(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)
    with database.session() as db:
        session = session_by_code(db, code)
        start = session.starts_at
        expected = len([e for e in session_roster(db, session) if e.status in ("booked", "walk_in")])
    # Six arrivals: two at 09:00-09:05, none at 09:05, three at 09:10, one at 09:20 (by the session's start).
    minutes = [-30, -26, -19, -18, -15.5, -8]
    arrivals = people[: len(minutes)]
    for person, minute in zip(arrivals, minutes, strict=True):
        admit(database, code, person, at=start + timedelta(minutes=minute))
    view = open_dashboard(window, start + timedelta(minutes=20))
    assert view.checked_in_card.number.text() == "6"
    assert f"of {expected} expected" in view.checked_in_card.detail.text()
    assert view.absent_card.caption.text() == "No-shows"
    assert view.absent_card.number.text() == str(expected - 6)

    series = view.chart.series()[0]
    counts = [int(v) for v in (series.barSets()[0].at(i) for i in range(series.barSets()[0].count()))]
    categories = view.chart.axes(Qt.Orientation.Horizontal)[0].categories()
    bins = dict(zip(categories, counts, strict=True))
    label = lambda minute: (start + timedelta(minutes=minute)).astimezone().strftime("%H:%M")  # noqa: E731
    assert bins[label(-30)] == 2 and bins[label(-25)] == 0 and bins[label(-20)] == 3 and bins[label(-10)] == 1
    assert sum(counts) == 6
    assert categories[0] == label(-30) and categories[-1] == label(0)  # doors open to the start

    no_shows = [view.no_show_table.item(r, 0).text() for r in range(view.no_show_table.rowCount())]
    assert len(no_shows) == expected - 6 and view.no_show_title.text() == f"No-shows ({expected - 6})"
    absent = people[len(minutes)]
    assert any(absent.last_name in name for name in no_shows)

    organisations = {
        view.organisation_table.item(r, 0).text(): int(view.organisation_table.item(r, 1).text())
        for r in range(view.organisation_table.rowCount())
    }
    assert sum(organisations.values()) == 6
    assert organisations == dict(Counter(p.organisation for p in arrivals))

    sessions = {
        view.session_table.item(r, 0).text().split(" · ")[0]: r for r in range(view.session_table.rowCount())
    }
    row = sessions[code]
    assert view.session_table.item(row, 2).text() == "6"
    assert view.session_table.item(row, 3).text() == str(expected)
    assert view.overall_card.number.text() == "6"


def test_before_the_start_there_are_no_no_shows_yet(demo_window):
    window, database, code = demo_window
    with database.session() as db:
        start = session_by_code(db, code).starts_at
    view = open_dashboard(window, start - timedelta(hours=1))
    assert view.absent_card.caption.text() == "Still to arrive"
    assert view.no_show_title.text() == "No-shows"
    assert "Listed once the session starts" in view.no_show_table.item(0, 0).text()


def test_the_dashboard_refreshes_after_a_scan_at_the_desk_and_polls_while_visible(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)
    with database.session() as db:
        start = session_by_code(db, code).starts_at
    view = open_dashboard(window, start + timedelta(minutes=5))
    assert view.checked_in_card.number.text() == "0"
    assert view.timer.isActive()
    window.desk_view.scan(people[0].badge_code)  # the desk says attendance changed
    assert view.checked_in_card.number.text() == "1"
    # Another desk's check-in arriving without a signal (as sync will): the timer picks it up.
    admit(database, code, people[1])
    view.timer.setInterval(50)
    qtbot.waitUntil(lambda: view.checked_in_card.number.text() == "2", timeout=2000)
    window.show_view("Desk")
    assert not view.timer.isActive()
    # Hidden: a scan marks it stale; showing it again brings it up to date.
    window.desk_view.scan(people[2].badge_code)
    window.show_view("Dashboard")
    assert view.checked_in_card.number.text() == "3"
