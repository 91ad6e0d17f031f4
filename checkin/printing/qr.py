"""QR codes drawn as vector rectangles on a ReportLab canvas, with a clear quiet zone and a minimum module.

The `qrcode` library supplies the module matrix. Its own choice of mask pattern builds and scores all
eight masked symbols in pure Python (about 6 ms a code, most of a 1,000-badge print run), so the symbol
is built once with mask 0 and the other seven are derived from it by flipping the data modules, then
scored with the standard penalty rules (ISO/IEC 18004 §7.8.3) using integer bit rows and C-level string
searches. `tests/test_badges.py` checks that the result matches what `qrcode` itself makes for each mask.
"""

import re
from dataclasses import dataclass
from functools import cache

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

from checkin.errors import UserError

_DARK = re.compile("1+")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
QUIET_ZONE = 4  # modules of white on every side
MIN_MODULE_MM = 0.5  # four dots of a 203 dpi label printer


class QRSizeError(UserError, ValueError):
    """The space given to a QR code is too small for modules of at least MIN_MODULE_MM."""


def error_correction_for(payload: str) -> int:
    """As pretix chooses: H up to 32 characters, M up to 128, L beyond."""
    level: int  # qrcode ships no types; its levels are ints
    if len(payload) <= 32:
        level = ERROR_CORRECT_H
    elif len(payload) <= 128:
        level = ERROR_CORRECT_M
    else:
        level = ERROR_CORRECT_L
    return level


@dataclass(frozen=True)
class QRMatrix:
    """Dark modules as rows of booleans, without a quiet zone."""

    rows: tuple[tuple[bool, ...], ...]
    version: int
    mask: int
    #: PDF path operators, one `re` per horizontal run of dark modules, one unit per module, origin at
    #: the symbol's bottom-left corner
    path: str = ""

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE


class _Packing:
    """A symbol's rows as one integer, a 0 bit between rows, so each penalty rule is a few big-int
    operations instead of a Python loop over modules."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.stride = count + 1
        self.length = count * self.stride - 1
        self.cells = self.window(1)  # every bit that is a module, not a separator
        self.pairs = self.window(2)  # a module with a neighbour to its right
        self.elevens = self.window(11)  # the start of an 11-module window inside a row
        self.blocks = self.pairs & (self.pairs >> self.stride)  # top-left of a 2×2 block

    def window(self, width: int) -> int:
        """Bits at which a window of `width` modules, running to higher string positions, fits in a row."""
        bits = 0
        for row in range(self.count):
            for column in range(self.count - width + 1):
                bits |= 1 << self.bit(row, column + width - 1)
        return bits

    def bit(self, row: int, column: int) -> int:
        return self.length - 1 - (row * self.stride + column)

    def pack(self, rows: list[list[bool]]) -> int:
        # bytes() of booleans is a string of 0 and 1 bytes; translate makes them digits, all in C.
        return int(b"0".join(bytes(row).translate(_DIGITS) for row in rows), 2)

    def text(self, packed: int) -> str:
        return format(packed, f"0{self.length}b")

    def transpose(self, packed: int) -> int:
        text = self.text(packed)
        return int("0".join(text[column :: self.stride] for column in range(self.count)), 2)


_FINDER_PATTERNS = ("10111010000", "00001011101")


def _runs_and_finders(packed: int, packing: _Packing) -> int:
    score = 0
    for line in (packed, ~packed & packing.cells):  # dark runs, then light runs
        windows = line & (line >> 1) & (line >> 2) & (line >> 3) & (line >> 4)
        # A run of L >= 5 has L - 4 five-windows and scores L - 2 (N1: 3 + (L - 5)).
        score += windows.bit_count() + 2 * (windows & ~(windows >> 1)).bit_count()
    for pattern in _FINDER_PATTERNS:  # N3: a finder-like 1:1:3:1:1 with four light modules beside it
        matches = packing.elevens
        # The window's first module is its highest bit, so pattern[k] is compared with bit k places down.
        for k, module in enumerate(reversed(pattern)):
            matches &= (packed >> k) if module == "1" else ~(packed >> k)
        score += 40 * matches.bit_count()
    return score


def _penalty(packed: int, packing: _Packing) -> int:
    score = _runs_and_finders(packed, packing) + _runs_and_finders(packing.transpose(packed), packing)
    same_down = ~(packed ^ (packed >> packing.stride))
    same_across = ~(packed ^ (packed >> 1))
    score += 3 * (same_down & (same_down >> 1) & same_across & packing.blocks).bit_count()  # N2
    dark = packed.bit_count()
    return score + 10 * (abs(dark * 100 // (packing.count**2) - 50) // 5)  # N4


def _blank(version: int, error_correction: int) -> qrcode.QRCode:
    symbol = qrcode.QRCode(version=version, error_correction=error_correction, border=0)
    count = version * 4 + 17
    symbol.modules_count = count
    symbol.modules = [[None] * count for _ in range(count)]
    return symbol


@cache
def _packing(version: int) -> _Packing:
    return _Packing(version * 4 + 17)


@cache
def _data_area(version: int) -> int:
    """Bits of the modules that carry data (not finder, timing, alignment, format or version modules)."""
    symbol = _blank(version, ERROR_CORRECT_M)
    count = symbol.modules_count
    for row, column in ((0, 0), (count - 7, 0), (0, count - 7)):
        symbol.setup_position_probe_pattern(row, column)
    symbol.setup_position_adjust_pattern()
    symbol.setup_timing_pattern()
    symbol.setup_type_info(True, 0)
    if version >= 7:
        symbol.setup_type_number(True)
    return _packing(version).pack([[cell is None for cell in row] for row in symbol.modules])


@cache
def _mask_bits(version: int, mask: int) -> int:
    count = version * 4 + 17
    flips = util.mask_func(mask)
    return _packing(version).pack([[flips(r, c) for c in range(count)] for r in range(count)])


@cache
def _format_bits(version: int, error_correction: int, mask: int) -> tuple[int, int]:
    """(where the format information and dark module are, which of them are dark) for this mask."""
    symbol = _blank(version, error_correction)
    symbol.setup_type_info(False, mask)
    packing = _packing(version)
    where = packing.pack([[cell is not None for cell in row] for row in symbol.modules])
    return where, packing.pack([[bool(cell) for cell in row] for row in symbol.modules])


@cache
def qr_matrix(payload: str) -> QRMatrix:
    """The module matrix of `payload`, with the error correction and mask the standard would choose."""
    error_correction = error_correction_for(payload)
    symbol = qrcode.QRCode(error_correction=error_correction, border=0, mask_pattern=0)
    symbol.add_data(payload)
    symbol.make(fit=True)
    version = symbol.version
    packing = _packing(version)
    base, data, zero = packing.pack(symbol.modules), _data_area(version), _mask_bits(version, 0)
    best: tuple[int, int, int] | None = None
    for mask in range(8):
        where, dark = _format_bits(version, error_correction, mask)
        packed = ((base ^ (data & (zero ^ _mask_bits(version, mask)))) & ~where) | dark
        score = _penalty(packed, packing)
        if best is None or score < best[0]:
            best = (score, mask, packed)
    assert best is not None
    _, mask, packed = best
    text = packing.text(packed)
    lines = [
        text[row * packing.stride : row * packing.stride + packing.count] for row in range(packing.count)
    ]
    rows = tuple(tuple(map("1".__eq__, line)) for line in lines)
    top = packing.count - 1
    path = "\n".join(
        f"{run.start()} {top - row} {run.end() - run.start()} 1 re"
        for row, line in enumerate(lines)
        for run in _DARK.finditer(line)
    )
    return QRMatrix(rows, version, mask, path)


def draw_qr(
    canvas: Canvas, payload: str, x: float, y: float, side: float, *, mm_unit: float, where: str = ""
) -> None:
    """Draw `payload` as a QR code filling the square at (x, y) (bottom-left, canvas units) of `side`,
    quiet zone included. `mm_unit` is one millimetre in canvas units; modules under 0.5 mm raise
    QRSizeError, naming `where` (the template) so the user knows what to enlarge."""
    matrix = qr_matrix(payload)
    module = side / matrix.size_with_quiet_zone
    if module < MIN_MODULE_MM * mm_unit - 1e-9:
        raise QRSizeError(
            f"{where or 'The badge template'}: its QR box is {side / mm_unit:.1f} mm, which makes modules of "
            f"{module / mm_unit:.2f} mm for this {matrix.size}-module code; they must be at least "
            f"{MIN_MODULE_MM} mm, so the box needs to be at least "
            f"{MIN_MODULE_MM * matrix.size_with_quiet_zone:.1f} mm square."
        )
    # Drawn in a coordinate system of one unit per module with the origin at the symbol's bottom-left
    # corner, one rectangle per horizontal run of dark modules, all filled as one path: whole numbers
    # keep the PDF small and the drawing fast.
    origin = f"{module:.5f} 0 0 {module:.5f} {x + QUIET_ZONE * module:.4f} {y + QUIET_ZONE * module:.4f} cm"
    canvas.addLiteral(f"q {origin}\n{matrix.path}\nf Q")
