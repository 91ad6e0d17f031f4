"""What the usability walkthrough found (issue 17), each checked as the person at the desk would notice it:
an outcome that no longer belongs under new results, a roll-call banner from the part of the day before,
Settings and the Dashboard at a small laptop's size, the PIN asked for every edit, an import path that could not be typed, a cancelled booking with places free."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests_support import booked_people, roster, scanner_types

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

from checkin.desk.bookings import session_by_code
from checkin.desk.pin import check_pin, has_pin, set_pin
from checkin.desk.scanning import record_scan
from checkin.desk.walkins import OverCapacity, can_rebook, places_taken, rebook_and_admit
from checkin.domain.clock import utc_now
from checkin.domain.decide import OutcomeCode
from checkin.settings import Settings
from checkin.store.database import open_database
from checkin.store.models import AuditLog
from ui.base.context import DeskContext
from ui.base.palette import palette_for
from ui.base.pin import PinDialog, require_organiser
from ui.dashboard.view import DashboardView
from ui.delegates.import_dialog import ImportDialog, typed_path
from ui.rollcall.view import RollCallView

PIN = "246810"


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
    # Said at a public desk, in front of the person: what to do, never that they may have forged it.
    assert "forged" not in view.panel.reason.text()
    assert "ask for the delegate's name" in view.panel.reason.text()
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


# -- the PIN's grace period -----------------------------------------------------------------------------


def counting_pin_dialogs(monkeypatch, pin):
    """Every PIN dialog opened from now on is answered with `pin`; returns the list each one is added to."""
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        dialog.field.setText(pin)
        dialog.submit(dialog.field.text())
        return int(dialog.result())

    monkeypatch.setattr(PinDialog, "exec", fake_exec)
    return opened


def test_the_pin_is_asked_once_for_five_minutes_of_organiser_work(scan_desk_with_settings, monkeypatch):
    window, _scanner, _database, _code, settings = scan_desk_with_settings
    set_pin(settings, PIN)
    context, view = window.context, window.desk_view
    opened = counting_pin_dialogs(monkeypatch, PIN)
    start = utc_now()
    assert require_organiser(view, context, clock=lambda: start)
    assert len(opened) == 1
    for minutes in (3, 7, 11):  # each within five minutes of the one before: no dialog
        assert require_organiser(view, context, clock=lambda m=minutes: start + timedelta(minutes=m))
    assert len(opened) == 1
    assert require_organiser(view, context, clock=lambda: start + timedelta(minutes=16, seconds=1))
    assert len(opened) == 2  # more than five minutes after the last: asked again

    wrong = counting_pin_dialogs(monkeypatch, "000000")
    window.idle_lock.lock()  # the desk locks: whoever comes next types the PIN
    assert not require_organiser(view, context, clock=lambda: start + timedelta(minutes=17))
    assert len(wrong) == 1


def test_a_kiosk_never_lets_anyone_out_on_an_earlier_pin(qtbot, tmp_path, monkeypatch):
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, PIN)
    database = open_database(tmp_path / "desk.sqlite3")
    context = DeskContext(database, settings, "kiosk-1")
    context.kiosk = True
    parent = QWidget()
    qtbot.addWidget(parent)
    opened = counting_pin_dialogs(monkeypatch, PIN)
    assert require_organiser(parent, context) and require_organiser(parent, context)
    assert len(opened) == 2
    database.dispose()


# -- the import dialog's file field ---------------------------------------------------------------------


def test_a_pasted_windows_path_with_quotes_is_read_and_enter_closes_nothing(scan_desk, qtbot, tmp_path):
    window, _scanner, _database, _code = scan_desk
    window.show_view("Delegates")
    bookings = tmp_path / "my bookings.csv"
    bookings.write_text(
        "First name,Last name,Email,Organisation\nNgozi,Okafor,ngozi@example.org,Preston Foodbank\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(window.context, window.views["Delegates"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert not dialog.file_field.isReadOnly()

    dialog.file_field.setFocus()
    person_types(qtbot, dialog.file_field, str(tmp_path / "nowhere.csv"))
    qtbot.keyClick(dialog.file_field, Qt.Key.Key_Return)
    assert dialog.isVisible() and "There is no file at" in dialog.message.text()

    dialog.file_field.clear()
    QApplication.clipboard().setText(f'"{bookings}"')  # what Windows' "Copy as path" puts there
    qtbot.keyClick(dialog.file_field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(dialog.checked, timeout=20_000) as checked:
        qtbot.keyClick(dialog.file_field, Qt.Key.Key_Return)
    assert checked.args[0].added == 1 and dialog.path == bookings
    assert dialog.isVisible()  # Enter read the file; it neither applied the import nor closed the dialog


def test_typed_paths_lose_their_quotes_and_file_addresses():
    assert typed_path(r'  "C:\Users\ann\bookings.csv" ') == Path(r"C:\Users\ann\bookings.csv")
    assert typed_path("'/home/ann/my list.csv'") == Path("/home/ann/my list.csv")
    assert typed_path("file:///home/ann/my%20list.csv") == Path("/home/ann/my list.csv")
    assert typed_path("~/list.csv") == Path.home() / "list.csv"
    assert typed_path('  ""  ') is None and typed_path("") is None


def test_the_status_bar_names_the_database_in_words_and_the_path_on_hover(scan_desk):
    window, _scanner, database, _code = scan_desk
    where = window.where
    assert where.text() == "Desk door-1 · this computer's database (desk.sqlite3)"
    assert "sqlite:" not in where.text() and where.isVisible()
    assert where.toolTip() == str(Path(database.engine.url.database).resolve())


# -- a cancelled booking with places free ---------------------------------------------------------------


def test_a_cancelled_booking_is_booked_again_and_admitted_with_the_pin(
    scan_desk_with_settings, qtbot, monkeypatch
):
    window, _scanner, database, code, settings = scan_desk_with_settings
    view = window.desk_view
    set_pin(settings, PIN)
    person = next(e for e in roster(database, code) if e.status == "cancelled")
    with database.session() as db:
        free = places_taken(db, session_by_code(db, code)) < session_by_code(db, code).capacity
    assert free, "the demo session has places free"
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.CANCELLED)
    assert view.action_button.isVisible()
    assert view.action_button.text() == "Book again and check in, with the PIN (F2)"
    assert view.override_button.isVisible()  # admitting without booking stays on Shift+F2

    counting_pin_dialogs(monkeypatch, "000000")
    qtbot.keyClick(view.input, Qt.Key.Key_F2)  # a wrong PIN: nothing changes
    assert view.panel.code is OutcomeCode.CANCELLED
    assert next(e for e in roster(database, code) if e.registration_id == person.registration_id).status == (
        "cancelled"
    )

    opened = counting_pin_dialogs(monkeypatch, PIN)
    qtbot.keyClick(view.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert len(opened) == 1 and view.panel.headline.text() == "Welcome"
    again = next(e for e in roster(database, code) if e.registration_id == person.registration_id)
    assert again.status == "booked" and again.checked_in_at is not None
    with database.session() as db:
        [audit] = db.scalars(select(AuditLog).where(AuditLog.action == "rebook")).all()
        assert audit.desk == "door-1" and audit.operator == "organiser"


def test_a_cancelled_booking_on_a_full_session_is_not_offered_a_place(demo_programme):
    database, code = demo_programme
    person = next(e for e in roster(database, code) if e.status == "cancelled")
    with database.session() as db:
        session = session_by_code(db, code)
        assert can_rebook(db, person.registration_id)
        session.capacity = places_taken(db, session)
        db.commit()
        assert not can_rebook(db, person.registration_id)
        with pytest.raises(OverCapacity):
            rebook_and_admit(db, person.registration_id, session, desk="door-1")
    assert next(e for e in roster(database, code) if e.registration_id == person.registration_id).status == (
        "cancelled"
    )
