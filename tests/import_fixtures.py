"""Delegate-list files built the way each booking platform (or a person with Excel) writes them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    """Rows as a platform's CSV writer writes them; Excel's "CSV" save replaces what cp1252 lacks with ?."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, title: str = "Sheet1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


# --------------------------------------------------------------------------------------------------
# Eventbrite attendee report


@dataclass(frozen=True)
class EventbriteAttendee:
    order: str
    attendee: str
    first: str
    last: str
    email: str
    status: str
    company: str
    job: str
    barcode: str
    access: str = ""
    dietary: str = ""
    sector: str = "Local authority"
    heard: str = "Email from the PCC"
    buyer_first: str = ""
    buyer_last: str = ""
    buyer_email: str = ""
    #: "Free Order", "Eventbrite Completed", ...; "Pending" or "Unpaid" while a deferred payment is unsettled.
    order_type: str = "Free Order"


EVENTBRITE_HEADER = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier", "Ticket Type",
    "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid", "Eventbrite Fees",
    "Eventbrite Payment Processing", "Attendee Status", "Home Address 1", "Home Address 2", "Home City",
    "Home County", "Home Postcode", "Home Country", "Do you have any access requirements?",
    "Dietary requirements", "Which sector do you work in?", "How did you hear about this session?",
    "Buyer First Name", "Buyer Last Name", "Buyer Email",
    # Eventbrite writes some headings with a trailing space.
    "Job Title ", "Company ", "Barcode # ",
]  # fmt: skip

EVENTBRITE_ATTENDEES = [
    EventbriteAttendee(
        "7401236001", "9811020001", "Amelia", "Hughes", "amelia.hughes@lancashire.gov.uk", "Attending",
        "Lancashire County Council", "Safeguarding Lead", "74012360019811020001001"[:20],
        access="Wheelchair user, step-free access please", dietary="Vegetarian",
    ),
    # A group order: the buyer, an attendee with no email of their own, and one given the buyer's email.
    EventbriteAttendee(
        "7401236002", "9811020002", "Tom", "Price", "Tom.Price@Preston.gov.uk", "Attending",
        "Preston City Council", "Community Safety Officer", "0740123600298110200",
    ),
    EventbriteAttendee(
        "7401236002", "9811020003", "Priya", "Shah", "", "Attending", "Preston City Council",
        "Housing Officer", "7401236002981102000", dietary="No",
        buyer_first="Tom", buyer_last="Price", buyer_email="tom.price@preston.gov.uk",
    ),
    EventbriteAttendee(
        "7401236002", "9811020004", "Owen", "Jones", "tom.price@preston.gov.uk", "Attending",
        "Preston City Council", "Licensing Officer", "7401236002981102004",
        buyer_first="Tom", buyer_last="Price", buyer_email="tom.price@preston.gov.uk",
    ),
    EventbriteAttendee(
        "7401236003", "9811020005", "Grace", "Okafor", "grace.okafor@nhs.net", "Refunded",
        "Lancashire Teaching Hospitals NHS Foundation Trust", "Nurse", "74012360039811020005",
    ),
    EventbriteAttendee(
        "7401236004", "9811020006", "Zoë", "Ellis", "zoe.ellis@lancashire.police.uk", "Checked In",
        "Lancashire Constabulary", "Detective Constable", "74012360049811020006",
        sector="Police",
    ),
    EventbriteAttendee(
        "7401236005", "9811020007", "Siobhán", "Ó Súilleabháin", "siobhan.osuilleabhain@salvationarmy.org.uk",
        "Attending", "The Salvation Army", "Support Worker", "74012360059811020007", sector="Charity",
    ),
    EventbriteAttendee(
        "7401236006", "9811020008", "Łukasz", "Kowalski", "lukasz.kowalski@blackpool.gov.uk", "Attending",
        "Blackpool Council", "Environmental Health Officer", "74012360069811020008",
        access="Hearing loop", dietary="Halal",
    ),
]  # fmt: skip


