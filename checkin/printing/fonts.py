"""The bundled fonts for printing: registered with ReportLab once, chosen per text, Arabic shaped for RTL.

Noto Sans covers Latin (Vietnamese included), Greek and Cyrillic; Noto Sans Arabic covers Arabic. ReportLab
draws glyphs left to right without shaping, so Arabic text is shaped (joining forms) and put in visual
order before it is drawn.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from checkin.resources import resource_path

SANS = "NotoSans"
SANS_BOLD = "NotoSans-Bold"
SANS_ITALIC = "NotoSans-Italic"
ARABIC = "NotoSansArabic"
ARABIC_BOLD = "NotoSansArabic-Bold"

_FILES = {
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
    SANS_ITALIC: "NotoSans-Italic.ttf",
    ARABIC: "NotoSansArabic-Regular.ttf",
    ARABIC_BOLD: "NotoSansArabic-Bold.ttf",
}
LICENCE = ("fonts", "OFL.txt")

_ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@cache
def register_fonts() -> None:
    """Register the bundled fonts with ReportLab (once per process)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD)


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTERS.search(text))


@dataclass(frozen=True)
class PreparedText:
    """Text ready to draw: in visual order, with the font that has its glyphs."""

    text: str
    font: str
    right_to_left: bool


def prepare(text: str, bold: bool = False, italic: bool = False) -> PreparedText:
    """NFC, and for Arabic: shaped and reordered for drawing left to right. Bold wins over italic, and
    Arabic has no italic."""
    text = unicodedata.normalize("NFC", text)
    if not has_arabic(text):
        return PreparedText(text, SANS_BOLD if bold else SANS_ITALIC if italic else SANS, False)
    import arabic_reshaper
    from bidi import get_display

    return PreparedText(get_display(arabic_reshaper.reshape(text)), ARABIC_BOLD if bold else ARABIC, True)
