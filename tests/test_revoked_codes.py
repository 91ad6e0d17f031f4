"""Replaced codes no longer admit: a re-imported list with a regenerated ticket, an Eventbrite pull, a lost
badge reissued at the desk; the refusal says when, and travels to other desks by hub and by bundle.

`realworld/pretix_checkinlist_default.csv` is pretix's own expected check-in list export (pretix/pretix,
`src/tests/plugins/test_checkinlist.py::test_csv_simple`, commit 033deb7c), as /work/shared/realworld has it.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import import_fixtures as fx
import pytest
from factories import admits_any_day, book, make_session
from sqlalchemy import func, select
from test_eventbrite import EVENT, TOKEN, FakeEventbrite, attendee
from tests_support import roster

from checkin.desk.attendance import is_marked
from checkin.desk.bookings import session_by_code
from checkin.desk.revocations import reissue_badge
from checkin.desk.rollcall import mark_by_scan
from checkin.desk.scan_history import registration_history
from checkin.desk.scanning import record_scan
from checkin.domain.codes import CodeKind, ReadCode, lookup_key
from checkin.domain.decide import OutcomeCode, RegistrationFacts, SessionFacts, decide
from checkin.domain.marks import MarkCode
from checkin.domain.person import Person
from checkin.importing.applying import import_delegate_list
from checkin.importing.eventbrite import pull_eventbrite
from checkin.records.privacy import erase_person
from checkin.store.database import Database, open_database
from checkin.store.models import AuditLog, Delegate, ExternalCode, RevokedCode, Segment
from checkin.sync.bundle import export_bundle, import_bundle
from checkin.sync.hub import init_hub, sync_round

SESSION = "PRE-0312"
PRETIX = Path(__file__).parent / "realworld" / "pretix_checkinlist_default.csv"
PETER_OLD = "hutjztuxhkbtwnesv2suqv26k6ttytxx"  # Peter Jones's secret in pretix's export
PETER_NEW = "mnpqrstuvwxyz23456789abcdefghjkm"  # ...after the organiser regenerated it
# Late on Thursday 9 July in UTC is already Friday in London (summer time): the refusal names the
# desk's own day.
REPLACED_AT = datetime(2026, 7, 9, 23, 30, tzinfo=UTC)
REPLACED_SENTENCE = "This ticket code was replaced on Fri 10 Jul — ask for the delegate's name."


@pytest.fixture
def london(monkeypatch):
    """The desk's clock on the wall is London's."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def revocation_desk(tmp_path):
    """A desk file with the session the lists are imported into. Its scans happen months after the
    session's date (when codes were replaced), so it admits on any day."""
    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        admits_any_day(make_session(db, SESSION))
        db.commit()
    yield database
    database.dispose()


def pretix_list(folder: Path, *, secret: str = PETER_OLD) -> Path:
    """pretix's export as it came, or again after Peter's secret was regenerated."""
    path = folder / f"checkin-list-{secret[:6]}.csv"
    path.write_bytes(PRETIX.read_bytes().replace(PETER_OLD.encode(), secret.encode()))
    return path


def run_import(database: Database, path: Path, *, at: datetime = REPLACED_AT, dry_run: bool = False):
    with database.session() as db:
        report = import_delegate_list(
            db, path, session_by_code(db, SESSION), desk="door-1", clock=lambda: at, dry_run=dry_run
        )
        db.rollback() if dry_run else db.commit()
    return report


def scan(database: Database, text: str, minutes: float = 60):
    with database.session() as db:
        return record_scan(
            db,
            text,
            session_by_code(db, SESSION),
            desk="door-1",
            clock=lambda: REPLACED_AT + timedelta(minutes=minutes),
        ).outcome


def live_codes(database: Database) -> set[str]:
    with database.session() as db:
        return set(db.scalars(select(ExternalCode.code)))


# ---- a re-imported list ----------------------------------------------------------------------------


