"""The printer calibration test page: a stock's label outlines, crosshairs and mm rulers at known places.

Printed on plain paper (or on the stock itself), it shows how far a printer moves everything: the
distance from the paper's edges to a crosshair is printed beside it, so a ruler gives the x/y offset to
enter, and a bar of known length shows whether the printer is scaling the page ("fit to page"). Edge
scales straddle the first label's left and top edges: on a sheet of labels, the number that lines up with
the real label edge is the offset to enter, sign and all.
"""

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from checkin.files import written_beside
from checkin.printing.fonts import SANS, SANS_BOLD, register_fonts
from checkin.printing.stocks import Rect, Stock

INK = HexColor("#16253d")
OUTLINE = HexColor("#8a96a3")
ACCENT = HexColor("#c2410c")
SCALE_MM = 5  # each edge scale reads from -5 to +5 mm
_TICK_LINE = 0.3  # points


@dataclass(frozen=True)
class CalibrationPage:
    """What was drawn where, in millimetres from the page's top-left corner."""

    path: Path
    page_w: float
    page_h: float
    crosses: tuple[tuple[float, float], ...]  # crosshair centres
    bar_mm: float  # the length of the scaling bar


def _centre(rect: Rect) -> tuple[float, float]:
    return rect.x + rect.w / 2, rect.y + rect.h / 2


class _Page:
    """Drawing in millimetres measured from the top-left, as the stock and a ruler do."""

    def __init__(self, canvas: Canvas, stock: Stock) -> None:
        self.canvas = canvas
        self.stock = stock

    def point(self, x: float, y: float) -> tuple[float, float]:
        return x * mm, (self.stock.page_h - y) * mm

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = _TICK_LINE) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(*self.point(x1, y1), *self.point(x2, y2))

    def text(
        self, x: float, y: float, text: str, size: float, *, font: str = SANS, align: str = "left"
    ) -> None:
        self.canvas.setFont(font, size)
        px, py = self.point(x, y)
        if align == "centre":
            self.canvas.drawCentredString(px, py, text)
        elif align == "right":
            self.canvas.drawRightString(px, py, text)
        else:
            self.canvas.drawString(px, py, text)

    def outline(self, rect: Rect) -> None:
        self.canvas.setStrokeColor(OUTLINE)
        self.canvas.setLineWidth(0.5)
        self.canvas.setDash(2, 1.5)
        self.canvas.roundRect(
            rect.x * mm,
            (self.stock.page_h - rect.bottom) * mm,
            rect.w * mm,
            rect.h * mm,
            self.stock.corner_radius * mm,
            stroke=1,
            fill=0,
        )
        self.canvas.setDash()

    def crosshair(self, x: float, y: float, arm: float) -> None:
        self.canvas.setStrokeColor(ACCENT)
        self.line(x - arm, y, x + arm, y, 0.4)
        self.line(x, y - arm, x, y + arm, 0.4)
        self.canvas.setLineWidth(0.4)
        self.canvas.circle(*self.point(x, y), arm * 0.45 * mm, stroke=1, fill=0)

    def ruler_across(self, y: float, x_to: float) -> None:
        """Ticks every millimetre from the paper's left edge to `x_to`, numbered every 10 mm."""
        self.canvas.setStrokeColor(INK)
        self.canvas.setFillColor(INK)
        self.line(0, y, x_to, y)
        for x in range(0, int(x_to) + 1):
            length = 3.0 if x % 10 == 0 else 2.0 if x % 5 == 0 else 1.2
            self.line(x, y, x, y - length)
            if x % 10 == 0 and 0 < x < x_to - 3:
                self.text(x + 0.4, y - 2.2, str(x), 4.5)

    def ruler_down(self, x: float, y_to: float) -> None:
        """Ticks every millimetre from the paper's top edge to `y_to`, numbered every 10 mm."""
        self.canvas.setStrokeColor(INK)
        self.canvas.setFillColor(INK)
        self.line(x, 0, x, y_to)
        for y in range(0, int(y_to) + 1):
            length = 3.0 if y % 10 == 0 else 2.0 if y % 5 == 0 else 1.2
            self.line(x, y, x - length, y)
            if y % 10 == 0 and 0 < y < y_to - 3:
                self.text(x - 3.3, y + 1.6, str(y), 4.5, align="right")

    def edge_scale(self, edge: float, along: float, *, vertical_edge: bool) -> None:
        """A scale across a label edge: the tick numbered k lies k mm past the edge (right or down)."""
        self.canvas.setStrokeColor(ACCENT)
        self.canvas.setFillColor(ACCENT)
        for k in range(-SCALE_MM, SCALE_MM + 1):
            length = 2.6 if k == 0 else 1.8 if k % 5 == 0 else 1.2
            if vertical_edge:
                self.line(edge + k, along - length / 2, edge + k, along + length / 2)
            else:
                self.line(along - length / 2, edge + k, along + length / 2, edge + k)
            if k % 5 == 0:
                label = f"{k:+d}" if k else "0"
                if vertical_edge:
                    self.text(edge + k, along + 3.2, label, 4, align="centre")
                else:
                    self.text(along + 1.8, edge + k + 0.5, label, 4)
        if vertical_edge:
            self.line(edge - SCALE_MM, along, edge + SCALE_MM, along)
        else:
            self.line(along, edge - SCALE_MM, along, edge + SCALE_MM)


