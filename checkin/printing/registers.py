"""Printed registers (PDF): the attendance register, the paper sign-in sheet, and certificates of attendance.

All three use the bundled Noto fonts (names in any script we support, Arabic shaped), are written beside
their target and renamed into place, and leave an audit-log row that names the session, never a person.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.attendance import eligible_for_certificate, segment_attendance
from checkin.desk.roster import RosterEntry, session_roster
from checkin.domain.clock import Clock, time_for_people, utc_now
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.errors import UsageError
from checkin.files import written_beside
from checkin.printing.fitting import (
    LINE_ABOVE,
    FittedText,
    draw_fitted,
    sizes_down,
    string_width,
    text_width,
    wrap,
)
from checkin.printing.fonts import SANS, SANS_BOLD, SANS_ITALIC, prepare, register_fonts
from checkin.store.models import AuditLog, Session

log = logging.getLogger(__name__)

INK = colors.HexColor("#1C2B45")  # deep navy: titles and rules
ACCENT = colors.HexColor("#A07E3C")  # muted gold: small capitals and the certificate's inner frame
MUTED = colors.HexColor("#5E6878")
HAIRLINE = colors.HexColor("#C7CCD6")
SHADE = colors.HexColor("#F2F4F8")

WALK_IN_ROWS = 10
STATUS_LABELS = {
    "booked": "Booked",
    "walk_in": "Walk-in",
    "cancelled": "Cancelled",
    "waitlisted": "Waitlist",
    "transferred": "Transferred",
}
#: The text layer under a drawn tick (Noto Sans has no check-mark glyph): searchable, read aloud.
TICK_TEXT = "Yes"
NO_ELIGIBLE = (
    "No one in {code} is marked present for every required part of the day ({parts}), so there are no "
    "certificates to print: the trainers' roll-call for each part is needed first."
)


# ---- facts about the session, as printed ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionPrintFacts:
    programme: str
    organiser: str
    delivered_by: str
    title: str
    code: str
    venue: str
    address: str
    date: str
    times: str
    trainers: tuple[str, ...]
    segments: tuple[tuple[int, str], ...]
    training: timedelta | None


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"  # no %-d: Windows has none


def _clock_time(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def training_time(session: Session) -> tuple[timedelta, datetime, datetime] | None:
    """The training the day holds and its span: the segments' times added up when every segment has
    them (breaks between parts do not count), otherwise the session's start to end."""
    segments = session.segments
    if segments and all(s.starts_at and s.ends_at for s in segments):
        total = sum(((s.ends_at - s.starts_at) for s in segments if s.ends_at and s.starts_at), timedelta())
        starts = min(s.starts_at for s in segments if s.starts_at)
        ends = max(s.ends_at for s in segments if s.ends_at)
        return total, starts, ends
    if session.ends_at is not None:
        return session.ends_at - session.starts_at, session.starts_at, session.ends_at
    return None


_FRACTIONS = {0: "", 15: "¼", 30: "½", 45: "¾"}


