"""Badge codes: signed random identifiers, scanner-text repair, and telling forged codes from unknown ones.

A badge code is 16 characters of randomness (80 bits) followed by a 6-character signature (30 bits of an
HMAC keyed per programme), all in Crockford's base-32 alphabet: digits and capital letters only, so the
QR is in alphanumeric mode and a USB scanner types the same text on any keyboard layout (nearly: see
`LAYOUT_REPAIRS`). A code whose signature fails is forged or misread; one that verifies but is not in
this desk's database is genuine and simply not known here yet.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 16  # 16 x 5 bits = 80 random bits
SIGNATURE_LENGTH = 6  # 30 bits: one forgery in a billion tries
CODE_LENGTH = RANDOM_LENGTH + SIGNATURE_LENGTH
KEY_BYTES = 32

_CODE_SHAPE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
# Readers of a printed code confuse these; Crockford's alphabet leaves them out for that reason.
_READ_ALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
# Shapes of the booking platforms' codes, to tell a well-formed unknown code from noise.
_PLATFORM_SHAPES = (
    re.compile(r"\d{10,24}"),  # Eventbrite barcodes (19-20 digits), other numeric tickets
    re.compile(r"[A-Z0-9]{4}-\d{1,4}"),  # Tito ticket references
    re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{32}"),  # pretix secrets (upper-cased)
)


def new_signing_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _signature(key: bytes, random_part: str) -> str:
    digest = hmac.new(key, random_part.encode("ascii"), hashlib.sha256).digest()
    return _encode(int.from_bytes(digest[:4], "big") >> 2, SIGNATURE_LENGTH)


def new_badge_code(key: bytes, token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    random_part = _encode(int.from_bytes(token_bytes(10), "big"), RANDOM_LENGTH)
    return random_part + _signature(key, random_part)


def verifies(code: str, key: bytes) -> bool:
    if not _CODE_SHAPE.fullmatch(code):
        return False
    random_part, signature = code[:RANDOM_LENGTH], code[RANDOM_LENGTH:]
    return hmac.compare_digest(_signature(key, random_part), signature)


def looks_like_badge_code(text: str) -> bool:
    return bool(_CODE_SHAPE.fullmatch(text))


def looks_like_platform_code(text: str) -> bool:
    return any(shape.fullmatch(text) for shape in _PLATFORM_SHAPES)


def lookup_key(code: str) -> str:
    """How an external code is stored and looked up: case and surrounding space do not matter."""
    return "".join(code.split()).upper()


# A USB scanner sends key positions as if the computer had a US layout; the computer's own layout
# decides the characters. Each table maps what arrives back to what the scanner meant.
LAYOUT_REPAIRS: dict[str, dict[str, str]] = {
    "uk": {'"': "@", "£": "#", "@": '"', "~": "|", "#": "\\"},
    "de": {"Y": "Z", "Z": "Y", "y": "z", "z": "y", "ß": "-", "ö": ";", "Ö": ":", "_": "?", "?": "_"},
    "fr": {
        "&": "1",
        "é": "2",
        '"': "3",
        "'": "4",
        "(": "5",
        "-": "6",
        "è": "7",
        "_": "8",
        "ç": "9",
        "à": "0",
        "É": "2",
        "È": "7",
        "Ç": "9",
        "À": "0",
        "A": "Q",
        "Q": "A",
        "Z": "W",
        "W": "Z",
        "a": "q",
        "q": "a",
        "z": "w",
        "w": "z",
        "?": "M",
        ",": "m",
        "M": ":",
        "m": ";",
        ")": "-",
    },
}


def trim(text: str) -> str:
    """What every scan goes through first: no surrounding space, no control characters from the scanner."""
    return "".join(ch for ch in text if ch.isprintable()).strip()


def candidates(text: str) -> Iterator[tuple[str, str]]:
    """The readings of scanned text to try, in order: as typed, then each keyboard layout's repair.

    Yields (layout, text); layout is "" for the text as typed. The caller accepts a repaired reading
    only when it proves right (a badge signature verifies, or the code is a known external code).
    """
    typed = trim(text)
    yield "", typed
    seen = {typed}
    for layout, table in LAYOUT_REPAIRS.items():
        repaired = "".join(table.get(ch, ch) for ch in typed)
        if repaired not in seen:
            seen.add(repaired)
            yield layout, repaired


def as_badge_code(text: str) -> str:
    """A reading as a badge code: capitals, spaces and hyphens (used when a person types it) removed."""
    return re.sub(r"[\s-]", "", text).upper().translate(_READ_ALIKES)


class CodeKind(StrEnum):
    BADGE = "badge"  # one of ours, signature verified
    EXTERNAL = "external"  # a booking platform's code known here
    WELL_FORMED = "well_formed"  # looks like a platform code but is not known here
    INVALID = "invalid"  # not a code, or a forged or misread badge code


@dataclass(frozen=True)
class ReadCode:
    """What a scan turned out to be."""

    kind: CodeKind
    code: str
    layout: str = ""  # the keyboard layout whose damage was repaired, "" if none


def read_code(text: str, keys: Sequence[bytes], known_external: Callable[[str], bool]) -> ReadCode:
    """Classify scanned text against the programme keys and the external codes this desk knows."""
    readings = list(candidates(text))
    # A known external code wins as typed; a repaired reading must be known too.
    for layout, reading in readings:
        key = lookup_key(reading)
        if key and known_external(key):
            return ReadCode(CodeKind.EXTERNAL, key, layout)
    for layout, reading in readings:
        code = as_badge_code(reading)
        if any(verifies(code, key) for key in keys):
            return ReadCode(CodeKind.BADGE, code, layout)
    typed = readings[0][1]
    if looks_like_platform_code(lookup_key(typed)):
        return ReadCode(CodeKind.WELL_FORMED, lookup_key(typed))
    return ReadCode(CodeKind.INVALID, typed)
