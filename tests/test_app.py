"""The desk app driven like a person would: scanner bursts, slow typing, outcomes, undo, walk-ins, transfer."""

import pytest
from tests_support import booked_people, roster, scanner_types

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from checkin.desk.bookings import set_status
from checkin.desk.roster import session_summaries
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.database import open_database
from ui.shell.app import fill_with_demo_when_empty


def booked_only_elsewhere(database, code):
    """Someone booked on the next session and not on this one."""
    with database.session() as db:
        later = session_summaries(db)[1].code
    here = {e.delegate_id for e in roster(database, code)}
    return later, next(e for e in booked_people(database, later) if e.delegate_id not in here)


def test_a_scanner_burst_in_another_field_checks_in_and_leaves_the_field_alone(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[0]
    other_field = QLineEdit(window)  # any other field that happens to have focus
    other_field.show()
    other_field.setText("notes")
    scanner_types(qtbot, other_field, person.badge_code)
    panel = window.desk_view.panel
    qtbot.waitUntil(lambda: panel.code is OutcomeCode.ADMITTED)
    assert person.last_name in panel.name.text()
    assert other_field.text() == "notes"  # the code never landed in the field
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))


def test_a_scanner_ending_with_tab_works_too(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[1]
    scanner_types(qtbot, window.desk_view.input, person.badge_code, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.desk_view.panel.code is OutcomeCode.ADMITTED)


def test_slow_typing_searches_by_name_and_enter_checks_in(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[2]
    view = window.desk_view
    for ch in person.last_name[:4]:
        qtbot.keyClick(view.input, ch)
        qtbot.wait(70)  # a person: far slower than a scanner
    qtbot.waitUntil(lambda: view.input.text() == person.last_name[:4])
    qtbot.waitUntil(lambda: view.results.count() > 0 and view.results.isVisible())
    names = [view.results.item(i).text() for i in range(view.results.count())]
    assert any(person.last_name in name for name in names)
    # Choose the person with the arrow keys, then Enter.
    row = next(i for i, name in enumerate(names) if person.last_name in name and person.first_name in name)
    for _ in range(row):
        qtbot.keyClick(view.input, Qt.Key.Key_Down)
    qtbot.wait(60)
    qtbot.keyClick(view.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert person.first_name in view.panel.name.text() or person.badge_name in view.panel.name.text()


def test_search_ignores_accents_and_apostrophes(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    with database.session() as db:
        from tests_support import add_person

        add_person(db, code, "Zoë", "O'Neill")
    view.input.setText("oneill zoe")
    view._run_search()
    assert "Zoë O'Neill" in view.results.item(0).text()


@pytest.mark.parametrize(
    ("make", "code_expected", "headline"),
    [
        ("admitted", OutcomeCode.ADMITTED, "Welcome"),
        ("again", OutcomeCode.ALREADY_CHECKED_IN, "Already checked in"),
        ("cancelled", OutcomeCode.CANCELLED, "Booking cancelled"),
        ("elsewhere", OutcomeCode.WRONG_SESSION, "Booked on another session"),
        ("unknown", OutcomeCode.NOT_FOUND, "Code not known at this desk"),
        ("forged", OutcomeCode.INVALID_CODE, "Not a valid badge"),
    ],
)
def test_each_outcome_has_its_panel(scan_desk, qtbot, make, code_expected, headline):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    people = booked_people(database, code)
    if make == "admitted":
        text = people[0].badge_code
    elif make == "again":
        view.scan(people[0].badge_code)
        text = people[0].badge_code
    elif make == "cancelled":
        with database.session() as db:
            set_status(db, people[0].registration_id, RegistrationStatus.CANCELLED, "refunded")
            db.commit()
        text = people[0].badge_code
    elif make == "elsewhere":
        text = booked_only_elsewhere(database, code)[1].badge_code
    elif make == "unknown":
        text = "12345678901234567890"
    else:
        text = people[0].badge_code[:-1] + ("B" if people[0].badge_code[-1] != "B" else "C")
    scanner_types(qtbot, view.input, text)
    qtbot.waitUntil(lambda: view.panel.code is code_expected)
    assert view.panel.headline.text() == headline
    assert view.panel.symbol.text()  # never colour alone
    if code_expected is not OutcomeCode.ADMITTED:
        assert view.panel.reason.text()
    if code_expected in (OutcomeCode.WRONG_SESSION, OutcomeCode.ALREADY_CHECKED_IN):
        assert view.action_button.isVisible()


def test_undo_the_last_admission_with_ctrl_z(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    person = booked_people(database, code)[0]
    scanner_types(qtbot, view.input, person.badge_code)
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))
    assert view.undo_button.isEnabled()
    qtbot.keyClick(view.input, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 0 of"))
    assert view.panel.headline.text() == "Check-in undone"
    assert not view.undo_button.isEnabled()


def test_transfer_from_the_wrong_session_with_one_key(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    later, stranger = booked_only_elsewhere(database, code)
    scanner_types(qtbot, view.input, stranger.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.WRONG_SESSION)
    qtbot.keyClick(view.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    statuses = {e.delegate_id: e.status for e in roster(database, later)}
    assert statuses[stranger.delegate_id] == "transferred"
    here = {e.delegate_id: e for e in roster(database, code)}
    assert here[stranger.delegate_id].checked_in_at is not None


def test_a_walk_in_is_registered_admitted_and_counted(scan_desk, qtbot, monkeypatch):
    from ui.desk.walk_in import WalkInDialog

    window, _scanner, database, code = scan_desk
    view = window.desk_view
    before = len(roster(database, code))

    def fill_and_submit(dialog: WalkInDialog) -> int:
        assert "places taken" in dialog.capacity.text()
        dialog.first_name.setText("Ngozi")
        dialog.last_name.setText("Okafor")
        dialog.organisation.setText("Preston Foodbank")
        dialog.dietary_needs.setText("Halal")
        dialog.submit(over_capacity_ok=True)
        return dialog.result()

    monkeypatch.setattr(WalkInDialog, "exec", fill_and_submit)
    with qtbot.waitSignal(view.walk_in_admitted):
        qtbot.keyClick(view.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.panel.code is OutcomeCode.ADMITTED
    assert "Ngozi Okafor" in view.panel.name.text()
    assert "Halal" in view.panel.needs.text()
    people = roster(database, code)
    assert len(people) == before + 1
    walk_in = next(e for e in people if e.last_name == "Okafor")
    assert walk_in.status == "walk_in" and walk_in.checked_in_at is not None and walk_in.badge_code


def test_an_empty_database_gets_the_demo_programme(tmp_path):
    database = open_database(tmp_path / "empty.sqlite3")
    fill_with_demo_when_empty(database)
    fill_with_demo_when_empty(database)  # a second start leaves it alone
    with database.session() as db:
        assert len(session_summaries(db)) == 6
    database.dispose()


def test_a_pending_booking_is_amber_and_one_changed_by_a_newer_desk_is_red(scan_desk, qtbot):
    from sqlalchemy import update

    from checkin.store.models import Registration
    from ui.base.palette import palette_for

    window, _scanner, database, code = scan_desk
    view = window.desk_view
    pending, newer = booked_people(database, code)[:2]
    with database.session() as db:
        set_status(db, pending.registration_id, RegistrationStatus.PENDING, "unpaid")
        db.execute(
            update(Registration).where(Registration.id == newer.registration_id).values(status="frozen")
        )
        db.commit()
    colours = palette_for(False)
    scanner_types(qtbot, view.input, pending.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.NOT_CONFIRMED)
    assert view.panel.headline.text() == "Booking not confirmed yet"
    assert view.panel.reason.text() == "This booking is not confirmed yet: unpaid."
    assert colours.warning in view.panel.styleSheet() and view.panel.symbol.text()
    scanner_types(qtbot, view.input, newer.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.NEEDS_UPDATE)
    assert view.panel.headline.text() == "Update this desk"
    assert "newer version of Check-in Desk: update this desk" in view.panel.reason.text()
    assert colours.refused in view.panel.styleSheet() and view.panel.symbol.text()
    qtbot.waitUntil(lambda: not window.counting)  # the count is read in the background
    assert window.counts.text().startswith("Checked in 0 of")