def describe_hours(duration: timedelta) -> str:
    """'5½ hours', '1 hour', '2 hours 20 minutes'."""
    minutes = round(duration.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    if rest in _FRACTIONS and hours:
        unit = "hour" if hours == 1 and rest == 0 else "hours"
        return f"{hours}{_FRACTIONS[rest]} {unit}"
    if not hours:
        return f"{rest} minutes"
    return f"{hours} hour{'s' if hours != 1 else ''} {rest} minutes"


def session_print_facts(session: Session, zone: tzinfo | None = None) -> SessionPrintFacts:
    programme = session.programme
    venue = session.venue
    span = training_time(session)
    starts = session.starts_at.astimezone(zone)
    if span is not None:
        times = f"{_clock_time(span[1].astimezone(zone))}–{_clock_time(span[2].astimezone(zone))}"
    else:
        times = _clock_time(starts)
    trainers = tuple(name.strip() for name in session.trainers.replace(";", ",").split(",") if name.strip())
    return SessionPrintFacts(
        programme=programme.title,
        organiser=programme.organiser,
        delivered_by=programme.delivered_by,
        title=session.title,
        code=session.code,
        venue=venue.name if venue else "",
        address=venue.address if venue else "",
        date=_day(starts),
        times=times,
        trainers=trainers,
        segments=tuple((s.id, s.name) for s in session.segments),
        training=span[0] if span else None,
    )


def _dots(*parts: str) -> str:
    return "  ·  ".join(part for part in parts if part)


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ---- writing files -------------------------------------------------------------------------------------


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name for the PDF.")
    if not path.parent.exists():
        raise UsageError(f"The folder {path.parent} does not exist.")


def _write_beside(path: Path, write: Callable[[str], None]) -> None:
    """The file appears whole or not at all: written beside the target, then renamed over it."""
    with written_beside(path, prefix=".checkin-", suffix=".pdf") as temporary:
        write(temporary)


def _audit(db: OrmSession, clock: Clock, desk: str, detail: str) -> None:
    db.add(AuditLog(at=clock(), desk=desk, action="export", detail=detail))
    db.commit()


# ---- table documents (register and sign-in sheet) ------------------------------------------------------

PORTRAIT = A4
MARGIN = 14 * mm


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=SANS, fontSize=8, leading=10, textColor=INK)
    return {
        "kicker": ParagraphStyle("kicker", base, fontName=SANS_BOLD, fontSize=7.5, textColor=ACCENT),
        "title": ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=20, leading=24),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=15, textColor=INK),
        "label": ParagraphStyle("label", base, fontSize=7, leading=9, textColor=MUTED),
        "fact": ParagraphStyle("fact", base, fontSize=9, leading=11.5),
        "note": ParagraphStyle("note", base, fontName=SANS_ITALIC, fontSize=8, leading=10.5, textColor=MUTED),
        "head": ParagraphStyle(
            "head", base, fontName=SANS_BOLD, fontSize=7, leading=8.5, textColor=colors.white
        ),
        "head_c": ParagraphStyle(
            "head_c",
            base,
            fontName=SANS_BOLD,
            fontSize=6.5,
            leading=8,
            textColor=colors.white,
            alignment=TA_CENTER,
        ),
        "cell": base,
        "sheet": ParagraphStyle("sheet", base, fontSize=9, leading=11),  # read standing at the door
        "cell_muted": ParagraphStyle("cell_muted", base, textColor=MUTED),
        "void": ParagraphStyle("void", base, fontName=SANS_ITALIC, fontSize=7, textColor=MUTED),
        "section": ParagraphStyle(
            "section", base, fontName=SANS_BOLD, fontSize=11, leading=14, spaceBefore=6
        ),
    }


def _para(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    """A cell of user text: NFC, Arabic shaped, in the font that has its letters."""
    prepared = prepare(text, bold)
    font_style = ParagraphStyle(f"{style.name}-{prepared.font}", style, fontName=prepared.font)
    return Paragraph(escape(prepared.text), font_style)


def _name_cell(entry: RosterEntry, style: ParagraphStyle) -> Paragraph:
    first = entry.badge_name or entry.first_name
    last = entry.last_name
    text = f"{last}, {first}" if last and first else last or first or entry.email or "(no name)"
    return _para(text, style, bold=True)


class Tick(Flowable):
    """A drawn check mark with 'Yes' as invisible text under it (search, copy, screen readers)."""

    def __init__(self, size: float = 3.6 * mm) -> None:
        super().__init__()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        canvas, s = self.canv, self.size
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(s * 0.16)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        path = canvas.beginPath()
        path.moveTo(s * 0.08, s * 0.50)
        path.lineTo(s * 0.38, s * 0.18)
        path.lineTo(s * 0.94, s * 0.86)
        canvas.drawPath(path, stroke=1, fill=0)
        text = canvas.beginText(0, s * 0.2)
        text.setTextRenderMode(3)
        text.setFont(SANS, s * 0.6)
        text.textOut(TICK_TEXT)
        canvas.drawText(text)
        canvas.restoreState()


class _PagedCanvas(Canvas):
    """Holds pages back until the end so each can say 'Page n of m'."""

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


def _footer(left: str, printed: str) -> Callable[[Canvas, int, int], None]:
    def draw(canvas: Canvas, number: int, total: int) -> None:
        width, _height = canvas._pagesize
        canvas.saveState()
        canvas.setStrokeColor(HAIRLINE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 11 * mm, width - MARGIN, 11 * mm)
        canvas.setFont(SANS, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 7.5 * mm, prepare(left).text)
        canvas.drawCentredString(width / 2, 7.5 * mm, printed)
        canvas.drawRightString(width - MARGIN, 7.5 * mm, f"Page {number} of {total}")
        canvas.restoreState()

    return draw


def _running_head(text: str) -> Callable[[Canvas, Any], None]:
    def draw(canvas: Canvas, _doc: Any) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(SANS, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - 9 * mm, prepare(text).text)
        canvas.restoreState()

    return draw


def _title_block(styles: dict[str, ParagraphStyle], facts: SessionPrintFacts, heading: str) -> list[Flowable]:
    def fact(label: str, value: str) -> list[Paragraph]:
        return [Paragraph(escape(label.upper()), styles["label"]), _para(value, styles["fact"])]

    venue = facts.venue + (f", {facts.address}" if facts.address else "")
    grid = [
        [fact("Session", facts.code), fact("Date", facts.date), fact("Time", facts.times)],
        [fact("Venue", venue or "—"), "", fact("Trainers", _and(facts.trainers) or "—")],
    ]
    usable = PORTRAIT[0] - 2 * MARGIN
    table = Table(grid, colWidths=[usable * 0.28, usable * 0.36, usable * 0.36])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("SPAN", (0, 1), (1, 1)),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, HAIRLINE),
            ]
        )
    )
    return [
        _para(facts.programme.upper(), styles["kicker"]),
        Spacer(1, 1.5 * mm),
        Paragraph(escape(heading), styles["title"]),
        _para(facts.title, styles["subtitle"]),
        Spacer(1, 4 * mm),
        table,
    ]


