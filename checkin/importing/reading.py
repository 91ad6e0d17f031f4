"""Reading a delegate list (CSV or XLSX, as a booking platform or a person wrote it) into delegate rows.

This module only reads and recognises: it finds the encoding, the delimiter and the heading row, tells
which platform wrote the file, maps its columns to delegate fields and turns each row into a
`DelegateRow`. It never touches the database (`checkin.importing.applying` applies a list to a session).

Files are read by column position, never into a dict per row: pretix's order export repeats column names
(`Company`, `Address`), and a dict would silently keep only one of them.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from checkin.domain.person import DELEGATE_FIELDS
from checkin.domain.text import clean, fold, normalise_email
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UserError

MAX_BYTES = 50 * 1024 * 1024
HEADER_SEARCH_ROWS = 10  # hand-made sheets may have a title line or two above the headings
DELIMITERS = (",", ";", "\t")
FORMATS = ("eventbrite", "tito", "pretix", "meetup", "microsoft-forms", "google-forms", "spreadsheet")

# A quoted field that never closes swallows the rest of the file; no real field is this long.
csv.field_size_limit(1024 * 1024)


class ImportFileError(UserError):
    """A delegate list that cannot be read; the message is one line, for the user, naming the file."""


@dataclass(slots=True)
class DelegateRow:
    """One person as a row of the file says it, cleaned (NFC, trimmed) but not yet matched to anyone."""

    line: int
    first_name: str = ""
    last_name: str = ""
    badge_name: str = ""
    email: str = ""
    organisation: str = ""
    job_title: str = ""
    phone: str = ""
    sector: str = ""
    access_needs: str = ""
    dietary_needs: str = ""
    status: RegistrationStatus = RegistrationStatus.BOOKED
    status_reason: str = ""
    #: (kind, code): "eventbrite", "tito", "pretix" or "external", as the platform wrote the code; a
    #: kind ending "-id" is the platform's number for the person (see `is_person_id`).
    codes: list[tuple[str, str]] = field(default_factory=list)
    #: Questions that did not map to a delegate field: {heading: answer}.
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DelegateList:
    """A delegate list as read from a file: its platform, how its columns map, and its people."""

    path: Path
    format: str
    headers: list[str]
    #: Heading (made unique where the file repeats one) -> field name, "external_code", "status",
    #: "answer" (kept with the booking) or "ignored" (platform bookkeeping: prices, addresses, ids).
    column_mapping: dict[str, str]
    rows: list[DelegateRow]
    #: Data rows read, blank lines not counted (rows skipped for having no name are counted).
    data_rows: int
    warnings: list[str]
    #: Rows that could not be used at all (no name and no email), said without personal data.
    errors: list[str]
    #: What a row's number counts, for messages: "line" in a text file (the heading is line 1 when it
    #: is the first), "row" in a workbook.
    where: str = "line"


# --------------------------------------------------------------------------------------------------
# Headings: how a column is recognised


def heading_key(heading: str) -> str:
    """A heading as compared: accent-free lower case words; `#` reads as "number", punctuation goes."""
    text = fold(heading.replace("#", " number "))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _synonyms(field_name: str, *names: str) -> dict[str, str]:
    return {heading_key(name): field_name for name in names}


EXACT_HEADINGS: dict[str, str] = {
    **_synonyms(
        "first_name",
        "first name",
        "firstname",
        "forename",
        "forenames",
        "given name",
        "given names",
        "christian name",
        "vorname",
        "prénom",
    ),
    **_synonyms("last_name", "last name", "lastname", "surname", "family name", "nachname", "nom de famille"),
    **_synonyms(
        "full_name",
        "name",
        "full name",
        "fullname",
        "attendee name",
        "delegate name",
        "participant name",
        "attendee",
        "delegate",
        "participant",
        "your name",
        "teilnehmername",
        "name des teilnehmers",
        "nom",
        "nom complet",
    ),
    **_synonyms("badge_name", "badge name", "name on badge", "name for badge", "name for your badge"),
    **_synonyms(
        "email",
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "mail",
        "emailadresse",
        "e-mail-adresse",
        "courriel",
        "your email",
        "your email address",
    ),
    **_synonyms(
        "organisation",
        "organisation",
        "organization",
        "company",
        "company name",
        "employer",
        "agency",
        "organisation name",
        "organization name",
        "firma",
        "unternehmen",
        "organisation / company",
        "entreprise",
        "your organisation",
    ),
    **_synonyms("job_title", "job title", "jobtitle", "role", "position", "job", "job role", "your role"),
    **_synonyms(
        "phone",
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "mobile number",
        "cell phone",
        "telephone",
        "telephone number",
        "tel",
        "telefon",
        "telefonnummer",
        "contact number",
    ),
    **_synonyms("sector", "sector", "organisation type", "type of organisation"),
    **_synonyms(
        "access_needs",
        "access needs",
        "access requirements",
        "accessibility requirements",
        "accessibility needs",
        "accessibility",
        "reasonable adjustments",
        "additional needs",
    ),
    **_synonyms(
        "dietary_needs",
        "dietary requirements",
        "dietary needs",
        "dietary",
        "diet",
        "dietary restrictions",
        "allergies",
        "food allergies",
    ),
    **_synonyms(
        "external_code",
        "barcode",
        "barcode #",
        "ticket reference",
        "reference",
        "secret",
        "ticket secret",
        "ticket code",
        "booking reference",
        "ticket number",
    ),
    **_synonyms(
        "status",
        "status",
        "attendee status",
        "void status",
        "order status",
        "ticket status",
        "booking status",
        "registration status",
        "approval status",  # Luma's approval_status, Zoom's registration report
        "payment status",
    ),
}

# A platform's number for each person (a member, guest, registrant or attendee): two rows with different
# numbers are two people even when they share a name. Used only where the list has no ticket code (an
# Eventbrite barcode already says which attendee a row is); then kept as the booking's code.
PERSON_ID_HEADINGS = {
    heading_key(name)
    for name in (
        "Attendee #",
        "Attendee ID",
        "Member ID",
        "User ID",
        "api_id",
        "Registrant ID",
        "Participant ID",
        "Guest ID",
        "Delegate ID",
    )
}
_PERSON_ID = "person_id"  # the field of such a column until the list's other columns are known
PERSON_ID_SUFFIX = "-id"  # of the kind of code such a number is kept as: "meetup-id", "external-id"


def is_person_id(kind: str) -> bool:
    """Whether a code's kind is a platform's number for a person ("meetup-id"), not a ticket's code: a
    different number of the same kind is a different person, whatever the names say."""
    return kind.endswith(PERSON_ID_SUFFIX)


# Platform bookkeeping and addresses: not about the person at the desk, so not kept (less personal data).
IGNORED_HEADINGS = {
    heading_key(name)
    for name in (
        "Order #",
        "Order Date",
        "Order Time",
        "Quantity",
        "Price Tier",
        "Group",
        "Order Type",
        "Currency",
        "Total Paid",
        "Fees Paid",
        "Eventbrite Fees",
        "Eventbrite Payment Processing",
        "Event Name",
        "Event ID",
        "Event",
        "Check-In Date",
        "Checked in",
        "Device Name",
        "Number",
        "Ticket Created Date",
        "Price",
        "Unique Ticket URL",
        "Unique Order URL",
        "Order Reference",
        "Order Name",
        "Order Email",
        "Order code",
        "Position ID",
        "Paid",
        "Voucher code",
        "Voucher",
        "Order total",
        "ID",
        "Start time",
        "Completion time",
        "Last modified time",
        "Timestamp",
        "Score",
        "Tax rate",
        "Tax rule",
        "Tax value",
        "Pseudonymization ID",
        "Seat ID",
        "Seat name",
        "Date",
        "Address",
        "ZIP code",
        "Postcode",
        "Post code",
        "City",
        "Country",
        "State",
        "County",
        "VAT ID",
        "Gender",
        "Age",
        "Birth Date",
        "Date of birth",
        "Website",
        "Blog",
        "Payment date",
        "Date of last payment",
        "Fees",
        "Order locale",
        "Custom address field",
        "Created",
        # Meetup: the member's activity in the group, not needed at the desk
        "Joined Group on",
        "Last visited group on",
        "Last Attended",
        "Total RSVPs",
        "RSVPed Yes",
        "RSVPed Maybe",
        "RSVPed No",
        "RSVPed on",
        "Meetups attended",
        "No shows",
        "Assistant Organizer",
        "Mailing List",
        "URL of Member Profile",
    )
}
_IGNORED_PREFIXES = ("home ", "billing ", "shipping ", "buyer ", "invoice ", "work address", "payment ")
# Prefixes the platforms put on a person's own fields ("Ticket Email", "Attendee name: Given name").
_ATTENDEE_PREFIXES = ("attendee name ", "attendee ", "ticket ", "delegate ", "participant ")
_WORK_PREFIX = "work "

# Rank of a candidate column for a field: a column about the attendee beats the order's, an exact
# heading beats a question that merely mentions the field.
_RANK_ATTENDEE, _RANK_EXACT, _RANK_WORK, _RANK_QUESTION = 0, 1, 2, 5

_YES_NO_OPENINGS = (
    "do you",
    "would you",
    "can we",
    "may we",
    "are you",
    "will you",
    "is it",
    "i consent",
    "i agree",
    "have you",
    "did you",
    "please confirm",
    "please tick",
)
_ORGANISATION_WORDS = {"organisation", "organization", "company", "employer", "agency", "organisations"}
_NOT_THE_PERSON = {"buyer", "purchaser", "booker", "order", "manager", "emergency", "event", "venue", "line"}


def _question_field(key: str) -> str | None:
    """The field a form question asks for ("What is your email address?"), or None."""
    words = set(key.split())
    if not words or words & _NOT_THE_PERSON or len(words) > 14:
        return None
    yes_no = key.startswith(_YES_NO_OPENINGS)
    if words & {"access", "accessibility", "disability", "adjustments", "mobility"}:
        return "access_needs"
    if words & {"dietary", "diet", "allergies", "allergy", "food"}:
        return "dietary_needs"
    if yes_no:
        return None  # "Do you consent to your name being shared?" is not the name
    if "email" in words and (key.startswith("email") or words & {"your", "address", "what"}):
        return "email"
    if "badge" in words and "name" in words:
        return "badge_name"
    if "first name" in key or "given name" in key or "forename" in words:
        return "first_name"
    if "last name" in key or "family name" in key or "surname" in words:
        return "last_name"
    if words & _ORGANISATION_WORDS or "work for" in key:
        return "organisation"
    if "name" in words or "full name" in key:
        return "full_name"
    if "job" in words or "role" in words or "position" in words:
        return "job_title"
    if words & {"phone", "mobile", "telephone"}:
        return "phone"
    if "sector" in words:
        return "sector"
    return None


def classify_heading(key: str) -> tuple[str, int]:
    """(field, rank) for a heading key; field is "answer" or "ignored" when it is not a delegate field,
    "person_id" for a platform's number for the person (see `PERSON_ID_HEADINGS`)."""
    if not key:
        return "ignored", 0
    if key in EXACT_HEADINGS:
        return EXACT_HEADINGS[key], _RANK_EXACT
    if key in PERSON_ID_HEADINGS:
        return _PERSON_ID, _RANK_EXACT
    if key in IGNORED_HEADINGS or key.startswith(_IGNORED_PREFIXES):
        return "ignored", 0
    for prefix, rank in [(p, _RANK_ATTENDEE) for p in _ATTENDEE_PREFIXES] + [(_WORK_PREFIX, _RANK_WORK)]:
        if key.startswith(prefix):
            rest = EXACT_HEADINGS.get(key[len(prefix) :])
            if rest is not None and rest not in ("external_code", "status"):
                return rest, rank
    if key.startswith("attendee name "):
        return "answer", 0  # another part of the name (a title such as "Dr"), not the whole name
    question = _question_field(key)
    if question is not None:
        return question, _RANK_QUESTION
    return "answer", 0


