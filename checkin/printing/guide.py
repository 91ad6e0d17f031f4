"""The pocket guide: read its editable text, set each page in its panel, impose the panels onto A4 as a PDF.

The text is a small Markdown subset that an organiser can edit in Notepad (the shipped file,
`resources/guide/spot-the-signs.md`, explains it at its top):

- `# Heading` starts a new page and is its heading; `---` on a line of its own also starts a new page.
- `## Subheading`; paragraphs (lines joined until a blank line); `- ` or `* ` bullets; `**bold**`.
- `[phone] 08000 121 700 | Modern Slavery & Exploitation Helpline (24/7)` a contact line, set large.
- `{{local_contacts}}` on its own line: the venue's local contacts, or a box to write them in.
- `<!-- ... -->` a comment, not printed.

Page 1 is the cover (its contact lines sit at its foot); the last page is the back. The booklets need
exactly eight pages; the DL tri-fold puts the cover and back on their own panels and shares the six inner
pages between its four other panels (2, 3, 4 and the flap), in order, as evenly as they go.

All pages of one layout share one body size: the largest from the layout's preferred size down to its
minimum (7 pt on A7, 9 pt on A6 and DL) at which everything fits. What does not fit even then raises
`GuideDoesNotFit` naming the page; nothing is ever cut off.
"""

import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reportlab.pdfgen.canvas import Canvas

from checkin.errors import UserError
from checkin.files import written_beside
from checkin.printing.fitting import break_lines, sizes_down, string_width, text_width
from checkin.printing.fonts import SANS, has_arabic, prepare, register_fonts
from checkin.printing.imposition import IMPOSITIONS, MM, Imposition, Panel, draw_marks, enter_panel
from checkin.resources import resource_path

if TYPE_CHECKING:  # for the annotation only: importing the guide does not load SQLAlchemy
    from sqlalchemy.orm import Session as OrmSession

DEFAULT_CONTENT = ("guide", "spot-the-signs.md")
PLACEHOLDER = "{{local_contacts}}"
WRITE_IN_CAPTION = "Write your local safeguarding contacts here"


# ---- errors ---------------------------------------------------------------------------------------


class GuideError(UserError):
    """A guide that cannot be printed as asked; the message says what to change."""


class GuideContentError(GuideError):
    """The guide's text file cannot be read or uses the format wrongly."""


class GuideDoesNotFit(GuideError):
    """A page's content is taller than its panel, even at the smallest legible size."""


# ---- the content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Bullet:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Contact:
    number: str
    label: str


@dataclass(frozen=True)
class LocalContacts:
    pass


Block = Heading | Subheading | Paragraph | Bullet | Contact | LocalContacts


@dataclass(frozen=True)
class GuidePage:
    number: int
    line: int  # where it starts in the file
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        for block in self.blocks:
            if isinstance(block, Heading | Subheading):
                return block.text
        for block in self.blocks:
            if isinstance(block, Paragraph | Bullet):
                return "".join(s.text for s in block.spans)[:40]
        return ""


@dataclass(frozen=True)
class GuideContent:
    source: str
    pages: tuple[GuidePage, ...]


class GuideVenue(Protocol):
    """What the guide needs of a venue; `checkin.store.models.Venue` and `VenueContacts` both qualify."""

    @property
    def name(self) -> str: ...

    @property
    def local_contacts(self) -> str: ...


@dataclass(frozen=True)
class VenueContacts:
    name: str
    local_contacts: str


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PLACEHOLDER_LIKE = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
_PAGE_BREAK = re.compile(r"^-{3,}$")
_BULLET = re.compile(r"^[-*•]\s+(.*)$")
_PHONE = re.compile(r"^\[phone\]\s*(.*)$", re.IGNORECASE)


def parse_inline(text: str) -> tuple[Span, ...]:
    """`**bold**` spans; an unmatched `**` stays as typed."""
    spans: list[Span] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()]))
        spans.append(Span(match.group(1), bold=True))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:]))
    return tuple(spans)


def _plain(text: str) -> str:
    return "".join(span.text for span in parse_inline(text))


