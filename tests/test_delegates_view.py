"""The Delegates view and the import dialog driven like an organiser would: the roster with statuses and
arrival times, sorting, filters, edit, cancel and restore, transfer, badges, history, 100,000 bookings,
and importing a list with a column the program did not recognise."""

import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from modal_steps import when_modal
from sqlalchemy import func, select
from tests_support import roster

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QTableView

from checkin.desk.bookings import add_session, set_status
from checkin.desk.roster import session_summaries
from checkin.desk.roster_index import RosterFilter
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.database import open_database
from checkin.store.models import AuditLog, Base, CheckinEvent, Delegate, PrintLog, Registration
from ui.delegates.dialogs import DelegateEditDialog, HistoryDialog, TransferDialog
from ui.delegates.roster_model import BADGE, CHECKED_IN, ORGANISATION, ROW_ROLE, STATUS, SURNAME, RosterModel


@pytest.fixture
def demo_delegates_view(open_demo_window, qtbot):
    """The Delegates view, filled, in a 1366×768 main window on the demo programme: (window, view,
    database, session code)."""
    window, _scanner, database, code, _settings = open_demo_window(size=(1366, 768))
    window.show_view("Delegates")
    view = window.views["Delegates"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return window, view, database, code


def landed(qtbot, model):
    """Sorting and filtering read the list off the GUI thread: wait until the new list is shown."""
    qtbot.waitUntil(lambda: not model.loading, timeout=30_000)


def listed(view, column=SURNAME):
    model = view.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def listed_rows(view):
    return [view.model.data(view.model.index(row, 0), ROW_ROLE) for row in range(view.model.rowCount())]


def select_person(view, registration_id):
    assert view.select_registration(registration_id)
    assert view.current_row().registration_id == registration_id
    view.table.setFocus()


def test_the_roster_lists_the_session_with_statuses_and_arrival_times(demo_delegates_view, qtbot):
    window, view, database, code = demo_delegates_view
    people = [e for e in roster(database, code) if e.status == "booked"]
    window.desk_view.scan(people[0].badge_code)
    with database.session() as db:
        set_status(db, people[1].registration_id, RegistrationStatus.CANCELLED, "refunded")
        db.commit()
    window.context.roster_changed.emit()
    window.show_view("Delegates")
    expected = roster(database, code)
    wanted = {(e.registration_id, e.last_name, e.status, e.checked_in_at) for e in expected}
    qtbot.waitUntil(
        lambda: (
            {(r.registration_id, r.last_name, r.status, r.checked_in_at) for r in listed_rows(view)} == wanted
        )
    )

    rows = {row.registration_id: row for row in listed_rows(view)}
    assert len(rows) == len(expected) == view.model.rowCount()
    for entry in expected:
        row = rows[entry.registration_id]
        assert (row.last_name, row.status, row.checked_in_at) == (
            entry.last_name,
            entry.status,
            entry.checked_in_at,
        )
    arrived = view.model.row_of(people[0].registration_id)
    when = next(e for e in expected if e.registration_id == people[0].registration_id)
    assert view.model.data(
        view.model.index(arrived, CHECKED_IN)
    ) == "✔ " + when.checked_in_at.astimezone().strftime("%H:%M")
    cancelled = view.model.row_of(people[1].registration_id)
    assert view.model.data(view.model.index(cancelled, STATUS)) == "Cancelled"
    assert "refunded" in view.model.data(view.model.index(cancelled, STATUS), Qt.ItemDataRole.ToolTipRole)
    assert view.model.data(view.model.index(cancelled, BADGE)) == "Not printed"
    assert view.count_label.text() == f"{len(expected)} bookings"
    # Surname order by default, case aside (SQLite's lower() folds ASCII letters only).
    names = [name for name in listed(view) if name.isascii()]
    assert names == sorted(names, key=str.lower)


def test_sorting_by_surname_and_organisation(demo_delegates_view, qtbot):
    _window, view, _database, _code = demo_delegates_view
    view.table.sortByColumn(SURNAME, Qt.SortOrder.DescendingOrder)
    landed(qtbot, view.model)
    surnames = [row.last_name.lower() for row in listed_rows(view) if row.last_name.isascii()]
    assert surnames == sorted(surnames, reverse=True)
    view.table.sortByColumn(ORGANISATION, Qt.SortOrder.AscendingOrder)
    landed(qtbot, view.model)
    organisations = [row.organisation for row in listed_rows(view)]
    filled = [name for name in organisations if name]
    assert filled == sorted(filled, key=str.lower)
    assert organisations[len(filled) :] == [""] * (len(organisations) - len(filled))  # blanks last
    view.table.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
    landed(qtbot, view.model)
    statuses = [row.status for row in listed_rows(view)]
    assert statuses == sorted(statuses)


def test_the_selected_delegate_stays_selected_and_in_sight_across_a_background_sort(
    demo_delegates_view, qtbot
):
    window, view, _database, _code = demo_delegates_view
    table, model = view.table, view.model
    bar = table.verticalScrollBar()
    assert bar.maximum() > 0  # more people than the screen holds: there is a scroll position to keep
    # Scroll down the list and click someone in the middle of the screen.
    table.verticalScrollBar().setValue(bar.maximum() // 2)
    row = table.rowAt(table.viewport().height() // 2)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(row, 0)).center()
    )
    chosen = view.current_row()
    assert chosen is not None and model.row_of(chosen.registration_id) == row
    height = table.visualRect(model.index(row, 0)).top()
    order = list(model.ids)

    header = table.horizontalHeader()
    x = header.sectionViewportPosition(ORGANISATION) + header.sectionSize(ORGANISATION) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert model.loading  # the sort reads the list in the background; the old one stays meanwhile
    assert view.current_row().registration_id == chosen.registration_id
    landed(qtbot, model)

    assert model.ids != order and [row.organisation for row in listed_rows(view)][0] != ""  # sorted anew
    moved = model.row_of(chosen.registration_id)
    assert view.current_row().registration_id == chosen.registration_id
    assert table.selectionModel().isRowSelected(moved, QModelIndex())
    place = table.visualRect(model.index(moved, 0))
    assert table.viewport().rect().contains(place)  # in sight
    if 0 <= table.verticalHeader().sectionPosition(moved) - height <= bar.maximum():
        assert place.top() == height  # and where it was on screen, when the list can scroll there

    # A background refresh (another desk's change) keeps the same person, and the scroll position.
    scrolled = bar.value()
    with qtbot.waitSignal(model.reloaded, timeout=10_000):
        window.context.roster_changed.emit()
    assert view.current_row().registration_id == chosen.registration_id
    assert bar.value() == scrolled
    assert table.viewport().rect().contains(table.visualRect(model.index(moved, 0)))


def test_a_scan_shows_in_the_roster_on_screen_without_moving_it(demo_delegates_view, qtbot):
    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    row = view.model.row_of(person.registration_id)
    assert view.model.index(row, CHECKED_IN).data() == "Not yet"
    window.desk_view.scan(person.badge_code)  # a scan at the desk while the roster is on screen
    # The rows on screen are read again in the background; the list keeps its order.
    qtbot.waitUntil(lambda: view.model.index(row, CHECKED_IN).data().startswith("✔ "))
    assert view.model.row_of(person.registration_id) == row


def test_filters_by_status_arrival_organisation_and_text(demo_delegates_view, qtbot):
    window, view, database, code = demo_delegates_view
    everyone = roster(database, code)
    first = next(e for e in everyone if e.status == "booked")
    window.desk_view.scan(first.badge_code)
    window.show_view("Delegates")

    view.status_filter.setCurrentIndex(view.status_filter.findText("Cancelled"))
    landed(qtbot, view.model)
    assert {row.status for row in listed_rows(view)} == {"cancelled"}
    assert view.model.rowCount() == sum(e.status == "cancelled" for e in everyone)
    assert view.count_label.text() == f"{view.model.rowCount()} of {len(everyone)} bookings"
    view.status_filter.setCurrentIndex(0)

    view.arrival_filter.setCurrentIndex(view.arrival_filter.findText("Checked in"))
    qtbot.waitUntil(lambda: [row.registration_id for row in listed_rows(view)] == [first.registration_id])
    view.arrival_filter.setCurrentIndex(view.arrival_filter.findText("Not yet arrived"))
    landed(qtbot, view.model)
    assert view.model.rowCount() == len(everyone) - 1
    view.arrival_filter.setCurrentIndex(0)
    landed(qtbot, view.model)

    organisation = first.organisation
    qtbot.keyClicks(view.organisation_filter, organisation[:8].lower())
    qtbot.waitUntil(lambda: 0 < view.model.rowCount() < len(everyone))
    assert all(organisation[:8].lower() in row.organisation.lower() for row in listed_rows(view))
    view.organisation_filter.clear()

    # Free text, accents and case ignored, every word must match; Enter moves to the list.
    qtbot.keyClicks(view.find, f"{first.last_name.upper()} {first.first_name[:3]}")
    qtbot.keyClick(view.find, Qt.Key.Key_Return)
    landed(qtbot, view.model)
    assert first.registration_id in [row.registration_id for row in listed_rows(view)]
    assert view.model.rowCount() < 5
    assert view.current_row() is not None and view.table.hasFocus()


def test_an_edit_changes_the_name_everywhere(demo_delegates_view, qtbot, monkeypatch):
    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    select_person(view, person.registration_id)

    def correct(dialog: DelegateEditDialog) -> int:
        assert dialog.fields["last_name"].text() == person.last_name
        dialog.fields["last_name"].setText("Quennell-Smythe")
        dialog.fields["dietary_needs"].setText("Coeliac")
        assert dialog.save()
        return dialog.result()

    monkeypatch.setattr(DelegateEditDialog, "exec", correct)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: view.current_row() is not None and view.current_row().last_name == "Quennell-Smythe"
    )
    assert view.current_row().dietary_needs == "Coeliac"
    assert "saved" in window.statusBar().currentMessage()

    desk_view = window.desk_view
    desk_view.input.setText("quennell")
    desk_view._run_search()
    assert desk_view.results.count() == 1 and "Quennell-Smythe" in desk_view.results.item(0).text()
    with database.session() as db:
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "edit")).one()
    assert "Quennell" not in audit.detail and "Coeliac" not in audit.detail