_NAME_OR_EMAIL = {"first_name", "last_name", "full_name", "email"}


def _is_heading_row(cells: Sequence[str]) -> bool:
    keys = [heading_key(cell) for cell in cells if cell.strip()]
    if any(EXACT_HEADINGS.get(key) in _NAME_OR_EMAIL for key in keys):
        return True
    # A lone cell is a title line ("Delegates, Preston, 12 March"), not a heading row, unless exact.
    return len(keys) >= 2 and any(classify_heading(key)[0] in _NAME_OR_EMAIL for key in keys)


# --------------------------------------------------------------------------------------------------
# Platforms


_PLATFORM_MARKERS: dict[str, set[str]] = {
    "eventbrite": {
        heading_key(name)
        for name in (
            "Order #",
            "Attendee #",
            "Attendee Status",
            "Barcode #",
            "Eventbrite Fees",
            "Eventbrite Payment Processing",
            "Price Tier",
            "Buyer First Name",
            "Buyer Email",
            "Order Type",
        )
    },
    "tito": {
        heading_key(name)
        for name in (
            "Ticket Reference",
            "Ticket First Name",
            "Ticket Last Name",
            "Ticket Full Name",
            "Ticket Email",
            "Void Status",
            "Unique Ticket URL",
            "Order Reference",
            "Ticket Company Name",
            "Ticket Created Date",
        )
    },
    "pretix": {
        heading_key(name)
        for name in (
            "Order code",
            "Attendee name",
            "Secret",
            "Ticket secret",
            "Product",
            "Position ID",
            "Checked in",
            "Voucher code",
            "Attendee email",
            "Pseudonymization ID",
            "Bestellnummer",
            "Produkt",
            "Teilnehmername",
            "Eingecheckt",
        )
    },
    # A Meetup group's member list (a tab-separated .xls) or an event's RSVPs. Not its ID columns: other
    # lists have a "Member ID" too.
    "meetup": {
        heading_key(name)
        for name in (
            "Joined Group on",
            "Last visited group on",
            "Total RSVPs",
            "RSVPed Yes",
            "Meetups attended",
            "URL of Member Profile",
            "Event Host",
            "RSVPed on",
        )
    },
}