def eventbrite_rows(attendees: Sequence[EventbriteAttendee] = EVENTBRITE_ATTENDEES) -> list[list[str]]:
    rows: list[list[str]] = [list(EVENTBRITE_HEADER)]
    for a in attendees:
        rows.append(
            [
                a.order, "2026-02-10 14:03:12+00:00", a.first, a.last, a.email, "1", "Free", "General admission",
                a.attendee, "", a.order_type, "GBP", "0.00", "0.00", "0.00", "0.00", a.status,
                "1 Private Lane", "", "Preston", "Lancashire", "PR1 1AA", "GB", a.access, a.dietary, a.sector,
                a.heard, a.buyer_first or a.first, a.buyer_last or a.last, a.buyer_email or a.email,
                a.job, a.company, a.barcode,
            ]
        )  # fmt: skip
    return rows


def write_eventbrite(path: Path, attendees: Sequence[EventbriteAttendee] = EVENTBRITE_ATTENDEES) -> Path:
    """Eventbrite's attendee report: UTF-8 without a BOM, commas, CRLF, quoting where needed."""
    return write_csv(path, eventbrite_rows(attendees))


def excel_number(digits: str) -> str:
    """How Excel shows and saves a long number it has read from CSV: 15 digits kept, then 8.14847E+18."""
    return format(float(digits), ".5E").replace("E+0", "E+")


def write_eventbrite_saved_by_excel(path: Path) -> Path:
    """The attendee report opened in Excel and saved as "CSV": Windows-1252, barcodes in E notation."""
    rows = eventbrite_rows()
    barcode = EVENTBRITE_HEADER.index("Barcode # ")
    order = EVENTBRITE_HEADER.index("Order #")
    for row in rows[1:]:
        row[barcode] = excel_number(row[barcode])
        row[order] = str(int(row[order]))
    return write_csv(path, rows, encoding="cp1252")


def updated_eventbrite_attendees() -> list[EventbriteAttendee]:
    """A week later: one refund, one refund reversed, a new job title, one new booking."""
    updated = []
    for a in EVENTBRITE_ATTENDEES:
        if a.first == "Łukasz":
            a = replace(a, status="Refunded")
        elif a.first == "Grace":
            a = replace(a, status="Attending")
        elif a.first == "Amelia":
            a = replace(a, job="Head of Safeguarding")
        updated.append(a)
    updated.append(
        EventbriteAttendee(
            "7401236007",
            "9811020009",
            "Ольга",
            "Иванова",
            "olga.ivanova@lancashire.gov.uk",
            "Attending",
            "Lancashire County Council",
            "Interpreter",
            "74012360079811020009",
        )
    )
    return updated


def write_many_eventbrite(path: Path, count: int) -> Path:
    """A big attendee report, for timing: count attendees in orders of one to four."""
    attendees = []
    for i in range(count):
        order = 7500000000 + i // 3
        attendees.append(
            EventbriteAttendee(
                str(order), str(9900000000 + i), f"First{i}", f"Last{i}",
                f"delegate{i}@example.org" if i % 3 == 0 else "", "Attending" if i % 17 else "Refunded",
                f"Organisation {i % 40}", "Officer", f"{order}{9900000000 + i}",
                access="" if i % 9 else "Hearing loop", dietary="Vegan" if i % 5 == 0 else "",
            )
        )  # fmt: skip
    return write_eventbrite(path, attendees)


# --------------------------------------------------------------------------------------------------
# Tito

TITO_HEADER = [
    "Number", "Ticket Created Date", "Ticket", "Ticket Full Name", "Ticket First Name", "Ticket Last Name",
    "Ticket Email", "Ticket Company Name", "Ticket Phone Number", "Event", "Void Status", "Price",
    "Ticket Reference", "Tags", "Unique Ticket URL", "Unique Order URL", "Order Reference", "Order Name",
    "Order Email", 'Will you stay for the "case study" session?',
]  # fmt: skip