def test_a_reimported_pretix_list_with_a_regenerated_secret_revokes_the_old_one(
    revocation_desk, tmp_path, london
):
    first = run_import(revocation_desk, pretix_list(tmp_path), at=REPLACED_AT - timedelta(days=30))
    assert (first.added, first.codes_replaced) == (2, 0)

    dry = run_import(revocation_desk, pretix_list(tmp_path, secret=PETER_NEW), dry_run=True)
    assert dry.codes_replaced == 1  # counted, not written
    assert PETER_OLD in live_codes(revocation_desk) and PETER_NEW not in live_codes(revocation_desk)

    report = run_import(revocation_desk, pretix_list(tmp_path, secret=PETER_NEW))
    assert (report.added, report.updated, report.unchanged, report.codes_replaced) == (0, 1, 1, 1)
    assert report.as_json()["codes_replaced"] == 1
    assert "1 ticket code was replaced by a newer one; the old code no longer admits." in report.warnings
    assert PETER_OLD not in live_codes(revocation_desk)  # kept as revoked, not as a second valid code

    refused = scan(revocation_desk, PETER_OLD)
    assert refused.code is OutcomeCode.REVOKED
    assert refused.reason == REPLACED_SENTENCE
    assert refused.delegate is not None and refused.delegate.display_name == "Peter Jones"
    assert scan(revocation_desk, PETER_NEW).code is OutcomeCode.ADMITTED
    # Upper case, spaces: the old code is looked up as any code is.
    assert scan(revocation_desk, " " + PETER_OLD.upper()).code is OutcomeCode.REVOKED

    # The old export again: its revoked code is not brought back to life.
    again = run_import(revocation_desk, pretix_list(tmp_path))
    assert again.codes_replaced == 0
    assert any("replaced earlier by a newer one and still does not admit" in w for w in again.warnings)
    assert scan(revocation_desk, PETER_OLD).code is OutcomeCode.REVOKED
    with revocation_desk.session() as db:
        [audit] = db.scalars(select(AuditLog.detail).where(AuditLog.detail.contains("codes replaced"))).all()
        assert "1 codes replaced" in audit and "Peter" not in audit


def test_a_reimported_eventbrite_report_with_a_reissued_barcode(revocation_desk, tmp_path, london):
    run_import(
        revocation_desk, fx.write_eventbrite(tmp_path / "report.csv"), at=REPLACED_AT - timedelta(days=7)
    )
    amelia = fx.EVENTBRITE_ATTENDEES[0]
    reissued = [
        a if a is not amelia else replace(a, barcode=a.barcode[:-3] + "999") for a in fx.EVENTBRITE_ATTENDEES
    ]
    report = run_import(revocation_desk, fx.write_eventbrite(tmp_path / "report-2.csv", reissued))
    assert report.codes_replaced == 1 and report.added == 0
    refused = scan(revocation_desk, amelia.barcode)
    assert (refused.code, refused.reason) == (OutcomeCode.REVOKED, REPLACED_SENTENCE)
    assert refused.delegate.last_name == amelia.last
    assert scan(revocation_desk, amelia.barcode[:-3] + "999").code is OutcomeCode.ADMITTED
    # Everyone else's barcode still admits: a list that changes nothing of theirs revokes nothing.
    others = [a for a in fx.EVENTBRITE_ATTENDEES if a is not amelia and a.status != "Refunded"]
    assert scan(revocation_desk, others[0].barcode).code is OutcomeCode.ADMITTED


def test_an_eventbrite_pull_with_a_reissued_barcode(revocation_desk, monkeypatch, london):
    server = FakeEventbrite()
    monkeypatch.setenv("CHECKIN_EVENTBRITE_URL", server.url)
    try:
        server.attendees = [
            attendee(1, "Zoë", "O'Neill", "zoe@example.org"),
            attendee(2, "Ade", "Bello", "ade@example.org"),
        ]
        with revocation_desk.session() as db:
            pull_eventbrite(
                db,
                EVENT,
                session_by_code(db, SESSION),
                token=TOKEN,
                clock=lambda: REPLACED_AT - timedelta(days=1),
            )
            db.commit()
        old = server.attendees[0]["barcodes"][0]["barcode"]
        server.attendees[0] = attendee(
            1,
            "Zoë",
            "O'Neill",
            "zoe@example.org",
            barcode=f"{EVENT}0000001002",
            changed="2026-07-09T23:00:00Z",
        )
        with revocation_desk.session() as db:
            pulled = pull_eventbrite(
                db, EVENT, session_by_code(db, SESSION), token=TOKEN, clock=lambda: REPLACED_AT
            )
            db.commit()
    finally:
        server.close()
    assert pulled.report.codes_replaced == 1 and pulled.as_json()["codes_replaced"] == 1
    assert scan(revocation_desk, old).code is OutcomeCode.REVOKED
    assert scan(revocation_desk, f"{EVENT}0000001002").code is OutcomeCode.ADMITTED


