"""Privacy (UK GDPR): purge after the retention period, one person's export and erasure, the erasure
travelling by sync, the audit log without personal data, and logs that never hold a name, an email or a
need after a full session driven through the command line."""

import csv
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from factories import book, make_session, new_database
from sqlalchemy import func, select

from PySide6.QtWidgets import QApplication, QMessageBox

from checkin.desk.bookings import register
from checkin.desk.demo import create_demo
from checkin.desk.pin import set_pin
from checkin.desk.scanning import record_scan
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UsageError
from checkin.records.privacy import ERASED, erase_person, export_person, purge
from checkin.settings import Settings
from checkin.store.database import open_database
from checkin.store.models import AuditLog, CheckinEvent, Delegate, ExternalCode, Outbox, Registration, ScanLog
from checkin.sync.bundle import export_bundle, import_bundle
from ui.base.pin import PinDialog
from ui.shell.app import build_window

OLD = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)
RECENT = datetime(2026, 4, 20, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)  # OLD ended 111 days ago, RECENT 11


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("select name from sqlite_master where type='table'")]
        result = {t: connection.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    connection.close()
    return result


def dump(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        text = "\n".join(connection.iterdump())
    connection.close()
    return text


@pytest.fixture
def old_and_recent(tmp_path):
    """Ann only at an old session, Ben at the old and a recent one, Cat only at the recent one."""
    database = new_database(tmp_path)
    with database.session() as db:
        old = make_session(db, "PRE-0110", "Preston Town Hall", OLD)
        recent = make_session(db, "LAN-0420", "Lancaster Town Hall", RECENT)
        ann = book(db, old, "Annwyl", "Quennell", email="annwyl.quennell@example.org", external="EB-ANN-1")
        ann.answers = {"How did you hear?": "From my manager Xavier"}
        ann.status_reason = ""
        ann.delegate.phone = "07700 900123"
        ann.delegate.access_needs = "Hearing loop"
        ann.delegate.dietary_needs = "Kosher"
        ben_old = book(db, old, "Benedek", "Szabo", email="ben@example.org")
        register(db, ben_old.delegate, recent, source="test")
        db.flush()
        book(db, recent, "Catrin", "Lloyd", email="catrin@example.org")
        db.commit()
        for code in (ann.badge_code, ben_old.badge_code, "TYPED NAME ANNWYL"):
            record_scan(db, code, old, desk="door-1", clock=lambda: OLD + timedelta(minutes=5))
    yield database, tmp_path / "desk.sqlite3"
    database.dispose()


def delegate_named(db, first: str) -> Delegate | None:
    return db.scalars(select(Delegate).where(Delegate.first_name == first)).first()


def test_purge_erases_people_of_sessions_past_retention_and_keeps_anonymous_counts(old_and_recent):
    database, path = old_and_recent
    before = counts(path)
    with database.session() as db:
        events_before = db.scalar(select(func.count()).select_from(CheckinEvent))
        ann_id = delegate_named(db, "Annwyl").id
        dry = purge(db, NOW, dry_run=True)
    assert (dry.sessions, dry.delegates, dry.external_codes, dry.kept_for_later_sessions) == (
        ["PRE-0110"],
        1,
        1,
        1,
    )
    assert dry.scans == 2  # Ann's admitted scan and the typed text that matched no one
    assert counts(path) == before and "Annwyl" in dump(path)  # a dry run writes nothing

    with database.session() as db:
        report = purge(db, NOW, desk="office", operator="organiser")
    assert report.as_json() | {"dry_run": True} == dry.as_json()
    with database.session() as db:
        ann = db.get(Delegate, ann_id)
        assert (ann.first_name, ann.last_name, ann.email, ann.phone, ann.search_key) == (
            "",
            ERASED,
            "",
            "",
            "",
        )
        assert (ann.access_needs, ann.dietary_needs, ann.organisation, ann.job_title) == ("", "", "", "")
        registration = ann.registrations[0]
        assert registration.answers == {} and registration.badge_code  # the badge code stays
        assert db.scalar(select(func.count()).select_from(ExternalCode)) == 0
        assert db.scalar(select(func.count()).select_from(CheckinEvent)) == events_before
        assert delegate_named(db, "Benedek") is not None  # booked on a session still within retention
        assert delegate_named(db, "Catrin") is not None
        scanned = set(
            db.scalars(select(ScanLog.scanned).where(ScanLog.session_id == registration.session_id))
        )
        # Ben is kept (booked on a later session), so his scan keeps its text; Ann's and the stray are blank.
        ben_here = db.scalars(
            select(Registration.badge_code)
            .join(Delegate)
            .where(Delegate.first_name == "Benedek", Registration.session_id == registration.session_id)
        ).one()
        assert scanned == {"", ben_here}
        assert "TYPED NAME ANNWYL" not in scanned
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "purge")).one()
        assert audit.detail.startswith("purge: 1 delegate erased from 1 session")
        # The erasure is in the outbox as field updates, so sync takes it to the other desks.
        updates = db.scalars(select(Outbox).where(Outbox.entity == "delegate", Outbox.op == "update")).all()
        assert any("email" in u.fields and "first_name" in u.fields for u in updates)
    text = dump(path)
    for personal in (
        "Annwyl",
        "Quennell",
        "annwyl.quennell",
        "07700 900123",
        "Hearing loop",
        "Kosher",
        "Xavier",
    ):
        assert personal not in text, personal
    assert audit.detail.count("Annwyl") == 0
    # Old bytes do not linger in the file's free space or the write-ahead log either.
    raw = path.read_bytes() + (Path(f"{path}-wal").read_bytes() if Path(f"{path}-wal").exists() else b"")
    assert b"annwyl.quennell" not in raw

    with database.session() as db:
        again = purge(db, NOW)
    assert (again.delegates, again.external_codes, again.scans) == (0, 0, 0)