def _grid_style(rows: int, header_rows: int = 1) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), INK),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ("VALIGN", (0, header_rows), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, HAIRLINE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("FONT", (0, 0), (-1, -1), SANS, 8),
        ("TEXTCOLOR", (0, header_rows), (-1, -1), INK),
    ]
    for row in range(header_rows, rows, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), SHADE))
    return commands


def _build(
    path: str,
    story: list[Flowable],
    *,
    title: str,
    author: str,
    footer_left: str,
    printed: str,
    running_head: str,
    pagesize: tuple[float, float] = PORTRAIT,
) -> None:
    document = SimpleDocTemplate(
        path,
        pagesize=pagesize,
        # The frame pads its content by 6 pt: so the tables line up with the header and footer at MARGIN.
        leftMargin=MARGIN - 6,
        rightMargin=MARGIN - 6,
        topMargin=13 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        creator="Check-in Desk",
    )
    document.build(
        story,
        onLaterPages=_running_head(running_head),
        canvasmaker=partial(_PagedCanvas, footer=_footer(footer_left, printed)),
    )


def _printed(clock: Clock, zone: tzinfo | None) -> str:
    now = clock().astimezone(zone)
    return f"Printed {now.day} {now:%b %Y %H:%M}"


# ---- the attendance register ---------------------------------------------------------------------------


