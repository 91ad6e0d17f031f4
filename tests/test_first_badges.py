"""From a fresh install to a printed badge sheet for a new session at a new venue, without a terminal.

A new account (no settings, no database): the app starts as `checkin app` starts it, its first-run wizard
is answered, and then an organiser, with keyboard and mouse only, creates a session at a new venue, imports
a real Eventbrite export into it, makes the badge sheet in the Print view and prints it through the print
dialog to a PDF file. The PDF is then read back as a person would: every imported person's badge is on it
and its QR code scans to that person's booking.
"""

import csv
import logging
from pathlib import Path

import pytest
from modal_steps import when_modal
from pdf_checks import decode_qrs, page_images

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit, QPushButton

from checkin.desk.bookings import session_by_code
from checkin.desk.roster import session_roster
from checkin.domain.vocabulary import ACTIVE_STATUSES
from ui.base.pin import PinDialog
from ui.base.theme import apply_theme
from ui.delegates.import_dialog import ImportDialog
from ui.shell.main_window import MainWindow
from ui.shell.wizard import WizardDialog

REAL_EXPORT = Path(__file__).parent / "realworld" / "eventbrite_ieee_attendee_report.csv"
PIN = "482916"
#: A person's pace: the scanner filter holds keys that come faster, taking them for a scanner.
KEY_MS = 150


def types(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text, delay=KEY_MS)