def test_retention_is_the_setting_and_sessions_inside_it_are_kept(old_and_recent):
    database, _path = old_and_recent
    with database.session() as db:
        assert purge(db, NOW, dry_run=True, retention_days=120).sessions == []
        assert purge(db, NOW, dry_run=True, retention_days=5).sessions == ["PRE-0110", "LAN-0420"]
        assert purge(db, NOW, dry_run=True, retention_days=5).delegates == 3
        with pytest.raises(UsageError):
            purge(db, NOW, retention_days=-1)
    assert Settings(Path(os.devnull + "-missing")).get("retention_days") == 90


def test_a_persons_data_export_holds_everything_and_erasure_leaves_no_trace(old_and_recent, tmp_path):
    database, path = old_and_recent
    with database.session() as db:
        document = export_person(db, "  ANNWYL.Quennell@example.org ", NOW)
    (person,) = document["people"]
    assert (person["first_name"], person["phone"], person["access_needs"]) == (
        "Annwyl",
        "07700 900123",
        "Hearing loop",
    )
    (booking,) = person["bookings"]
    assert booking["session"]["code"] == "PRE-0110" and booking["answers"] == {
        "How did you hear?": "From my manager Xavier"
    }
    assert booking["external_codes"] == [{"kind": "eventbrite", "code": "EB-ANN-1"}]
    assert [c["kind"] for c in booking["checkins"]] == ["in"] and booking["checkins"][0]["desk"] == "door-1"
    assert [s["outcome"] for s in booking["scans"]] == ["admitted"]
    json.dumps(document)  # plain JSON

    with database.session() as db:
        report = erase_person(db, "annwyl.quennell@example.org", NOW, desk="office")
        assert report.people == 1
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "erase")).one()
        assert "annwyl" not in audit.detail.lower() and "quennell" not in audit.detail.lower()
        with pytest.raises(UsageError) as unknown:
            export_person(db, "annwyl.quennell@example.org", NOW)
        assert "annwyl" not in str(unknown.value)
        # Ben's future booking is cancelled when he asks to be erased: no one is left to admit.
        erase_person(db, "ben@example.org", RECENT - timedelta(days=30))
        ben = db.scalars(select(Delegate).where(Delegate.id == 2)).one()
        statuses = {r.session.code: (r.status, r.status_reason) for r in ben.registrations}
        assert statuses["LAN-0420"] == (RegistrationStatus.CANCELLED, "erased on request")
        assert statuses["PRE-0110"] == (RegistrationStatus.BOOKED, "")  # over: nothing to cancel
    assert "Quennell" not in dump(path) and "Szabo" not in dump(path)


