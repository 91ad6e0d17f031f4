"""Name badges: templates as data, text that always stays in its box, and sheets of badges as a PDF.

A template (`resources/templates/*.json`) holds one layout per orientation, each drawn at a design size
in millimetres with positioned elements: `text` (a literal with placeholders such as `{first_name}`,
shrunk to fit, then wrapped, then ellipsised), `qr` (the badge code), `image` (the programme logo),
`line` and `role_bar` (a coloured bar with the word for the wearer's role). The programme's own logo
replaces the shipped one in every `image`, its main colour colours text and lines marked `"brand":
"colour"` (its accent those marked `"accent"`) and its accent the delegate's role bar. Badges of the
demonstration programme carry DEMO across each label. A stock's printable area
picks the layout whose orientation it shares, and the layout is scaled to it: positions and boxes
across and down separately, type and line widths by the smaller factor, QR codes as squares.

Text is fitted by `checkin.printing.fitting`: measured with the same font metrics ReportLab draws with,
each line's vertical extent the font's full glyph box, so no glyph of any name, in any of the scripts
the fonts cover, can leave its box; boxes are checked to lie inside the label when a template is loaded.
"""

import io
import json
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.domain.clock import Clock, utc_now
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.errors import UsageError, UserError
from checkin.files import written_beside
from checkin.printing.fitting import draw_fitted, fit_text, string_width
from checkin.printing.fonts import SANS_BOLD, register_fonts
from checkin.printing.qr import draw_qr
from checkin.printing.stocks import Rect, Stock
from checkin.resources import resource_path
from checkin.store.models import PrintLog, Registration, Session

DEFAULT_TEMPLATE = "default"
ROLES = ("delegate", "trainer", "staff")


class TemplateError(UserError):
    """A badge template that cannot be used; the message names the template and the problem."""


# ---- what goes on a badge -------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeFields:
    """One badge's words, as plain values (the placeholders a template may use)."""

    registration_id: int
    delegate_id: int
    badge_code: str
    first_name: str
    last_name: str
    badge_name: str
    organisation: str
    job_title: str
    role: str
    session_code: str
    session_title: str
    venue: str
    town: str
    date: str
    programme: str

    def placeholders(self) -> dict[str, str]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "badge_name": self.badge_name,
            "display_name": self.badge_name or self.first_name,
            "full_name": " ".join(part for part in (self.first_name, self.last_name) if part),
            "organisation": self.organisation,
            "job_title": self.job_title,
            "role": self.role,
            "session_code": self.session_code,
            "session_title": self.session_title,
            "venue": self.venue,
            "town": self.town,
            "date": self.date,
            "venue_date": " · ".join(part for part in (self.venue, self.date) if part),
            "programme": self.programme,
            "badge_code": self.badge_code,
        }


PLACEHOLDERS = frozenset(BadgeFields(0, 0, *[""] * 13).placeholders())


@dataclass(frozen=True)
class Brand:
    """The programme's look on every badge of a run: its logo and colours (empty for the template's own),
    and DEMO across each badge of the demonstration programme."""

    logo: bytes | None = None
    colour: str = ""
    accent_colour: str = ""
    demo: bool = False


def session_brand(session: Session) -> Brand:
    programme = session.programme
    return Brand(
        logo=programme.logo if programme else None,
        colour=programme.colour if programme else "",
        accent_colour=programme.accent_colour if programme else "",
        demo=session.demo,
    )


def badge_role(registration: Registration) -> str:
    """The wearer's role, from a booking-form answer called "role" (delegate when there is none)."""
    for question, answer in (registration.answers or {}).items():
        if question.strip().casefold() in ("role", "badge role") and str(answer).strip().casefold() in ROLES:
            return str(answer).strip().casefold()
    return "delegate"


def _session_date(session: Session) -> str:
    day = session.starts_at.astimezone()
    return f"{day:%a} {day.day} {day:%B %Y}"


def badge_fields(registration: Registration) -> BadgeFields:
    delegate, session = registration.delegate, registration.session
    venue = session.venue
    return BadgeFields(
        registration_id=registration.id,
        delegate_id=delegate.id,
        badge_code=registration.badge_code,
        first_name=delegate.first_name,
        last_name=delegate.last_name,
        badge_name=delegate.badge_name,
        organisation=delegate.organisation,
        job_title=delegate.job_title,
        role=badge_role(registration),
        session_code=session.code,
        session_title=session.title,
        venue=venue.name if venue else "",
        town=venue.town if venue else "",
        date=_session_date(session),
        programme=session.programme.title if session.programme else "",
    )