# ---- a lost badge ----------------------------------------------------------------------------------


def test_a_reissued_badge_refuses_the_old_one_and_the_history_says_so(revocation_desk, london):
    with revocation_desk.session() as db:
        registration = book(db, session_by_code(db, SESSION), email="zoe@example.org")
        db.commit()
        registration_id, old = registration.id, registration.badge_code
    with revocation_desk.session() as db:
        new = reissue_badge(
            db, registration_id, "lost at lunch", desk="door-1", clock=lambda: REPLACED_AT
        ).badge_code
        db.commit()
    assert new != old
    refused = scan(revocation_desk, old)
    assert (refused.code, refused.reason) == (OutcomeCode.REVOKED, REPLACED_SENTENCE)
    assert refused.delegate.display_name == "Zoë O'Neill"
    assert scan(revocation_desk, new).code is OutcomeCode.ADMITTED
    with revocation_desk.session() as db:
        history = registration_history(db, registration_id)
    lines = [(line.source, line.result, line.method) for line in history]
    assert ("code", "badge", "lost at lunch") in lines
    assert ("scan", "revoked", "scanner") in lines
    assert lines.index(("code", "badge", "lost at lunch")) < lines.index(("scan", "revoked", "scanner"))


# ---- across desks ----------------------------------------------------------------------------------


@pytest.fixture
def two_desks(revocation_desk, tmp_path, pg_database_url):
    with revocation_desk.session() as db:
        book(db, session_by_code(db, SESSION), "Ade", "Bello", email="ade@example.org")
        db.commit()
    run_import(revocation_desk, pretix_list(tmp_path), at=REPLACED_AT - timedelta(days=30))
    init_hub(revocation_desk, pg_database_url)
    other = open_database(tmp_path / "door-2.sqlite3")
    sync_round(other, pg_database_url)
    yield revocation_desk, other, pg_database_url
    other.dispose()


def test_a_code_replaced_on_one_desk_is_refused_at_another_after_syncing(two_desks, tmp_path, london):
    organiser, door_2, hub = two_desks
    assert scan(door_2, PETER_OLD, minutes=-60).code is OutcomeCode.ADMITTED  # live there before
    ade = next(e for e in roster(organiser, SESSION) if e.last_name == "Bello")
    run_import(organiser, pretix_list(tmp_path, secret=PETER_NEW))
    with organiser.session() as db:
        new_badge = reissue_badge(db, ade.registration_id, clock=lambda: REPLACED_AT).badge_code
        db.commit()
    sync_round(organiser, hub)
    sync_round(door_2, hub)

    refused = scan(door_2, PETER_OLD)
    assert (refused.code, refused.reason) == (OutcomeCode.REVOKED, REPLACED_SENTENCE)
    assert refused.delegate.display_name == "Peter Jones"
    assert PETER_OLD not in live_codes(door_2)
    assert scan(door_2, ade.badge_code).code is OutcomeCode.REVOKED
    assert scan(door_2, new_badge).code is OutcomeCode.ADMITTED
    assert scan(door_2, PETER_NEW).code is OutcomeCode.ALREADY_CHECKED_IN  # the same person, in already
    # Syncing again changes nothing; both desks hold the same revocations.
    sync_round(door_2, hub)
    sync_round(organiser, hub)
    for database in (organiser, door_2):
        with database.session() as db:
            assert db.scalar(select(func.count()).select_from(RevokedCode)) == 2