def write_tito(path: Path) -> Path:
    people = [
        ("Amelia Hughes", "Amelia", "Hughes", "amelia.hughes@lancashire.gov.uk", "Lancashire County Council",
         "01772 000001", "", "QWER-1", "QWER", "Yes"),
        ("Dafydd ap Rhys", "Dafydd", "ap Rhys", "dafydd.aprhys@lancaster.gov.uk", "Lancaster City Council",
         "", "", "QWER-2", "QWER", "No"),
        ("Grace Okafor", "Grace", "Okafor", "grace.okafor@nhs.net", "NHS Lancashire", "", "void", "ZXCV-1",
         "ZXCV", "Yes"),
    ]  # fmt: skip
    rows: list[list[str]] = [list(TITO_HEADER)]
    for number, (full, first, last, email, company, phone, void, reference, order, stay) in enumerate(
        people, 1
    ):
        rows.append(
            [
                str(number), "2026-02-01 10:00:00 UTC", "Preston, 12 March", full, first, last, email, company,
                phone, "Modern Slavery Awareness", void, "0.00", reference, "", f"https://ti.to/t/{reference}",
                f"https://ti.to/o/{order}", order, "Booker Person", "booker@example.org", stay,
            ]
        )  # fmt: skip
    return write_csv(path, rows, newline="\n")


# --------------------------------------------------------------------------------------------------
# pretix

PRETIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def pretix_secret(seed: int) -> str:
    return "".join(PRETIX_ALPHABET[(seed * 7 + i * 13 + i * i) % len(PRETIX_ALPHABET)] for i in range(32))


CHECKIN_LIST_HEADER = [
    "Order code", "Attendee name", "Attendee name: Title", "Attendee name: Given name",
    "Attendee name: Family name", "Product", "Price", "Checked in", "Paid", "Secret", "E-mail",
    "Which organisation do you work for?", "Dietary requirements", "Company", "Voucher code", "Order date",
]  # fmt: skip


def pretix_checkin_rows() -> list[list[object]]:
    people = [
        ("Dr", "Amara", "Mensah", "amara.mensah@burnley.gov.uk", "Burnley Borough Council", "Vegan", ""),
        ("", "Ludwig", "van Beethoven", "ludwig@example.org", "", "", "Bonn Orchestra"),
        ("Ms", "Ngozi", "Adeyemi", "ngozi.adeyemi@lancashire.police.uk", "Lancashire Constabulary", "", ""),
    ]
    rows: list[list[object]] = [list(CHECKIN_LIST_HEADER)]
    for seed, (title, given, family, email, question_org, diet, company) in enumerate(people, 1):
        rows.append(
            [
                f"AB{seed}CD", f"{title} {given} {family}".strip(), title, given, family, "Delegate ticket",
                "0.00", "", "yes", pretix_secret(seed), email, question_org, diet, company, "",
                "2026-02-03",
            ]
        )  # fmt: skip
    return rows


def write_pretix_checkin_list(path: Path) -> Path:
    """pretix's check-in list as "CSV (with commas)": UTF-8, CRLF."""
    return write_csv(path, pretix_checkin_rows())


def write_pretix_checkin_xlsx(path: Path) -> Path:
    return write_xlsx(path, pretix_checkin_rows(), title="Check-in list")


ORDER_POSITIONS_HEADER = [
    "Order code", "Position ID", "Status", "Email", "Order date", "Product", "Price", "Attendee name",
    "Attendee name: Given name", "Attendee name: Family name", "Attendee email", "Company", "Address",
    "ZIP code", "City", "Country", "Secret", "Dietary requirements", "Invoice address name", "Company",
    "Address", "ZIP code", "City", "Country",
]  # fmt: skip