def recognise_platform(keys: Sequence[str]) -> str:
    present = set(keys)
    if {"id", "start time", "completion time"} <= present:
        return "microsoft-forms"
    if keys and keys[0] == "timestamp" or {"timestamp", "email address"} <= present:
        return "google-forms"
    scores = {name: len(markers & present) for name, markers in _PLATFORM_MARKERS.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] >= 2 else "spreadsheet"


# Columns that say whether a booking is confirmed only in one platform's export (elsewhere the same
# heading is bookkeeping): pretix's "Paid" (Yes/No, present when its check-in list includes pending
# orders) and Eventbrite's "Order Type" ("Pending" and "Unpaid" for payments not yet settled).
_PLATFORM_STATUS_HEADINGS = {"pretix": {"paid", "bezahlt"}, "eventbrite": {"order type"}}


def code_kind(platform: str, key: str) -> str:
    if key in PERSON_ID_HEADINGS:
        return f"{'external' if platform == 'spreadsheet' else platform}{PERSON_ID_SUFFIX}"
    if platform == "eventbrite" and key.startswith("barcode"):
        return "eventbrite"
    if platform == "tito" and key == "ticket reference":
        return "tito"
    if platform == "pretix" and key in ("secret", "ticket secret"):
        return "pretix"
    return "external"