def test_an_edit_the_desk_cannot_make_stays_open_with_the_reason(demo_delegates_view, monkeypatch):
    _window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    dialog = DelegateEditDialog(view.context, person.delegate_id, view)
    dialog.fields["email"].setText("not an address")
    assert not dialog.save()
    assert dialog.error.isVisibleTo(dialog) and "not an email address" in dialog.error.text()
    assert (
        next(e for e in roster(database, code) if e.delegate_id == person.delegate_id).email == person.email
    )


def test_cancel_refuses_the_badge_and_restore_admits_again(demo_delegates_view, qtbot, monkeypatch):
    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    select_person(view, person.registration_id)
    asked = []

    def reason(parent, title, label, echo, text):
        asked.append(label)
        return "Rang to say she cannot come", True

    monkeypatch.setattr(QInputDialog, "getText", reason)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked and person.last_name in asked[0]
    qtbot.waitUntil(lambda: view.current_row().status == "cancelled")
    assert view.current_row().status_reason == "Rang to say she cannot come"
    assert view.restore_action.isEnabled() and not view.cancel_action.isEnabled()

    result = window.desk_view.scan(person.badge_code)
    assert result.outcome.code is OutcomeCode.CANCELLED

    window.show_view("Delegates")
    select_person(view, person.registration_id)
    qtbot.keyClick(view.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.current_row().status == "booked")
    assert window.desk_view.scan(person.badge_code).outcome.code is OutcomeCode.ADMITTED


