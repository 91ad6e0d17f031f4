"""The command line end to end on real SQLite files: JSON shapes, outcome codes and exit statuses."""

import csv
import json
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from factories import MORNING, admits_any_day, book, make_session, new_database
from openpyxl import load_workbook

from checkin.cli import main
from checkin.domain.vocabulary import RegistrationStatus


def run(*args: str, db=None) -> subprocess.CompletedProcess:
    """The real program, as an organiser's script would run it."""
    command = [
        sys.executable,
        "-m",
        "checkin.cli",
        *(["--db", str(db)] if db else []),
        "--desk",
        "door-1",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)


@pytest.fixture
def desk_file_and_codes(tmp_path):
    """A session with three bookings: Zoë (booked), Ade (cancelled), and Wiktor booked elsewhere."""
    database = new_database(tmp_path)
    with database.session() as db:
        preston = admits_any_day(make_session(db))  # scanned through the command line, on today's clock
        lancaster = make_session(db, "LAN-1903", "Lancaster Town Hall", MORNING + timedelta(days=7))
        codes = {
            "zoe": book(db, preston, email="zoe@example.org", external="ABCD-1").badge_code,
            "ade": book(db, preston, "Ade", "Bello", status=RegistrationStatus.CANCELLED).badge_code,
            "wiktor": book(db, lancaster, "Wiktor", "Nowak").badge_code,
            "mallory": book(db, preston, '=HYPERLINK("http://x")', "+Evil", "@SUM(A1)").badge_code,
        }
        db.commit()
    database.dispose()
    return tmp_path / "desk.sqlite3", codes


def table_counts(db) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        # sqlite_stat1 holds the query planner's statistics, refreshed on open: not the user's data.
        tables = [
            row[0]
            for row in connection.execute("select name from sqlite_master where type='table'")
            if not row[0].startswith("sqlite_")
        ]
        return {table: connection.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}


def scan_json(db, text):
    result = run("scan", text, "--session", "PRE-0312", "--json", db=db)
    return result.returncode, json.loads(result.stdout)


def test_every_outcome_with_its_exit_status(desk_file_and_codes):
    db, codes = desk_file_and_codes
    status, first = scan_json(db, codes["zoe"])
    assert (status, first["outcome"], first["delegate"]["first_name"], first["desk"]) == (
        0,
        "admitted",
        "Zoë",
        "door-1",
    )
    assert first["checked_in_at"].endswith("+00:00")
    status, again = scan_json(db, "abcd-1")
    assert (status, again["outcome"], again["checked_in_at"]) == (
        1,
        "already_checked_in",
        first["checked_in_at"],
    )
    assert scan_json(db, codes["ade"])[1]["outcome"] == "cancelled"
    assert scan_json(db, codes["wiktor"])[1]["outcome"] == "wrong_session"
    assert scan_json(db, "12345678901234567890")[1]["outcome"] == "not_found"
    status, invalid = scan_json(db, codes["zoe"][:-1] + ("B" if codes["zoe"][-1] != "B" else "C"))
    assert (status, invalid["outcome"], invalid["delegate"]) == (1, "invalid_code", None)
    assert set(first) >= {"outcome", "reason", "delegate", "checked_in_at", "desk"}


def test_sessions_and_delegates_json(desk_file_and_codes):
    db, codes = desk_file_and_codes
    assert run("scan", codes["zoe"], "--session", "pre-0312", db=db).returncode == 0
    sessions = json.loads(run("sessions", "--json", db=db).stdout)
    assert [(s["code"], s["booked"], s["checked_in"], s["capacity"]) for s in sessions] == [
        ("PRE-0312", 2, 1, 50),
        ("LAN-1903", 1, 0, 50),
    ]
    assert sessions[0]["starts_at"] == "2026-03-12T09:30:00+00:00"
    delegates = json.loads(run("delegates", "--session", "PRE-0312", "--json", db=db).stdout)
    by_name = {d["first_name"]: d for d in delegates}
    assert by_name["Zoë"]["status"] == "booked" and by_name["Zoë"]["checked_in_at"]
    assert by_name["Zoë"]["external_codes"] == ["ABCD-1"] and by_name["Zoë"]["badge_code"] == codes["zoe"]
    assert by_name["Ade"]["status"] == "cancelled" and by_name["Ade"]["checked_in_at"] is None
    keys = {
        "id",
        "first_name",
        "last_name",
        "badge_name",
        "organisation",
        "job_title",
        "email",
        "status",
        "badge_code",
        "external_codes",
        "checked_in_at",
    }
    assert all(keys <= set(d) for d in delegates)
    everyone = json.loads(run("delegates", "--json", db=db).stdout)
    assert len(everyone) == 4


