"""The programme report as a PDF: a one-page summary, charts drawn as vectors, the tables, the method note."""

from collections.abc import Sequence
from datetime import date, time, tzinfo
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from checkin.domain.clock import day_for_people
from checkin.printing.fonts import SANS, SANS_BOLD, SANS_ITALIC, prepare, register_fonts
from checkin.printing.registers import HAIRLINE, INK, MUTED, SHADE
from checkin.records.report.tables import (
    METHOD_NOTE,
    SUPPRESSION_NOTE,
    Figure,
    Label,
    ReportDocument,
    ReportTable,
)

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
#: Said where a chart over the morning has nothing to show.
EMPTY_CHART = "Nobody has been checked in at the desk yet in these sessions."
#: The tables' headings, white on ink.
HEAD_SIZE = 6.8
BAR = colors.HexColor("#3D6A9E")
BAR_HIDDEN = colors.HexColor("#C9D3E0")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=SANS, fontSize=8.5, leading=11, textColor=INK)
    return {
        "kicker": ParagraphStyle("kicker", base, fontName=SANS_BOLD, fontSize=8, textColor=MUTED),
        "title": ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=22, leading=26),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14),
        "section": ParagraphStyle(
            "section", base, fontName=SANS_BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "number": ParagraphStyle("number", base, fontName=SANS_BOLD, fontSize=20, leading=23),
        "label": ParagraphStyle("label", base, fontSize=8, leading=10, textColor=MUTED),
        "cell": base,
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=SANS_BOLD),
        "count": ParagraphStyle("count", base, alignment=TA_RIGHT),
        "count_bold": ParagraphStyle("count_bold", base, fontName=SANS_BOLD, alignment=TA_RIGHT),
        "head": ParagraphStyle(
            "head", base, fontName=SANS_BOLD, fontSize=HEAD_SIZE, leading=8.5, textColor=colors.white
        ),
        "head_r": ParagraphStyle(
            "head_r",
            base,
            fontName=SANS_BOLD,
            fontSize=HEAD_SIZE,
            leading=8.5,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "note": ParagraphStyle("note", base, fontName=SANS_ITALIC, fontSize=8, leading=10.5, textColor=MUTED),
        "term": ParagraphStyle(
            "term", base, fontSize=8.5, leading=11.5, leftIndent=12, firstLineIndent=-12, spaceAfter=2
        ),
    }


def _text(value: str, style: ParagraphStyle) -> Paragraph:
    prepared = prepare(value, bold=style.fontName == SANS_BOLD)
    if prepared.font != style.fontName:
        style = ParagraphStyle(f"{style.name}-{prepared.font}", style, fontName=prepared.font)
    return Paragraph(escape(prepared.text), style)


def _label(value: Label) -> str:
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, date):
        return f"{value:%a %d %b %Y}"
    return value


def _table(
    styles: dict[str, ParagraphStyle], table: ReportTable, widths: Sequence[float] | None = None
) -> Table:
    head = [_text(h, styles["head"]) for h in table.label_headings] + [
        _text(h, styles["head_r"]) for h in table.headings
    ]
    rows: list[list[Flowable]] = [head]
    for row in table.rows:
        label_style, count_style = (
            (styles["cell_bold"], styles["count_bold"]) if row.is_total else (styles["cell"], styles["count"])
        )
        rows.append(
            [_text(_label(v), label_style) for v in row.labels]
            + [_text(f.shown, count_style) for f in row.figures]
        )
    if widths is None:
        widths = _widths(table)
    grid = Table(rows, colWidths=list(widths), repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, HAIRLINE),
        ("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.9, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, 0), 2),
        ("RIGHTPADDING", (0, 0), (-1, 0), 2),
    ]
    for number in range(2, len(rows) - 1, 2):
        commands.append(("BACKGROUND", (0, number), (-1, number), SHADE))
    grid.setStyle(TableStyle(commands))
    return grid