def write_register_pdf(
    db: OrmSession,
    session: Session,
    path: Path,
    *,
    desk: str = "",
    clock: Clock = utc_now,
    zone: tzinfo | None = None,
) -> int:
    """The attendance register of a session, A4 portrait: every booking sorted by surname, with status,
    arrival time, a tick for each part of the day the trainers marked, and room to sign. Returns the
    number of bookings listed. `zone` is the time zone times are printed in (default: this computer's)."""
    _check_target(path)
    styles = _styles()
    facts = session_print_facts(session, zone)
    entries = session_roster(db, session)
    marks = segment_attendance(db, session)

    usable = PORTRAIT[0] - 2 * MARGIN
    segments = facts.segments
    number_w, status_w, arrived_w = 6.5 * mm, 17 * mm, 12.5 * mm
    segment_w = min(14 * mm, 48 * mm / max(len(segments), 1))
    signature_w = 30 * mm
    rest = usable - number_w - status_w - arrived_w - segment_w * len(segments) - signature_w
    name_w, organisation_w = rest * 0.43, rest * 0.57
    # A part's name fits its narrow column on one line per word: the heading shrinks rather than break one.
    longest = max(
        (w for _, name in segments for w in name.split()), key=lambda w: text_width(w, True, 7), default=""
    )
    head_size = next(
        (size for size in sizes_down(7.0, 5.0) if text_width(longest, True, size) <= segment_w - 8), 5.0
    )  # segment_w - 8: 6 pt of cell padding
    segment_head = ParagraphStyle(
        "segment_head", styles["head_c"], fontSize=head_size, leading=head_size * 1.2
    )

    header = [
        Paragraph("#", styles["head"]),
        Paragraph("Name", styles["head"]),
        Paragraph("Organisation", styles["head"]),
        Paragraph("Status", styles["head"]),
        Paragraph("Arrived", styles["head"]),
        *[_para(name, segment_head, bold=True) for _, name in segments],
        Paragraph("Signature", styles["head"]),
    ]
    rows: list[list[Any]] = [header]
    for number, entry in enumerate(entries, start=1):
        attending = entry.status in ACTIVE_STATUSES
        style = styles["cell"] if attending else styles["cell_muted"]
        present = marks.get(entry.registration_id or -1, set())
        # An arrival on another day than the session's (the evening before) says its date.
        arrived = time_for_people(entry.checked_in_at, session.starts_at, zone) if entry.checked_in_at else ""
        rows.append(
            [
                Paragraph(str(number), styles["cell_muted"]),
                _name_cell(entry, style),
                _para(entry.organisation, style),
                Paragraph(escape(STATUS_LABELS.get(entry.status or "", entry.status or "")), style),
                Paragraph(arrived, style),
                *[Tick() if segment_id in present else "" for segment_id, _ in segments],
                Spacer(1, 8 * mm) if attending else Paragraph("not attending", styles["void"]),
            ]
        )

    widths = [
        number_w,
        name_w,
        organisation_w,
        status_w,
        arrived_w,
        *[segment_w] * len(segments),
        signature_w,
    ]
    table = Table(rows, colWidths=widths, repeatRows=1)
    first_segment, signature = 5, 5 + len(segments)
    commands = _grid_style(len(rows))
    commands += [
        ("ALIGN", (first_segment, 1), (signature - 1, -1), "CENTER"),
        ("LINEBEFORE", (first_segment, 0), (first_segment, -1), 0.4, HAIRLINE),
        ("LINEBEFORE", (signature, 1), (signature, -1), 0.4, HAIRLINE),
    ]
    table.setStyle(TableStyle(commands))

    active = [e for e in entries if e.status in ACTIVE_STATUSES]
    summary_parts = [
        f"{len(active)} booked",
        f"{sum(1 for e in active if e.checked_in_at)} arrived",
        *[f"{name}: {sum(1 for r in marks.values() if sid in r)}" for sid, name in segments],
    ]
    inactive = len(entries) - len(active)
    if inactive:
        summary_parts.append(f"{inactive} cancelled, transferred or waiting")
    story = [
        *_title_block(styles, facts, "Attendance register"),
        Spacer(1, 2 * mm),
        Paragraph(escape("  ·  ".join(summary_parts)), styles["note"]),
        Spacer(1, 4 * mm),
        table,
    ]

    _write_session_document(
        db,
        path,
        story,
        facts,
        "Attendance register",
        len(entries),
        clock=clock,
        zone=zone,
        desk=desk,
        audit=f"register of {facts.code} as pdf ({len(entries)} bookings)",
    )
    return len(entries)


def _write_session_document(
    db: OrmSession,
    path: Path,
    story: list[Any],
    facts: Any,
    name: str,
    count: int,
    *,
    clock: Clock,
    zone: Any,
    desk: str,
    audit: str,
) -> None:
    """A session's A4 document (register, sign-in sheet): built beside `path`, renamed into place, logged
    and audited without personal data."""

    def write(temporary: str) -> None:
        _build(
            temporary,
            story,
            title=f"{name} {facts.code}",
            author=facts.organiser,
            footer_left=_dots(name, facts.code, facts.venue),
            printed=_printed(clock, zone),
            running_head=f"{facts.title}  ·  {facts.code}  ·  {facts.date}",
        )

    _write_beside(path, write)
    log.info("%s of %s written (%d bookings)", name, facts.code, count)
    _audit(db, clock, desk, audit)