# --------------------------------------------------------------------------------------------------
# Values


_CANCELLED_WORDS = {
    "refunded": "refunded",
    "refund": "refunded",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancellation": "cancelled",
    "transferred": "transferred",
    "void": "void",
    "voided": "void",
    "deleted": "deleted",
    "expired": "expired",
    "declined": "declined",
    "denied": "denied",
    "rejected": "rejected",
    "storniert": "cancelled",
    "annule": "cancelled",
}
_WAITLIST_KEYS = {"waitlist", "waitlisted", "waiting list", "wait list", "on waitlist", "waiting"}
# Whole values (as heading keys) meaning the booking is not confirmed yet, with the reason the desk shows:
# pretix's order status, Luma's approval_status, Zoom's approval status, Eventbrite's pending orders.
_PENDING_KEYS = {
    "pending": "",
    "ausstehend": "",
    "pending approval": "awaiting approval",
    "approval pending": "awaiting approval",
    "awaiting approval": "awaiting approval",
    "unpaid": "unpaid",
    "not paid": "unpaid",
    "pending payment": "unpaid",
    "payment pending": "unpaid",
    "awaiting payment": "unpaid",
    "invited": "invited, not registered",
}
# What a bare "pending" is waiting for, by the column it is in.
_PENDING_BY_COLUMN = {
    "approval status": "awaiting approval",
    "order type": "unpaid",
    "payment status": "unpaid",
}
_PAID_NO = {"no", "nein", "false", "0", "n"}
_NOT_VOID = {"", "no", "false", "0", "not void", "valid", "active", "none", "n"}


@lru_cache(maxsize=1024)
def parse_status(value: str, column_key: str) -> tuple[RegistrationStatus, str]:
    """A status column's value as (status, reason): Eventbrite, Tito's `Void Status`, pretix, or words."""
    key = heading_key(value)
    if column_key == "void status":
        if key in _NOT_VOID:
            return RegistrationStatus.BOOKED, ""
        return RegistrationStatus.CANCELLED, "void"
    if column_key in _PLATFORM_STATUS_HEADINGS["pretix"]:
        return (RegistrationStatus.PENDING, "unpaid") if key in _PAID_NO else (RegistrationStatus.BOOKED, "")
    if key == "not attending":
        return RegistrationStatus.CANCELLED, "not attending"
    for word in key.split():
        if word in _CANCELLED_WORDS:
            return RegistrationStatus.CANCELLED, _CANCELLED_WORDS[word]
    if key in _PENDING_KEYS:
        return RegistrationStatus.PENDING, _PENDING_KEYS[key] or _PENDING_BY_COLUMN.get(column_key, "")
    if key in _WAITLIST_KEYS or "waitlist" in key or "waiting list" in key:
        return RegistrationStatus.WAITLISTED, ""
    return RegistrationStatus.BOOKED, ""


