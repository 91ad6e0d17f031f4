"""Label stocks: sheets and rolls of labels described in exact millimetres, shipped and user-added.

A stock is a JSON file. The shipped ones live in `resources/stocks/`; a user adds one by dropping a file
into the user stocks folder (`stocks_folder()`), where a file with a shipped stock's name replaces it
(a locally measured sheet beats our numbers). The format::

    {
      "name": "avery-l4785",                      # what --stock takes; letters, digits, - and _
      "title": "Avery L4785 name badges, 80 × 50 mm, 10 per A4 sheet",
      "page": "A4",                               # A4, A5, A6, Letter, or {"width": 62, "height": 100}
      "label": {"width": 80, "height": 50, "corner_radius": 4},
      "columns": 2, "rows": 5,
      "first": {"left": 18, "top": 13},           # the top-left label's corner, from the page's top-left
      "pitch": {"across": 95, "down": 55},        # from one label's corner to the next one's
      "printable_inset": {"x": 0, "y": 0}         # optional: margin a label printer cannot print in
    }

Positions are measured from the top-left of the page, as a ruler on the sheet would.
"""

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checkin.errors import UserError
from checkin.resources import resource_path

APP_NAME = "CheckinDesk"
STOCKS_DIR_ENV = "CHECKIN_STOCKS_DIR"
DEFAULT_STOCK = "avery-l4785"

#: Paper sizes a stock may name, portrait, in millimetres.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "A6": (105.0, 148.0),
    "Letter": (215.9, 279.4),
}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")
_SLACK = 0.01  # mm: rounding in published sheet measurements


class StockError(UserError):
    """A stock file that cannot be used, or a stock name that is unknown; the message says which."""


@dataclass(frozen=True)
class Rect:
    """A rectangle in millimetres from the page's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, dx: float, dy: float) -> "Rect":
        return Rect(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)


@dataclass(frozen=True)
class Stock:
    name: str
    title: str
    page_w: float
    page_h: float
    label_w: float
    label_h: float
    corner_radius: float
    columns: int
    rows: int
    left: float
    top: float
    pitch_across: float
    pitch_down: float
    inset_x: float = 0.0
    inset_y: float = 0.0
    source: str = ""

    @property
    def labels_per_page(self) -> int:
        return self.columns * self.rows

    @property
    def short_title(self) -> str:
        """The title up to its first comma, what people call the stock ("Avery L4785 / HERMA 4412 name
        badges"); the stock's file name never shows at the desk."""
        return self.title.split(",", 1)[0].strip() or self.title

    @property
    def page(self) -> str:
        """ "A4", "Letter" (portrait or landscape), or "62x100mm" for a label-sized page."""
        for paper, (w, h) in PAPER_SIZES.items():
            if {round(self.page_w, 1), round(self.page_h, 1)} == {round(w, 1), round(h, 1)}:
                return paper
        return f"{self.page_w:g}x{self.page_h:g}mm"

    def label_rect(self, position: int) -> Rect:
        """The label at `position` (0 is top-left, then across, then down) on a page."""
        row, column = divmod(position, self.columns)
        return Rect(
            self.left + column * self.pitch_across,
            self.top + row * self.pitch_down,
            self.label_w,
            self.label_h,
        )

    def printable_rect(self, position: int) -> Rect:
        """The part of a label the printer can put ink on."""
        return self.label_rect(position).inset(self.inset_x, self.inset_y)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "page": self.page,
            "label_w": self.label_w,
            "label_h": self.label_h,
            "columns": self.columns,
            "rows": self.rows,
        }


def stocks_folder() -> Path:
    """Where a user drops their own stock files."""
    override = os.environ.get(STOCKS_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "stocks"


def _number(document: dict[str, Any], key: str, where: str, *, zero_ok: bool = False) -> float:
    value = document.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}{key} must be a number of millimetres (found {value!r})")
    if value < 0 or (value == 0 and not zero_ok):
        raise ValueError(
            f"{where}{key} must be {'0 or more' if zero_ok else 'more than 0'} (found {value!r})"
        )
    return float(value)


def _count(document: dict[str, Any], key: str) -> int:
    value = document.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number of at least 1 (found {value!r})")
    return value