def parse_guide(text: str, source: str = "the guide") -> GuideContent:
    """Pages of blocks from the Markdown subset. Mistakes raise GuideContentError naming the line."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    stripped = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    if "<!--" in stripped:
        unclosed = stripped[: stripped.index("<!--")].count("\n") + 1
        raise GuideContentError(f"{source}, line {unclosed}: a comment '<!--' is never closed with '-->'.")

    pages: list[GuidePage] = []
    blocks: list[Block] = []
    page_line = 1
    paragraph: list[str] = []
    bullet: list[str] | None = None
    explicit_break = False

    def flush_text() -> None:
        nonlocal paragraph, bullet
        if bullet is not None:
            blocks.append(Bullet(parse_inline(" ".join(bullet))))
            bullet = None
        if paragraph:
            blocks.append(Paragraph(parse_inline(" ".join(paragraph))))
            paragraph = []

    def close_page(line: int, why: str) -> None:
        nonlocal blocks, page_line
        flush_text()
        if blocks:
            pages.append(GuidePage(len(pages) + 1, page_line, tuple(blocks)))
        elif why == "---" and (pages or explicit_break):
            raise GuideContentError(f"{source}, line {line}: '---' here would leave an empty page.")
        blocks = []
        page_line = line

    for number, raw in enumerate(stripped.split("\n"), start=1):
        line = raw.strip()
        if not line:
            flush_text()
            continue
        if _PAGE_BREAK.match(line):
            close_page(number, "---")
            explicit_break = True
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            heading = line[level:].strip().rstrip("#").strip()
            if not heading:
                raise GuideContentError(f"{source}, line {number}: a heading with no words.")
            if level == 1:
                if blocks or paragraph or bullet is not None:
                    close_page(number, "#")
                else:
                    page_line = number
                explicit_break = False
                blocks.append(Heading(_plain(heading)))
            else:
                flush_text()
                blocks.append(Subheading(_plain(heading)))
            continue
        placeholder = _PLACEHOLDER_LIKE.search(line)
        if placeholder:
            if placeholder.group(1) != "local_contacts":
                raise GuideContentError(
                    f"{source}, line {number}: unknown placeholder '{placeholder.group()}'; "
                    f"the only one is {PLACEHOLDER}."
                )
            if line != PLACEHOLDER:
                raise GuideContentError(
                    f"{source}, line {number}: {PLACEHOLDER} must be on a line of its own."
                )
            flush_text()
            blocks.append(LocalContacts())
            continue
        phone = _PHONE.match(line)
        if phone:
            flush_text()
            blocks.append(_contact(phone.group(1), f"{source}, line {number}"))
            continue
        item = _BULLET.match(line)
        if item:
            flush_text()
            bullet = [item.group(1)]
            continue
        if bullet is not None and raw[:1].isspace():
            bullet.append(line)  # an indented line continues the bullet above
            continue
        if bullet is not None:
            flush_text()
        paragraph.append(line)
    close_page(len(stripped.split("\n")), "end")
    if not pages:
        raise GuideContentError(f"{source}: there is no text in it.")
    return GuideContent(source, tuple(pages))


def _contact(text: str, where: str) -> Contact:
    number, _, label = text.partition("|")
    number, label = number.strip(), label.strip()
    if not re.search(r"\d", number):
        raise GuideContentError(
            f"{where}: a [phone] line needs a number first, like "
            "'[phone] 08000 121 700 | Modern Slavery & Exploitation Helpline'."
        )
    return Contact(number, label)


def load_guide(path: str | os.PathLike[str] | None = None) -> GuideContent:
    """The guide's text from `path`, or the shipped sample."""
    file = Path(path) if path is not None else resource_path(*DEFAULT_CONTENT)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise GuideContentError(f"{file}: no such file.") from None
    except OSError as error:
        raise GuideContentError(f"{file}: cannot be read ({error.strerror or error}).") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise GuideContentError(
            f"{file}, line {line}: not UTF-8 text; in Notepad use Save As with Encoding UTF-8."
        ) from None
    if "\x00" in text:
        raise GuideContentError(f"{file}: not a text file.")
    return parse_guide(text, str(file))


def parse_local_contacts(text: str) -> tuple[Block, ...]:
    """A venue's local contacts, one per line, in the same format (`[phone]`, `- `, `**`)."""
    blocks: list[Block] = []
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = raw.strip()
        if not line:
            continue
        phone = _PHONE.match(line)
        item = _BULLET.match(line)
        if phone and re.search(r"\d", phone.group(1)):
            number, _, label = phone.group(1).partition("|")
            blocks.append(Contact(number.strip(), label.strip()))
        elif item:
            blocks.append(Bullet(parse_inline(item.group(1))))
        else:
            blocks.append(Paragraph(parse_inline(line)))
    return tuple(blocks)


def venue_contacts(db: "OrmSession", name: str | None = None) -> VenueContacts | None:
    """The venue named (any case), or else the first session's venue; None when there is none."""
    from sqlalchemy import func, select

    from checkin.store.models import Session, Venue

    if name is not None:
        venue = db.scalars(select(Venue).where(func.lower(Venue.name) == name.strip().lower())).first()
        if venue is None:
            known = db.scalars(select(Venue.name).order_by(Venue.name).limit(8)).all()
            hint = f" Known venues: {', '.join(known)}." if known else " There are no venues yet."
            raise GuideError(f"There is no venue called {name!r}.{hint}")
    else:
        venue = db.scalars(
            select(Venue).join(Session, Session.venue_id == Venue.id).order_by(Session.starts_at).limit(1)
        ).first()
        if venue is None:
            return None
    return VenueContacts(venue.name, venue.local_contacts or "")