# ---- the paper sign-in sheet ---------------------------------------------------------------------------


def write_signin_sheet(
    db: OrmSession,
    session: Session,
    path: Path,
    *,
    desk: str = "",
    clock: Clock = utc_now,
    zone: tzinfo | None = None,
) -> int:
    """The paper fallback printed before doors open: active bookings by surname with boxes to sign and
    write the time, then blank rows for walk-ins. Returns the number of bookings listed."""
    _check_target(path)
    styles = _styles()
    facts = session_print_facts(session, zone)
    entries = [e for e in session_roster(db, session) if e.status in ACTIVE_STATUSES]
    usable = PORTRAIT[0] - 2 * MARGIN

    widths = [8 * mm, 52 * mm, 52 * mm, usable - 8 * mm - 104 * mm - 20 * mm, 20 * mm]
    rows: list[list[Any]] = [
        [Paragraph(escape(h), styles["head"]) for h in ("#", "Name", "Organisation", "Signature", "Time in")]
    ]
    for number, entry in enumerate(entries, start=1):
        rows.append(
            [
                Paragraph(str(number), styles["cell_muted"]),
                _name_cell(entry, styles["sheet"]),
                _para(entry.organisation, styles["sheet"]),
                Spacer(1, 8.5 * mm),
                "",
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    commands = _grid_style(len(rows))
    commands += [
        ("LINEBEFORE", (3, 1), (4, -1), 0.4, HAIRLINE),
    ]
    table.setStyle(TableStyle(commands))

    walk_widths = [8 * mm, 42 * mm, 40 * mm, 44 * mm, usable - 8 * mm - 126 * mm - 18 * mm, 18 * mm]
    walk_rows: list[list[Any]] = [
        [
            Paragraph(escape(h), styles["head"])
            for h in ("#", "Name", "Organisation", "Email", "Signature", "Time in")
        ]
    ]
    walk_rows += [
        [Paragraph(f"W{n}", styles["cell_muted"]), Spacer(1, 9 * mm), "", "", "", ""]
        for n in range(1, WALK_IN_ROWS + 1)
    ]
    walk_ins = Table(walk_rows, colWidths=walk_widths, repeatRows=1)
    walk_commands = _grid_style(len(walk_rows))
    walk_commands = [c for c in walk_commands if c[0] != "BACKGROUND" or c[1] == (0, 0)]
    walk_commands += [("GRID", (0, 1), (-1, -1), 0.4, HAIRLINE)]
    walk_ins.setStyle(TableStyle(walk_commands))

    story = [
        *_title_block(styles, facts, "Sign-in sheet"),
        Spacer(1, 2.5 * mm),
        Paragraph(
            "Please find your name, sign beside it and write the time you arrived. "
            "Not on the list? Add yourself in the walk-in table at the end.",
            styles["note"],
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 7 * mm),
        KeepTogether(
            [
                Paragraph("Walk-ins: not on the list", styles["section"]),
                Paragraph(
                    "Please print clearly: the organiser uses your email only to send the session's "
                    "materials and your certificate.",
                    styles["note"],
                ),
                Spacer(1, 2.5 * mm),
                walk_ins,
            ]
        ),
    ]

    _write_session_document(
        db,
        path,
        story,
        facts,
        "Sign-in sheet",
        len(entries),
        clock=clock,
        zone=zone,
        desk=desk,
        audit=f"sign-in sheet of {facts.code} ({len(entries)} bookings)",
    )
    return len(entries)


# ---- certificates of attendance ------------------------------------------------------------------------

_STEP = 0.5  # points: how finely certificate text shrinks
_SMALLEST_EVER = 3.0  # points: a name too long even for this overflows rather than being cut short


def fit_text(
    text: str,
    width: float,
    height: float,
    *,
    largest: float,
    smallest: float,
    bold: bool = False,
    leading: float = 1.18,
) -> FittedText:
    """Certificate text, never cut short: the largest size from `largest` down to `smallest`, in half
    points, at which it fits one line; failing that, wrapped at spaces at `smallest`, shrinking further
    until the lines fit the box. Never returns lines wider than `width` or taller than `height` (unless
    under 3 pt). Each line is `leading` times the size, its baseline 0.95 of the size below its top."""
    text = " ".join(text.split())

    def lines_at(size: float, lines: Sequence[str]) -> FittedText:
        pitch = size * leading
        above = LINE_ABOVE * size
        return FittedText(tuple(prepare(line, bold) for line in lines), size, above, pitch - above, pitch)

    for size in sizes_down(largest, smallest, _STEP):
        if text_width(text, bold, size) <= width and size * leading <= height:
            return lines_at(size, [text])
    size = smallest
    while True:
        lines = [line for _, line in wrap(text, width, bold, size=size, hyphens=False)]
        if len(lines) * size * leading <= height or size <= _SMALLEST_EVER:
            return lines_at(size, lines)
        size -= _STEP


def _draw_centred(
    canvas: Canvas, fitted: FittedText, x: float, top: float, width: float, color: Any = INK
) -> float:
    """Draws the lines centred in the box `width` wide at `x`, below `top`; returns the y under them."""
    canvas.setFillColor(color)
    return draw_fitted(canvas, fitted, x, top, width, "center")


def _spaced(canvas: Canvas, text: str, x: float, y: float, font: str, size: float, spacing: float) -> None:
    """Letter-spaced small capitals, centred on x (fitted to the page by the caller)."""
    width = string_width(text, font, size) + spacing * (len(text) - 1)
    canvas.setFont(font, size)
    cursor = x - width / 2
    for char in text:
        canvas.drawString(cursor, y, char)
        cursor += string_width(char, font, size) + spacing


@dataclass(frozen=True)
class CertificateFacts:
    name: str
    number: str


def certificate_number(session: Session, registration_id: int) -> str:
    return f"{session.code}-{registration_id:05d}"


def _draw_frame(canvas: Canvas, width: float, height: float) -> None:
    outer, inner = 9 * mm, 12.5 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2.2)
    canvas.rect(outer, outer, width - 2 * outer, height - 2 * outer)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.6)
    canvas.rect(inner, inner, width - 2 * inner, height - 2 * inner)
    # Small gold squares set diagonally at the inner frame's corners.
    canvas.setFillColor(ACCENT)
    d = 1.6 * mm
    for cx, cy in (
        (inner, inner),
        (width - inner, inner),
        (inner, height - inner),
        (width - inner, height - inner),
    ):
        path = canvas.beginPath()
        path.moveTo(cx, cy + d)
        path.lineTo(cx + d, cy)
        path.lineTo(cx, cy - d)
        path.lineTo(cx - d, cy)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)


