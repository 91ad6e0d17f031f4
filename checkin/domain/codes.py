"""Badge codes: signed random identifiers, scanner-text repair, and telling forged codes from unknown ones.

A badge code is 18 characters of randomness (over 80 bits) followed by a 7-character signature (an HMAC
keyed per programme, about 33 bits), in an alphabet of digits and the capital letters that every common
keyboard layout types alike: no A, Q, W, Z, Y or M (which AZERTY and QWERTZ move) and no I, L, O or U
(which people misread). The QR is in alphanumeric mode, and a US-configured USB scanner types the same
text on a UK or German keyboard; on French AZERTY the unshifted digits come out as `&é"'(-è_çà`, which
`candidates` repairs. Because the alphabet leaves those letters out, no one-character alteration of a
real code can be mistaken for layout damage, so a repair never turns a forgery into an admission.

A code whose signature fails is forged or misread; one that verifies but is not in this desk's database
is genuine and simply not known here yet.
"""

import hmac
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

ALPHABET = "0123456789BCDEFGHJKNPRSTVX"
RANDOM_LENGTH = 18  # 26**18 > 2**84
SIGNATURE_LENGTH = 7  # 26**7 > 2**32: one forgery in about eight billion tries
CODE_LENGTH = RANDOM_LENGTH + SIGNATURE_LENGTH
KEY_BYTES = 32

_CODE_SHAPE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
# Shapes of the booking platforms' codes, to tell a well-formed unknown code from noise.
_PLATFORM_SHAPES = (
    re.compile(r"\d{10,24}"),  # Eventbrite barcodes (19-20 digits), other numeric tickets
    re.compile(r"[A-Z0-9]{4}-\d{1,4}"),  # Tito ticket references
    re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{32}"),  # pretix secrets (upper-cased)
)


def new_signing_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


# Random text: each random byte below the largest multiple of the alphabet's size (234) becomes one
# character (its remainder), the rest are dropped, so every character is equally likely. bytes.translate
# does this for thousands of codes at once.
_USABLE_BYTES = 256 - 256 % len(ALPHABET)
_BYTE_TO_CHARACTER = bytes(ord(ALPHABET[b % len(ALPHABET)]) if b < _USABLE_BYTES else 0 for b in range(256))
_UNUSABLE_BYTES = bytes(range(_USABLE_BYTES, 256))
# Two-character groups of the alphabet, for writing a signature two digits at a time.
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]
_SIGNATURE_RANGE: int = len(ALPHABET) ** SIGNATURE_LENGTH  # typeshed says Any: a power may be a float


def _random_text(length: int, token_bytes: Callable[[int], bytes]) -> str:
    text = b""
    while len(text) < length:
        missing = length - len(text)
        # 10% of bytes are dropped on average: ask for a little more than needed, rarely twice.
        text += token_bytes(missing + missing // 8 + 8).translate(_BYTE_TO_CHARACTER, _UNUSABLE_BYTES)
    return text[:length].decode("ascii")


def _signature(key: bytes, random_part: str) -> str:
    """The last SIGNATURE_LENGTH base-26 digits of the first 8 bytes of HMAC-SHA256(key, random part)."""
    digest = hmac.digest(key, random_part.encode("ascii"), "sha256")
    value = int.from_bytes(digest[:8], "big") % _SIGNATURE_RANGE
    rest, last = divmod(value, 676)
    rest, middle = divmod(rest, 676)
    first, second = divmod(rest, 676)  # SIGNATURE_LENGTH is 7: one digit and three pairs
    return ALPHABET[first] + _PAIRS[second] + _PAIRS[middle] + _PAIRS[last]


def new_badge_codes(
    key: bytes, count: int, token_bytes: Callable[[int], bytes] = secrets.token_bytes
) -> list[str]:
    """count new badge codes signed with key (an import makes thousands at once)."""
    text = _random_text(RANDOM_LENGTH * count, token_bytes)
    parts = [text[start : start + RANDOM_LENGTH] for start in range(0, len(text), RANDOM_LENGTH)]
    return [part + _signature(key, part) for part in parts]


def new_badge_code(key: bytes, token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    return new_badge_codes(key, 1, token_bytes)[0]


def verifies(code: str, key: bytes) -> bool:
    if not _CODE_SHAPE.fullmatch(code):
        return False
    random_part, signature = code[:RANDOM_LENGTH], code[RANDOM_LENGTH:]
    return hmac.compare_digest(_signature(key, random_part), signature)


def looks_like_platform_code(text: str) -> bool:
    return any(shape.fullmatch(text) for shape in _PLATFORM_SHAPES)


def lookup_key(code: str) -> str:
    """A code as it is stored and looked up, a badge code or a booking platform's: capitals, without the
    spaces a person (or a scanner) may put between groups, so case and spacing do not matter."""
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


# Characters a US-layout scanner's keys produce only on another layout: what a layout mismatch leaves behind.
# The letters only one layout types first: a French digit row also holds a '"'.
_LAYOUT_TRACES: dict[str, frozenset[str]] = {
    "de": frozenset("ßöÖäÄüÜ"),
    "fr": frozenset("éèçàÉÈÇÀ&"),  # the digit row unshifted
    "uk": frozenset('£"'),  # "@" arrives as '"', "#" as "£"
}


def suspected_layout(text: str) -> str:
    """The keyboard layout whose traces scanned text carries (see LAYOUT_REPAIRS), "" when none: the
    scanner's test asks the person to set the scanner's layout to the computer's. Y and Z swapped leave no
    trace on their own, so a person still compares what was read with what the badge says."""
    for layout, traces in _LAYOUT_TRACES.items():
        if traces.intersection(text):
            return layout
    return ""


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
        if layout == "fr" and any(ch.isascii() and ch.isdigit() for ch in typed):
            continue  # unshifted digit keys never type digits on AZERTY: this text was not typed there
        repaired = "".join(table.get(ch, ch) for ch in typed)
        if repaired not in seen:
            seen.add(repaired)
            yield layout, repaired


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
        code = lookup_key(reading)
        if any(verifies(code, key) for key in keys):
            return ReadCode(CodeKind.BADGE, code, layout)
    typed = readings[0][1]
    if looks_like_platform_code(lookup_key(typed)):
        return ReadCode(CodeKind.WELL_FORMED, lookup_key(typed))
    return ReadCode(CodeKind.INVALID, typed)
