"""Text fitting: text measured as drawn, broken into lines and set at the largest size that fits its box."""

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TypeVar

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from checkin.printing.fonts import PreparedText, prepare

SIZE_STEP = 0.25  # points: how finely text shrinks
ELLIPSIS = "…"
#: Every line is given at least this much room above its baseline, in ems: accented capitals in Noto
#: Sans and Arabic letters reach about 0.93; so that names sit on the same baseline badge after badge.
LINE_ABOVE = 0.95

T = TypeVar("T")


# ---- measuring ------------------------------------------------------------------------------------


@cache
def string_width(text: str, font: str, size: float) -> float:
    """Width in points of text already prepared for drawing (visual order) in `font` at `size`."""
    width: float = pdfmetrics.stringWidth(text, font, size)  # ReportLab ships no types
    return width


@lru_cache(maxsize=65536)
def text_width(text: str, bold: bool = False, size: float = 1.0) -> float:
    """Width in points of a logical-order run of text as drawn: shaped, in the font chosen for it."""
    prepared = prepare(text, bold)
    width: float = pdfmetrics.stringWidth(prepared.text, prepared.font, size)  # ReportLab ships no types
    return width


# ---- sizes ----------------------------------------------------------------------------------------


def sizes_down(largest: float, smallest: float, step: float = SIZE_STEP) -> Iterator[float]:
    """Sizes from `largest` down in `step`s to `smallest`: the order text is tried in, largest first."""
    size = largest
    while size >= smallest - 1e-9:
        yield size
        size -= step


def floor_step(size: float) -> float:
    """Sizes in whole steps, so that names of similar length come out the same size."""
    stepped = math.floor(size / SIZE_STEP + 1e-9) * SIZE_STEP
    return stepped if stepped > 0 else size


# ---- breaking lines -------------------------------------------------------------------------------


def longest_prefix(text: str, fits: Callable[[str], bool]) -> int:
    """How many characters of `text` (at least one) fit, by binary search on a monotone test."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def break_lines(
    words: Iterable[T],
    fits: Callable[[Sequence[T]], bool],
    split: Callable[[T], Sequence[T]],
) -> list[list[T]]:
    """Greedy lines: a word joins the line while the line still `fits`, else it starts the next one.
    `split` breaks a word that may be too wide for a line of its own into parts that fit one (or returns
    the word alone): each part but the last is a line, the last starts the next."""
    lines: list[list[T]] = []
    line: list[T] = []
    for word in words:
        if line and fits([*line, word]):
            line.append(word)
            continue
        if line:
            lines.append(line)
        *whole, last = split(word)
        lines.extend([part] for part in whole)
        line = [last]
    if line:
        lines.append(line)
    return lines


_BREAK_AFTER = re.compile(r"(?<=[-‐/])(?=.)")


@dataclass(frozen=True)
class _Piece:
    """A run of text between two places a line may break: where it starts in the text, and whether a
    space stands before it."""

    offset: int
    text: str
    spaced: bool


def _pieces(text: str, hyphens: bool) -> list[_Piece]:
    pieces = []
    offset = 0
    for number, word in enumerate(text.split(" ")):
        for index, part in enumerate(_BREAK_AFTER.split(word) if hyphens else [word]):
            pieces.append(_Piece(offset, part, number > 0 and index == 0))
            offset += len(part)
        offset += 1  # the space
    return pieces


def _joined(pieces: Sequence[_Piece]) -> str:
    return pieces[0].text + "".join((" " if piece.spaced else "") + piece.text for piece in pieces[1:])


def wrap(
    text: str, width: float, bold: bool = False, *, size: float = 1.0, hyphens: bool = True
) -> list[tuple[int, str]]:
    """Greedy lines (offset in `text`, line) of single-spaced text no wider than `width` at `size`, broken
    at spaces and, with `hyphens`, after hyphens and slashes; a piece wider than a line is broken between
    characters."""

    def fits(line: str) -> bool:
        # Measure the whole line, not the sum of its pieces: a line holding Arabic is drawn in the
        # Arabic font, whose Latin letters are not as wide as Noto Sans's.
        return text_width(line, bold, size) <= width

    def split(piece: _Piece) -> list[_Piece]:
        parts = []
        offset, rest, spaced = piece.offset, piece.text, piece.spaced
        while len(rest) > 1 and not fits(rest):
            cut = longest_prefix(rest, fits)
            parts.append(_Piece(offset, rest[:cut], spaced))
            offset, rest, spaced = offset + cut, rest[cut:], False
        parts.append(_Piece(offset, rest, spaced))
        return parts

    if not text:
        return []
    lines = break_lines(_pieces(text, hyphens), lambda line: fits(_joined(line)), split)
    return [(line[0].offset, _joined(line)) for line in lines]


@cache
def _has_glyph(font: str, character: str) -> bool:
    return ord(character) in pdfmetrics.getFont(font).face.charToGlyph


def _ellipsis(font: str) -> str:
    return ELLIPSIS if _has_glyph(font, ELLIPSIS) else "..."


def ellipsise(text: str, limit: float, bold: bool, font: str) -> str:
    """`text` cut short with an ellipsis so that it is no wider than `limit` (1-point units)."""
    mark = _ellipsis(font)
    if text_width(text, bold) <= limit:
        return text
    if text_width(mark, bold) > limit:
        return ""
    cut = longest_prefix(text, lambda part: text_width(part.rstrip(" -") + mark, bold) <= limit)
    if text_width(text[:cut].rstrip(" -") + mark, bold) > limit:
        return mark
    return text[:cut].rstrip(" -") + mark


# ---- how tall lines are ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FittedText:
    """Lines ready to draw (visual order), their size in points and the vertical metrics used."""

    lines: tuple[PreparedText, ...]
    size: float
    top: float  # from the first baseline up to the top of the line (room or ink), in points
    bottom: float  # from the last baseline down to the bottom of the line (room or ink), in points
    pitch: float  # baseline to baseline, in points
    truncated: bool = False

    @property
    def height(self) -> float:
        return self.top + self.bottom + self.pitch * (len(self.lines) - 1)


@cache
def _line_below(font: str) -> float:
    """Room below the baseline, in ems: the font's descent (Noto Sans 0.293), at most half an em (Noto
    Sans Arabic's 0.738 is for rare stacked marks, which the ink measure catches when they occur)."""
    descent: float = pdfmetrics.getFont(font).face.descent  # ReportLab ships no types
    return min(-descent / 1000, 0.5)