# ---- setting type ---------------------------------------------------------------------------------

NAVY = (0x16 / 255, 0x25 / 255, 0x3D / 255)
AMBER = (0xF2 / 255, 0xA9 / 255, 0x00 / 255)
AMBER_TINT = (0xFD / 255, 0xF1 / 255, 0xD3 / 255)
INK = (0.13, 0.14, 0.16)
MUTED = (0.42, 0.44, 0.48)
WHITE = (1.0, 1.0, 1.0)
RGB = tuple[float, float, float]


def _rgb_of(hex_colour: str, default: RGB) -> RGB:
    """'#1b2f4b' as ReportLab's 0..1 channels; the default for an empty or malformed colour."""
    value = hex_colour.strip().lstrip("#")
    if len(value) != 6:
        return default
    try:
        return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)
    except ValueError:
        return default


@dataclass(frozen=True)
class GuideLook:
    """The programme's look on the guide: its main colour (the cover, headings), its accent (bars,
    bullets, contact boxes), its logo in the cover's spare space, and the organiser as the PDF's author."""

    main: RGB = NAVY
    accent: RGB = AMBER
    logo: bytes | None = None
    organiser: str = ""

    @property
    def tint(self) -> RGB:
        """The accent washed out for boxes behind text (the shipped amber gives the shipped tint)."""
        if self.accent == AMBER:
            return AMBER_TINT
        r, g, b = (1 - 0.16 * (1 - channel) for channel in self.accent)
        return (r, g, b)

    @classmethod
    def of(cls, logo: bytes | None, colour: str, accent_colour: str, organiser: str = "") -> "GuideLook":
        return cls(_rgb_of(colour, NAVY), _rgb_of(accent_colour, AMBER), logo, organiser)


@dataclass(frozen=True)
class PanelStyle:
    """Sizes for one layout, in points (margins in mm), all following from the body size."""

    body: float
    margin_side: float
    margin_top: float
    margin_bottom: float
    look: GuideLook = GuideLook()

    @property
    def leading(self) -> float:
        return self.body * 1.3

    @property
    def h1(self) -> float:
        return self.body * 1.7

    @property
    def h2(self) -> float:
        return self.body * 1.1


@dataclass(frozen=True)
class LayoutSizes:
    preferred: float
    minimum: float
    margin_side: float
    margin_top: float
    margin_bottom: float

    def styles(self, look: GuideLook | None = None) -> Iterator[PanelStyle]:
        body = self.preferred
        while body >= self.minimum - 1e-9:
            yield PanelStyle(body, self.margin_side, self.margin_top, self.margin_bottom, look or GuideLook())
            body = round(body - 0.25, 2)


SIZES = {
    "a7-zine": LayoutSizes(7.75, 7.0, 6.0, 7.0, 7.0),
    "a6-booklet": LayoutSizes(10.5, 9.0, 11.0, 9.0, 9.0),
    "dl-trifold": LayoutSizes(10.5, 9.0, 9.0, 12.0, 11.0),
}

# (canvas, x, top, width, height) in points, top = y of the item's top edge
Draw = Callable[[Canvas, float, float, float, float], None]


@dataclass
class Item:
    """Something stacked down a panel: its height, the gap above it, how to draw it."""

    height: float
    space_before: float
    draw: Draw
    flexible: bool = False  # takes a share of the panel's spare height
    keep_with_next: bool = False  # a heading: never the last thing in a column


@dataclass(frozen=True)
class Word:
    text: str  # in drawing order (Arabic shaped and reversed)
    font: str
    width: float
    rtl: bool


def _word(text: str, bold: bool, size: float, italic: bool = False) -> Word:
    prepared = prepare(text, bold, italic)
    width = string_width(prepared.text, prepared.font, size)
    return Word(prepared.text, prepared.font, width, prepared.right_to_left)


def _words(spans: Iterable[Span], size: float, bold: bool = False, italic: bool = False) -> list[list[Word]]:
    """Words (each one or more pieces that differ in weight) from spans, split at white space."""
    chars = [(ch, bold or span.bold) for span in spans for ch in span.text]
    words: list[list[Word]] = []
    current: list[tuple[str, bool]] = []

    def end_word() -> None:
        if not current:
            return
        pieces: list[Word] = []
        start = 0
        for i in range(1, len(current) + 1):
            if i == len(current) or current[i][1] != current[start][1]:
                text = "".join(c for c, _ in current[start:i])
                pieces.append(_word(text, current[start][1], size, italic))
                start = i
        words.append(pieces)
        current.clear()

    for ch, heavy in chars:
        if ch.isspace():
            end_word()
        else:
            current.append((ch, heavy))
    end_word()
    return words