# ---- templates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the top-left corner of the label (or layout)."""

    x: float
    y: float
    w: float
    h: float

    def scaled(self, sx: float, sy: float) -> "Box":
        return Box(self.x * sx, self.y * sy, self.w * sx, self.h * sy)

    def square(self, align: str, valign: str) -> "Box":
        """The largest square in this box, placed by the alignments."""
        side = min(self.w, self.h)
        x = self.x + {"start": 0.0, "center": (self.w - side) / 2, "end": self.w - side}[align]
        y = self.y + {"top": 0.0, "middle": (self.h - side) / 2, "bottom": self.h - side}[valign]
        return Box(x, y, side, side)


@dataclass(frozen=True)
class TextElement:
    box: Box
    text: str
    size_max: float
    size_min: float
    lines: int = 1
    bold: bool = False
    align: str = "start"
    valign: str = "top"
    colour: str = "#1a1a1a"
    leading: float = 1.15
    uppercase: bool = False
    #: "colour" or "accent": the programme's colour replaces `colour` when it has one.
    brand: str = ""


@dataclass(frozen=True)
class QRElement:
    box: Box
    align: str = "center"
    valign: str = "middle"


@dataclass(frozen=True)
class ImageElement:
    box: Box
    path: str
    align: str = "start"
    valign: str = "top"


@dataclass(frozen=True)
class LineElement:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5  # points
    colour: str = "#c8ced6"
    brand: str = ""


@dataclass(frozen=True)
class RoleBarElement:
    box: Box
    size: float = 7.0
    radius: float = 1.0
    show: str = "always"  # or "not_delegate": only trainers and staff get a bar


Element = TextElement | QRElement | ImageElement | LineElement | RoleBarElement


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    elements: tuple[Element, ...]

    @property
    def landscape(self) -> bool:
        return self.width >= self.height


@dataclass(frozen=True)
class Role:
    colour: str
    word: str


@dataclass(frozen=True, eq=False)  # compared and cached by identity: a loaded template is one object
class BadgeTemplate:
    name: str
    title: str
    layouts: tuple[Layout, ...]
    roles: dict[str, Role] = field(default_factory=dict)
    source: str = ""

    def layout_for(self, width: float, height: float) -> Layout:
        """The layout of the same orientation as a printable area (or the only one)."""
        landscape = width >= height
        for layout in self.layouts:
            if layout.landscape == landscape:
                return layout
        return self.layouts[0]


_ALIGN = ("start", "center", "end")
_VALIGN = ("top", "middle", "bottom")


def _mm(spec: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {key} must be a number (found {value!r})")
    return float(value)


def _choice(spec: dict[str, Any], key: str, options: Sequence[str], default: str, where: str) -> str:
    value = spec.get(key, default)
    if value not in options:
        raise ValueError(f"{where}: {key} must be one of {', '.join(options)} (found {value!r})")
    return str(value)


def _colour(spec: dict[str, Any], key: str, default: str, where: str) -> str:
    value = spec.get(key, default)
    try:
        HexColor(value)
    except (ValueError, TypeError):
        raise ValueError(f"{where}: {key} must be a colour like #1a1a1a (found {value!r})") from None
    return str(value)


def _box(spec: dict[str, Any], where: str, layout: tuple[float, float]) -> Box:
    box = Box(*(_mm(spec, key, where) for key in ("x", "y", "w", "h")))
    if box.w <= 0 or box.h <= 0:
        raise ValueError(f"{where}: w and h must be more than 0")
    if box.x < 0 or box.y < 0 or box.x + box.w > layout[0] + 1e-6 or box.y + box.h > layout[1] + 1e-6:
        raise ValueError(f"{where}: the box runs outside the {layout[0]:g} × {layout[1]:g} mm badge")
    return box


def _text_element(spec: dict[str, Any], where: str, size: tuple[float, float]) -> TextElement:
    text = spec.get("text")
    if not isinstance(text, str):
        raise ValueError(f"{where}: text must be text with placeholders like {{first_name}}")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise ValueError(f"{where}: text {text!r}: {error}") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValueError(
            f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}; known: "
            + ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
        )
    size_max = _mm(spec, "size_max", where)
    size_min = _mm(spec, "size_min", where, size_max)
    if not 0 < size_min <= size_max:
        raise ValueError(f"{where}: size_min must be more than 0 and at most size_max")
    lines = spec.get("lines", 1)
    if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
        raise ValueError(f"{where}: lines must be a whole number of at least 1")
    return TextElement(
        box=_box(spec, where, size),
        text=text,
        size_max=size_max,
        size_min=size_min,
        lines=lines,
        bold=bool(spec.get("bold", False)),
        align=_choice(spec, "align", _ALIGN, "start", where),
        valign=_choice(spec, "valign", _VALIGN, "top", where),
        colour=_colour(spec, "colour", "#1a1a1a", where),
        leading=_mm(spec, "leading", where, 1.15),
        uppercase=bool(spec.get("uppercase", False)),
        brand=_choice(spec, "brand", ("", "colour", "accent"), "", where),
    )