def _fitted(text: str, font: str, size: float, width_mm: float) -> float:
    width = pdfmetrics.stringWidth(text, font, size)
    return min(size, size * width_mm * mm / width) if width else size


def _notes_box(stock: Stock) -> Rect:
    """Where the instructions go: the second label of a sheet, or the lower part of a lone label."""
    if stock.labels_per_page > 1:
        return stock.printable_rect(1)
    label = stock.printable_rect(0)
    return Rect(label.x, label.y + label.h * 0.62, label.w, label.h * 0.38)


def write_calibration_page(stock: Stock, path: Path | str) -> CalibrationPage:
    """Write the calibration test page for `stock` to `path` (whole or not at all)."""
    register_fonts()
    output = Path(path)
    first = stock.label_rect(0)
    last = stock.label_rect(stock.labels_per_page - 1)
    crosses = [_centre(first)]
    if stock.labels_per_page > 1:
        crosses.append(_centre(last))
    else:
        # A lone label: the cross sits in its upper part, clear of the notes below it.
        crosses[0] = (first.x + first.w / 2, first.y + first.h * 0.33)
    notes = _notes_box(stock)
    bar = float(min(50, int(notes.w - 6)))

    with written_beside(output) as temporary:
        canvas = Canvas(temporary, pagesize=(stock.page_w * mm, stock.page_h * mm))
        canvas.setTitle(f"Calibration test page — {stock.name}")
        canvas.setCreator("Check-in Desk")
        page = _Page(canvas, stock)
        for position in range(stock.labels_per_page):
            page.outline(stock.label_rect(position))
        arm = max(3.0, min(8.0, min(first.w, first.h) / 8))
        x0, y0 = crosses[0]
        page.ruler_across(y0 + arm + 2, x0)
        page.ruler_down(x0 - arm - 2, y0)
        for x, y in crosses:
            page.crosshair(x, y, arm)
            canvas.setFillColor(INK)
            where = f"{x:g} mm across, {y:g} mm down"
            room = stock.page_w - (x + arm * 0.6) - 1
            page.text(
                x + arm * 0.6, y - arm * 0.6, where, _fitted(where, SANS_BOLD, 4.6, room), font=SANS_BOLD
            )
        # Clear of the rulers, the cross and (on a lone label) the notes below them.
        down = 0.82 if stock.labels_per_page > 1 else 0.12
        page.edge_scale(first.x, first.y + first.h * down, vertical_edge=True)
        page.edge_scale(first.y, first.x + first.w * 0.82, vertical_edge=False)
        _draw_notes(page, stock, notes, bar, crosses[0])
        canvas.showPage()
        canvas.save()
    return CalibrationPage(output, stock.page_w, stock.page_h, tuple(crosses), bar)


def _draw_notes(page: _Page, stock: Stock, box: Rect, bar: float, cross: tuple[float, float]) -> None:
    width = box.w - 4
    lines = [
        (f"Calibration · {stock.name}", SANS_BOLD, 7.5),
        ("Print at actual size (100 %), not fit to page.", SANS, 5.5),
        (f"The red cross should be {cross[0]:g} mm from the left edge", SANS, 5.5),
        (f"and {cross[1]:g} mm from the top. Offset = that minus measured.", SANS, 5.5),
        ("On labels: the number on a red scale at the real", SANS, 5.5),
        ("label edge is the offset to enter (left: across, top: down).", SANS, 5.5),
    ]
    y = box.y + 4
    page.canvas.setFillColor(INK)
    for text, font, size in lines:
        fitted = _fitted(text, font, size, width)
        y += fitted * 0.3528 * 1.35
        page.text(box.x + 2, y, text, fitted, font=font)
    y += 3
    page.canvas.setStrokeColor(INK)
    page.line(box.x + 2, y, box.x + 2 + bar, y, 1.2)
    page.line(box.x + 2, y - 1.2, box.x + 2, y + 1.2, 0.5)
    page.line(box.x + 2 + bar, y - 1.2, box.x + 2 + bar, y + 1.2, 0.5)
    caption = f"This bar is {bar:g} mm. Shorter or longer: the printer is scaling."
    page.canvas.setFillColor(Color(0.3, 0.33, 0.38))
    page.text(box.x + 2, y + 3, caption, _fitted(caption, SANS, 5, width), font=SANS)
