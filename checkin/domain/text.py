"""Text folding for names: NFC for storage and print, an accent-free key for search and matching."""

import re
import unicodedata

# Letters that do not decompose into a base letter plus a combining mark.
_NON_DECOMPOSING = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
# Apostrophes, hyphens and dots vanish so "oneill" finds "O'Neill" and "smithjones" finds "Smith-Jones".
_JOINERS = re.compile(r"['\u2019\u2018`´\-\u2010\u2011\u2012\u2013\.]")
_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """A field as we store it: NFC, no control characters, single spaces, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def fold(value: str) -> str:
    """The search key of a text: lower case, accents and joining punctuation removed."""
    text = unicodedata.normalize("NFKD", value.translate(_NON_DECOMPOSING))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _JOINERS.sub("", text.casefold())
    return _SPACES.sub(" ", text).strip()


def normalise_email(value: str) -> str:
    email = clean(value).casefold()
    return email if "@" in email else ""