def test_organiser_only_actions_need_the_organiser(demo_delegates_view, qtbot, monkeypatch):
    _window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    select_person(view, person.registration_id)
    reasons = []
    monkeypatch.setattr(
        "ui.delegates.view.require_organiser", lambda parent, context, reason: reasons.append(reason)
    )
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *args: pytest.fail("asked for a reason without the PIN")
    )
    for key, modifier in (
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier),
    ):
        qtbot.keyClick(view.table, key, modifier)
    assert len(reasons) == 4 and all("organiser PIN" in reason for reason in reasons)
    assert next(e for e in roster(database, code) if e.delegate_id == person.delegate_id).status == "booked"


def test_transfer_to_another_session(demo_delegates_view, qtbot, monkeypatch):
    window, view, database, code = demo_delegates_view
    with database.session() as db:
        later = session_summaries(db)[1].code
    here = {e.delegate_id for e in roster(database, code)}
    there = {e.delegate_id for e in roster(database, later)}
    person = next(e for e in roster(database, code) if e.status == "booked" and e.delegate_id not in there)
    select_person(view, person.registration_id)

    def choose_later(dialog: TransferDialog) -> int:
        assert code not in [
            dialog.sessions.item(i).text()[: len(code)] for i in range(dialog.sessions.count())
        ]
        dialog.choose(later)
        assert dialog.submit()
        return dialog.result()

    monkeypatch.setattr(TransferDialog, "exec", choose_later)
    qtbot.keyClick(view.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.current_row().status == "transferred")
    assert person.delegate_id in here
    moved = next(e for e in roster(database, later) if e.delegate_id == person.delegate_id)
    assert moved.status == "booked"
    assert later in window.statusBar().currentMessage()
    assert not view.transfer_action.isEnabled() and not view.print_action.isEnabled()


