"""The programme report written to a file: PDF, a workbook (one sheet per breakdown) or one CSV."""

import csv
from datetime import date, datetime, time, tzinfo
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.errors import UsageError
from checkin.files import written_beside
from checkin.records.exporting import safe_cell
from checkin.records.report.figures import choose_sessions, programme_report
from checkin.records.report.tables import (
    METHOD_NOTE,
    SUPPRESSION_NOTE,
    Figure,
    Label,
    ReportDocument,
    report_document,
)
from checkin.store.models import AuditLog

CSV_COLUMNS = ("breakdown", "row", "date", "measure", "count")


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


def _count(figure: Figure) -> int | str:
    """A number as a number; a suppressed one as its mark ("<5" or "*")."""
    return figure.value if figure.value is not None else figure.shown


def _csv_label(value: Label) -> tuple[str, str]:
    """(row, date) columns of the CSV for a row's first label."""
    if isinstance(value, time):
        return f"{value:%H:%M}", ""
    if isinstance(value, date):
        return "", value.isoformat()
    return safe_cell(value), ""


def write_csv(path: str, document: ReportDocument) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for label, figure in document.summary:
            writer.writerow(["summary", safe_cell(label), "", "count", _count(figure)])
        for table in document.tables:
            for row in table.rows:
                name, day = _csv_label(row.labels[0])
                if table.key == "sessions" and not row.is_total:
                    day = _csv_label(row.labels[1])[1]
                for heading, figure in zip(table.headings, row.figures, strict=True):
                    writer.writerow([table.key, name, day, heading, _count(figure)])


def write_xlsx(path: str, document: ReportDocument, zone: tzinfo | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="1C2B45")
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([safe_cell(document.title), ""])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(
        ["Anonymous report" if document.anonymous else "Programme report", safe_cell(document.period)]
    )
    summary.append(["Made on", document.made_at.astimezone(zone).replace(tzinfo=None)])
    summary["B3"].number_format = "yyyy-mm-dd hh:mm"
    summary.append([])
    summary.append(["Figure", "Count"])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = heading_fill
    for label, figure in document.summary:
        summary.append([safe_cell(label), _count(figure)])
    summary.append([])
    summary.append(["What each figure counts"])
    summary[f"A{summary.max_row}"].font = bold
    for term, meaning in METHOD_NOTE:
        summary.append([safe_cell(term), safe_cell(meaning)])
    if document.anonymous:
        summary.append(["Suppression", safe_cell(SUPPRESSION_NOTE)])
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 110
    for row in summary.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cell.alignment = Alignment(
                vertical="top", wrap_text=cell.column == 2 and isinstance(cell.value, str)
            )
    summary.freeze_panes = "A6"

    for table in document.tables:
        sheet = workbook.create_sheet(table.title[:31])
        headings = [*table.label_headings, *table.headings]
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = heading_fill
        for row in table.rows:
            values: list[object] = []
            for shown in row.labels:
                values.append(
                    shown
                    if isinstance(shown, date | time) and not isinstance(shown, datetime)
                    else safe_cell(shown)
                )
            values += [_count(f) for f in row.figures]
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, date):
                    cell.number_format = "ddd dd mmm yyyy"
                elif isinstance(cell.value, time):
                    cell.number_format = "hh:mm"
                else:
                    cell.number_format = "#,##0"
                if row.is_total:
                    cell.font = bold
        if len(table.rows) > 1:  # a formatted table over the rows, its total last
            reference = f"A1:{get_column_letter(len(headings))}{sheet.max_row}"
            formatted = Table(displayName=f"Report_{table.key}", ref=reference)
            formatted.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            sheet.add_table(formatted)
        sheet.freeze_panes = f"{get_column_letter(len(table.label_headings) + 1)}2"
        for number, heading in enumerate(headings, start=1):
            longest = max(
                [len(heading)] + [len(str(c.value or "")) for c in sheet[get_column_letter(number)]]
            )
            sheet.column_dimensions[get_column_letter(number)].width = min(max(longest + 3, 9), 60)
        if table.note:
            sheet.cell(row=sheet.max_row + 2, column=1, value=safe_cell(table.note)).data_type = "s"
    workbook.save(path)


def write_report(
    db: OrmSession,
    path: Path,
    report_format: ReportFormat,
    *,
    codes: list[str] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    anonymous: bool = False,
    desk: str = "",
    clock: Clock = utc_now,
    zone: tzinfo | None = None,
) -> ReportDocument:
    """Write the programme report over the sessions chosen (all by default); it appears whole or not at
    all. The audit log gets one line."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name for the report.")
    if not path.parent.exists():
        raise UsageError(f"The folder {path.parent} does not exist.")
    sessions = choose_sessions(db, codes, first_day=first_day, last_day=last_day, zone=zone)
    if not sessions:
        raise UsageError("No session is in that period: nothing to report.")
    document = report_document(
        programme_report(db, sessions, clock=clock, zone=zone), anonymous=anonymous, zone=zone
    )
    with written_beside(path, prefix=".report-", suffix=path.suffix) as temporary:
        if report_format is ReportFormat.PDF:
            from checkin.records.report.pdf import write_report_pdf  # ReportLab loads only for a PDF

            write_report_pdf(temporary, document, zone)
        elif report_format is ReportFormat.XLSX:
            write_xlsx(temporary, document, zone)
        else:
            write_csv(temporary, document)
    kind = "anonymous report" if anonymous else "programme report"
    db.add(
        AuditLog(
            at=clock(),
            desk=desk,
            action="report",
            detail=f"{kind} of {len(sessions)} sessions as {report_format}",
        )
    )
    db.commit()
    return document
