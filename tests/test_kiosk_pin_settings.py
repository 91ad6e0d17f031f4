"""The organiser PIN, kiosk self check-in, the Settings view, the first-run wizard and the idle lock."""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import demo_database
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests_support import pin_dialog_enters

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin.desk.bookings import session_by_code
from checkin.desk.kiosk import find_by_surname
from checkin.desk.pin import FIRST_LOCK, PinError, check_pin, clear_pin, has_pin, pin_matches, set_pin
from checkin.desk.roster import session_roster
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import Method
from checkin.settings import Settings
from checkin.store.models import CheckinEvent, Delegate, Registration
from ui.base.pin import PinDialog, require_organiser
from ui.base.theme import HIGH_CONTRAST
from ui.input.scanner import ScannerFilter
from ui.kiosk.window import build_kiosk
from ui.settings.view import computer_name
from ui.shell.wizard import WizardDialog

PIN = "246810"
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


# -- the PIN, without a screen ------------------------------------------------------------------------


@pytest.fixture
def empty_settings(tmp_path):
    """Settings in tmp_path/settings.json, nothing set yet."""
    return Settings(tmp_path / "settings.json")


def test_a_pin_is_stored_as_an_scrypt_hash_never_as_itself(empty_settings):
    assert not has_pin(empty_settings)
    set_pin(empty_settings, PIN)
    stored = empty_settings.get("pin_hash")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert PIN not in Path(empty_settings.path).read_text()
    assert has_pin(empty_settings)
    set_pin(empty_settings, PIN)
    assert empty_settings.get("pin_hash") != stored  # a fresh salt every time


def test_right_and_wrong_pins(empty_settings):
    set_pin(empty_settings, PIN)
    assert check_pin(empty_settings, PIN, T0).ok
    wrong = check_pin(empty_settings, "135790", T0)
    assert not wrong.ok and wrong.attempts_left == 4 and wrong.locked_until is None
    assert check_pin(empty_settings, PIN, T0).ok
    assert empty_settings.get("pin_failures") == 0  # a right PIN starts the count again


@pytest.mark.parametrize("short", ["", "1", "12345", " 123456"])
def test_too_short_or_padded_pins_are_refused_with_a_reason(empty_settings, short):
    with pytest.raises(PinError, match="PIN"):
        set_pin(empty_settings, short)
    assert not has_pin(empty_settings)


def test_five_wrong_pins_lock_for_five_minutes_then_ten(empty_settings):
    set_pin(empty_settings, PIN)
    results = [check_pin(empty_settings, "000000", T0) for _ in range(5)]
    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    assert results[-1].locked_until == T0 + FIRST_LOCK
    # Locked: even the right PIN is refused, and not even compared.
    during = check_pin(empty_settings, PIN, T0 + timedelta(minutes=4))
    assert not during.ok and during.locked_until == T0 + FIRST_LOCK
    # The lock runs out; five more wrong ones lock for twice as long.
    later = T0 + timedelta(minutes=6)
    for _ in range(5):
        last = check_pin(empty_settings, "000000", later)
    assert last.locked_until == later + 2 * FIRST_LOCK
    # After that lock, the right PIN works and clears everything.
    assert check_pin(empty_settings, PIN, later + timedelta(minutes=11)).ok
    assert empty_settings.get("pin_failures") == 0 and empty_settings.get("pin_locked_until") == ""


def test_the_lock_survives_a_restart(empty_settings):
    set_pin(empty_settings, PIN)
    for _ in range(5):
        check_pin(empty_settings, "999999", T0)
    reopened = Settings(empty_settings.path)
    assert check_pin(reopened, PIN, T0 + timedelta(minutes=1)).locked_until is not None


def test_no_pin_or_a_damaged_hash_matches_nothing(empty_settings):
    assert not check_pin(empty_settings, "", T0).ok
    assert not pin_matches(PIN, "scrypt$oops")
    assert not pin_matches(PIN, "bcrypt$1$2$3$00$00")
    set_pin(empty_settings, PIN)
    clear_pin(empty_settings)
    assert not has_pin(empty_settings)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_no_text_ever_crashes_check_pin(text):
    folder = tempfile.mkdtemp()
    store = Settings(Path(folder) / "settings.json")
    set_pin(store, "correct horse", salt=b"0123456789abcdef")
    result = check_pin(store, text, T0)
    assert result.ok == (text == "correct horse")


# -- the kiosk ----------------------------------------------------------------------------------------


@pytest.fixture
def demo_kiosk(qtbot, tmp_path, demo_programme):
    """The kiosk window on the demo programme, 1366×768, shown and focused: (window, database, session
    code, settings). A kiosk needs an organiser PIN: PIN is set."""
    database, code = demo_programme
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, PIN)
    window, scanner = build_kiosk(database, settings, "kiosk-1", code)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.setFocus()
    yield window, database, code, settings
    QApplication.instance().removeEventFilter(scanner)
    window.may_close = True