def test_history_shows_the_scans_of_a_person(demo_delegates_view, qtbot, monkeypatch):
    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    window.desk_view.scan(person.badge_code)
    window.desk_view.scan(person.badge_code)
    window.show_view("Delegates")
    select_person(view, person.registration_id)
    shown = []

    def capture(dialog: HistoryDialog) -> int:
        shown.append(dialog.texts())
        return 0

    monkeypatch.setattr(HistoryDialog, "exec", capture)
    qtbot.keyClick(view.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    (lines,) = shown
    assert [line[1] for line in lines] == ["Scan: admitted", "Checked in", "Scan: already checked in"]
    assert {line[2] for line in lines} == {"door-1"} and lines[0][3] == "scanner" and lines[0][4] == code


def test_print_and_reprint_a_badge(demo_delegates_view, qtbot, monkeypatch, tmp_path):
    """Ctrl+P prints the person's badge through the print dialog (the Print view makes it); it counts as
    printed once printed, and a second print is a reprint. The Delegates view stays in front."""
    from pdf_checks import decode_qrs, page_images

    from PySide6.QtPrintSupport import QPrinter

    from ui.printing.view import PrintView

    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    select_person(view, person.registration_id)
    printed = []

    def print_dialog(_view, printer, pages):  # the print dialog, answered with Print into a PDF file
        printed.append(tmp_path / f"badge-{len(printed) + 1}.pdf")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed[-1]))
        return True

    monkeypatch.setattr(PrintView, "choose_printer", print_dialog)
    with qtbot.waitSignal(window.views["Print"].printed, timeout=30_000):
        qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is view
    (qr,) = decode_qrs(page_images(printed[0])[0])
    assert qr.text == person.badge_code
    qtbot.waitUntil(lambda: view.current_row().badges_printed == 1)
    row = view.model.row_of(person.registration_id)
    assert view.model.data(view.model.index(row, BADGE)) == "Printed"
    with qtbot.waitSignal(window.views["Print"].printed, timeout=30_000):
        qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.current_row().badges_printed == 2)
    with database.session() as db:
        reprints = db.scalars(
            select(PrintLog.reprint).where(PrintLog.registration_id == person.registration_id)
        )
        assert list(reprints) == [False, True]