@cache
def _outline_font(font: str) -> ImageFont.FreeTypeFont:
    # Basic layout: the text is already shaped and in visual order, as ReportLab draws it.
    path = pdfmetrics.getFont(font).face.filename
    return ImageFont.truetype(path, 1000, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=65536)
def _ink(text: str, font: str) -> tuple[float, float]:
    """How far the glyph outlines of a drawn line reach above and below the baseline, in ems."""
    left, top, right, bottom = _outline_font(font).getbbox(text, anchor="ls")
    return -top / 1000, bottom / 1000


def _extents(lines: Sequence[PreparedText]) -> tuple[float, float]:
    """(above the first baseline, below the last), in ems: the line room or the ink, whichever is more."""
    first, last = lines[0], lines[-1]
    above = max(LINE_ABOVE, _ink(first.text, first.font)[0]) if first.text else LINE_ABOVE
    below = (
        max(_line_below(last.font), _ink(last.text, last.font)[1]) if last.text else _line_below(last.font)
    )
    return above, below


# ---- fitting a box --------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def fit_text(
    text: str,
    width: float,
    height: float,
    size_max: float,
    size_min: float,
    max_lines: int = 1,
    bold: bool = False,
    leading: float = 1.15,
) -> FittedText:
    """Lay `text` out in a box of `width` × `height` points: the largest size from `size_max` down to
    `size_min` at which it fits on one line; failing that, the largest at which it wraps into
    `max_lines`; failing that, at `size_min`, as many lines as fit with the last one ellipsised. Lines
    that would not fit even at `size_min` are left out: no glyph is ever drawn outside the box."""
    text = " ".join(text.split())
    font = prepare(text or "x", bold).font
    room_above, room_below = LINE_ABOVE, _line_below(font)
    if not text:
        return FittedText((), size_max, room_above * size_max, room_below * size_max, leading * size_max)

    def layout(lines: Sequence[str], size: float, truncated: bool = False) -> FittedText | None:
        """The lines at this size, or None when their ink would not fit the box's height."""
        prepared = tuple(prepare(line, bold) for line in lines)
        above, below = _extents(prepared)
        result = FittedText(prepared, size, above * size, below * size, leading * size, truncated)
        return result if result.height <= height + 1e-9 else None

    def lines_that_fit(size: float) -> int:
        first = (room_above + room_below) * size
        if first > height + 1e-9:
            return 0
        return min(max_lines, 1 + int((height - first) / (leading * size) + 1e-9))

    above, below = _extents((prepare(text, bold),))
    one_line = floor_step(min(size_max, width / max(text_width(text, bold), 1e-9), height / (above + below)))
    if one_line >= size_min:
        fitted = layout([text], one_line)
        if fitted is not None:
            return fitted

    if max_lines > 1:
        for size in sizes_down(floor_step(min(size_max, height / (room_above + room_below))), size_min):
            room = lines_that_fit(size)
            if room > 1:
                lines = wrap(text, width / size, bold)
                if len(lines) <= room:
                    fitted = layout([line for _, line in lines], size)
                    if fitted is not None:
                        return fitted

    size = size_min
    lines = wrap(text, width / size, bold)
    for room in range(lines_that_fit(size), 0, -1):
        kept = [line for _, line in lines[: room - 1]]
        last = ellipsise(text[lines[room - 1][0] :], width / size, bold, font) if room <= len(lines) else ""
        fitted = layout([*kept, last] if last else kept, size, truncated=True) if (kept or last) else None
        if fitted is not None:
            return fitted
    return FittedText((), size, room_above * size, room_below * size, leading * size, True)


# ---- drawing --------------------------------------------------------------------------------------


def draw_fitted(canvas: Canvas, fitted: FittedText, x: float, top: float, width: float, align: str) -> float:
    """Draw fitted lines in the box `width` wide at `x` whose top is at `top` (canvas units, y up), each
    line placed by `align` (start, center or end: start and end follow the line's writing direction), in
    the fill colour already set. Returns the y of the text's bottom."""
    baseline = top - fitted.top
    for line in fitted.lines:
        canvas.setFont(line.font, fitted.size)
        where = align
        if line.right_to_left and align != "center":
            where = "end" if align == "start" else "start"
        if where == "start":
            canvas.drawString(x, baseline, line.text)
        elif where == "center":
            canvas.drawCentredString(x + width / 2, baseline, line.text)
        else:
            canvas.drawRightString(x + width, baseline, line.text)
        baseline -= fitted.pitch
    return top - fitted.height