def _split_long(word: list[Word], width: float, size: float) -> list[list[Word]]:
    """A word wider than the line (a long web address) broken between characters."""
    pieces: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    for piece in word:
        for ch in piece.text:
            w = string_width(ch, piece.font, size)
            if line and used + w > width:
                pieces.append(line)
                line, used = [], 0.0
            if line and line[-1].font == piece.font:
                last = line[-1]
                line[-1] = Word(last.text + ch, last.font, last.width + w, last.rtl)
            else:
                line.append(Word(ch, piece.font, w, piece.rtl))
            used += w
    if line:
        pieces.append(line)
    return pieces


@dataclass(frozen=True)
class Line:
    words: tuple[tuple[Word, ...], ...]
    width: float
    rtl: bool  # right-aligned, words placed right to left


def _base_rtl(spans: Iterable[Span]) -> bool:
    for ch in "".join(s.text for s in spans):
        if ch.isalpha():
            return has_arabic(ch)
    return False


def wrap(
    spans: Iterable[Span], width: float, size: float, bold: bool = False, italic: bool = False
) -> list[Line]:
    """Rich text in lines no wider than `width`: each word's pieces in their own fonts, words a space apart."""
    spans = tuple(spans)
    space = string_width(" ", SANS, size)

    def line_width(words: Sequence[Sequence[Word]]) -> float:
        used = 0.0
        for index, word in enumerate(words):
            used += (space if index else 0.0) + sum(p.width for p in word)
        return used

    def split(word: list[Word]) -> list[list[Word]]:
        return [word] if line_width([word]) <= width else _split_long(word, width, size)

    lines = break_lines(_words(spans, size, bold, italic), lambda line: line_width(line) <= width, split)
    rtl = _base_rtl(spans)
    return [Line(tuple(tuple(word) for word in line), line_width(line), rtl) for line in lines]


def _visual_order(line: Line) -> list[tuple[Word, ...]]:
    """Words left to right as drawn: right-to-left runs reversed, the whole line reversed when RTL."""
    runs: list[list[tuple[Word, ...]]] = []
    for word in line.words:
        direction = any(p.rtl for p in word)
        if runs and any(p.rtl for p in runs[-1][0]) == direction:
            runs[-1].append(word)
        else:
            runs.append([word])
    ordered: list[list[tuple[Word, ...]]] = [
        list(reversed(run)) if any(p.rtl for p in run[0]) else run for run in runs
    ]
    if line.rtl:
        ordered.reverse()
    return [word for run in ordered for word in run]


def draw_line(
    canvas: Canvas, line: Line, x: float, baseline: float, width: float, size: float, colour: RGB
) -> None:
    space = string_width(" ", SANS, size)
    position = x + (width - line.width if line.rtl else 0.0)
    canvas.setFillColorRGB(*colour)
    words = _visual_order(line)
    for index, word in enumerate(words):
        if index:
            position += space
        for number, piece in enumerate(word):
            canvas.setFont(piece.font, size)
            # A real space after each word (invisible, and placed by our own measure) so that text
            # copied or extracted from the PDF has its word breaks.
            gap = " " if number == len(word) - 1 and index < len(words) - 1 else ""
            canvas.drawString(position, baseline, piece.text + gap)
            position += piece.width


def _text_item(
    spans: Iterable[Span],
    width: float,
    size: float,
    leading: float,
    space_before: float,
    colour: RGB,
    bold: bool = False,
    italic: bool = False,
    indent: float = 0.0,
    marker: Callable[[Canvas, float, float, float], None] | None = None,  # (canvas, x, baseline, width)
) -> Item:
    lines = wrap(spans, width - indent, size, bold, italic)
    ascent = size * 0.78

    def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
        first_baseline = top - ascent - (leading - size) / 2
        rtl = bool(lines) and lines[0].rtl
        if marker is not None:
            marker(canvas, x + w - indent if rtl else x, first_baseline, indent)
        for i, line in enumerate(lines):
            left = x if rtl else x + indent
            draw_line(canvas, line, left, first_baseline - i * leading, w - indent, size, colour)

    return Item(len(lines) * leading, space_before, draw)


# ---- the panel's furniture ------------------------------------------------------------------------


@dataclass
class PanelSetting:
    """A slot's content set for its panel: the stacked items and whether they fit."""

    slot: int
    pages: tuple[GuidePage, ...]
    items: list[Item] = field(default_factory=list)
    available: float = 0.0

    @property
    def height(self) -> float:
        return stack_height(self.items)

    @property
    def overflow_mm(self) -> float:
        return (self.height - self.available) / MM