def test_a_badge_whose_print_dialog_is_cancelled_counts_as_nothing(demo_delegates_view, qtbot, monkeypatch):
    from ui.printing.view import PrintView

    window, view, database, code = demo_delegates_view
    person = next(e for e in roster(database, code) if e.status == "booked")
    select_person(view, person.registration_id)
    asked = []
    monkeypatch.setattr(
        PrintView, "choose_printer", lambda _view, _printer, pages: asked.append(pages) or False
    )
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: asked == [1], timeout=30_000)
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(PrintLog)) == 0
    assert view.current_row().badges_printed == 0


# --------------------------------------------------------------------------------------------------
# A county-wide list


def bulk_insert(db, table, rows: list[dict]) -> None:
    """Many rows in one executemany, values already as SQLite stores them (the ORM's per-row work skipped)."""
    columns = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    db.connection().exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])


def stored(at: datetime) -> str:
    """A UTC time as SQLAlchemy's SQLite DateTime stores it."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def big_roster(tmp_path: Path, people: int = 100_000, arrived: int = 30_000):
    """100,000 bookings on one session, 30,000 of them checked in, written with bulk inserts."""
    database = open_database(tmp_path / "big.sqlite3")
    now = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    when = stored(now)
    organisations = [f"Organisation {i:03d}" for i in range(400)] + [""]
    with database.session() as db:
        session = add_session(db, "CTY-0001", "County-wide", "County Hall", now, capacity=people)
        session_id = session.id
        surname = [f"Surname{(i * 7919) % people:06d}" for i in range(people + 1)]
        bulk_insert(
            db,
            Delegate.__table__,
            [
                {
                    "id": i,
                    "uuid": str(uuid.UUID(int=i)),
                    "first_name": f"First{i % 977}",
                    "last_name": surname[i],
                    "badge_name": "",
                    "organisation": organisations[i % len(organisations)],
                    "job_title": "Officer",
                    "sector": "",
                    "email": f"person{i}@example.org",
                    "phone": "",
                    "access_needs": "",
                    "dietary_needs": "",
                    "consent": False,
                    "search_key": f"first{i % 977} {surname[i].lower()} person{i}@example.org",
                    "created_at": when,
                    "updated_at": when,
                }
                for i in range(1, people + 1)
            ],
        )
        bulk_insert(
            db,
            Registration.__table__,
            [
                {
                    "id": i,
                    "uuid": str(uuid.UUID(int=people + i)),
                    "delegate_id": i,
                    "session_id": session_id,
                    "status": "cancelled" if i % 50 == 0 else "booked",
                    "status_reason": "",
                    "source": "test",
                    "badge_code": f"T{i:09d}",
                    "answers": "{}",
                    "created_at": when,
                    "updated_at": when,
                }
                for i in range(1, people + 1)
            ],
        )
        bulk_insert(
            db,
            CheckinEvent.__table__,
            [
                {
                    "uuid": str(uuid.UUID(int=2 * people + i)),
                    "registration_id": i,
                    "session_id": session_id,
                    "kind": "in",
                    "at": stored(now + timedelta(seconds=i)),
                    "desk": "door-1",
                    "operator": "",
                    "method": "scanner",
                }
                for i in range(1, arrived + 1)
            ],
        )
        db.commit()
    return database, session_id


def test_the_roster_model_with_100000_bookings(qtbot, tmp_path):
    database, session_id = big_roster(tmp_path)
    model = RosterModel(database)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(1100, 600)
    table.show()
    qtbot.waitExposed(table)
    model.set_session(session_id)
    landed(qtbot, model)
    assert model.rowCount() == 100_000

    table.scrollToBottom()
    QApplication.processEvents()
    last = model.data(model.index(99_999, SURNAME))
    assert last == "Surname099999" or last.startswith("Surname")
    assert model.data(model.index(99_990, 0), ROW_ROLE).registration_id > 0
    assert model.cached_rows() < 1_000
    reads = model.page_reads
    for row in range(99_800, 100_000, 7):  # scrolling within what is cached reads nothing more
        model.data(model.index(row, SURNAME))
    assert model.page_reads == reads

    table.sortByColumn(ORGANISATION, Qt.SortOrder.AscendingOrder)
    landed(qtbot, model)
    assert model.rowCount() == 100_000
    assert model.data(model.index(0, ORGANISATION)) == "Organisation 000"
    assert model.data(model.index(99_999, ORGANISATION)) == ""  # blanks last
    table.sortByColumn(CHECKED_IN, Qt.SortOrder.DescendingOrder)
    landed(qtbot, model)
    assert model.data(model.index(0, 0), ROW_ROLE).registration_id == 30_000  # the latest arrival

    model.set_filters(RosterFilter(checked_in=True))
    landed(qtbot, model)
    assert model.rowCount() == 30_000
    model.set_filters(RosterFilter(statuses=("cancelled",)))
    landed(qtbot, model)
    assert model.rowCount() == 2_000
    model.set_filters(RosterFilter(text="surname000007"))
    landed(qtbot, model)
    assert model.rowCount() == 1
    model.set_filters(RosterFilter(organisation="organisation 12"))
    landed(qtbot, model)
    assert model.rowCount() == 10 * 250
    assert model.cached_rows() <= 1_000
    database.dispose()


# --------------------------------------------------------------------------------------------------
# Import from the app

LIST = [
    ["First name", "Last name", "Email", "Which team are you in?"],
    ["Ngozi", "Okafor", "ngozi.okafor@example.org", "Preston Foodbank"],
    ["Tomasz", "Wiśniewski", "t.wisniewski@example.org", "Lancashire Fire and Rescue"],
    ["Aisha", "Rahman", "aisha.rahman@example.org", "Blackburn with Darwen Council"],
]


def write_list(path: Path, rows=LIST) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def everything(database):
    with database.session() as db:
        return {
            table.name: db.execute(select(func.count()).select_from(table)).scalar()
            for table in Base.metadata.sorted_tables
        }


def open_dialog(view):
    from ui.delegates.import_dialog import ImportDialog

    dialog = ImportDialog(view.context, view)
    dialog.show()
    return dialog


def test_import_dry_run_mapping_and_apply(demo_delegates_view, qtbot, tmp_path):
    _window, view, database, code = demo_delegates_view
    before = everything(database)
    booked_before = len(roster(database, code))
    dialog = open_dialog(view)
    with qtbot.waitSignal(dialog.checked, timeout=20_000) as checked:
        dialog.open_file(write_list(tmp_path / "bookings.csv"))
    report = checked.args[0]
    assert (report.added, report.updated, report.unchanged, report.cancelled) == (3, 0, 0, 0)
    assert dialog.numbers["added"].text() == "3" and dialog.numbers["rows"].text() == "3"
    assert "Spreadsheet" in dialog.format_label.text()
    assert everything(database) == before  # a dry run writes nothing
    assert dialog.apply_button.isEnabled()

    # The unrecognised column is marked, and assigning it a field checks again with that mapping.
    assert dialog.combos["Which team are you in?"].currentData() == "answer"
    assert dialog.mapping.item(3, 0).text().endswith("?")
    with qtbot.waitSignal(dialog.checked, timeout=20_000) as rechecked:
        dialog.set_column("Which team are you in?", "organisation")
        assert not dialog.apply_button.isEnabled()
    assert rechecked.args[0].column_mapping["Which team are you in?"] == "organisation"
    assert dialog.mapping_overrides() == {"Which team are you in?": "organisation"}

    with qtbot.waitSignal(dialog.applied, timeout=20_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert len(roster(database, code)) == booked_before + 3
    people = {e.last_name: e for e in roster(database, code)}
    assert people["Okafor"].organisation == "Preston Foodbank"
    assert people["Wiśniewski"].organisation == "Lancashire Fire and Rescue"
    assert "Imported" in dialog.message.text() and not dialog.apply_button.isEnabled()
    qtbot.waitUntil(lambda: view.model.row_of(people["Okafor"].registration_id) >= 0)


def test_a_broken_file_shows_the_error_and_writes_nothing(demo_delegates_view, qtbot, tmp_path):
    _window, view, database, _code = demo_delegates_view
    before = everything(database)
    dialog = open_dialog(view)
    broken = write_list(tmp_path / "totals.csv", [["Region", "Total"], ["North", "12"]])
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as failed:
        dialog.open_file(broken)
    assert "totals.csv" in failed.args[0] and "Nothing was imported" in failed.args[0]
    assert dialog.message.isVisible() and "no column of names" in dialog.message.text()
    assert not dialog.apply_button.isEnabled() and not dialog.summary.isVisible()
    assert everything(database) == before


def import_list_held(progress, url, path, *rest):  # noqa: ANN001, ANN201 - the worker's job, as import_list
    """The real import in the worker process, held once the list is read and before it is committed, until
    the test lets it go (a file beside the list): the user presses Cancel meanwhile."""
    from ui.delegates.import_work import import_list

    def held(done: int, total: int) -> None:
        if done == 1:
            go, until = Path(path).with_suffix(".go"), time.monotonic() + 10
            while not go.exists() and time.monotonic() < until:
                time.sleep(0.01)
        progress(done, total)

    return import_list(held, url, path, *rest)


def test_cancelling_the_import_writes_nothing(demo_delegates_view, qtbot, tmp_path, monkeypatch):
    import ui.delegates.import_dialog as module

    _window, view, database, _code = demo_delegates_view
    dialog = open_dialog(view)
    listed = write_list(tmp_path / "bookings.csv")
    with qtbot.waitSignal(dialog.checked, timeout=20_000):
        dialog.open_file(listed)
    before = everything(database)
    monkeypatch.setattr(module, "import_list", import_list_held)
    dialog.apply()
    assert dialog.busy.isVisible() and dialog.progress.maximum() == 0
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    listed.with_suffix(".go").touch()
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as failed:
        pass
    assert "Cancelled" in failed.args[0]
    assert everything(database) == before


def import_list_dies(_progress, *_args: object) -> None:  # noqa: ANN001 - the worker's job, as import_list
    os._exit(3)  # the worker process ends mid-import, as one the system killed would


def test_an_import_whose_worker_dies_says_so_writes_nothing_and_applies_again(
    demo_delegates_view, qtbot, tmp_path, monkeypatch
):
    import ui.delegates.import_dialog as module

    _window, view, database, _code = demo_delegates_view
    dialog = open_dialog(view)
    with qtbot.waitSignal(dialog.checked, timeout=20_000):
        dialog.open_file(write_list(tmp_path / "bookings.csv"))
    before = everything(database)
    monkeypatch.setattr(module, "import_list", import_list_dies)
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as failed:
        dialog.apply()
    assert failed.args[0].startswith("The background work stopped before it finished")
    assert dialog.message.isVisible() and dialog.message.text() == failed.args[0]
    assert everything(database) == before
    assert dialog.apply_button.isEnabled()
    monkeypatch.undo()
    with qtbot.waitSignal(dialog.applied, timeout=30_000) as applied:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert applied.args[0].added > 0 and everything(database) != before


def test_ctrl_i_opens_the_import_from_the_delegates_view(demo_delegates_view, qtbot, tmp_path, monkeypatch):
    from ui.delegates.import_dialog import ImportDialog

    _window, view, _database, _code = demo_delegates_view
    path = write_list(tmp_path / "bookings.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    seen = []

    def run(dialog: ImportDialog) -> int:
        dialog.choose_file()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
        seen.append(dialog.report.added)
        return 0

    monkeypatch.setattr(ImportDialog, "exec", run)

    def into_the_demo(box: QMessageBox) -> None:  # the demo's session: the app asks first
        (anyway,) = [b for b in box.buttons() if b.text() == "Import into the demo anyway"]
        anyway.click()

    asked = when_modal(QMessageBox, into_the_demo)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert asked and seen == [3]