def _draw_signature(canvas: Canvas, x: float, y: float, width: float, name: FittedText, caption: str) -> None:
    """A line to sign on, the printed name under it, and what the signer is."""
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.5)
    canvas.line(x - width / 2, y, x + width / 2, y)
    below = _draw_centred(canvas, name, x - width / 2, y - 2 * mm, width)
    canvas.setFont(SANS, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(x, below - 3.2 * mm, caption)


def _draw_certificate(canvas: Canvas, facts: SessionPrintFacts, person: CertificateFacts) -> None:
    width, height = landscape(A4)
    centre = width / 2
    line_w = width - 76 * mm
    left = centre - line_w / 2
    _draw_frame(canvas, width, height)

    top = height - 37 * mm
    organiser = (facts.organiser or facts.delivered_by or facts.programme).upper()
    size = next(
        (
            size
            for size in sizes_down(8.5, 5.0, _STEP)
            if string_width(organiser, SANS_BOLD, size) + 1.8 * len(organiser) <= line_w
        ),
        5.0,
    )
    canvas.setFillColor(ACCENT)
    _spaced(canvas, prepare(organiser).text, centre, top, SANS_BOLD, size, 1.8)

    canvas.setFillColor(INK)
    canvas.setFont(SANS, 38)
    canvas.drawCentredString(centre, top - 21 * mm, "Certificate of Attendance")
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    canvas.line(centre - 16 * mm, top - 28.5 * mm, centre + 16 * mm, top - 28.5 * mm)

    canvas.setFont(SANS_ITALIC, 12)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(centre, top - 40 * mm, "This is to certify that")

    # The name: a box it can never leave, shrinking then wrapping.
    name_top, name_height = top - 44 * mm, 25 * mm
    name = fit_text(person.name, line_w, name_height, largest=36, smallest=20, bold=True)
    _draw_centred(canvas, name, left, name_top - (name_height - name.height) / 2, line_w)

    y = name_top - name_height - 6 * mm
    canvas.setFont(SANS_ITALIC, 12)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(centre, y, "has attended")

    session_title = fit_text(facts.title, line_w, 16 * mm, largest=19, smallest=12, bold=True)
    y = _draw_centred(canvas, session_title, left, y - 4 * mm, line_w)
    programme = facts.programme + (f", delivered by {facts.delivered_by}" if facts.delivered_by else "")
    fitted = fit_text(programme, line_w, 10 * mm, largest=10, smallest=8)
    y = _draw_centred(canvas, fitted, left, y - 1 * mm, line_w, MUTED)

    place = ", ".join(part for part in (facts.venue, facts.address) if part)
    details = [facts.date] + ([place] if place else [])
    if facts.training is not None:
        details.append(f"{describe_hours(facts.training)} of training ({facts.times})")
    y -= 3.5 * mm
    for detail in details:
        fitted = fit_text(detail, line_w, 7 * mm, largest=11, smallest=7.5, leading=1.45)
        y = _draw_centred(canvas, fitted, left, y, line_w)

    # Signatures: trainers on the left, the organiser on the right, the certificate number between.
    line_y, column = 41 * mm, 80 * mm
    left_x, right_x = 30 * mm + column / 2, width - 30 * mm - column / 2
    trainer_names = _and(facts.trainers) or " "
    organiser_name = facts.organiser or facts.delivered_by or " "
    size = min(
        fit_text(trainer_names, column, 9 * mm, largest=10, smallest=7, bold=True).size,
        fit_text(organiser_name, column, 9 * mm, largest=10, smallest=7, bold=True).size,
    )
    trainers = fit_text(trainer_names, column, 9 * mm, largest=size, smallest=min(size, 7), bold=True)
    organising = fit_text(organiser_name, column, 9 * mm, largest=size, smallest=min(size, 7), bold=True)
    _draw_signature(
        canvas, left_x, line_y, column, trainers, "Trainer" + ("s" if len(facts.trainers) > 1 else "")
    )
    _draw_signature(canvas, right_x, line_y, column, organising, "Organiser")

    canvas.setFont(SANS, 7)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(centre, line_y - 5 * mm, "CERTIFICATE NO.")
    canvas.setFont(SANS_BOLD, 9)
    canvas.setFillColor(INK)
    canvas.drawCentredString(centre, line_y - 9.5 * mm, person.number)


def write_certificates(
    db: OrmSession,
    session: Session,
    path: Path,
    *,
    desk: str = "",
    clock: Clock = utc_now,
    zone: tzinfo | None = None,
) -> int:
    """One A4 landscape certificate per delegate marked present for every required part of the day,
    sorted by surname. Returns how many; none eligible is a UsageError that asks for the roll-call."""
    _check_target(path)
    eligible = set(eligible_for_certificate(db, session))
    if not eligible:
        parts = _and([s.name for s in session.segments if s.required])
        if not session.segments:
            raise UsageError(
                f"{session.code} has no parts of the day to take the roll-call for, so no certificates."
            )
        raise UsageError(NO_ELIGIBLE.format(code=session.code, parts=parts or "any part"))
    register_fonts()
    facts = session_print_facts(session, zone)
    people = [
        CertificateFacts(
            name=" ".join(p for p in (e.first_name, e.last_name) if p.strip()) or e.badge_name or e.email,
            number=certificate_number(session, e.registration_id or 0),
        )
        for e in session_roster(db, session)
        if e.registration_id in eligible
    ]

    def write(temporary: str) -> None:
        canvas = Canvas(temporary, pagesize=landscape(A4))
        canvas.setTitle(f"Certificates of attendance {facts.code}")
        canvas.setAuthor(facts.organiser)
        canvas.setCreator("Check-in Desk")
        for person in people:
            _draw_certificate(canvas, facts, person)
            canvas.showPage()
        canvas.save()

    _write_beside(path, write)
    log.info("Certificates of attendance for %s written (%d)", facts.code, len(people))
    _audit(db, clock, desk, f"certificates of {facts.code} ({len(people)})")
    return len(people)