_NO_NEEDS = {"", "no", "none", "n a", "na", "nil", "nothing", "no thanks", "not applicable", "n", "no none"}


@lru_cache(maxsize=4096)
def meaningful_need(value: str) -> bool:
    """Whether an answer about access or dietary needs says something: not "no", "none", "n/a" and the like."""
    return heading_key(value) not in _NO_NEEDS


_NAME_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "das",
    "dos",
    "du",
    "la",
    "le",
    "ter",
    "ten",
    "bin",
    "binti",
    "ibn",
    "bint",
    "al",
    "el",
    "st",
    "st.",
    "ó",
    "o",
    "ní",
    "nic",
    "mac",
    "mc",
    "ua",
    "ap",
    "ferch",
    "abu",
    "zu",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "obe", "mbe", "cbe", "qc", "kc", "mp"}


def split_full_name(name: str) -> tuple[str, str]:
    """(first, last) from a whole name: "Surname, First" with a comma, else the last word with any
    particles before it ("Ludwig van Beethoven" -> "Ludwig", "van Beethoven")."""
    name = clean(name)
    if not name:
        return "", ""
    suffix = ""
    if name.count(",") == 1:
        before, after = (part.strip() for part in name.split(","))
        if before and after and after.casefold() not in _SUFFIXES:
            return after, before
        if before and after:
            name, suffix = before, f", {after}"  # "Sammy Davis, Jr."
    words = name.split(" ")
    if len(words) == 1:
        return (name, suffix.lstrip(", ")) if suffix else (name, "")
    start = len(words) - 1
    while start > 1 and (words[start - 1].casefold() in _NAME_PARTICLES or words[start - 1].endswith("'")):
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:]) + suffix


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?E[+-]?\d+", re.IGNORECASE)


def excel_damaged(kind: str, code: str) -> bool:
    """A code Excel has rounded (8.14847E+18, or digits past the 15th turned to zeros) or stripped of
    leading zeros (an Eventbrite barcode shorter than 19 digits): it would never match a scan."""
    if ("E" in code or "e" in code) and _SCIENTIFIC.fullmatch(code):
        return True
    if code.isdigit() and len(code) >= 18 and set(code[15:]) == {"0"}:
        return True
    return kind == "eventbrite" and code.isdigit() and len(code) < 19


def _fast_clean(value: str) -> str:
    # Most cells are plain ASCII; clean() would give the same answer, only slower.
    if value.isascii() and value.isprintable():
        return value if "  " not in value and value.strip() == value else " ".join(value.split())
    return clean(value)


def _fast_email(value: str) -> str:
    if value.isascii() and value.isprintable():
        email = " ".join(value.split()).lower()  # as normalise_email, for ASCII
        return email if "@" in email else ""
    return normalise_email(value)


# --------------------------------------------------------------------------------------------------
# Files: bytes -> rows of text cells


@dataclass(frozen=True)
class _Table:
    """Non-blank rows of a file, each with the line (CSV) or row (XLSX) number it started on."""

    rows: list[tuple[int, list[str]]]
    where: str  # "line" for text files, "row" for workbooks


def _fail(path: Path, problem: str) -> ImportFileError:
    return ImportFileError(f"{path.name}: {problem}")


def _read_table(path: Path) -> _Table:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _fail(path, "the file does not exist.") from None
    except OSError as error:
        raise _fail(path, f"the file cannot be read ({error.strerror or error}).") from None
    if path.is_dir():
        raise _fail(path, "this is a folder, not a delegate list.")
    if size > MAX_BYTES:
        raise _fail(
            path,
            f"the file is {size / 1024 / 1024:.0f} MB; a delegate list can be at most 50 MB. "
            "Export only the event's attendees, or save it as .xlsx.",
        )
    if size == 0:
        raise _fail(path, "the file is empty.")
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            if head.startswith(b"PK\x03\x04"):
                return _read_workbook(path)
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                raise _fail(
                    path,
                    "this is an old-style Excel .xls workbook or a password-protected one; "
                    "open it in Excel and save it as .xlsx or CSV without a password.",
                )
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                raise _fail(path, "the workbook is damaged (it is not a real .xlsx file); export it again.")
            data = head + stream.read()
    except OSError as error:
        raise _fail(path, f"the file cannot be read ({error.strerror or error}).") from None
    return _read_text_table(path, _decode(path, data))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if abs(value) >= 1e15:
            # Excel keeps 15 significant digits: a bigger number (a barcode) has already lost digits.
            return format(value, ".6G")
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_workbook(path: Path) -> _Table:
    from openpyxl import load_workbook  # only when a workbook is read: it is slow to import

    damaged = "the workbook is damaged or is not really an .xlsx file; export it again."
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, AttributeError, IndexError):
        raise _fail(path, damaged) from None
    except Exception as error:  # openpyxl raises its own kinds for encrypted or foreign zips
        if type(error).__module__.startswith(("openpyxl", "xml", "zipfile", "defusedxml")):
            raise _fail(path, damaged) from None
        raise
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue
            # Some writers record a wrong sheet size; without this, read-only mode trusts it.
            sheet.reset_dimensions()
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(value) for value in values]
                if any(cell.strip() for cell in cells):
                    rows.append((number, cells))
            if rows:
                return _Table(rows, "row")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise _fail(path, damaged) from error
    except Exception as error:
        if type(error).__module__.startswith(("openpyxl", "xml", "zipfile", "defusedxml")):
            raise _fail(path, damaged) from None
        raise
    finally:
        workbook.close()
    raise _fail(path, "the workbook has no filled-in cells.")


