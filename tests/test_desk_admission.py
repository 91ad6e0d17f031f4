"""At the desk: a session that is not today says so in amber and offers the person's session that is; a
refusal is admitted anyway with the organiser PIN; the dashboard counts overrides; the setting widens the
window. Driven like a person would, on the demo programme."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from tests_support import booked_people, pin_dialog_enters, roster, scanner_types

from PySide6.QtCore import Qt

from checkin.desk.bookings import add_session, register, session_by_code
from checkin.desk.pin import set_pin
from checkin.desk.roster import session_summaries
from checkin.desk.walkins import places_taken
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.store.models import AuditLog, CheckinEvent, Delegate, Registration
from ui.base.palette import palette_for
from ui.dashboard.view import DashboardView

PIN = "246810"


def booked_today_and_later(database, today_code):
    """(a later session's code, someone actively booked on both it and today's session)."""
    with database.session() as db:
        for summary in session_summaries(db)[1:]:
            here = {e.delegate_id for e in roster(database, today_code) if e.status in ACTIVE_STATUSES}
            for person in booked_people(database, summary.code):
                if person.delegate_id in here:
                    return summary.code, person
    raise AssertionError("the demo has no one booked on two sessions")


def test_a_session_that_is_not_today_shows_amber_and_offers_todays_session(scan_desk, qtbot):
    window, _scanner, database, today = scan_desk
    view = window.desk_view
    later, person = booked_today_and_later(database, today)
    window.context.set_session(later)
    assert window.session_picker.currentData() == later
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.NOT_TODAY)
    with database.session() as db:
        starts = session_by_code(db, later).starts_at.astimezone()
    day = f"{starts:%a} {starts.day} {starts:%B}"
    assert view.panel.reason.text() == f"This session is on {day}, {starts:%H:%M}."
    assert view.panel.headline.text() == "Not today"
    assert palette_for(False).warning in view.panel.styleSheet()  # amber, as wrong_session is
    assert person.last_name in view.panel.name.text()
    assert view.action_button.isVisible()
    assert view.action_button.text() == f"Check in at {today} (F2)"
    with database.session() as db:  # nothing recorded at the later session
        assert db.scalars(select(CheckinEvent)).all() == []

    qtbot.keyClick(view.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert window.context.session_code == today and window.session_picker.currentData() == today
    here = {e.delegate_id: e for e in roster(database, today)}
    assert here[person.delegate_id].checked_in_at is not None
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))


def cancelled_today(database, code):
    return next(e for e in roster(database, code) if e.status == "cancelled")


def test_a_refusal_is_admitted_anyway_with_the_pin_and_counted_apart(
    scan_desk_with_settings, qtbot, monkeypatch
):
    window, _scanner, database, code, settings = scan_desk_with_settings
    view = window.desk_view
    set_pin(settings, PIN)
    with database.session() as db:  # a full session: a cancelled booking cannot be booked again
        session = session_by_code(db, code)
        session.capacity = places_taken(db, session)
        db.commit()
    person = cancelled_today(database, code)
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.CANCELLED)
    # A refusal with no action of its own offers the override on F2.
    assert view.action_button.text() == "Admit anyway with the PIN (F2)"
    assert not view.override_button.isVisible()

    pin_dialog_enters(monkeypatch, "111111")  # a wrong PIN: nothing happens
    qtbot.keyClick(view.input, Qt.Key.Key_F2)
    assert view.panel.code is OutcomeCode.CANCELLED
    with database.session() as db:
        assert db.scalars(select(CheckinEvent)).all() == []

    pin_dialog_enters(monkeypatch, PIN)
    qtbot.keyClick(view.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert view.panel.headline.text() == "Admitted anyway"
    assert "This booking was cancelled" in view.panel.reason.text()
    assert view.last_result.method == "override"
    with database.session() as db:
        [event] = db.scalars(select(CheckinEvent)).all()
        assert (event.method, event.desk, event.operator) == ("override", "door-1", "organiser")
        [audit] = db.scalars(select(AuditLog).where(AuditLog.action == "override")).all()
        assert audit.desk == "door-1" and "cancelled: This booking was cancelled" in audit.detail

    dashboard = window.views["Dashboard"]
    assert isinstance(dashboard, DashboardView)
    window.show_view("Dashboard")
    dashboard.refresh()
    assert dashboard.overrides.text() == "Overrides: 1"


def test_already_checked_in_keeps_f2_and_offers_the_override_on_shift_f2(
    scan_desk_with_settings, qtbot, monkeypatch
):
    window, _scanner, database, code, settings = scan_desk_with_settings
    view = window.desk_view
    set_pin(settings, PIN)
    person = booked_people(database, code)[0]
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ALREADY_CHECKED_IN)
    assert view.action_button.text() == "Show the earlier check-in (F2)"
    assert view.override_button.isVisible()
    pin_dialog_enters(monkeypatch, PIN)
    qtbot.keyClick(view.input, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert view.last_result.method == "override"


def test_an_invalid_code_offers_no_override(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    badge = booked_people(database, code)[0].badge_code
    scanner_types(qtbot, view.input, badge[:-1] + ("B" if badge[-1] != "B" else "C"))
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.INVALID_CODE)
    assert view.action_button.text() == "Search by name (F2)"
    assert not view.override_button.isVisible()
    assert view.admit_anyway() is None


def test_the_settings_view_widens_the_window(scan_desk_with_settings, qtbot):
    window, _scanner, database, _code, settings = scan_desk_with_settings
    view = window.desk_view
    with database.session() as db:  # an evening session three hours from now, with one booking
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
        session = add_session(db, "EVE-0001", "Evening", "Preston Town Hall", starts)
        delegate = db.scalars(select(Delegate).order_by(Delegate.id)).first()
        badge = register(db, delegate, session).badge_code
        db.commit()
    window.load_sessions("EVE-0001")
    scanner_types(qtbot, view.input, badge)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.NOT_TODAY)

    settings_view = window.views["Settings"]
    settings_view.admit_hours.setValue(4)
    assert settings_view.save()  # no PIN on this desk: the guard lets the save through
    assert settings.get("admit_hours_before") == 4
    scanner_types(qtbot, view.input, badge)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    with database.session() as db:
        assert db.scalar(select(Registration.status).where(Registration.badge_code == badge)) == "booked"