def _section(document: dict[str, Any], key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    value = document.get(key, default)
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be an object like {json.dumps(default or {'width': 0, 'height': 0})}")
    return value


def _page_size(value: Any) -> tuple[float, float]:
    if isinstance(value, str):
        for paper, size in PAPER_SIZES.items():
            if value.strip().casefold() == paper.casefold():
                return size
        raise ValueError(f"page {value!r} is not one of {', '.join(PAPER_SIZES)}; give its width and height")
    if isinstance(value, dict):
        return _number(value, "width", "page "), _number(value, "height", "page ")
    raise ValueError('page must be a paper name like "A4" or {"width": ..., "height": ...} in millimetres')


def parse_stock(document: Any, source: str = "") -> Stock:
    """A stock from its JSON document; ValueError says what is wrong with it."""
    if not isinstance(document, dict):
        raise ValueError("a stock file holds one JSON object")
    name = document.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"name must be a short word of letters, digits, - and _ (found {name!r})")
    title = document.get("title", name)
    if not isinstance(title, str):
        raise ValueError("title must be text")
    page_w, page_h = _page_size(document.get("page"))
    label = _section(document, "label")
    first = _section(document, "first", {"left": 0, "top": 0})
    columns, rows = _count(document, "columns"), _count(document, "rows")
    label_w, label_h = _number(label, "width", "label "), _number(label, "height", "label ")
    pitch = _section(document, "pitch", {"across": label_w, "down": label_h})
    inset = _section(document, "printable_inset", {"x": 0, "y": 0})
    stock = Stock(
        name=name,
        title=title,
        page_w=page_w,
        page_h=page_h,
        label_w=label_w,
        label_h=label_h,
        corner_radius=_number(
            {"corner_radius": label.get("corner_radius", 0)}, "corner_radius", "label ", zero_ok=True
        ),
        columns=columns,
        rows=rows,
        left=_number(first, "left", "first ", zero_ok=True),
        top=_number(first, "top", "first ", zero_ok=True),
        pitch_across=_number(pitch, "across", "pitch "),
        pitch_down=_number(pitch, "down", "pitch "),
        inset_x=_number(inset, "x", "printable_inset ", zero_ok=True),
        inset_y=_number(inset, "y", "printable_inset ", zero_ok=True),
        source=source,
    )
    _check_geometry(stock)
    return stock


def _check_geometry(stock: Stock) -> None:
    if stock.corner_radius * 2 > min(stock.label_w, stock.label_h) + _SLACK:
        raise ValueError("the corner radius is more than half the label")
    if stock.columns > 1 and stock.pitch_across + _SLACK < stock.label_w:
        raise ValueError(
            f"pitch across ({stock.pitch_across:g}) is less than the label width, so labels overlap"
        )
    if stock.rows > 1 and stock.pitch_down + _SLACK < stock.label_h:
        raise ValueError(
            f"pitch down ({stock.pitch_down:g}) is less than the label height, so labels overlap"
        )
    last = stock.label_rect(stock.labels_per_page - 1)
    if last.right > stock.page_w + _SLACK or last.bottom > stock.page_h + _SLACK:
        raise ValueError(
            f"the last label ends at {last.right:g} × {last.bottom:g} mm, outside the "
            f"{stock.page_w:g} × {stock.page_h:g} mm page"
        )
    if 2 * stock.inset_x >= stock.label_w or 2 * stock.inset_y >= stock.label_h:
        raise ValueError("the printable inset leaves nothing of the label to print on")


def _read_stock_file(path: Path) -> Stock:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise StockError(f"Label stock file {path}: cannot be read ({error}).") from None
    except json.JSONDecodeError as error:
        raise StockError(
            f"Label stock file {path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    try:
        return parse_stock(document, str(path))
    except ValueError as error:
        raise StockError(f"Label stock file {path}: {error}.") from None


@dataclass(frozen=True)
class StockCatalogue:
    """Every usable stock by name, and one message per stock file that could not be used."""

    stocks: dict[str, Stock]
    problems: tuple[str, ...]

    def named(self, name: str) -> Stock:
        stock = self.stocks.get(name) or self.stocks.get(name.strip().lower())
        if stock is not None:
            return stock
        message = f"There is no label stock called {name!r}. Known stocks: {', '.join(self.stocks)}."
        related = [problem for problem in self.problems if name in problem]
        if related:
            message += " " + related[0]
        raise StockError(message)


@cache
def _shipped() -> tuple[Stock, ...]:
    # Our own files: a broken one is our bug, so it raises with a traceback.
    return tuple(_read_stock_file(path) for path in sorted(resource_path("stocks").glob("*.json")))


def load_stocks(user_folder: Path | None = None) -> StockCatalogue:
    """The shipped stocks, then the user's (read afresh each call, so a dropped-in file shows at once)."""
    stocks = {stock.name: stock for stock in _shipped()}
    problems = []
    folder = user_folder if user_folder is not None else stocks_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                stock = _read_stock_file(path)
            except StockError as error:
                problems.append(str(error))
                continue
            stocks[stock.name] = stock
    return StockCatalogue(stocks, tuple(problems))


def stock_named(name: str = DEFAULT_STOCK) -> Stock:
    return load_stocks().named(name)