def _element(spec: Any, where: str, size: tuple[float, float]) -> Element:
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: an element is an object with a type")
    kind = spec.get("type")
    if kind == "text":
        return _text_element(spec, where, size)
    if kind == "qr":
        return QRElement(
            _box(spec, where, size),
            _choice(spec, "align", _ALIGN, "center", where),
            _choice(spec, "valign", _VALIGN, "middle", where),
        )
    if kind == "image":
        path = spec.get("path")
        if not isinstance(path, str) or not _image_file(path).is_file():
            raise ValueError(f"{where}: image {path!r} not found")
        return ImageElement(
            _box(spec, where, size),
            path,
            _choice(spec, "align", _ALIGN, "start", where),
            _choice(spec, "valign", _VALIGN, "top", where),
        )
    if kind == "line":
        line = LineElement(
            x1=_mm(spec, "x1", where),
            y1=_mm(spec, "y1", where),
            x2=_mm(spec, "x2", where),
            y2=_mm(spec, "y2", where),
            width=_mm(spec, "width", where, 0.5),
            colour=_colour(spec, "colour", "#c8ced6", where),
            brand=_choice(spec, "brand", ("", "colour", "accent"), "", where),
        )
        for x, y in ((line.x1, line.y1), (line.x2, line.y2)):
            if not (0 <= x <= size[0] and 0 <= y <= size[1]):
                raise ValueError(f"{where}: the line runs outside the badge")
        return line
    if kind == "role_bar":
        return RoleBarElement(
            _box(spec, where, size),
            size=_mm(spec, "size", where, 7.0),
            radius=_mm(spec, "radius", where, 1.0),
            show=_choice(spec, "show", ("always", "not_delegate"), "always", where),
        )
    raise ValueError(f"{where}: unknown element type {kind!r} (text, qr, image, line or role_bar)")