def booked(database, code):
    with database.session() as db:
        return [e for e in session_roster(db, session_by_code(db, code)) if e.status == "booked" and e.email]


def events(database, registration_id):
    with database.session() as db:
        return list(db.scalars(select(CheckinEvent).where(CheckinEvent.registration_id == registration_id)))


def scanner_types(qtbot, widget, text):
    for ch in text:
        qtbot.keyClick(widget, ch)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_a_scanner_burst_at_the_kiosk_admits_and_shows_the_big_panel(demo_kiosk, qtbot):
    window, database, code, _settings = demo_kiosk
    person = booked(database, code)[0]
    window.return_after_ms = 300
    scanner_types(qtbot, window, person.badge_code)
    qtbot.waitUntil(lambda: window.panel.code is OutcomeCode.ADMITTED)
    assert window.pages.currentWidget() is window.result_page
    assert person.last_name in window.panel.name.text()
    assert window.panel.headline.font().pointSize() >= 36  # scale 1.3 of the desk's 28 pt
    assert window.panel.needs.isHidden()  # needs are private: never on the kiosk screen
    assert [e.method for e in events(database, person.registration_id)] == [Method.KIOSK]
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=3000)


def _find(window, qtbot, person):
    qtbot.mouseClick(window.forgot_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.search_page
    qtbot.keyClicks(window.surname, person.last_name[:4])
    shown = f"{person.badge_name or person.first_name} {person.last_name[0].upper()}."
    qtbot.waitUntil(lambda: any(window.people.item(i).text() == shown for i in range(window.people.count())))
    names = [window.people.item(i).text() for i in range(window.people.count())]
    if len(person.last_name) > 1:
        assert not any(person.last_name in name for name in names)  # first name and initial only
    row = names.index(shown)
    window.people.setCurrentRow(row)
    qtbot.keyClick(window.surname, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.confirm_page


def test_surname_search_and_the_right_email_letters_admit(demo_kiosk, qtbot):
    window, database, code, _settings = demo_kiosk
    person = booked(database, code)[3]
    _find(window, qtbot, person)
    assert window.chosen.registration_id == person.registration_id
    qtbot.keyClicks(window.letters, person.email[:3].upper())  # case does not matter
    qtbot.keyClick(window.letters, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.panel.code is OutcomeCode.ADMITTED)
    assert [e.method for e in events(database, person.registration_id)] == [Method.KIOSK]


def test_wrong_email_letters_are_refused_then_sent_to_the_desk(demo_kiosk, qtbot):
    window, database, code, _settings = demo_kiosk
    person = booked(database, code)[4]
    _find(window, qtbot, person)
    wrong = "zzz" if not person.email.lower().startswith("zzz") else "qqq"
    for attempt in range(3):
        window.letters.setText(wrong)
        assert window.confirm() is None
        if attempt < 2:
            assert "don't match" in window.confirm_message.text()
    assert "desk staff" in window.panel.reason.text()
    assert events(database, person.registration_id) == []


def test_someone_without_an_email_is_sent_to_the_desk(demo_kiosk, qtbot):
    window, database, code, _settings = demo_kiosk
    person = booked(database, code)[5]
    with database.session() as db:
        db.get(Delegate, person.delegate_id).email = ""
        db.commit()
    _find(window, qtbot, person)
    window.letters.setText("abc")
    window.confirm()
    assert "email" in window.panel.headline.text()
    assert "desk staff" in window.panel.reason.text()
    assert events(database, person.registration_id) == []


def test_find_by_surname_keeps_to_this_session_and_active_bookings(tmp_path):
    database, code = demo_database(tmp_path)
    with database.session() as db:
        session = session_by_code(db, code)
        people = {e.registration_id: e for e in session_roster(db, session) if e.registration_id}
        surname = next(iter(people.values())).last_name
        hits = find_by_surname(db, surname.lower(), session.id, limit=50)
        for hit in hits:
            registration = db.get(Registration, hit.registration_id)
            assert registration.session_id == session.id
            assert registration.status in ("booked", "walk_in")
        assert hits
        assert find_by_surname(db, surname[:1], session.id) == []  # one letter shows no one
    database.dispose()


def test_closing_the_kiosk_needs_the_organiser_pin(demo_kiosk, qtbot, monkeypatch):
    window, _database, _code, settings = demo_kiosk
    set_pin(settings, PIN)
    window.close()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible()
    pin_dialog_enters(monkeypatch, "111111")
    qtbot.keyClick(
        window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.isVisible() and settings.get("pin_failures") == 1
    pin_dialog_enters(monkeypatch, PIN)
    qtbot.mouseClick(window.staff_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_the_pin_dialog_says_what_happened(qtbot, tmp_path):
    database, _code = demo_database(tmp_path)
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, PIN)
    from ui.base.context import DeskContext

    context = DeskContext(database, settings, "door-1")
    dialog = PinDialog(context, clock=lambda: T0)
    qtbot.addWidget(dialog)
    assert not dialog.submit("000000")
    assert "4 tries left" in dialog.message.text()
    for _ in range(4):
        dialog.submit("000000")
    assert "Locked for 5 minutes after five wrong PINs" in dialog.message.text()
    assert not dialog.field.isEnabled()
    assert not dialog.submit(PIN)  # locked: even the right one
    database.dispose()


# -- the main window: settings and idle lock ------------------------------------------------------------


def test_settings_save_desk_name_and_scanner_and_apply_at_once(scan_desk_with_settings, qtbot):
    window, scanner, _database, _code, settings = scan_desk_with_settings
    qtbot.keyClick(window, Qt.Key.Key_F10)
    view = window.views["Settings"]
    assert window.stack.currentWidget() is view
    view.desk_name.setText("Preston door 2")
    view.max_gap.setValue(90)
    view.min_length.setValue(8)
    view.suffix.setCurrentIndex(view.suffix.findData("tab"))
    view.high_contrast.setChecked(True)
    view.sounds.setChecked(False)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert settings.get("desk_name") == "Preston door 2"
    assert (settings.get("scanner_max_gap_ms"), settings.get("scanner_min_length")) == (90, 8)
    assert settings.get("scanner_suffix") == "tab" and settings.get("sounds") is False
    assert scanner.max_gap == pytest.approx(0.090) and scanner.min_length == 8
    assert scanner.suffix_keys == {Qt.Key.Key_Tab}
    assert QApplication.instance().styleSheet() == HIGH_CONTRAST
    assert window.desk_view.panel.high_contrast
    assert window.context.desk == "Preston door 2"
    assert "no organiser pin" in window.statusBar().currentMessage().lower()
    assert Settings(settings.path).get("scanner_max_gap_ms") == 90  # on disk, not just in memory


def test_saving_settings_needs_the_pin_when_one_is_set(scan_desk_with_settings, qtbot, monkeypatch):
    window, scanner, _database, _code, settings = scan_desk_with_settings
    set_pin(settings, PIN)
    view = window.views["Settings"]
    view.max_gap.setValue(120)
    pin_dialog_enters(monkeypatch, "000000")
    assert not view.save()
    assert settings.get("scanner_max_gap_ms") == 40 and scanner.max_gap == pytest.approx(0.040)
    assert "PIN" in view.saved_message.text()
    pin_dialog_enters(monkeypatch, PIN)
    assert view.save()
    assert scanner.max_gap == pytest.approx(0.120)


def test_changing_the_pin_needs_the_old_one(scan_desk_with_settings):
    window, _scanner, _database, _code, settings = scan_desk_with_settings
    view = window.views["Settings"]
    view.new_pin.setText("112233")
    view.new_pin_again.setText("112234")
    assert not view.change_pin() and "different" in view.pin_message.text()
    view.new_pin_again.setText("112233")
    assert view.change_pin() and check_pin(settings, "112233", T0).ok
    view.current_pin.setText("999999")
    view.new_pin.setText("445566")
    view.new_pin_again.setText("445566")
    assert not view.change_pin() and "not right" in view.pin_message.text()
    view.current_pin.setText("112233")
    view.new_pin.setText("445566")
    view.new_pin_again.setText("445566")
    assert view.change_pin() and check_pin(settings, "445566", T0).ok


def test_no_pin_means_the_guard_lets_through_and_says_so(scan_desk_with_settings):
    window, *_rest = scan_desk_with_settings
    assert require_organiser(window.desk_view, window.context)
    assert "No organiser PIN protects this desk" in window.statusBar().currentMessage()


def test_idle_lock_hides_the_lists_and_a_scan_still_admits(scan_desk_with_settings, qtbot, monkeypatch):
    window, _scanner, database, code, settings = scan_desk_with_settings
    set_pin(settings, PIN)
    lock = window.idle_lock
    now = [1000.0]
    lock.clock = lambda: now[0]
    lock.last_input = now[0]
    window.show_view("Settings")
    now[0] += 4 * 60
    lock.check()
    assert not lock.locked  # five minutes by default
    now[0] += 61
    lock.check()
    assert lock.locked
    assert window.stack.currentWidget() is window.desk_view
    window.show_view("Settings")
    cover = next(c for c in lock.covers if c.parentWidget() is window.views["Settings"])
    assert cover.isVisible() and cover.geometry() == window.views["Settings"].rect()
    window.show_view("Desk")
    person = booked(database, code)[0]
    scanner_types(qtbot, window.desk_view.input, person.badge_code)
    qtbot.waitUntil(lambda: window.desk_view.panel.code is OutcomeCode.ADMITTED)
    assert lock.locked  # a scan is not a person at the desk
    pin_dialog_enters(monkeypatch, "000000")
    assert not lock.unlock() and lock.locked
    pin_dialog_enters(monkeypatch, PIN)
    assert lock.unlock() and not lock.locked and not cover.isVisible()


def test_a_view_first_opened_while_locked_is_covered_too(scan_desk_with_settings, qtbot):
    window, _scanner, _database, _code, settings = scan_desk_with_settings
    set_pin(settings, PIN)
    # Views are made when first shown: start-up made the Desk (and the Duplicates view the sync badge counts).
    assert "Dashboard" in window.views and "Dashboard" not in window.views.made
    lock = window.idle_lock
    lock.lock()
    window.show_view("Dashboard")
    dashboard = window.views["Dashboard"]
    assert window.stack.currentWidget() is dashboard
    qtbot.waitUntil(lambda: dashboard.isVisible())
    cover = next(c for c in lock.covers if c.parentWidget() is dashboard)
    qtbot.waitUntil(lambda: cover.geometry() == dashboard.rect())
    assert cover.isVisible()


def test_idle_lock_set_to_never(scan_desk_with_settings):
    window, _scanner, _database, _code, settings = scan_desk_with_settings
    settings.set("idle_lock_minutes", 0)
    lock = window.idle_lock
    lock.clock = lambda: 10**9
    lock.check()
    assert not lock.locked


# -- the first-run wizard -------------------------------------------------------------------------------


@pytest.fixture
def wizard(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.json")
    scanner = ScannerFilter()
    QApplication.instance().installEventFilter(scanner)
    dialog = WizardDialog(settings, scanner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    yield dialog, settings, scanner
    QApplication.instance().removeEventFilter(scanner)


def test_the_wizard_can_be_skipped_and_is_then_done(wizard, qtbot):
    dialog, settings, _scanner = wizard
    assert dialog.desk_name.text() == computer_name()
    for _ in range(4):
        qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert settings.get("wizard_done") is True
    assert settings.get("desk_name") == "" and not has_pin(settings)


def test_the_scanner_test_says_when_the_keyboard_layouts_differ(wizard, qtbot):
    dialog, _settings, _scanner = wizard
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 2
    scanner_types(qtbot, dialog.scan_target, 'mailto:ann"example.org')  # a US scanner on a UK laptop
    qtbot.waitUntil(lambda: 'It read: mailto:ann"example.org' in dialog.scan_result.text())
    assert "UK keyboard layout" in dialog.scan_result.text()
    assert "Set the scanner to this computer's layout" in dialog.scan_result.text()
    scanner_types(qtbot, dialog.scan_target, "K7Q2M9X4PZ3R8TQW")
    qtbot.waitUntil(lambda: "It read: K7Q2M9X4PZ3R8TQW" in dialog.scan_result.text())
    assert "layout" not in dialog.scan_result.text()


def test_the_wizard_keeps_desk_name_and_pin_and_tests_the_scanner(wizard, qtbot):
    dialog, settings, _scanner = wizard
    dialog.desk_name.setText("Lancaster desk")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    dialog.pin.setText("13579")
    dialog.pin_again.setText("13579")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert "at least 6" in dialog.pin_problem.text() and dialog.pages.currentIndex() == 1
    dialog.pin.setText("135791")
    dialog.pin_again.setText("135791")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 2
    scanner_types(qtbot, dialog.scan_target, "ABC123XYZ")
    # The text read is shown (not only its length), so a keyboard-layout mismatch can be seen.
    qtbot.waitUntil(lambda: "Scanner works. It read: ABC123XYZ" in dialog.scan_result.text())
    assert dialog.scan_target.text() == ""
    for ch in "slowly":  # a person: keys far apart
        qtbot.keyClick(dialog.scan_target, ch)
        qtbot.wait(60)
    qtbot.waitUntil(lambda: dialog.scan_target.text() == "slowly")
    qtbot.keyClick(dialog.scan_target, Qt.Key.Key_Return)
    assert "came in as typing" in dialog.scan_result.text() and "40 ms" in dialog.scan_result.text()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.camera.currentText()  # a camera, or "No camera found"
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert settings.get("wizard_done") and settings.get("desk_name") == "Lancaster desk"
    assert check_pin(settings, "135791", T0).ok