class Typesetter:
    """Turns blocks into items for one panel width, in one style; `cover` sets white on navy."""

    def __init__(self, style: PanelStyle, width: float, cover: bool = False) -> None:
        self.style = style
        self.width = width
        self.cover = cover
        self.text_colour = WHITE if cover else INK

    def blocks(self, blocks: Iterable[Block], venue: GuideVenue | None) -> list[Item]:
        items: list[Item] = []
        for block in blocks:
            items.extend(self.block(block, venue, first=not items))
        return items

    def block(self, block: Block, venue: GuideVenue | None, first: bool) -> list[Item]:
        s = self.style
        if isinstance(block, Heading):
            return [self.heading(block.text, first)]
        if isinstance(block, Subheading):
            colour = s.look.accent if self.cover else s.look.main
            size = s.body * 1.35 if self.cover else s.h2
            item = _text_item(
                [Span(block.text)], self.width, size, size * 1.22, s.body * 0.95, colour, bold=True
            )
            item.keep_with_next = True
            return [item]
        if isinstance(block, Paragraph):
            item = _text_item(block.spans, self.width, s.body, s.leading, s.body * 0.55, self.text_colour)
            item.keep_with_next = "".join(span.text for span in block.spans).rstrip().endswith(":")
            return [item]
        if isinstance(block, Bullet):
            return [self.bullet(block)]
        if isinstance(block, Contact):
            return [self.contact(block)]
        return self.local_contacts(venue)

    def heading(self, text: str, first: bool) -> Item:
        s = self.style
        if self.cover:
            size = s.body * 3.1
            return _text_item([Span(text)], self.width, size, size * 1.05, 0, WHITE, bold=True)
        size = s.h1
        bar = s.body * 0.35
        text_item = _text_item([Span(text)], self.width, size, size * 1.12, 0, s.look.main, bold=True)
        gap = s.body * 0.55

        def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
            canvas.setFillColorRGB(*s.look.accent)
            length = min(w, s.body * 3.2)
            start = x + w - length if _base_rtl([Span(text)]) else x
            canvas.rect(start, top - bar, length, bar, stroke=0, fill=1)
            text_item.draw(canvas, x, top - bar - gap, w, text_item.height)

        return Item(bar + gap + text_item.height, 0 if first else s.body * 1.4, draw, keep_with_next=True)

    def bullet(self, block: Bullet) -> Item:
        s = self.style
        indent = s.body * 1.05
        dot = s.body * 0.32

        def marker(canvas: Canvas, x: float, baseline: float, width: float) -> None:
            canvas.setFillColorRGB(*(s.look.accent if not self.cover else WHITE))
            cx = x + width - dot * 1.3 if _base_rtl(block.spans) else x + dot * 0.2
            canvas.rect(cx, baseline + s.body * 0.22, dot, dot, stroke=0, fill=1)

        return _text_item(
            block.spans,
            self.width,
            s.body,
            s.leading,
            s.body * 0.4,
            self.text_colour,
            indent=indent,
            marker=marker,
        )

    def contact(self, block: Contact) -> Item:
        s = self.style
        pad = s.body * 0.6
        bar = s.body * 0.32
        inner = self.width - 2.3 * pad - bar
        # A long number gets smaller, never cut: down to the body size, then it wraps.
        number_size = next(
            (
                size
                for size in sizes_down(s.body * 2.0, s.body)
                if text_width(block.number, True, size) <= inner
            ),
            s.body,
        )
        number_lines = wrap([Span(block.number)], inner, number_size, bold=True)
        label_size = s.body * 0.92
        label_lines = wrap([Span(block.label)], inner, label_size) if block.label else []
        number_leading, label_leading = number_size * 1.05, label_size * 1.22
        height = 2 * pad + len(number_lines) * number_leading + len(label_lines) * label_leading
        look = s.look
        fill, ink, accent = (
            (look.accent, look.main, look.main) if self.cover else (look.tint, look.main, look.accent)
        )

        def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
            canvas.setFillColorRGB(*fill)
            canvas.roundRect(x, top - height, w, height, s.body * 0.35, stroke=0, fill=1)
            canvas.setFillColorRGB(*accent)
            canvas.rect(x, top - height, bar, height, stroke=0, fill=1)
            left = x + bar + pad * 1.3
            baseline = top - pad - number_size * 0.76
            for line in number_lines:
                draw_line(canvas, line, left, baseline, inner, number_size, ink)
                baseline -= number_leading
            baseline = top - pad - len(number_lines) * number_leading - label_size * 0.78
            for line in label_lines:
                draw_line(canvas, line, left, baseline, inner, label_size, ink)
                baseline -= label_leading

        return Item(height, s.body * 0.6, draw)

    def local_contacts(self, venue: GuideVenue | None) -> list[Item]:
        s = self.style
        contacts = parse_local_contacts(venue.local_contacts) if venue is not None else ()
        if contacts:
            assert venue is not None
            caption = _text_item(
                [Span(f"For {venue.name}")], self.width, s.body, s.leading, s.body * 0.5, MUTED, italic=True
            )
            return [caption, *self.blocks(contacts, None)]
        return [self.write_in_box()]

    def write_in_box(self) -> Item:
        s = self.style
        pad = s.body * 0.7
        caption = wrap([Span(WRITE_IN_CAPTION)], self.width - 2 * pad, s.body * 0.9, italic=True)
        caption_height = len(caption) * s.body * 1.15
        rule = s.body * 2.6  # room to write a name and a number by hand
        minimum = 2 * pad + caption_height + 4 * rule

        def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
            canvas.setStrokeColorRGB(*s.look.main)
            canvas.setLineWidth(0.7)
            canvas.roundRect(x, top - h, w, h, s.body * 0.5, stroke=1, fill=0)
            baseline = top - pad - s.body * 0.8
            for line in caption:
                draw_line(canvas, line, x + pad, baseline, w - 2 * pad, s.body * 0.9, MUTED)
                baseline -= s.body * 1.15
            canvas.setStrokeColorRGB(0.72, 0.74, 0.78)
            canvas.setLineWidth(0.4)
            canvas.setDash(1, 1.5)
            y = top - pad - caption_height - rule
            while y >= top - h + pad * 0.9:
                canvas.line(x + pad, y, x + w - pad, y)
                y -= rule
            canvas.setDash()

        return Item(minimum, s.body * 0.6, draw, flexible=True)