def _widths(table: ReportTable) -> list[float]:
    """Counts in narrow columns, the first label taking what is left."""
    counts = len(table.headings)
    least = 12 * mm if counts > 5 else 19 * mm
    # Each count column as wide as its heading needs on one line ("Certificates" must not wrap).
    count_widths = [max(least, _width(h, SANS_BOLD, HEAD_SIZE) + 6) for h in table.headings]
    fixed = {"Session": 20 * mm, "Date": 27 * mm, "Sessions": 16 * mm, "From": 24 * mm}
    widths = [fixed.get(h, 0.0) for h in table.label_headings]
    rest = WIDTH - sum(count_widths) - sum(widths)
    flexible = [n for n, w in enumerate(widths) if not w] or [0]
    for n in flexible:
        widths[n] = rest / len(flexible) + widths[n]
    return [*widths, *count_widths]


def _without_venue(sessions: ReportTable) -> ReportTable:
    """The sessions table without its venue column, for the page's width (the venue table follows)."""
    return ReportTable(
        sessions.key,
        sessions.title,
        sessions.label_headings[:2],
        sessions.headings,
        tuple(type(row)(row.labels[:2], row.figures, row.is_total) for row in sessions.rows),
        sessions.note,
    )


def _bars(title: str, items: Sequence[tuple[str, Figure]], width: float = WIDTH) -> Drawing:
    """Horizontal bars, one a row, the count at the end; a suppressed count is a pale stub with its mark."""
    register_fonts()
    row, label_width, top = 14.0, 62 * mm, 18.0
    height = top + row * len(items) + 4
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=SANS_BOLD, fontSize=10, fillColor=INK))
    largest = max([f.value or 0 for _n, f in items] + [1])
    room = width - label_width - 30
    for n, (name, figure) in enumerate(items):
        y = height - top - row * (n + 1) + 3
        shown = prepare(name).text
        while len(shown) > 8 and _width(shown, SANS, 8) > label_width - 6:
            shown = shown[:-2].rstrip() + "…"
        drawing.add(
            String(
                label_width - 6, y + 2.5, shown, fontName=SANS, fontSize=8, fillColor=INK, textAnchor="end"
            )
        )
        length = room * (figure.value or 0) / largest if figure.value is not None else 4.0
        drawing.add(
            Rect(
                label_width,
                y,
                max(length, 0.01),
                row - 4,
                fillColor=BAR_HIDDEN if figure.hidden else BAR,
                strokeColor=None,
            )
        )
        drawing.add(
            String(label_width + length + 3, y + 2.5, figure.shown, fontName=SANS, fontSize=8, fillColor=INK)
        )
    return drawing