def test_session_add_then_listing(tmp_path):
    db = tmp_path / "new.sqlite3"
    added = run(
        "session",
        "add",
        "BLA-0204",
        "--title",
        "Spotting the signs",
        "--venue",
        "Blackpool Town Hall",
        "--starts",
        "2026-04-02T09:30+01:00",
        "--ends",
        "2026-04-02T16:00+01:00",
        "--capacity",
        "55",
        db=db,
    )
    assert added.returncode == 0, added.stderr
    [session] = json.loads(run("sessions", "--json", db=db).stdout)
    assert session == {
        "code": "BLA-0204",
        "title": "Spotting the signs",
        "venue": "Blackpool Town Hall",
        "starts_at": "2026-04-02T08:30:00+00:00",
        "ends_at": "2026-04-02T15:00:00+00:00",
        "capacity": 55,
        "booked": 0,
        "checked_in": 0,
    }


@pytest.mark.parametrize(
    "args",
    [
        ("scan", "X", "--session", "NOPE"),
        ("session", "add", "PRE-0312", "--title", "t", "--venue", "v", "--starts", "2026-03-12T09:30"),
        ("session", "add", "NEW", "--title", "t", "--venue", "v", "--starts", "next tuesday"),
        (
            "session",
            "add",
            "NEW",
            "--title",
            "t",
            "--venue",
            "v",
            "--starts",
            "2026-03-12T10:00",
            "--ends",
            "2026-03-12T09:00",
        ),
        ("export", "--session", "PRE-0312", "-o", "/no/such/folder/r.csv"),
        ("export", "--session", "PRE-0312", "-o", "register.txt"),
        ("import", "/no/such/file.csv", "--session", "PRE-0312"),
        ("frobnicate",),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(desk_file_and_codes, args):
    db, _codes = desk_file_and_codes
    before = table_counts(db)
    result = run(*args, db=db)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() and "Traceback" not in result.stderr
    if args[0] != "frobnicate":
        assert len(result.stderr.strip().splitlines()) == 1
    assert table_counts(db) == before


def test_a_database_that_is_not_a_database_is_refused_clearly(tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("shopping list\n" * 100)
    result = run("sessions", db=bogus)
    assert result.returncode == 2
    assert "cannot be opened" in result.stderr and "Traceback" not in result.stderr
    assert bogus.read_text() == "shopping list\n" * 100


def test_export_csv_opens_in_excel_and_carries_no_formulas(desk_file_and_codes, tmp_path):
    db, codes = desk_file_and_codes
    run("scan", codes["mallory"], "--session", "PRE-0312", db=db)
    out = tmp_path / "register.csv"
    assert run("export", "--session", "PRE-0312", "-o", str(out), db=db).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Surname", "First name", "Organisation"]
    assert {"O'Neill", "Bello"} <= {row[0] for row in rows[1:]}
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    mallory = next(row for row in rows if row[1].startswith("'="))
    assert mallory[0] == "'+Evil" and mallory[2] == "'@SUM(A1)" and mallory[6] == "yes"


def test_export_xlsx_has_no_formula_cells(desk_file_and_codes, tmp_path):
    db, _codes = desk_file_and_codes
    out = tmp_path / "register.xlsx"
    assert run("export", "--session", "PRE-0312", "--format", "xlsx", "-o", str(out), db=db).returncode == 0
    sheet = load_workbook(out).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert any(cell.value == "O'Neill" for cell in values)
    for cell in values:
        assert cell.data_type != "f"
        assert not str(cell.value or "").startswith(("=", "+", "-", "@"))


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("checkin ")


def test_backup_and_restore(desk_file_and_codes, tmp_path):
    db, codes = desk_file_and_codes
    backup = tmp_path / "before.sqlite3"
    assert run("backup", str(backup), db=db).returncode == 0
    assert run("scan", codes["zoe"], "--session", "PRE-0312", db=db).returncode == 0
    restored = run("restore", str(backup), db=db)
    assert restored.returncode == 0, restored.stderr
    sessions = json.loads(run("sessions", "--json", db=db).stdout)
    assert sessions[0]["checked_in"] == 0
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"\0" * 4096)
    result = run("restore", str(broken), db=db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