# ---- panels ---------------------------------------------------------------------------------------

COLUMNS_FROM = 100.0  # mm of text width from which a page is set in two columns (landscape A6)


def stack_height(items: list[Item]) -> float:
    return sum(item.height + (item.space_before if i else 0.0) for i, item in enumerate(items))


def draw_stack(canvas: Canvas, items: list[Item], x: float, top: float, width: float, height: float) -> None:
    """Items top to bottom; spare height is shared between the flexible ones."""
    spare = max(0.0, height - stack_height(items))
    flexible = [item for item in items if item.flexible]
    share = spare / len(flexible) if flexible else 0.0
    y = top
    for index, item in enumerate(items):
        if index:
            y -= item.space_before
        item_height = item.height + (share if item.flexible else 0.0)
        item.draw(canvas, x, y, width, item_height)
        y -= item_height


def _columns(items: list[Item], gutter: float, rtl: bool = False) -> Item | None:
    """Two columns of items, split where they balance best (never right after a heading).

    A right-to-left page starts its first column on the right.
    """
    best: tuple[float, int] | None = None
    for split in range(1, len(items)):
        if items[split - 1].keep_with_next:
            continue
        tallest = max(stack_height(items[:split]), stack_height(items[split:]))
        if best is None or tallest < best[0]:
            best = (tallest, split)
    if best is None:
        return None
    left, right = items[: best[1]], items[best[1] :]

    def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
        column = (w - gutter) / 2
        first, second = (x + column + gutter, x) if rtl else (x, x + column + gutter)
        draw_stack(canvas, left, first, top, column, h)
        draw_stack(canvas, right, second, top, column, h)

    flexible = any(item.flexible for item in items)
    return Item(best[0], items[0].space_before, draw, flexible=flexible)


def set_panel(
    slot: int,
    pages: tuple[GuidePage, ...],
    panel: Panel,
    style: PanelStyle,
    venue: GuideVenue | None,
    cover: bool,
) -> PanelSetting:
    width = panel.width * MM - 2 * style.margin_side * MM
    height = panel.height * MM - (style.margin_top + style.margin_bottom) * MM
    if cover:  # the navy block is inset, and the text inset again within it
        width -= 2 * style.body * 0.9
        height -= 2 * style.body * 1.2
    items: list[Item] = []
    if cover:
        items = Typesetter(style, width, cover=True).blocks(_flat_blocks(pages), venue)
        # The cover's contact lines stand at its foot; the space above them holds the emblem.
        first_contact = next((i for i, b in enumerate(_flat_blocks(pages)) if isinstance(b, Contact)), None)
        if first_contact is not None and first_contact > 0:
            items.insert(first_contact, Item(0.0, 0.0, _emblem(style), flexible=True))
        return PanelSetting(slot, pages, items, height)
    gutter = style.body * 1.6
    two_columns = width / MM >= COLUMNS_FROM
    full = Typesetter(style, width)
    column = Typesetter(style, (width - gutter) / 2)
    for index, page in enumerate(pages):
        blocks = list(page.blocks)
        head = (
            [full.block(blocks.pop(0), venue, first=True)[0]]
            if blocks and isinstance(blocks[0], Heading)
            else []
        )
        body = (column if two_columns else full).blocks(blocks, venue)
        if two_columns and len(body) > 1:
            columns = _columns(body, gutter, rtl=_base_rtl([Span(page.title)]))
            body = [columns] if columns is not None else full.blocks(blocks, venue)
        elif two_columns:
            body = full.blocks(blocks, venue)
        if head and body:
            body[0].space_before = style.body * 0.8
        page_items = head + body
        if index and page_items:
            page_items[0].space_before = style.body * 2.2
        items.extend(page_items)
    return PanelSetting(slot, pages, items, height)