def _image_file(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else resource_path(*Path(path).parts)


def parse_template(document: Any, source: str = "") -> BadgeTemplate:
    if not isinstance(document, dict):
        raise ValueError("a template file holds one JSON object")
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("name must be text")
    layouts_spec = document.get("layouts")
    if not isinstance(layouts_spec, list) or not layouts_spec:
        raise ValueError("layouts must be a list of at least one layout")
    layouts = []
    for number, spec in enumerate(layouts_spec, 1):
        if not isinstance(spec, dict):
            raise ValueError(f"layout {number} must be an object")
        where = f"layout {number}"
        size = (_mm(spec, "width", where), _mm(spec, "height", where))
        elements = spec.get("elements")
        if not isinstance(elements, list):
            raise ValueError(f"{where}: elements must be a list")
        layouts.append(
            Layout(
                size[0],
                size[1],
                tuple(
                    _element(element, f"{where}, element {index}", size)
                    for index, element in enumerate(elements, 1)
                ),
            )
        )
    roles = {}
    for role, spec in (document.get("roles") or {}).items():
        where = f"role {role!r}"
        if role not in ROLES or not isinstance(spec, dict):
            raise ValueError(f"{where}: roles are {', '.join(ROLES)}, each with a colour and a word")
        roles[role] = Role(_colour(spec, "colour", "#1a1a1a", where), str(spec.get("word", role.upper())))
    return BadgeTemplate(name, str(document.get("title", name)), tuple(layouts), roles, source)


@cache
def _load_template_file(path: Path, _modified: float) -> BadgeTemplate:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return parse_template(document, str(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise TemplateError(f"Badge template {path}: {error}") from None


def load_template(name_or_path: str = DEFAULT_TEMPLATE) -> BadgeTemplate:
    """A shipped template by name (`default`) or a template file by path."""
    path = Path(name_or_path)
    if path.suffix.lower() != ".json":
        path = resource_path("templates", f"{name_or_path}.json")
    if not path.is_file():
        shipped = sorted(p.stem for p in resource_path("templates").glob("*.json"))
        raise TemplateError(f"There is no badge template {name_or_path!r}. Shipped: {', '.join(shipped)}.")
    return _load_template_file(path, path.stat().st_mtime)


# ---- placing a template on a stock ----------------------------------------------------------------


@dataclass(frozen=True)
class PlacedLayout:
    """A template's layout scaled to a stock's printable area: boxes in mm from the label's corner."""

    template: BadgeTemplate
    layout: Layout
    offset_x: float
    offset_y: float
    scale_x: float
    scale_y: float

    @property
    def type_scale(self) -> float:
        return min(self.scale_x, self.scale_y)

    def box(self, box: Box) -> Box:
        placed = box.scaled(self.scale_x, self.scale_y)
        return Box(placed.x + self.offset_x, placed.y + self.offset_y, placed.w, placed.h)

    def qr_box(self, element: QRElement) -> Box:
        return self.box(element.box).square(element.align, element.valign)


@cache
def place(template: BadgeTemplate, stock: Stock) -> PlacedLayout:
    printable = stock.printable_rect(0)
    layout = template.layout_for(printable.w, printable.h)
    return PlacedLayout(
        template,
        layout,
        stock.inset_x,
        stock.inset_y,
        printable.w / layout.width,
        printable.h / layout.height,
    )


# ---- drawing --------------------------------------------------------------------------------------


@cache
def _rgb(value: str) -> Color:
    return HexColor(value)


@cache
def _image(path: str) -> ImageReader:
    return ImageReader(str(_image_file(path)))


#: Placeholders that are the same on every badge of a session: elements using only these (and images,
#: lines) are drawn once per document as a PDF form and placed on each label.
SESSION_PLACEHOLDERS = ("session_code", "session_title", "venue", "town", "date", "venue_date", "programme")


def _is_shared(element: Element) -> bool:
    if isinstance(element, ImageElement | LineElement):
        return True
    if isinstance(element, TextElement):
        names = {name for _, name, _, _ in string.Formatter().parse(element.text) if name is not None}
        return names <= set(SESSION_PLACEHOLDERS)
    return False


class _BadgeDrawer:
    """Draws badges in label-local coordinates (points, origin at the label's bottom-left corner)."""

    def __init__(
        self, canvas: Canvas, stock: Stock, placed: PlacedLayout, brand: Brand | None = None
    ) -> None:
        self.brand = brand or Brand()
        self.logo = ImageReader(io.BytesIO(self.brand.logo)) if self.brand.logo else None
        self.canvas = canvas
        self.stock = stock
        self.placed = placed
        self.height = stock.label_h
        self.shared = tuple(e for e in placed.layout.elements if _is_shared(e))
        self.role_bars = tuple(e for e in placed.layout.elements if isinstance(e, RoleBarElement))
        self.own = tuple(e for e in placed.layout.elements if not _is_shared(e) and e not in self.role_bars)
        self.forms: dict[tuple[str, ...], str] = {}

    def _rect(self, box: Box) -> tuple[float, float, float, float]:
        """A box as ReportLab wants it: x, y of the bottom-left corner, w, h in points."""
        return box.x * mm, (self.height - box.y - box.h) * mm, box.w * mm, box.h * mm

    def _form(self, key: tuple[str, ...], draw: Callable[[], None]) -> str:
        name = self.forms.get(key)
        if name is None:
            name = f"badge-part-{len(self.forms)}"
            self.canvas.beginForm(name, 0, 0, self.stock.label_w * mm, self.stock.label_h * mm)
            draw()
            self.canvas.endForm()
            self.forms[key] = name
        return name

    def draw(self, label: Rect, fields: BadgeFields) -> None:
        values = fields.placeholders()
        # Forms are made before this label's drawing state is set up, each in a fresh graphics state.
        forms = [
            self._form(
                ("shared", *(values[name] for name in SESSION_PLACEHOLDERS)),
                partial(self._elements, self.shared, values, fields),
            )
        ]
        forms.extend(
            self._form(("role", fields.role, str(index)), partial(self._role_bar, bar, fields.role))
            for index, bar in enumerate(self.role_bars)
        )
        canvas = self.canvas
        canvas.saveState()
        canvas.translate(label.x * mm, (self.stock.page_h - label.y - label.h) * mm)
        if self.brand.demo:
            canvas.doForm(self._form(("demo",), self._demo_mark))
        for name in forms:
            canvas.doForm(name)
        self._elements(self.own, values, fields)
        canvas.restoreState()

    def _demo_mark(self) -> None:
        """DEMO across the label in a pale grey under everything else: no one mistakes the badge for a
        real one, and the QR code still reads."""
        canvas = self.canvas
        w, h = self.stock.label_w * mm, self.stock.label_h * mm
        size = min(w, h) * 0.42
        canvas.saveState()
        canvas.setFillColor(_rgb("#e4e4e4"))
        canvas.setFont(SANS_BOLD, size)
        canvas.translate(w / 2, h / 2)
        canvas.rotate(20)
        canvas.drawCentredString(0, -size * 0.35, "DEMO")
        canvas.restoreState()

    def _colour(self, colour: str, brand: str) -> str:
        chosen = {"colour": self.brand.colour, "accent": self.brand.accent_colour}.get(brand, "")
        return chosen or colour

    def _elements(self, elements: Sequence[Element], values: dict[str, str], fields: BadgeFields) -> None:
        for element in elements:
            if isinstance(element, TextElement):
                self._text(element, values)
            elif isinstance(element, QRElement):
                self._qr(element, fields.badge_code)
            elif isinstance(element, ImageElement):
                self._image(element)
            elif isinstance(element, LineElement):
                self._line(element)
            elif isinstance(element, RoleBarElement):
                self._role_bar(element, fields.role)

    def _text(self, element: TextElement, values: dict[str, str]) -> None:
        text = element.text.format_map(values)
        if element.uppercase:
            text = text.upper()
        x, y, w, h = self._rect(self.placed.box(element.box))
        scale = self.placed.type_scale
        fitted = fit_text(
            text,
            w,
            h,
            element.size_max * scale,
            element.size_min * scale,
            element.lines,
            element.bold,
            element.leading,
        )
        if not fitted.lines:
            return
        spare = h - fitted.height
        top = y + h - {"top": 0.0, "middle": spare / 2, "bottom": spare}[element.valign]
        self.canvas.setFillColor(_rgb(self._colour(element.colour, element.brand)))
        draw_fitted(self.canvas, fitted, x, top, w, element.align)

    def _qr(self, element: QRElement, payload: str) -> None:
        x, y, side, _ = self._rect(self.placed.qr_box(element))
        self.canvas.setFillColor(_rgb("#000000"))
        where = f"Badge template {self.placed.template.name!r} on stock {self.stock.name!r}"
        draw_qr(self.canvas, payload, x, y, side, mm_unit=mm, where=where)

    def _image(self, element: ImageElement) -> None:
        x, y, w, h = self._rect(self.placed.box(element.box))
        reader = self.logo or _image(element.path)
        image_w, image_h = reader.getSize()
        scale = min(w / image_w, h / image_h)
        draw_w, draw_h = image_w * scale, image_h * scale
        x += {"start": 0.0, "center": (w - draw_w) / 2, "end": w - draw_w}[element.align]
        y += {"top": h - draw_h, "middle": (h - draw_h) / 2, "bottom": 0.0}[element.valign]
        self.canvas.drawImage(reader, x, y, draw_w, draw_h, mask="auto")

    def _line(self, element: LineElement) -> None:
        placed = self.placed

        def point(x: float, y: float) -> tuple[float, float]:
            return (
                (placed.offset_x + x * placed.scale_x) * mm,
                (self.height - placed.offset_y - y * placed.scale_y) * mm,
            )

        self.canvas.setStrokeColor(_rgb(self._colour(element.colour, element.brand)))
        self.canvas.setLineWidth(element.width * placed.type_scale)
        self.canvas.line(*point(element.x1, element.y1), *point(element.x2, element.y2))

    def _role_bar(self, element: RoleBarElement, role: str) -> None:
        if element.show == "not_delegate" and role == "delegate":
            return
        style = self.placed.template.roles.get(role) or Role("#1a1a1a", role.upper())
        if role == "delegate" and self.brand.accent_colour:
            style = Role(self.brand.accent_colour, style.word)
        x, y, w, h = self._rect(self.placed.box(element.box))
        canvas = self.canvas
        canvas.setFillColor(_rgb(style.colour))
        radius = min(element.radius * mm * self.placed.type_scale, h / 2)
        canvas.roundRect(x, y, w, h, radius, stroke=0, fill=1)
        inset = min(h * 0.15, 1.2 * mm)
        fitted = fit_text(
            style.word, w - 2 * inset, h - 2 * inset, element.size * self.placed.type_scale, 4.0, 1, True
        )
        if fitted.lines:
            line = fitted.lines[0]
            canvas.setFillColor(_rgb("#ffffff"))
            canvas.setFont(line.font, fitted.size)
            baseline = y + (h - fitted.height) / 2 + fitted.bottom
            # Capitals read better letter-spaced; the spacing gives way first when the word is long.
            natural = string_width(line.text, line.font, fitted.size)
            gaps = max(len(line.text) - 1, 1)
            spacing = max(0.0, min(0.1 * fitted.size, (w - 2 * inset - natural) / gaps))
            canvas.drawCentredString(x + w / 2, baseline, line.text, charSpace=spacing)


def draw_label_outline(canvas: Canvas, stock: Stock, label: Rect) -> None:
    """A faint outline of a label, for checking alignment on plain paper (it prints: off by default)."""
    canvas.setStrokeColor(_rgb("#d0d0d0"))
    canvas.setLineWidth(0.25)
    canvas.roundRect(
        label.x * mm,
        (stock.page_h - label.y - label.h) * mm,
        label.w * mm,
        label.h * mm,
        stock.corner_radius * mm,
        stroke=1,
        fill=0,
    )


# ---- a print run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeRun:
    """What a print run made: badges, pages, and how many of the badges were reprints."""

    count: int
    pages: int
    reprints: int
    path: Path | None = None
    registration_ids: tuple[int, ...] = ()


def _registrations(
    db: OrmSession, session: Session, registration_ids: Sequence[int] | None
) -> list[Registration]:
    query = (
        select(Registration)
        .where(Registration.session_id == session.id)
        .options(selectinload(Registration.delegate))
    )
    if registration_ids is None:
        registrations = list(db.scalars(query.where(Registration.status.in_(ACTIVE_STATUSES))))
    else:
        wanted = set(registration_ids)
        registrations = list(db.scalars(query.where(Registration.id.in_(wanted))))
        missing = wanted - {registration.id for registration in registrations}
        if missing:
            raise UsageError(f"No booking {', '.join(map(str, sorted(missing)))} on session {session.code}.")
    registrations.sort(
        key=lambda r: (r.delegate.last_name.casefold(), r.delegate.first_name.casefold(), r.delegate_id)
    )
    return registrations


def _printed_before(db: OrmSession, registration_ids: Sequence[int]) -> set[int]:
    printed: set[int] = set()
    ids = list(registration_ids)
    for start in range(0, len(ids), 500):
        printed.update(
            db.scalars(
                select(PrintLog.registration_id)
                .where(PrintLog.registration_id.in_(ids[start : start + 500]))
                .distinct()
            )
        )
    return printed


def _pages(count: int, start_at: int, per_page: int) -> Iterator[tuple[int, int]]:
    """(page number from 0, label position on that page) for each of `count` badges."""
    for index in range(count):
        slot = index + start_at - 1
        yield divmod(slot, per_page)


def write_badges_pdf(
    path: Path,
    badges: Sequence[BadgeFields],
    stock: Stock,
    template: BadgeTemplate,
    *,
    start_at: int = 1,
    outlines: bool = False,
    title: str = "Badges",
    brand: Brand | None = None,
) -> int:
    """Write the badges to `path` (whole or not at all) and return the number of pages."""
    register_fonts()
    placed = place(template, stock)
    pages = 0
    # ReportLab wraps compressed streams in ASCII85 by default, in pure Python: a fifth of a large run's
    # time and a fifth more bytes, for 7-bit-clean files nobody needs. The setting is global, so it is
    # changed only while this file is written (another PDF written meanwhile is valid either way).
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        with written_beside(path) as temporary:
            canvas = Canvas(temporary, pagesize=(stock.page_w * mm, stock.page_h * mm), pageCompression=1)
            canvas.setTitle(title)
            canvas.setCreator("Check-in Desk")
            drawer = _BadgeDrawer(canvas, stock, placed, brand)
            current_page = 0
            for fields, (page, position) in zip(
                badges, _pages(len(badges), start_at, stock.labels_per_page), strict=True
            ):
                while current_page < page:
                    canvas.showPage()
                    current_page += 1
                label = stock.label_rect(position)
                if outlines:
                    draw_label_outline(canvas, stock, label)
                drawer.draw(label, fields)
            canvas.showPage()
            pages = current_page + 1
            canvas.save()
    finally:
        rl_config.useA85 = a85
    return pages


def render_badges(
    db: OrmSession,
    session: Session,
    stock: Stock,
    output_path: Path | str,
    *,
    registration_ids: Sequence[int] | None = None,
    start_at: int = 1,
    only_unprinted: bool = False,
    desk: str = "",
    clock: Clock = utc_now,
    reprint_ok: bool = True,
    template: BadgeTemplate | None = None,
    outlines: bool = False,
    log: bool = True,
) -> BadgeRun:
    """Badges for a session's active bookings (or the given ones), sorted by surname, as one PDF on
    `stock`, starting at label `start_at` of the first sheet. Each badge printed is logged (a reprint
    when that booking had a badge before) and committed. With nothing to print, no file is written.
    `reprint_ok=False` refuses (UsageError) to print a badge a second time. With `log=False` (a preview
    the user may close unprinted) nothing is logged: call `log_badges_printed` once it is printed."""
    output = Path(output_path)
    if not 1 <= start_at <= stock.labels_per_page:
        raise UsageError(
            f"The first label must be between 1 and {stock.labels_per_page} for {stock.name} "
            f"({stock.columns} × {stock.rows} labels a sheet)."
        )
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent}: no such folder.")
    template = template or load_template()
    registrations = _registrations(db, session, registration_ids)
    printed = _printed_before(db, [r.id for r in registrations])
    if only_unprinted:
        registrations = [r for r in registrations if r.id not in printed]
    reprints = sum(1 for r in registrations if r.id in printed)
    if reprints and not reprint_ok:
        names = ", ".join(
            f"{r.delegate.first_name} {r.delegate.last_name}".strip()
            for r in registrations
            if r.id in printed
        )
        raise UsageError(f"Badges were printed before for {names}; print them again only on purpose.")
    if not registrations:
        return BadgeRun(0, 0, 0)
    badges = [badge_fields(registration) for registration in registrations]
    pages = write_badges_pdf(
        output,
        badges,
        stock,
        template,
        start_at=start_at,
        outlines=outlines,
        title=f"Badges — {session.code}" + (" (DEMO)" if session.demo else ""),
        brand=session_brand(session),
    )
    ids = tuple(r.id for r in registrations)
    if log:
        _log_printed(db, ids, printed, stock.name, desk, clock)
    return BadgeRun(len(registrations), pages, reprints, output, ids)


def log_badges_printed(
    db: OrmSession,
    registration_ids: Sequence[int],
    stock_name: str,
    *,
    desk: str = "",
    clock: Clock = utc_now,
) -> int:
    """Log that these bookings' badges were printed (sent to a printer or saved as a PDF), each a reprint
    when that booking had a badge before; commits. Returns how many were reprints."""
    printed = _printed_before(db, list(registration_ids))
    _log_printed(db, registration_ids, printed, stock_name, desk, clock)
    return sum(1 for registration_id in registration_ids if registration_id in printed)


def _log_printed(
    db: OrmSession,
    registration_ids: Sequence[int],
    printed_before: set[int],
    stock_name: str,
    desk: str,
    clock: Clock,
) -> None:
    now = clock()
    db.add_all(
        PrintLog(at=now, desk=desk, registration_id=i, stock=stock_name, reprint=i in printed_before)
        for i in registration_ids
    )
    db.commit()


def registrations_of_delegates(db: OrmSession, session: Session, delegate_ids: Sequence[int]) -> list[int]:
    """The session's booking of each delegate (as `checkin delegates --json` lists their ids)."""
    rows = dict(
        db.execute(
            select(Registration.delegate_id, Registration.id).where(
                Registration.session_id == session.id, Registration.delegate_id.in_(set(delegate_ids))
            )
        ).all()
    )
    missing = [str(delegate_id) for delegate_id in delegate_ids if delegate_id not in rows]
    if missing:
        raise UsageError(
            f"Delegate {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not booked on {session.code}; "
            f"see `checkin delegates --session {session.code}` for the ids."
        )
    return [rows[delegate_id] for delegate_id in dict.fromkeys(delegate_ids)]
