"""The attendance register as CSV (UTF-8 with BOM, so Excel reads it) and XLSX, safe from formula injection."""

import csv
from collections.abc import Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.roster import RosterEntry, session_roster
from checkin.domain.clock import Clock, to_local, utc_now
from checkin.errors import UsageError
from checkin.files import written_beside
from checkin.store.models import AuditLog, Session

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); Excel in
# East Asian locales also takes the full-width forms, and a leading line feed hides what follows.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

REGISTER_COLUMNS = (
    "Surname",
    "First name",
    "Organisation",
    "Job title",
    "Email",
    "Booking status",
    "Checked in",
    "Checked in at",
    "Desk",
    "Badge code",
)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


def safe_cell(value: object) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets an apostrophe before it."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _arrival_cell(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """'2026-07-12 15:05:09': local time, sortable as text, with the date (the file outlives the day)."""
    return f"{to_local(moment, zone):%Y-%m-%d %H:%M:%S}" if moment is not None else ""


def register_rows(entries: Sequence[RosterEntry], zone: tzinfo | None = None) -> list[list[str]]:
    rows = []
    for entry in entries:
        rows.append(
            [
                safe_cell(entry.last_name),
                safe_cell(entry.first_name),
                safe_cell(entry.organisation),
                safe_cell(entry.job_title),
                safe_cell(entry.email),
                safe_cell(entry.status),
                "yes" if entry.checked_in_at else "no",
                _arrival_cell(entry.checked_in_at, zone),
                safe_cell(entry.checked_in_desk),
                safe_cell(entry.badge_code),
            ]
        )
    return rows


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_COLUMNS)
        writer.writerows(rows)


def _write_xlsx(path: Path, rows: list[list[str]], title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31] or "Register"
    sheet.append(list(REGISTER_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (18, 16, 30, 24, 30, 12, 10, 26, 12, 24), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(path)


def export_register(
    db: OrmSession,
    session: Session,
    path: Path,
    export_format: ExportFormat,
    *,
    desk: str = "",
    clock: Clock = utc_now,
    zone: tzinfo | None = None,
) -> int:
    """Write the session's register; returns the number of bookings written. The file appears whole or
    not at all (written beside it, then renamed). Times are in `zone` (default: this computer's)."""
    if export_format is ExportFormat.PDF:
        from checkin.printing.registers import (
            write_register_pdf,  # ReportLab loads only when a PDF is asked for
        )

        return write_register_pdf(db, session, path, desk=desk, clock=clock, zone=zone)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name for the register.")
    if not path.parent.exists():
        raise UsageError(f"The folder {path.parent} does not exist.")
    rows = register_rows(session_roster(db, session), zone)
    with written_beside(path, prefix=".register-", suffix=path.suffix) as temporary:
        if export_format is ExportFormat.CSV:
            _write_csv(Path(temporary), rows)
        else:
            _write_xlsx(Path(temporary), rows, session.code)
    db.add(
        AuditLog(
            at=clock(),
            desk=desk,
            action="export",
            detail=f"register of {session.code} as {export_format} ({len(rows)} bookings)",
        )
    )
    db.commit()
    return len(rows)