def test_revocations_travel_by_bundle(revocation_desk, tmp_path, london):
    run_import(revocation_desk, pretix_list(tmp_path), at=REPLACED_AT - timedelta(days=30))
    field = open_database(tmp_path / "field.sqlite3")
    try:
        with revocation_desk.session() as db:
            export_bundle(db, tmp_path / "before.bundle")
        with field.session() as db:
            import_bundle(db, tmp_path / "before.bundle")
        run_import(revocation_desk, pretix_list(tmp_path, secret=PETER_NEW))
        with revocation_desk.session() as db:
            export_bundle(db, tmp_path / "after.bundle")
        with field.session() as db:
            import_bundle(db, tmp_path / "after.bundle")
        assert scan(field, PETER_OLD).code is OutcomeCode.REVOKED
        assert scan(field, PETER_NEW).code is OutcomeCode.ADMITTED
    finally:
        field.dispose()


# ---- the decision and the command line -------------------------------------------------------------


def test_revoked_comes_after_invalid_code_and_before_not_found(london):
    here = SessionFacts(1, SESSION, "Spotting modern slavery")
    zoe = Person(7, "Zoë", "O'Neill", "", "Preston City Council", "", "zoe@example.org", "", "")

    def booking(status: str = "booked") -> RegistrationFacts:
        return RegistrationFacts(70, here, status, "", zoe)

    now = REPLACED_AT + timedelta(days=1)
    assert (
        decide(ReadCode(CodeKind.INVALID, "x"), here, None, [], now, REPLACED_AT).code
        is OutcomeCode.INVALID_CODE
    )
    revoked = decide(ReadCode(CodeKind.WELL_FORMED, "1" * 19), here, booking(), [], now, REPLACED_AT)
    assert (revoked.code, revoked.reason) == (OutcomeCode.REVOKED, REPLACED_SENTENCE)
    assert not revoked.admitted and revoked.delegate is not None
    # Before every check of the booking: a replaced code never admits, whatever the booking.
    cancelled = booking(status="cancelled")
    assert (
        decide(ReadCode(CodeKind.BADGE, "B" * 25), here, cancelled, [], now, REPLACED_AT).code
        is OutcomeCode.REVOKED
    )


def test_a_spreadsheet_reference_of_any_shape_is_refused_as_revoked_not_as_invalid(revocation_desk, london):
    with revocation_desk.session() as db:
        registration = book(db, session_by_code(db, SESSION), external="ref 7")
        db.add(
            RevokedCode(
                registration_id=registration.id,
                kind="external",
                code="ref 6",
                lookup=lookup_key("ref 6"),
                revoked_at=REPLACED_AT,
            )
        )
        db.commit()
    assert scan(revocation_desk, "ref 6").code is OutcomeCode.REVOKED
    assert scan(revocation_desk, "ref 5").code is OutcomeCode.INVALID_CODE