def _decode(path: Path, data: bytes) -> str:
    not_a_list = (
        "this is not a CSV text file or an Excel .xlsx workbook, so it cannot be read as a delegate list."
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(path, not_a_list) from None
    if b"\x00" in data[: 1024 * 1024]:
        raise _fail(path, not_a_list)
    text: str | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        from charset_normalizer import from_bytes

        guess = from_bytes(data[: 4 * 1024 * 1024]).best()
        if guess is None or guess.encoding is None:
            raise _fail(path, not_a_list)
        try:
            text = data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            raise _fail(path, not_a_list) from None
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\x0c")
    if controls > max(3, len(sample) // 100):
        raise _fail(path, not_a_list)
    return text


class _BadRecord(Exception):
    def __init__(self, line: int, error: csv.Error) -> None:
        super().__init__(str(error))
        self.line = line


def _rows_of(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each record; a quoted field may span lines."""
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _BadRecord(last + 1, error) from None
        yield last + 1, reader.line_num, cells
        last = reader.line_num


def _choose_delimiter(lines: list[str]) -> str:
    sample = lines[:60]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            rows = [cells for _, _, cells in _rows_of(sample, delimiter) if any(c.strip() for c in cells)]
        except _BadRecord:
            continue
        for cells in rows[:HEADER_SEARCH_ROWS]:
            if _is_heading_row(cells):
                score = (1, sum(1 for cell in cells if cell.strip()))
                break
        else:
            first = rows[0] if rows else []
            score = (0, len(first))
        if score > best_score:
            best, best_score = delimiter, score
    return best


_SEP_HINT = re.compile(r'"?sep=(.)"?\s*')


def _unclosed_quote(path: Path, line: int) -> ImportFileError:
    return _fail(
        path,
        f"line {line} has an opening quote that is never closed. "
        "Fix that line in a text editor, or export the list again.",
    )


def _read_text_table(path: Path, text: str) -> _Table:
    lines = io.StringIO(text, newline="").readlines()
    skip = 0
    hint = _SEP_HINT.fullmatch(lines[0]) if lines else None
    if hint and hint.group(1) in DELIMITERS + ("|",):
        delimiter, skip = hint.group(1), 1  # Excel's "sep=;" first line names the delimiter
    else:
        delimiter = _choose_delimiter(lines)
    rows: list[tuple[int, list[str]]] = []
    width = 0
    try:
        for first, last, cells in _rows_of(lines[skip:], delimiter):
            first, last = first + skip, last + skip
            if not "".join(cells).strip():
                continue
            if last > first and width and _swallowed_rows(cells, delimiter, width):
                raise _unclosed_quote(path, first)
            width = width or len(cells)
            rows.append((first, cells))
    except _BadRecord as bad:
        if "field larger than field limit" in str(bad):
            raise _unclosed_quote(path, bad.line + skip) from None
        raise _fail(path, f"line {bad.line + skip} cannot be read as CSV ({bad}).") from None
    if rows and _ends_inside_quote(lines[rows[-1][0] - 1 :], delimiter):
        raise _unclosed_quote(path, rows[-1][0])
    if not rows:
        raise _fail(path, "the file has no text in it, only blank lines.")
    return _Table(rows, "line")


def _ends_inside_quote(tail: list[str], delimiter: str) -> bool:
    """Whether the last record runs to the end of the file inside quotes (a quote never closed)."""
    try:
        for _ in csv.reader(tail, delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _swallowed_rows(cells: list[str], delimiter: str, width: int) -> bool:
    """A quoted field that closed only at a later stray quote holds whole rows of the file."""
    if width < 3:
        return False
    whole_rows = sum(
        1
        for cell in cells
        if "\n" in cell or "\r" in cell
        for line in cell.splitlines()[1:]
        if line.count(delimiter) >= width - 1
    )
    # With few columns a long answer could have as many commas as a row has: ask for more evidence.
    return whole_rows >= (1 if width >= 4 else 2)


# --------------------------------------------------------------------------------------------------
# Rows -> delegate rows


@dataclass(frozen=True)
class _Column:
    index: int
    heading: str  # as shown to the user, made unique
    key: str
    field: str
    rank: int


#: What a column can be made to mean by the person importing (`mapping_overrides` values).
MAPPING_FIELDS = (*DELEGATE_FIELDS, "full_name", "external_code", "status", "answer", "ignored")


def _columns(cells: list[str], overrides: dict[str, str] | None = None) -> tuple[str, list[_Column]]:
    """The platform that wrote the headings, and what each column holds."""
    columns = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(cells):
        heading = clean(raw)
        if not heading:
            continue
        seen[heading] = seen.get(heading, 0) + 1
        shown = heading if seen[heading] == 1 else f"{heading} ({seen[heading]})"
        key = heading_key(heading)
        field_name, rank = classify_heading(key)
        columns.append(_Column(index, shown, key, field_name, rank))
    platform = recognise_platform([column.key for column in columns])
    status_keys = _PLATFORM_STATUS_HEADINGS.get(platform, set())
    columns = [
        _Column(c.index, c.heading, c.key, "status", _RANK_EXACT) if c.key in status_keys else c
        for c in columns
    ]
    fields = {column.field for column in columns}
    if "first_name" in fields and "last_name" not in fields:
        # Beside a first-name column, a bare "Name" ("Nom", "Name" in German) is the surname.
        columns = [
            _Column(c.index, c.heading, c.key, "last_name", c.rank) if c.key in ("name", "nom") else c
            for c in columns
        ]
    if overrides:
        # The person's choice beats any guess: it ranks first among the columns for its field.
        columns = [
            _Column(c.index, c.heading, c.key, overrides[c.heading], _RANK_ATTENDEE)
            if c.heading in overrides
            else c
            for c in columns
        ]
    # A platform's number for each person is kept as a code, unless a ticket code already says who is who.
    person_id = "ignored" if any(c.field == "external_code" for c in columns) else "external_code"
    columns = [
        _Column(c.index, c.heading, c.key, person_id, c.rank) if c.field == _PERSON_ID else c for c in columns
    ]
    return platform, columns


def read_delegate_list(path: Path, mapping_overrides: dict[str, str] | None = None) -> DelegateList:
    """Read and recognise a delegate list; raises ImportFileError for a file that cannot be used.

    `mapping_overrides` ({heading as in `column_mapping`: field}) sets what a column means where the
    recognition was wrong or found nothing; a heading the file does not have is left out."""
    path = Path(path)
    unknown = sorted({f for f in (mapping_overrides or {}).values() if f not in MAPPING_FIELDS})
    if unknown:
        raise ValueError(f"not fields a column can map to: {', '.join(unknown)}")
    table = _read_table(path)
    heading_at = next(
        (i for i, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]) if _is_heading_row(cells)), None
    )
    if heading_at is None:
        raise _fail(
            path,
            "no column of names was found. The first row should have headings such as "
            "First name and Last name, Name, or Email.",
        )
    heading_cells = table.rows[heading_at][1]
    data = table.rows[heading_at + 1 :]
    if not data:
        raise _fail(path, "the file has column headings but no delegates below them.")
    platform, columns = _columns(heading_cells, mapping_overrides)
    return _DelegateReader(path, platform, columns, table.where).read(data, heading_cells)


class _DelegateReader:
    """Turns rows of cells into DelegateRows, knowing which column holds which field."""

    def __init__(self, path: Path, platform: str, columns: list[_Column], where: str) -> None:
        self.path = path
        self.platform = platform
        self.columns = columns
        self.where = where
        by_field: dict[str, list[_Column]] = {}
        for column in columns:
            by_field.setdefault(column.field, []).append(column)
        for candidates in by_field.values():
            candidates.sort(key=lambda column: (column.rank, column.index))
        self.by_field = by_field
        # (field, its columns in order of preference, whether it is a need: "none" and "n/a" say nothing)
        self.text_fields = [
            (name, [c.index for c in by_field[name]], name in ("access_needs", "dietary_needs"))
            for name in ("full_name", *DELEGATE_FIELDS)
            if name in by_field and name != "email"  # emails are read apart: see _fast_email
        ]
        self.email_columns = [c.index for c in by_field.get("email", [])]
        self.code_columns = [(c.index, code_kind(platform, c.key)) for c in by_field.get("external_code", [])]
        self.status_columns = [(c.index, c.key) for c in by_field.get("status", [])]
        self.answer_columns = [(c.index, c.heading) for c in by_field.get("answer", [])]
        self.width = max((c.index for c in columns), default=-1) + 1
        self.cleaned: dict[str, str] = {}

    def mapping(self) -> dict[str, str]:
        return {column.heading: column.field for column in self.columns}

    def read(self, data: list[tuple[int, list[str]]], heading_cells: list[str]) -> DelegateList:
        rows: list[DelegateRow] = []
        damaged = nameless = replaced = 0
        unusable: list[int] = []
        for line, cells in data:
            row = self._row(line, cells)
            if row is None:
                unusable.append(line)
                continue
            kept = []
            for kind, code in row.codes:
                if excel_damaged(kind, code):
                    damaged += 1
                else:
                    kept.append((kind, code))
            row.codes = kept
            if not (row.first_name or row.last_name):
                nameless += 1
            elif "?" in row.first_name or "?" in row.last_name:
                replaced += 1
            rows.append(row)
        warnings = []
        if damaged:
            warnings.append(
                f"{_count(damaged, 'row')} had barcodes or references that Excel has damaged "
                "(shown like 8.14847E+18, or with digits lost), so they were not kept for scanning; "
                "those delegates can still be found by name and use the badge printed here. "
                "To keep the platform's codes, import the original export: download it again from the "
                "platform, or open it in Excel with Data > From Text/CSV so Excel keeps every digit."
            )
        if nameless:
            warnings.append(
                f"{_count(nameless, 'row')} had an email but no name; add the names before printing badges."
            )
        if replaced:
            warnings.append(
                f'{_count(replaced, "name")} had a ? where a letter should be: Excel\'s plain "CSV" save '
                'replaces letters such as Ł with ?. Save the list as "CSV UTF-8" or as .xlsx, and import it again.'
            )
        errors = []
        if unusable:
            shown = ", ".join(str(line) for line in unusable[:10]) + (", ..." if len(unusable) > 10 else "")
            errors.append(
                f"{_count(len(unusable), 'row')} with neither a name nor an email were skipped "
                f"({self.where}{'s' if len(unusable) > 1 else ''} {shown})."
            )
        return DelegateList(
            path=self.path,
            format=self.platform,
            headers=[clean(cell) for cell in heading_cells],
            column_mapping=self.mapping(),
            rows=rows,
            data_rows=len(data),
            warnings=warnings,
            errors=errors,
            where=self.where,
        )

    def _clean(self, raw: str) -> str:
        # Organisations, job titles and answers repeat down a list: clean each distinct text once.
        value = self.cleaned.get(raw)
        if value is None:
            value = self.cleaned[raw] = _fast_clean(raw)
        return value

    def _row(self, line: int, cells: list[str]) -> DelegateRow | None:
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        values: dict[str, str] = {}
        for name, indexes, need in self.text_fields:
            for index in indexes:
                raw = cells[index]
                if raw:
                    value = self._clean(raw)
                    if value and (not need or meaningful_need(value)):
                        values[name] = value
                        break
        email = ""
        for index in self.email_columns:
            if cells[index]:
                email = _fast_email(cells[index])
                if email:
                    break
        first, last = values.pop("first_name", ""), values.pop("last_name", "")
        full = values.pop("full_name", "")
        if full and not (first or last):
            first, last = split_full_name(full)
        if not (first or last or email):
            return None
        row = DelegateRow(
            line=line,
            first_name=first,
            last_name=last,
            badge_name=values.get("badge_name", ""),
            email=email,
            organisation=values.get("organisation", ""),
            job_title=values.get("job_title", ""),
            phone=values.get("phone", ""),
            sector=values.get("sector", ""),
            access_needs=values.get("access_needs", ""),
            dietary_needs=values.get("dietary_needs", ""),
        )
        for index, kind in self.code_columns:
            raw = cells[index]
            if raw:
                code = "".join(raw.split())
                if code and (kind, code) not in row.codes:
                    row.codes.append((kind, code))
        for index, key in self.status_columns:
            raw = cells[index]
            if raw:
                status, reason = parse_status(raw, key)
                if status != RegistrationStatus.BOOKED:
                    row.status, row.status_reason = status, reason
                    if status == RegistrationStatus.CANCELLED:
                        break
        answers = row.answers
        for index, heading in self.answer_columns:
            raw = cells[index]
            if raw:
                value = self._clean(raw)
                if value:
                    answers[heading] = value
        return row


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