def write_pretix_order_export(path: Path, statuses: Sequence[str] = ("paid", "paid", "canceled")) -> Path:
    """pretix's order data export (positions) as "CSV (with semicolons)": `Company` and `Address`
    appear twice, once for the attendee and once for the invoice address. `statuses` are the three orders'
    as pretix shows them: "paid", "pending", "expired" or "canceled"."""
    rows: list[list[str]] = [list(ORDER_POSITIONS_HEADER)]
    people = [
        ("Hannah Clarke", "Hannah", "Clarke", "hannah.clarke@wyre.gov.uk", "", "Wyre Council"),
        ("Mohammed Iqbal", "Mohammed", "Iqbal", "m.iqbal@barnardos.org.uk", "Barnardo's", "Barnardo's HQ"),
        ("Emma Walsh", "Emma", "Walsh", "emma.walsh@fylde.gov.uk", "Fylde Council", "Fylde Council"),
    ]  # fmt: skip
    people = [(status, *person) for status, person in zip(statuses, people, strict=True)]
    for seed, (status, name, given, family, email, company, invoice_company) in enumerate(people, 10):
        rows.append(
            [
                f"ORD{seed}", "1", status, "orders@example.org", "2026-02-04", "Delegate ticket", "0.00", name,
                given, family, email, company, "1 Work Street", "PR1 2AB", "Preston", "GB", pretix_secret(seed),
                "Gluten free" if seed == 10 else "", "Accounts", invoice_company, "2 Invoice Road", "PR1 3CD",
                "Preston", "GB",
            ]
        )  # fmt: skip
    return write_csv(path, rows, delimiter=";")


# pretix's check-in list when the list admits pending orders: a "Paid" column after "Automatically
# checked in" (pretix's CSVCheckinList), otherwise the columns of its default export.
CHECKIN_LIST_WITH_PENDING_HEADER = [
    "Order code", "Attendee name", "Attendee name: Title", "Attendee name: First name",
    "Attendee name: Middle name", "Attendee name: Family name", "Product", "Price", "Checked in",
    "Checked out", "Automatically checked in", "Paid", "Secret", "E-mail", "Company", "Voucher code",
    "Order date", "Requires special attention", "Comment", "Seat ID", "Seat name", "Seat zone", "Seat row",
    "Seat number",
]  # fmt: skip


def write_pretix_checkin_list_with_pending(path: Path) -> Path:
    """pretix's check-in list "CSV (with commas)" of a list that includes pending orders: every field
    quoted, CRLF; Bilal's order is not paid yet."""
    people = [
        ("FOO12", "Mr", "Peter", "A", "Jones", "Yes", 21),
        ("BAR34", "Mrs", "Andrea", "J", "Zulu", "Yes", 22),
        ("BAZ56", "Mr", "Bilal", "", "Hussain", "No", 23),
    ]
    rows: list[list[object]] = [list(CHECKIN_LIST_WITH_PENDING_HEADER)]
    for order, title, first, middle, family, paid, seed in people:
        name = " ".join(part for part in (title, first, middle, family) if part)
        rows.append(
            [
                order, name, title, first, middle, family, "Ticket", "23.00", "", "", "No", paid,
                pretix_secret(seed), f"{first.lower()}@example.org", "", "", "2026-02-22", "No", "", "", "",
                "", "", "",
            ]
        )  # fmt: skip
    return write_csv(path, rows, quoting=csv.QUOTE_ALL)


# --------------------------------------------------------------------------------------------------
# Luma

# Luma's guest CSV ("Download guest CSV"): fixed columns, then the event's registration questions.
LUMA_HEADER = [
    "api_id", "name", "first_name", "last_name", "email", "phone_number", "created_at", "approval_status",
    "checked_in_at", "custom_source", "qr_code_url", "amount", "amount_tax", "amount_discount", "currency",
    "coupon_code", "eth_address", "solana_address", "survey_response_rating", "survey_response_feedback",
    "ticket_type_id", "ticket_name", "What organisation do you work for?",
]  # fmt: skip


def write_luma(path: Path) -> Path:
    """A Luma guest list of an event that requires approval: one guest of each approval_status."""
    guests = [
        ("gst-a1", "Nadia", "Rahman", "approved", "Wyre Council"),
        ("gst-b2", "Owen", "Birch", "pending_approval", "Fylde Council"),
        ("gst-c3", "Ruth", "Ames", "invited", "Chorley Council"),
        ("gst-d4", "Tariq", "Aziz", "declined", "Pendle Council"),
        ("gst-e5", "Ines", "Silva", "waitlist", "Burnley Council"),
    ]
    rows: list[list[str]] = [list(LUMA_HEADER)]
    for api_id, first, last, approval, organisation in guests:
        rows.append(
            [
                api_id, f"{first} {last}", first, last, f"{first.lower()}.{last.lower()}@example.org", "",
                "2026-02-10T09:00:00.000Z", approval, "", "", f"https://lu.ma/check-in/evt-x?pk=g-{api_id}",
                "", "", "", "", "", "", "", "", "", "evtticktyp-1", "Standard", organisation,
            ]
        )  # fmt: skip
    return write_csv(path, rows, newline="\n")


