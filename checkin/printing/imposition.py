"""Where each page of the pocket guide goes on an A4 landscape sheet, which way up, and where to fold and cut.

All three layouts print on A4 landscape (297 × 210 mm). Coordinates are millimetres from the sheet's
bottom-left corner as it comes out of the printer, front side up. A *slot* is a place in the reading
order of the folded guide: slot 1 is the front cover. A panel drawn "rotated" is turned 180° about its
centre, because it ends up upside down on the flat sheet and right way up once folded.

**a7-zine** — one side, eight A7 panels of 74.25 × 105::

    ┌────┬────┬────┬────┐
    │ ꟼ5 │ ꟼ4 │ ꟼ3 │ ꟼ2 │   top row upside down
    ├────┼════┼════┼────┤   ═ cut slit along the centre, between the middle two columns only
    │ 6  │ 7  │ 8  │ 1  │   bottom row upright; 1 is the cover, 8 the back
    └────┴────┴────┴────┘

Fold in half along the long centre line (printed side out), cut the slit, open, push the ends together
so the middle opens into a cross, and flatten into a booklet with 1 on the front: it reads 1, 2 | 3,
4 | 5, 6 | 7, 8.

**a6-booklet** — two sides, four A6 panels of 148.5 × 105 on each; print duplex with a *short-edge* flip
(the back is turned over side to side, so front column 0 backs back column 1)::

    front: ꟼ5 ꟼ4      back: ꟼ3 ꟼ6
            8  1             2  7

Each leaf's two sides are then consecutive pages (1/2, 3/4, 5/6, 7/8). Cut the sheet along the long
centre line, put the top strip (turned right way up) inside the bottom strip, and fold along the
middle: two nested folios reading 1, 2 | 3, 4 | 5, 6 | 7, 8. (Folding twice and slitting the folded top
edge is the same thing.)

**dl-trifold** — two sides, a roll fold into DL: panels of 100, 100 and 97 mm; the 97 mm flap folds in.
Print duplex with a short-edge flip, so the outside's left column backs the inside's right column::

    outside: [ 5 flap 97 | 6 back 100 | 1 cover 100 ]      folds at 97 and 197 mm
    inside:  [ 2 100     | 3 100      | 4 flap 97   ]      folds at 100 and 200 mm (the mirror)

Folding, inside up: fold the 97 mm flap (4) in over panel 3, then fold that pair over onto panel 2.
Turned over, the closed leaflet shows 1 (the back of 2) on the front and 6 on the back; the stack from
the front is 1/2, 5/4, 3/6 — the short flap sits inside, between the cover and the back, so it never
buckles against the fold. A reader opens the cover to see 2 on the left and the flap's outside (5) on
the right, then opens the flap to see 2 | 3 | 4 across. So the slots in reading order are: 1 cover,
2 3 4 the inside spread, 5 the flap (seen on first opening and beside the cover when unfolded), 6 back.

Marks never touch panel content: folds are short dashed ticks running in from the sheet's edges along the
fold line (the panels' inner margins keep content clear of them); cuts are solid lines on the panel
boundary, labelled.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # for annotations only: the geometry needs no ReportLab
    from reportlab.pdfgen.canvas import Canvas

SHEET_WIDTH = 297.0
SHEET_HEIGHT = 210.0
MM = 72 / 25.4  # points per millimetre

TICK = 7.0  # how far a fold tick runs in from the sheet's edge, mm (printers leave the outer ~4 mm blank)


@dataclass(frozen=True)
class Panel:
    """One page's rectangle on a side of the sheet, in mm, and whether it is drawn upside down."""

    slot: int
    x: float
    y: float
    width: float
    height: float
    rotated: bool = False


@dataclass(frozen=True)
class Mark:
    """A fold or cut along a straight line from (x0, y0) to (x1, y1), in mm."""

    kind: Literal["fold", "cut"]
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Side:
    name: str
    panels: tuple[Panel, ...]
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Imposition:
    """A way of putting the guide on paper: its sides and how a person reads and folds it."""

    name: str
    title: str
    panel_name: str  # "an A7 panel", for messages
    sides: tuple[Side, ...]
    slots: int  # panels in reading order
    pages: int  # pages of guide content it takes (a DL panel can hold more than one)
    duplex: str | None  # how to print the back, for people

    def panels(self) -> list[Panel]:
        return sorted((p for side in self.sides for p in side.panels), key=lambda p: p.slot)


def _vertical_fold(x: float) -> Mark:
    return Mark("fold", x, 0.0, x, SHEET_HEIGHT)


def _horizontal_fold(y: float) -> Mark:
    return Mark("fold", 0.0, y, SHEET_WIDTH, y)