def types_over(qtbot, edit, digits: str) -> None:
    """A date or time field: to its start, over its first part, then the digits (each part fills in turn)."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, digits, delay=KEY_MS)


def enters_pin(qtbot):
    def enter(dialog):
        types(qtbot, dialog.field, PIN)
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)

    return when_modal(PinDialog, enter)


@pytest.fixture
def new_account(tmp_path, monkeypatch):
    """A user account the program has never run in: its own home, data, config and log folders."""
    home = tmp_path / "home"
    for name, folder in (
        ("HOME", home),
        ("XDG_DATA_HOME", home / ".local" / "share"),
        ("XDG_CONFIG_HOME", home / ".config"),
        ("XDG_STATE_HOME", home / ".local" / "state"),
        ("XDG_CACHE_HOME", home / ".cache"),
        ("XDG_DOCUMENTS_DIR", home / "Documents"),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    for name in ("CHECKIN_SETTINGS", "CHECKIN_DB", "CHECKIN_LOG", "CHECKIN_DESK"):
        monkeypatch.delenv(name, raising=False)
    yield home
    root = logging.getLogger()
    for handler in list(root.handlers):  # the app's log file lives in this account: let go of it
        if str(getattr(handler, "baseFilename", "")).startswith(str(home)):
            root.removeHandler(handler)
            handler.close()


def test_from_a_fresh_install_to_a_printed_badge_sheet_without_a_terminal(new_account, qtbot, monkeypatch):
    from ui.shell.app import run_app

    app = QApplication.instance()
    # The test's own event loop runs the app: run_app returns once its window is up instead of entering
    # a second, endless one.
    monkeypatch.setattr(QApplication, "exec", lambda *_args: 0)

    # -- the first run: the wizard ------------------------------------------------------------------
    def wizard(dialog: WizardDialog) -> None:
        dialog.desk_name.selectAll()
        types(qtbot, dialog.desk_name, "Lancaster desk")
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        types(qtbot, dialog.pin, PIN)
        types(qtbot, dialog.pin_again, PIN)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)  # no scanner plugged in
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)  # Finish

    wizard_seen = when_modal(WizardDialog, wizard)
    assert run_app(None, "laptop") == 0
    assert wizard_seen, "a first run shows the wizard"
    (window,) = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    qtbot.addWidget(window)
    try:
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        # Until a real list is imported, the app shows the demonstration programme, and says so.
        assert window.windowTitle() == "Check-in Desk — Lancaster desk — DEMO"
        assert window.session_picker.currentText().startswith("DEMO · ")

        # -- a new session at a new venue ---------------------------------------------------------------
        asked = enters_pin(qtbot)
        qtbot.keyClick(
            window.desk_view.input,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert asked
        editor = window.session_editor
        qtbot.waitUntil(editor.isActiveWindow)
        types(qtbot, editor.code_field, "LAN-0410")
        types(qtbot, editor.title_field, "Spotting modern slavery")
        types(qtbot, editor.venue_field, "Lancaster Castle")
        types_over(qtbot, editor.day_field, "10042027")
        types_over(qtbot, editor.starts_field, "0930")
        types_over(qtbot, editor.ends_field, "1600")
        editor.capacity_field.setFocus()
        editor.capacity_field.selectAll()
        qtbot.keyClicks(editor.capacity_field, "40", delay=KEY_MS)
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not editor.isVisible())
        assert window.context.session_code == "LAN-0410"
        assert window.session_picker.currentText().startswith(
            "LAN-0410 — Spotting modern slavery · Lancaster Castle"
        )
        assert "DEMO" not in window.windowTitle()

        # -- the real export, imported into it ------------------------------------------------------
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window.desk_view.input, Qt.Key.Key_F6)
        delegates = window.views["Delegates"]
        assert window.stack.currentWidget() is delegates

        def choose_file(dialog: QFileDialog) -> None:
            qtbot.waitUntil(dialog.isActiveWindow)
            name = dialog.findChild(QLineEdit, "fileNameEdit")
            types(qtbot, name, str(REAL_EXPORT))
            qtbot.keyClick(name, Qt.Key.Key_Return)

        def import_list(dialog: ImportDialog) -> None:
            qtbot.waitUntil(dialog.isActiveWindow)
            chosen = when_modal(QFileDialog, choose_file)
            qtbot.keyClick(dialog.file_field, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
            assert chosen, "Ctrl+O opens the file dialog"
            qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=30_000)
            with qtbot.waitSignal(dialog.applied, timeout=30_000):
                qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

        # The PIN entered for the new session a moment ago still holds (five minutes' grace): not asked again.
        imported = when_modal(ImportDialog, import_list)
        delegates.table.setFocus()
        qtbot.keyClick(delegates.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
        assert imported and imported[0].session_code == "LAN-0410"

        # -- the badge sheet, printed ---------------------------------------------------------------------
        window.activateWindow()  # offscreen, the window is not made active again when a dialog closes
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(delegates.table, Qt.Key.Key_F8)
        printing = window.views["Print"]
        assert window.stack.currentWidget() is printing and printing.current_kind() == "badges"
        printing.make_button.setFocus()
        made: list = []  # the document printed (the preview is cleared once its badges count as printed)
        printing.document_ready.connect(made.append)
        with qtbot.waitSignal(printing.document_ready, timeout=30_000):
            qtbot.keyClick(printing.make_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        printed = new_account / "Documents" / "badges-lan-0410.pdf"

        def print_to_file(dialog: QPrintDialog) -> None:
            qtbot.waitUntil(dialog.isActiveWindow)
            printers = dialog.findChild(QComboBox, "printers")
            printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
            file_name = dialog.findChild(QLineEdit, "filename")
            file_name.selectAll()
            types(qtbot, file_name, str(printed))
            (button,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "&Print"]
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        dialog_seen = when_modal(QPrintDialog, print_to_file)
        with qtbot.waitSignal(printing.printed, timeout=60_000):
            qtbot.keyClick(printing.print_button, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        assert dialog_seen
        QThreadPool.globalInstance().waitForDone(10_000)

        # -- what a person finds on the sheet -----------------------------------------------------------
        database = window.context.database
        with database.session() as db:
            people = [
                e for e in session_roster(db, session_by_code(db, "LAN-0410")) if e.status in ACTIVE_STATUSES
            ]
        with REAL_EXPORT.open(newline="", encoding="utf-8") as export:
            attendees = list(csv.DictReader(export))
        assert sorted(p.last_name + p.first_name for p in people) == sorted(
            row["Last Name"] + row["First Name"] for row in attendees
        )
        found = sorted(qr.text for image in page_images(printed) for qr in decode_qrs(image))
        assert found == sorted(person.badge_code for person in people)
        from pdfplumber import open as open_pdf

        # The printer gets the pages as pictures (exact scale); the words are read from the document it printed.
        document = made[-1] if made else None
        assert document is not None and printing.job is None
        with open_pdf(document.path) as pdf:
            text = " ".join(page.extract_text() or "" for page in pdf.pages)
        for person in people:
            assert person.last_name in text
        assert "Lancaster Castle" in text and "DEMO" not in text
        # The database is the new account's own, in its data folder.
        assert Path(str(database.engine.url.database)).is_relative_to(new_account)
    finally:
        QThreadPool.globalInstance().waitForDone(10_000)
        for installed in (window.scanner, window.idle_lock):
            if installed is not None:
                app.removeEventFilter(installed)
        apply_theme(app, high_contrast=False)
        window.close()