def test_the_command_line_refuses_a_replaced_code_with_exit_1(revocation_desk, tmp_path):
    def checkin(*args: str) -> subprocess.CompletedProcess:
        command = [
            sys.executable,
            "-m",
            "checkin.cli",
            "--db",
            str(tmp_path / "desk.sqlite3"),
            "--desk",
            "door-1",
            *args,
        ]
        environment = {**os.environ, "TZ": "Europe/London"}
        return subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=60, env=environment
        )

    assert checkin("import", str(pretix_list(tmp_path)), "--session", SESSION).returncode == 0
    before = datetime.now(UTC)
    imported = checkin("import", str(pretix_list(tmp_path, secret=PETER_NEW)), "--session", SESSION, "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["codes_replaced"] == 1
    result = checkin("scan", PETER_OLD, "--session", SESSION, "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["outcome"] == "revoked"
    assert document["delegate"]["last_name"] == "Jones"
    days = set()
    for moment in (before, datetime.now(UTC)):  # the code was replaced between these
        local = moment.astimezone(ZoneInfo("Europe/London"))
        days.add(f"{local:%a %d %b}")
    assert document["reason"] in {
        f"This ticket code was replaced on {day} — ask for the delegate's name." for day in days
    }


# ---- at the desk -----------------------------------------------------------------------------------


def test_reissuing_a_lost_badge_from_the_delegates_view(open_demo_window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from ui.delegates.dialogs import HistoryDialog

    window, _scanner, database, code, _settings = open_demo_window(size=(1366, 768))
    window.show_view("Delegates")
    view = window.views["Delegates"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    person = next(e for e in roster(database, code) if e.status == "booked")
    assert view.select_registration(person.registration_id)
    window.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)

    # Behind the organiser PIN, like the other edits: refused, nothing changes.
    refused = []
    monkeypatch.setattr(
        "ui.delegates.view.require_organiser", lambda parent, context, reason: bool(refused.append(reason))
    )
    qtbot.keyClick(view.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert refused
    assert next(
        e for e in roster(database, code) if e.registration_id == person.registration_id
    ).badge_code == (person.badge_code)

    asked = []
    monkeypatch.setattr(
        "ui.delegates.view.require_organiser", lambda parent, context, reason: asked.append(reason) or True
    )
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("lost in the car park", True))
    qtbot.keyClick(view.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert asked and "organiser PIN" in asked[0]
    now = next(e for e in roster(database, code) if e.registration_id == person.registration_id)
    assert now.badge_code != person.badge_code

    result = window.desk_view.scan(person.badge_code)
    assert result.outcome.code is OutcomeCode.REVOKED
    panel = window.desk_view.panel
    assert panel.headline.text() == "Replaced code: does not admit"
    assert panel.name.text() == person.display_name  # so the desk can search them by name
    assert panel.reason.text().startswith("This ticket code was replaced on ")
    assert window.desk_view.action_button.text() == "Search by name (F2)"
    assert window.desk_view.scan(now.badge_code).outcome.code is OutcomeCode.ADMITTED

    window.show_view("Delegates")
    assert view.select_registration(person.registration_id)
    texts = [row[1] for row in HistoryDialog(window.context, view.current_row(), view).texts()]
    assert "Badge code replaced: the old badge no longer admits" in texts
    assert texts.index("Badge code replaced: the old badge no longer admits") < texts.index(
        "Scan: replaced code refused"
    )


# ---- roll-call and erasure -------------------------------------------------------------------------


def test_a_replaced_code_scanned_at_roll_call_is_refused_as_replaced_not_unknown(revocation_desk, london):
    with revocation_desk.session() as db:
        registration = book(db, session_by_code(db, SESSION), email="zoe@example.org")
        db.commit()
        registration_id, old = registration.id, registration.badge_code
    with revocation_desk.session() as db:
        reissue_badge(db, registration_id, desk="door-1", clock=lambda: REPLACED_AT)
        db.commit()
    with revocation_desk.session() as db:
        session = session_by_code(db, SESSION)
        morning = db.scalar(
            select(Segment.id).where(Segment.session_id == session.id, Segment.name == "Morning")
        )
        refused = mark_by_scan(db, old, session, morning, desk="trainer")
        assert refused.code is MarkCode.REVOKED and not refused.marked
        assert (
            refused.reason == "This code was replaced on Fri 10 Jul: not marked. Tick the name in the list."
        )
        assert refused.delegate.display_name == "Zoë O'Neill"
        assert not is_marked(db, registration_id, morning)


def test_erasing_a_person_deletes_the_codes_their_bookings_replaced(revocation_desk, tmp_path, london):
    run_import(revocation_desk, pretix_list(tmp_path), at=REPLACED_AT - timedelta(days=30))
    run_import(revocation_desk, pretix_list(tmp_path, secret=PETER_NEW))
    with revocation_desk.session() as db:
        email = db.scalar(
            select(Delegate.email).where(Delegate.first_name == "Peter", Delegate.last_name == "Jones")
        )
        report = erase_person(db, email, REPLACED_AT + timedelta(days=1))
        assert report.external_codes == 2  # the live secret and the one it replaced
        revoked = db.scalars(select(RevokedCode.code)).all()
        assert PETER_OLD not in revoked
    # The old secret no longer leads back to anyone: not known here, like any code never seen.
    assert scan(revocation_desk, PETER_OLD).code is OutcomeCode.NOT_FOUND