def _a7_zine() -> Imposition:
    w, h = SHEET_WIDTH / 4, SHEET_HEIGHT / 2
    top = [Panel(slot, i * w, h, w, h, rotated=True) for i, slot in enumerate((5, 4, 3, 2))]
    bottom = [Panel(slot, i * w, 0.0, w, h) for i, slot in enumerate((6, 7, 8, 1))]
    marks = (
        *(_vertical_fold(i * w) for i in (1, 2, 3)),
        _horizontal_fold(h),
        Mark("cut", w, h, 3 * w, h),
    )
    return Imposition(
        "a7-zine",
        "A7 zine (one sheet, eight pages)",
        "an A7 panel",
        (Side("sheet", (*top, *bottom), marks),),
        slots=8,
        pages=8,
        duplex=None,
    )


def _a6_booklet() -> Imposition:
    w, h = SHEET_WIDTH / 2, SHEET_HEIGHT / 2

    def side(name: str, top: tuple[int, int], bottom: tuple[int, int], marks: tuple[Mark, ...]) -> Side:
        panels = [Panel(s, i * w, h, w, h, rotated=True) for i, s in enumerate(top)]
        panels += [Panel(s, i * w, 0.0, w, h) for i, s in enumerate(bottom)]
        return Side(name, tuple(panels), marks)

    fold = _vertical_fold(w)
    return Imposition(
        "a6-booklet",
        "A6 booklet (eight pages, duplex)",
        "an A6 panel",
        (
            side("front", (5, 4), (8, 1), (fold, Mark("cut", 0.0, h, SHEET_WIDTH, h))),
            side("back", (3, 6), (2, 7), (fold,)),
        ),
        slots=8,
        pages=8,
        duplex="short-edge",
    )


DL_PANELS = (100.0, 100.0, 97.0)  # inside, left to right; the outside is the mirror


def _dl_trifold() -> Imposition:
    a, b, flap = DL_PANELS
    outside = (
        Panel(5, 0.0, 0.0, flap, SHEET_HEIGHT),
        Panel(6, flap, 0.0, b, SHEET_HEIGHT),
        Panel(1, flap + b, 0.0, a, SHEET_HEIGHT),
    )
    inside = (
        Panel(2, 0.0, 0.0, a, SHEET_HEIGHT),
        Panel(3, a, 0.0, b, SHEET_HEIGHT),
        Panel(4, a + b, 0.0, flap, SHEET_HEIGHT),
    )
    return Imposition(
        "dl-trifold",
        "DL tri-fold (roll fold, duplex)",
        "a DL panel",
        (
            Side("outside", outside, (_vertical_fold(flap), _vertical_fold(flap + b))),
            Side("inside", inside, (_vertical_fold(a), _vertical_fold(a + b))),
        ),
        slots=6,
        pages=8,
        duplex="short-edge",
    )


IMPOSITIONS: dict[str, Imposition] = {i.name: i for i in (_a7_zine(), _a6_booklet(), _dl_trifold())}
LAYOUTS = tuple(IMPOSITIONS)


def draw_marks(canvas: "Canvas", side: Side) -> None:
    """Fold ticks in the margins along each fold line, and labelled cut lines."""
    canvas.saveState()
    canvas.setLineWidth(0.5)
    for mark in side.marks:
        x0, y0, x1, y1 = (v * MM for v in (mark.x0, mark.y0, mark.x1, mark.y1))
        if mark.kind == "fold":
            canvas.setStrokeGray(0.45)
            canvas.setDash(2, 1.5)
            tick = TICK * MM
            if x0 == x1:  # vertical: at the top and bottom edges
                canvas.line(x0, y0, x0, y0 + tick)
                canvas.line(x1, y1, x1, y1 - tick)
            else:
                canvas.line(x0, y0, x0 + tick, y0)
                canvas.line(x1, y1, x1 - tick, y1)
        else:
            canvas.setStrokeGray(0.35)
            canvas.setDash()
            canvas.line(x0, y0, x1, y1)
            canvas.setFillGray(0.35)
            canvas.setFont("Helvetica", 5)
            # Labelled at its start, just inside the printable area when the cut starts at the edge.
            canvas.drawString(x0 + (5 * MM if x0 == 0 else 1 * MM), y0 + 1.5, "cut")
    canvas.restoreState()


def enter_panel(canvas: "Canvas", panel: Panel) -> None:
    """Move the canvas origin to the panel's bottom-left as its page sees it (turned if rotated).

    The caller wraps this in saveState/restoreState and then draws the page in points, from (0, 0) to
    (panel.width * MM, panel.height * MM).
    """
    canvas.translate(panel.x * MM, panel.y * MM)
    if panel.rotated:
        canvas.translate(panel.width * MM, panel.height * MM)
        canvas.rotate(180)
