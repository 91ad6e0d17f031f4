"""What a screen reader hears: every control named, none confused with another, the scan outcome announced
the moment it shows, tables with their headers."""

import pytest
from tests_support import booked_people, roster, scanner_types

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget

from checkin.desk.pin import set_pin
from checkin.desk.roster import session_summaries
from checkin.domain.decide import OutcomeCode
from ui.base.accessibility import controls, same_name_different_jobs, unnamed


def problems(root: QWidget, *, visible_only: bool = True) -> list[str]:
    """What a screen-reader user could not tell: controls without a name, names shared by different jobs."""
    found = [
        f"no name: {c.role} {type(c.widget).__name__}#{c.widget.objectName()} {c.name!r}"
        for c in unnamed(root, visible_only=visible_only)
    ]
    for name, group in same_name_different_jobs(root, visible_only=visible_only).items():
        found.append(f"{name!r} names {len(group)} controls: {', '.join(c.job for c in group)}")
    return found


VIEWS = ["Desk", "Delegates", "Roll-call", "Print", "Dashboard", "Settings", "Duplicates"]


@pytest.mark.parametrize("title", VIEWS)
def test_every_control_of_every_view_has_a_name_of_its_own(open_demo_window, qtbot, title):
    window, *_ = open_demo_window()
    window.show_view(title)
    view = window.views[title]
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    # The duplicates list shows only once there are duplicates: its name is checked all the same.
    visible_only = title != "Duplicates"
    assert controls(view, visible_only=visible_only), f"{title} shows no control"
    assert problems(view, visible_only=visible_only) == []


def test_the_window_around_the_views_names_its_controls(open_demo_window):
    window, *_ = open_demo_window()
    shell = [c for c in controls(window) if not window.stack.isAncestorOf(c.widget)]
    assert {c.widget for c in shell} >= {window.session_picker, window.nav}
    assert [c for c in shell if not c.name] == []


def _delegates_row(window, qtbot):
    view = window.views["Delegates"]
    window.show_view("Delegates")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    view.table.selectRow(0)
    return view, view.current_row()


def _dialogs(window, qtbot, settings):
    """Every dialog of the desk, made as the desk makes it (not shown modally)."""
    from ui.base.pin import PinDialog
    from ui.delegates.dialogs import DelegateEditDialog, HistoryDialog, TransferDialog
    from ui.delegates.import_dialog import ImportDialog
    from ui.desk.walk_in import WalkInDialog
    from ui.printing.calibration_dialog import CalibrationDialog
    from ui.printing.view import ChooseDelegatesDialog
    from ui.shell.about import AboutDialog

    context = window.context
    delegates, row = _delegates_row(window, qtbot)
    printing = window.views["Print"]
    yield "walk-in", WalkInDialog(context, window)
    yield "PIN", PinDialog(context, window, reason="Enter the organiser PIN to change the settings.")
    yield "edit", DelegateEditDialog(context, row.delegate_id, delegates)
    yield "transfer", TransferDialog(context, row, delegates)
    yield "history", HistoryDialog(context, row, delegates)
    yield "import", ImportDialog(context, delegates)
    yield "choose delegates", ChooseDelegatesDialog(printing._active_entries(), set(), printing)  # noqa: SLF001
    yield "calibration", CalibrationDialog(context, printing.printer, None, printing)
    yield "about", AboutDialog(None, window)


def test_every_dialog_names_its_controls(open_demo_window, qtbot):
    window, _scanner, _database, _code, settings = open_demo_window()
    found = {}
    for what, dialog in _dialogs(window, qtbot, settings):
        dialog.show()
        qtbot.waitExposed(dialog)
        assert controls(dialog), f"the {what} dialog shows no control"
        found[what] = problems(dialog)
        dialog.close()
        dialog.deleteLater()
    assert found == {what: [] for what in found}


def test_the_kiosk_names_the_controls_of_every_page(qtbot, tmp_path, demo_programme):
    from PySide6.QtWidgets import QApplication

    from checkin.settings import Settings
    from ui.kiosk.window import build_kiosk

    database, code = demo_programme
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, "482916")  # a kiosk starts only with a PIN, its only way out
    kiosk, scanner = build_kiosk(database, settings, "kiosk-1", code)
    qtbot.addWidget(kiosk)
    kiosk.show()
    try:
        assert problems(kiosk, visible_only=False) == []
    finally:
        QApplication.instance().removeEventFilter(scanner)
        kiosk.may_close = True


def test_the_first_run_wizard_names_the_controls_of_every_step(qtbot, tmp_path):
    from checkin.settings import Settings
    from ui.input.scanner import ScannerFilter
    from ui.shell.wizard import WizardDialog

    dialog = WizardDialog(Settings(tmp_path / "settings.json"), ScannerFilter())
    qtbot.addWidget(dialog)
    dialog.show()
    assert problems(dialog, visible_only=False) == []


def test_a_scan_outcome_is_announced_with_the_action_offered_and_the_focus_stays_in_the_scan_field(
    scan_desk, qtbot
):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    with database.session() as db:
        later = session_summaries(db)[1].code
    here = {e.delegate_id for e in roster(database, code)}
    stranger = next(e for e in booked_people(database, later) if e.delegate_id not in here)
    QAccessible.setActive(True)  # as when a screen reader listens: the announcement is sent, not skipped
    try:
        scanner_types(qtbot, view.input, stranger.badge_code)
        qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.WRONG_SESSION)
    finally:
        QAccessible.setActive(False)
    said = view.panel.accessibleDescription()
    assert said.startswith("Booked on another session. ")
    assert stranger.display_name in said and "Transfer to this session (F2)" in said
    assert QApplication.focusWidget() is view.input
    assert view.panel.accessibleName() == "Scan outcome"
    # The action the outcome offers is a named control too.
    assert problems(view) == []


def test_tables_expose_their_column_headers(open_demo_window, qtbot):
    window, *_ = open_demo_window()
    view, _row = _delegates_row(window, qtbot)
    table = QAccessible.queryAccessibleInterface(view.table)
    assert (
        table.role() is QAccessible.Role.Table
        and table.text(QAccessible.Text.Name) == "Delegates of the session"
    )
    cells = [table.child(index) for index in range(table.childCount())]
    headers = [
        cell.text(QAccessible.Text.Name) for cell in cells if cell.role() is QAccessible.Role.ColumnHeader
    ]
    assert headers[:2] == ["Surname", "First name"] and all(headers)