def run_cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", "--db", str(db), "--desk", "office", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_purge_and_person_commands(old_and_recent, tmp_path):
    database, path = old_and_recent
    database.dispose()
    env = {"CHECKIN_SETTINGS": str(tmp_path / "settings.json"), "CHECKIN_LOG": str(tmp_path / "log.txt")}
    dry = run_cli(path, "purge", "--dry-run", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    # The clock is today's: both sessions of 2026 may or may not be past 90 days; --days 0 makes it sure.
    dry = json.loads(run_cli(path, "purge", "--dry-run", "--days", "0", "--json", env=env).stdout)
    assert dry["dry_run"] and dry["delegates"] == 3 and "Annwyl" in dump(path)
    exported = tmp_path / "ann.json"
    result = run_cli(
        path, "person", "export", "--email", "annwyl.quennell@example.org", "-o", str(exported), env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(exported.read_text(encoding="utf-8"))["people"][0]["last_name"] == "Quennell"
    assert "Quennell" not in result.stdout
    erased = run_cli(path, "person", "erase", "--email", "annwyl.quennell@example.org", env=env)
    assert erased.returncode == 0 and "Erased: 1 person record" in erased.stdout
    missing = run_cli(path, "person", "erase", "--email", "annwyl.quennell@example.org", env=env)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    done = run_cli(path, "purge", "--days", "0", env=env)
    assert done.returncode == 0 and done.stdout.startswith("2 delegates erased from 2 sessions")
    assert all(name not in dump(path) for name in ("Quennell", "Szabo", "Catrin", "Lloyd"))


def test_an_erasure_travels_by_bundle_and_an_older_bundle_does_not_bring_it_back(tmp_path):
    desk_a = open_database(tmp_path / "a.sqlite3")
    desk_b = open_database(tmp_path / "b.sqlite3")
    with desk_a.session() as db:
        session = make_session(db, "PRE-0110", "Preston Town Hall", OLD)
        book(db, session, "Ysolde", "Wrenfield", email="ysolde@example.org")
        book(db, session, "Other", "Person", email="other@example.org")
        db.commit()
        export_bundle(db, tmp_path / "a1.bundle")
    with desk_b.session() as db:
        import_bundle(db, tmp_path / "a1.bundle")
        export_bundle(db, tmp_path / "b-before.bundle")  # desk B's view before it heard of the erasure
        assert delegate_named(db, "Ysolde") is not None
    with desk_a.session() as db:
        erase_person(db, "ysolde@example.org", NOW)
        export_bundle(db, tmp_path / "a2.bundle")
    with desk_b.session() as db:
        import_bundle(db, tmp_path / "a2.bundle")
        assert delegate_named(db, "Ysolde") is None
        erased = db.scalars(select(Delegate).where(Delegate.last_name == ERASED)).one()
        assert (erased.email, erased.search_key.strip()) in {("", ""), ("", "erased")}
        assert delegate_named(db, "Other") is not None
    with desk_a.session() as db:
        import_bundle(db, tmp_path / "b-before.bundle")  # older values, older clocks: erased stays erased
        assert delegate_named(db, "Ysolde") is None
        assert db.scalars(select(Delegate).where(Delegate.email == "ysolde@example.org")).first() is None
    with desk_b.session() as db:
        export_bundle(db, tmp_path / "b-after.bundle")
    with desk_a.session() as db:
        import_bundle(db, tmp_path / "b-after.bundle")
        assert delegate_named(db, "Ysolde") is None
    for database in (desk_a, desk_b):
        database.dispose()
    assert "Wrenfield" not in dump(tmp_path / "a.sqlite3") and "Wrenfield" not in dump(tmp_path / "b.sqlite3")


# -- logs after a full session ------------------------------------------------------------------------

PEOPLE = [
    # first, last, email, organisation, access needs, dietary needs
    (
        "Xanthippe",
        "Vorgolund",
        "xanthippe.vorgolund@example.org",
        "Lancashire Constabulary",
        "Hearing loop Zeta",
        "Kosher Qwerty",
    ),
    (
        "Þórhildur",
        "Ngcobo-Ïşık",
        "thorhildur.ngcobo@example.org",
        "Preston City Council",
        "Step-free Yonder",
        "Halal Vexil",
    ),
    (
        "Żaneta",
        "Quillfeather",
        "zaneta.q@example.org",
        "NHS Lancashire",
        "Large print Pimento",
        "Vegan Brixel",
    ),
]
WALK_IN = (
    "Marisol",
    "Drumwhistle",
    "marisol.drumwhistle@example.org",
    "Blackpool Council",
    "Wheelchair Oblong",
    "No nuts Frindle",
)


def test_logs_never_hold_names_emails_or_needs_after_a_full_session(tmp_path):
    db = tmp_path / "desk.sqlite3"
    log = tmp_path / "logs" / "checkin.log"
    env = {
        "CHECKIN_LOG": str(log),
        "CHECKIN_LOG_LEVEL": "DEBUG",
        "CHECKIN_SETTINGS": str(tmp_path / "settings.json"),
        "PYTHONWARNINGS": "always",
    }
    outputs: list[str] = []

    def cli(*args: str, listing: bool = False) -> subprocess.CompletedProcess:
        result = run_cli(db, *args, env=env)
        assert result.returncode in (0, 1), (args, result.stderr)
        outputs.append(result.stderr)
        if not listing:
            outputs.append(result.stdout)
        return result

    cli("demo")
    code = json.loads(cli("sessions", "--json", listing=True).stdout)[0]["code"]
    listing = tmp_path / "delegates.csv"
    with listing.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["First name", "Last name", "Email", "Organisation", "Access needs", "Dietary requirements"]
        )
        writer.writerows(PEOPLE)
        writer.writerow(["", "", "broken-row@example.org", "", "", ""])  # a row the import warns about
    cli("import", str(listing), "--session", code, "--dry-run")
    cli("import", str(listing), "--session", code)
    delegates = json.loads(cli("delegates", "--session", code, "--json", listing=True).stdout)
    imported = [d for d in delegates if d["email"] in {p[2] for p in PEOPLE}]
    assert len(imported) == len(PEOPLE)
    for delegate in imported:
        scan = run_cli(
            db, "scan", delegate["badge_code"], "--session", code, env=env
        )  # shows the name: by design
        assert scan.returncode == 0
        outputs.append(scan.stderr)
        again = run_cli(db, "scan", delegate["badge_code"], "--session", code, env=env)
        assert again.returncode == 1
    walk_in = (
        "import sys\n"
        "from checkin.logging_setup import configure_logging\n"
        "from checkin.store.database import open_database\n"
        "from checkin.desk.bookings import session_by_code\n"
        "from checkin.desk.walkins import WalkIn, register_walk_in\n"
        "configure_logging()\n"
        "database = open_database(sys.argv[1])\n"
        "with database.session() as db:\n"
        "    session = session_by_code(db, sys.argv[2])\n"
        "    person = WalkIn(*sys.argv[3:5], organisation=sys.argv[6], email=sys.argv[5],\n"
        "                    access_needs=sys.argv[7], dietary_needs=sys.argv[8])\n"
        "    result = register_walk_in(db, session, person, desk='door-1', over_capacity_ok=True)\n"
        "    assert result.outcome.admitted\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", walk_in, str(db), code, *WALK_IN],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    outputs += [done.stdout, done.stderr]
    cli("export", "--session", code, "-o", str(tmp_path / "register.csv"))
    cli("export", "--session", code, "-o", str(tmp_path / "register.xlsx"))
    cli("export", "--session", code, "-o", str(tmp_path / "register.pdf"))
    cli("badges", "--session", code, "-o", str(tmp_path / "badges.pdf"))
    cli("guide", "-o", str(tmp_path / "guide.pdf"))
    cli("signin-sheet", "--session", code, "-o", str(tmp_path / "signin.pdf"))
    cli("backup")
    cli("person", "export", "--email", PEOPLE[0][2], "-o", str(tmp_path / "person.json"))
    cli("purge", "--dry-run")
    cli("person", "erase", "--email", PEOPLE[1][2])
    failing = run_cli(db, "scan", "garbage text", "--session", code, env=env)
    outputs += [failing.stdout, failing.stderr]

    assert log.is_file() and log.stat().st_size > 0, "the commands should have written to the log"
    text = "\n".join([log.read_text(encoding="utf-8"), *outputs]).casefold()
    for person in [*PEOPLE, WALK_IN]:
        for value in person:
            if value in (
                "Lancashire Constabulary",
                "Preston City Council",
                "NHS Lancashire",
                "Blackpool Council",
            ):
                continue  # organisations are not personal data (and the demo's own data has them)
            assert value.casefold() not in text, f"{value!r} is in the log or the output"
            assert value.split("@")[0].casefold() not in text


# -- from the app -------------------------------------------------------------------------------------


def test_purge_from_the_settings_view_asks_the_pin_shows_the_counts_and_erases(tmp_path, qtbot, monkeypatch):
    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db, today=date(2025, 1, 6))  # a programme long over
        db.commit()
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, "246810")
    window, scanner = build_window(database, settings, "door-1", summary.first_session_code)
    qtbot.addWidget(window)
    entered: list[str] = []

    def pin_entered(dialog):
        entered.append("pin")
        dialog.field.setText("246810")
        dialog.submit(dialog.field.text())
        return int(dialog.result())

    asked: list[str] = []

    def confirm(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(PinDialog, "exec", pin_entered)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(confirm))
    view = window.views["Settings"]
    box = view.data_box
    assert box.retention.value() == 90
    assert box.purge()
    qtbot.waitUntil(lambda: "Erased" in box.message.text(), timeout=20000)
    assert entered == ["pin"]
    assert len(asked) == 1 and f"{summary.delegates} delegates" in asked[0]
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate).where(Delegate.last_name != ERASED)) == 0
        assert db.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "purge")) == 1
    QApplication.instance().removeEventFilter(scanner)
    QApplication.instance().removeEventFilter(window.idle_lock)
    window.snapshots.timer.stop()
    database.dispose()


def test_purge_from_the_app_without_the_pin_erases_nothing(tmp_path, qtbot, monkeypatch):
    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db, today=date(2025, 1, 6))
        db.commit()
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, "246810")
    window, scanner = build_window(database, settings, "door-1", summary.first_session_code)
    qtbot.addWidget(window)
    monkeypatch.setattr(PinDialog, "exec", lambda dialog: 0)
    box = window.views["Settings"].data_box
    assert not box.purge() and "Nothing erased" in box.message.text()
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate).where(Delegate.last_name == ERASED)) == 0
    QApplication.instance().removeEventFilter(scanner)
    QApplication.instance().removeEventFilter(window.idle_lock)
    window.snapshots.timer.stop()
    database.dispose()