def _columns(
    title: str, items: Sequence[tuple[str, Figure]], width: float = WIDTH, height: float = 62 * mm
) -> Drawing:
    """Vertical bars over the morning, times under them."""
    register_fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=SANS_BOLD, fontSize=10, fillColor=INK))
    base, top = 14.0, height - 30
    largest = max([f.value or 0 for _n, f in items] + [1])
    slot = width / max(len(items), 1)
    drawing.add(Line(0, base, width, base, strokeColor=HAIRLINE, strokeWidth=0.6))
    if not items:
        drawing.add(
            String(0, (base + top) / 2, EMPTY_CHART, fontName=SANS_ITALIC, fontSize=9, fillColor=MUTED)
        )
    for n, (name, figure) in enumerate(items):
        x = n * slot + slot * 0.15
        tall = (top - base) * (figure.value or 0) / largest if figure.value is not None else 3.0
        drawing.add(
            Rect(
                x,
                base,
                slot * 0.7,
                max(tall, 0.01),
                fillColor=BAR_HIDDEN if figure.hidden else BAR,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                x + slot * 0.35,
                base + tall + 3,
                figure.shown,
                fontName=SANS,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(x + slot * 0.35, 3, name, fontName=SANS, fontSize=7, fillColor=MUTED, textAnchor="middle")
        )
    return drawing


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return float(stringWidth(text, font, size))


def _summary(styles: dict[str, ParagraphStyle], document: ReportDocument) -> Table:
    cells = [
        [_text(f.shown, styles["number"]), _text(label, styles["label"])] for label, f in document.summary
    ]
    pairs = [cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""]) for i in range(0, len(cells), 2)]
    grid = Table(pairs, colWidths=[28 * mm, WIDTH / 2 - 28 * mm] * 2)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, HAIRLINE),
                ("LINEABOVE", (0, 0), (-1, 0), 0.9, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return grid


def _groups(table: ReportTable, column: str) -> list[tuple[str, Figure]]:
    at = table.headings.index(column)
    return [(str(_label(row.labels[0])), row.figures[at]) for row in table.rows if not row.is_total]


def write_report_pdf(path: str, document: ReportDocument, zone: tzinfo | None = None) -> None:
    styles = _styles()
    sessions, venues = document.table("sessions"), document.table("venues")
    heading = "Programme report" + (" (anonymous)" if document.anonymous else "")
    made = day_for_people(document.made_at, zone)
    story: list[Flowable] = [
        _text(document.title.upper(), styles["kicker"]),
        Spacer(1, 2 * mm),
        _text(heading, styles["title"]),
        _text(
            f"{document.sessions} session{'s' if document.sessions != 1 else ''} at "
            f"{len(venues.rows) - 1} venue{'s' if len(venues.rows) != 2 else ''}, {document.period}",
            styles["subtitle"],
        ),
        _text(
            (f"Organised by {document.organiser}. " if document.organiser else "") + f"Made on {made}.",
            styles["label"],
        ),
        Spacer(1, 5 * mm),
        _summary(styles, document),
        Spacer(1, 6 * mm),
        _text("Sessions", styles["section"]),
        _table(
            styles,
            _brief(sessions),
        ),
        Spacer(1, 4 * mm),
        _text(
            SUPPRESSION_NOTE
            if document.anonymous
            else "What each figure counts: see the method note on the last page.",
            styles["note"],
        ),
        Spacer(1, 6 * mm),
        _bars("Attended, by sector", _groups(document.table("sectors"), "Attended")),
        PageBreak(),
        _bars("Attended, by venue", _groups(venues, "Attended")),
        Spacer(1, 5 * mm),
        _columns(
            "Arrivals at the desk over the morning (local time, 15 minutes)",
            [
                (str(_label(row.labels[0])), row.figures[0])
                for row in document.table("arrivals").rows
                if not row.is_total
            ],
        ),
        PageBreak(),
    ]
    for table in document.tables:
        if table.key == "sessions":
            table = _without_venue(table)
        block: list[Flowable] = [_text(table.title, styles["section"]), _table(styles, table)]
        if table.note:
            block += [Spacer(1, 1.5 * mm), _text(table.note, styles["note"])]
        story += [CondPageBreak(40 * mm), KeepTogether(block[:2]), *block[2:], Spacer(1, 4 * mm)]
    story += [CondPageBreak(60 * mm), _text("Method: what each figure counts", styles["section"])]
    story += [_text(f"{term}: {meaning}", styles["term"]) for term, meaning in METHOD_NOTE]
    if document.anonymous:
        story += [Spacer(1, 2 * mm), _text(SUPPRESSION_NOTE, styles["term"])]

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(SANS, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 9 * mm, prepare(f"{document.title}: {heading.lower()}").text)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"Page {doc.page}")
        canvas.restoreState()

    SimpleDocTemplate(
        path,
        pagesize=A4,
        leftMargin=MARGIN - 6,
        rightMargin=MARGIN - 6,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=heading,
        author=document.organiser,
        creator="Check-in Desk",
    ).build(story, onFirstPage=footer, onLaterPages=footer)


def _brief(sessions: ReportTable) -> ReportTable:
    """The sessions table cut to what the summary page has room for."""
    keep = [sessions.headings.index(h) for h in ("Places", "Attended", "No-shows", "Certificates", "Guides")]
    return ReportTable(
        sessions.key,
        sessions.title,
        sessions.label_headings,
        tuple(sessions.headings[i] for i in keep),
        tuple(
            type(row)(row.labels, tuple(row.figures[i] for i in keep), row.is_total) for row in sessions.rows
        ),
    )