# --------------------------------------------------------------------------------------------------
# Zoom


def write_zoom_registration_report(path: Path) -> Path:
    """A Zoom webinar report of registrants with manual approval: title lines above the table, an
    "Approval Status" column of approved, pending or denied."""
    lines = [
        ["Registration Report"],
        ["Report Generated:", "03/01/2026 10:00:00 AM"],
        ["Topic", "Webinar ID", "Scheduled Time", "# Registered"],
        ["Spotting modern slavery", "812 3456 7890", "03/12/2026 09:30:00 AM", "3"],
        [],
        [
            "First Name", "Last Name", "Email", "Organization", "Job Title", "Registration Time",
            "Approval Status",
        ],
        ["Kate", "Morris", "kate.morris@pendle.gov.uk", "Pendle Council", "Licensing Officer",
         "02/20/2026 10:01:00 AM", "approved"],
        ["Liam", "Hart", "liam.hart@wyre.gov.uk", "Wyre Council", "Housing Officer",
         "02/21/2026 11:30:00 AM", "pending"],
        ["Mira", "Khan", "mira.khan@example.org", "", "", "02/22/2026 08:15:00 AM", "denied"],
    ]  # fmt: skip
    return write_csv(path, lines)


# --------------------------------------------------------------------------------------------------
# Meetup
#
# A group's member list as Meetup gives it to organisers ("Download membership list"): a file named
# `<Group>_Member_List_on_MM-DD-YY.xls` that is really tab-separated text with LF line ends (written here
# as UTF-8), one row per member in order of display name, no emails and no organisations. `User ID` is "user <number>" unless the
# member chose a name; `Member ID` is the number; each row ends with a space after the profile URL.
# Shape from a real export (fagan2888/meetup_cumulative_growth_plotter ·
# PyData-London-Meetup_Member_List_on_06-22-15.xls · e4e01d401ae8089b2d244dadbd75737d0110cbea); the
# people here are made up. Display names are often a first name alone, so many members share one.

MEETUP_HEADER = [
    "Name", "User ID", "Title", "Member ID", "Location", "Joined Group on", "Last visited group on",
    "Last Attended", "Total RSVPs", "RSVPed Yes", "RSVPed Maybe", "RSVPed No", "Meetups attended", "No shows",
    "Intro", "Photo", "Assistant Organizer", "Mailing List", "URL of Member Profile",
]  # fmt: skip


@dataclass(frozen=True)
class MeetupMember:
    name: str
    member_id: str
    user_id: str = ""  # "user <member id>" unless the member chose a name
    location: str = "Preston"

    @property
    def user(self) -> str:
        return self.user_id or f"user {self.member_id}"


MEETUP_MEMBERS = [
    MeetupMember("Abi", "12014301"),
    MeetupMember("Abi", "3507156"),
    MeetupMember("Adam", "97404142", user_id="plusm"),
    MeetupMember("Adam", "183836455"),
    MeetupMember("Adam", "186958742", location="Blackburn"),
    MeetupMember("Amara Mensah", "79288492", location="Burnley"),
    MeetupMember("Łukasz", "145821362"),
    MeetupMember("Sarah K.", "158501312"),
    MeetupMember("Sarah K.", "162231772", location="Lancaster"),
    MeetupMember("Zoë Ellis", "75187382"),
]


def meetup_rows(members: Sequence[MeetupMember] = MEETUP_MEMBERS) -> list[list[str]]:
    rows = [list(MEETUP_HEADER)]
    for m in members:
        rows.append(
            [
                m.name, m.user, "", m.member_id, m.location, "01/09/2026", "02/22/2026", "", " 1", "1", "0", "0",
                "0", "0", "No", "Yes", "No", "Yes",
                f"http://www.meetup.com/Preston-Safeguarding-Network/members/{m.member_id}/ ",
            ]
        )  # fmt: skip
    return rows