def _emblem(style: PanelStyle) -> Draw:
    """A magnifying glass, the guide's mark, drawn in the cover's spare space (if there is room); the
    programme's logo instead when it has one."""

    def draw(canvas: Canvas, x: float, top: float, w: float, h: float) -> None:
        size = min(w * 0.62, h * 0.85)
        if size < 14 * MM:
            return
        if style.look.logo:
            _logo(canvas, style.look.logo, x + (w - size) / 2, top - h / 2 - size / 2, size)
            return
        ring = size * 0.34
        line = size * 0.075
        cx = x + w - ring - line - size * 0.38
        cy = top - h / 2 + size * 0.12
        canvas.saveState()
        canvas.setStrokeColorRGB(*style.look.accent)
        canvas.setLineCap(1)
        canvas.setLineWidth(line)
        canvas.circle(cx, cy, ring, stroke=1, fill=0)
        reach = ring + line / 2
        canvas.setLineWidth(line * 1.7)
        canvas.line(cx + reach * 0.707, cy - reach * 0.707, cx + size * 0.62, cy - size * 0.62)
        canvas.setFillColorRGB(*WHITE)
        canvas.setStrokeColorRGB(*WHITE)
        canvas.setLineWidth(line * 0.45)
        canvas.arc(cx - ring * 0.62, cy - ring * 0.62, cx + ring * 0.62, cy + ring * 0.62, 105, 60)
        canvas.restoreState()

    return draw


def _logo(canvas: Canvas, logo: bytes, x: float, y: float, side: float) -> None:
    """The logo scaled into a square, its proportions kept, centred."""
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(io.BytesIO(logo))
    width, height = reader.getSize()
    scale = min(side / width, side / height)
    drawn_w, drawn_h = width * scale, height * scale
    canvas.drawImage(
        reader, x + (side - drawn_w) / 2, y + (side - drawn_h) / 2, drawn_w, drawn_h, mask="auto"
    )


def _flat_blocks(pages: Iterable[GuidePage]) -> list[Block]:
    return [block for page in pages for block in page.blocks]


def draw_panel(canvas: Canvas, setting: PanelSetting, panel: Panel, style: PanelStyle, folio: bool) -> None:
    """Draw a set panel with the canvas origin at the panel's bottom-left, the right way up."""
    w, h = panel.width * MM, panel.height * MM
    left, top = style.margin_side * MM, h - style.margin_top * MM
    inner_w = w - 2 * style.margin_side * MM
    if setting.slot == 1:
        inset = style.margin_side * MM * 0.7
        canvas.setFillColorRGB(*style.look.main)
        canvas.roundRect(inset, inset, w - 2 * inset, h - 2 * inset, style.body * 0.6, stroke=0, fill=1)
        left += style.body * 0.9
        top -= style.body * 1.2
        inner_w -= 2 * style.body * 0.9
    draw_stack(canvas, setting.items, left, top, inner_w, setting.available)
    # A marker for machines (tests, proof checks): invisible text naming the slot, in the panel's frame.
    marker = canvas.beginText(left, style.margin_bottom * MM * 0.5)
    marker.setTextRenderMode(3)
    marker.setFont(SANS, 4)
    marker.textOut(f"guide-panel-{setting.slot}")
    marker.setTextRenderMode(0)  # the mode outlives the text object; later text must show
    canvas.drawText(marker)
    if folio:
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(SANS, max(5.5, style.body * 0.75))
        canvas.drawCentredString(w / 2, style.margin_bottom * MM * 0.45, str(setting.slot))


# ---- which pages go in which panel ---------------------------------------------------------------


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _check_pages(content: GuideContent, imposition: Imposition) -> None:
    count = len(content.pages)
    if imposition.name == "dl-trifold":
        if count < imposition.slots:
            raise GuideContentError(
                f"{content.source} has {_pages(count)}; the DL tri-fold needs at least {imposition.slots} "
                "(cover, inner pages, back). Pages start at each '# ' heading or '---'."
            )
    elif count != imposition.pages:
        raise GuideContentError(
            f"{content.source} has {_pages(count)}; the {imposition.title} needs exactly {imposition.pages} "
            "(cover, six inside pages, back). Pages start at each '# ' heading or '---'."
        )