def write_meetup(path: Path, members: Sequence[MeetupMember] = MEETUP_MEMBERS) -> Path:
    """The member list as Meetup writes it: tab-separated text in a file named .xls."""
    text = "".join("\t".join(row) + "\n" for row in meetup_rows(members))
    return _write_text(path, text, "utf-8")


# --------------------------------------------------------------------------------------------------
# Microsoft Forms and Google Forms

MS_FORMS_HEADER = [
    "ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "What is your email address?",
    "Your name", "Which organisation do you work for?", "What is your job title?",
    "Do you have any access requirements?", "Dietary requirements",
]  # fmt: skip


def write_microsoft_forms(path: Path) -> Path:
    """A Microsoft Forms response workbook: anonymous responses carry the email in a question."""
    started = datetime(2026, 2, 5, 9, 0, 0)
    rows: list[list[object]] = [
        list(MS_FORMS_HEADER),
        [1, started, started, "anonymous", None, None, "Rachel.Green@Chorley.gov.uk", "Rachel Green",
         "Chorley Council", "Community Safety Manager", "None", "Vegetarian"],
        [2, started, started, "anonymous", None, None, "imran.patel@lancashirefire.gov.uk", "Patel, Imran",
         "Lancashire Fire and Rescue Service", "Station Manager", "I use a wheelchair", "N/A"],
        [3, started, started, "kate.morris@pendle.gov.uk", "Kate Morris", None, "kate.morris@pendle.gov.uk",
         "Kate Morris", "Pendle Borough Council", "Licensing Officer", "No", ""],
    ]  # fmt: skip
    return write_xlsx(path, rows, title="Form1")


def write_google_forms(path: Path, *, old_heading: bool = False) -> Path:
    """A Google Forms response sheet downloaded as CSV (UTF-8, no BOM, commas, CRLF)."""
    header = [
        "Timestamp", "Email Address" if old_heading else "Email address", "Score", "Full name",
        "Which organisation do you work for?", "Job title", "Dietary requirements",
        "Any questions for the trainers?",
    ]  # fmt: skip
    rows = [
        header,
        ["12/02/2026 14:03:12", "sam.taylor@hyndburn.gov.uk", "", "Sam Taylor", "Hyndburn Council",
         "Housing Officer", "", "How do we refer, step by step?"],
        ["12/02/2026 15:10:45", "anna.nowak@rossendale.gov.uk", "", "Anna Nowak", "Rossendale Council",
         "Social Worker", "Vegan", ""],
    ]  # fmt: skip
    return write_csv(path, rows)


# --------------------------------------------------------------------------------------------------
# A hand-made spreadsheet

HAND_MADE_NAMES = [
    # (as typed, first, last)
    ("  Zoe\u0308 Ellis ", "Zoë", "Ellis"),  # decomposed ë, as some Macs type it
    ("Siobhán Ó Súilleabháin", "Siobhán", "Ó Súilleabháin"),
    ("Łukasz  Kowalski", "Łukasz", "Kowalski"),
    ("Γιώργος Παπαδόπουλος", "Γιώργος", "Παπαδόπουλος"),
    ("Ольга Иванова", "Ольга", "Иванова"),
    ("فاطمة الزهراء", "فاطمة", "الزهراء"),
    ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ("Smith, John", "John", "Smith"),
    ("Seán O'Brien", "Seán", "O'Brien"),
]


def write_hand_made(path: Path) -> Path:
    """A list typed into Excel and saved as "CSV UTF-8" in a semicolon locale: BOM, a title line,
    blank lines, stray spaces, one Name column."""
    lines = [
        "Modern slavery awareness - Preston Town Hall, 12 March;;;",
        ";;;",
        " Name ; Organisation ;Email;Job title",
    ]
    for i, (typed, _, _) in enumerate(HAND_MADE_NAMES):
        lines.append(f"{typed};  Org {i} ;  ;Officer ")
        if i == 3:
            lines.append(";;;")
            lines.append("")
    return _write_text(path, "\r\n".join(lines) + "\r\n", "utf-8-sig")


def _write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path