def _groupings(pages: tuple[GuidePage, ...], slots: int) -> Iterator[list[tuple[GuidePage, ...]]]:
    """Ways to put the pages in order onto the slots: cover and back alone, the inner pages shared out."""
    inner = pages[1:-1]
    middle = slots - 2
    for cuts in combinations(range(1, len(inner)), middle - 1):
        bounds = (0, *cuts, len(inner))
        yield [pages[:1], *(inner[a:b] for a, b in zip(bounds, bounds[1:], strict=False)), pages[-1:]]


def _describe(setting: PanelSetting, imposition: Imposition) -> str:
    over = max(1, round(setting.overflow_mm + 0.49))
    pages = setting.pages
    if len(pages) == 1:
        page = pages[0]
        return (
            f"Page {page.number} '{page.title}' is {over} mm too long for {imposition.panel_name}: "
            "shorten it or split it."
        )
    titles = " and ".join(f"'{p.title}'" for p in pages)
    return (
        f"Pages {pages[0].number}–{pages[-1].number} ({titles}) are {over} mm too long to share "
        f"{imposition.panel_name}: shorten them."
    )


@dataclass(frozen=True)
class GuideLayout:
    imposition: Imposition
    style: PanelStyle
    settings: dict[int, PanelSetting]  # by slot


def lay_out(
    content: GuideContent,
    imposition: Imposition,
    venue: GuideVenue | None = None,
    look: GuideLook | None = None,
) -> GuideLayout:
    """Set every panel at the largest body size at which all fit; GuideDoesNotFit names what cannot."""
    register_fonts()
    _check_pages(content, imposition)
    panels = {panel.slot: panel for panel in imposition.panels()}
    worst: PanelSetting | None = None
    for style in SIZES[imposition.name].styles(look):
        best: list[PanelSetting] | None = None
        best_over = float("inf")
        for grouping in _groupings(content.pages, imposition.slots):
            settings = [
                set_panel(slot, group, panels[slot], style, venue, cover=slot == 1)
                for slot, group in enumerate(grouping, start=1)
            ]
            over = max(s.overflow_mm for s in settings)
            if over < best_over:
                best, best_over = settings, over
        assert best is not None
        if best_over <= 0:
            return GuideLayout(imposition, style, {s.slot: s for s in best})
        worst = max(best, key=lambda s: s.overflow_mm)
    assert worst is not None
    raise GuideDoesNotFit(_describe(worst, imposition))


# ---- the PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideRun:
    """What `render_guide` wrote: `pages` is the PDF's page count (sides of the sheet to print)."""

    path: Path
    layout: str
    pages: int
    panels: int
    body_size: float
    duplex: str | None


def render_guide(
    output_path: str | os.PathLike[str],
    layout: str = "a7-zine",
    content_path: str | os.PathLike[str] | None = None,
    venue: GuideVenue | None = None,
    look: GuideLook | None = None,
) -> GuideRun:
    """Write the guide imposed for folding as a PDF (A4 landscape), replacing `output_path` whole."""
    if layout not in IMPOSITIONS:
        raise GuideError(f"Unknown layout {layout!r}; choose one of {', '.join(IMPOSITIONS)}.")
    imposition = IMPOSITIONS[layout]
    content = load_guide(content_path)
    arranged = lay_out(content, imposition, venue, look)
    output = Path(output_path)
    if not output.parent.is_dir():
        raise GuideError(f"{output.parent}: no such folder to write the guide into.")
    with written_beside(output, prefix=".guide-", suffix=".pdf") as temporary:
        canvas = Canvas(temporary, pagesize=(297 * MM, 210 * MM), pageCompression=1)
        canvas.setTitle(f"Spot the signs: pocket guide, {imposition.title}")
        canvas.setAuthor((look.organiser if look else "") or "Check-in Desk")
        canvas.setCreator("Check-in Desk")
        for side in imposition.sides:
            for panel in side.panels:
                canvas.saveState()
                enter_panel(canvas, panel)
                draw_panel(
                    canvas,
                    arranged.settings[panel.slot],
                    panel,
                    arranged.style,
                    folio=imposition.name != "dl-trifold" and 1 < panel.slot < imposition.slots,
                )
                canvas.restoreState()
            draw_marks(canvas, side)
            canvas.showPage()
        canvas.save()
    return GuideRun(
        output,
        layout,
        pages=len(imposition.sides),
        panels=imposition.slots,
        body_size=arranged.style.body,
        duplex=imposition.duplex,
    )
