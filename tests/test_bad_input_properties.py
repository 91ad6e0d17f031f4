"""Bad input everywhere, with hypothesis: whatever arrives, the program answers with a result or its own
clear error, never another exception, and writes nothing when it refuses.

- the importer: random bytes, and random CSV shapes (headings, fields with delimiters, quotes and line
  breaks, any delimiter, several encodings) → an ImportReport or an ImportFileError, and on the error no
  table changed;
- the scan path: random text into read_code/candidates and into record_scan → an outcome, never an
  admission;
- badge text: any Unicode of 0–2000 characters (control characters, RTL marks, combining marks, emoji)
  into fit_text (the lines fit the box) and into a printed badge (a PDF);
- the pocket guide: content files of random text or bytes → a PDF or a GuideError with a message.
"""

import csv
import io
import tempfile
from pathlib import Path

import pytest
from factories import book, make_session, new_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from checkin.desk.scanning import record_scan
from checkin.domain.codes import candidates, read_code
from checkin.importing.applying import ImportReport, import_delegate_list
from checkin.importing.reading import ImportFileError
from checkin.printing.badges import fit_text, render_badges
from checkin.printing.fonts import register_fonts
from checkin.printing.guide import GuideError, render_guide
from checkin.printing.stocks import load_stocks
from checkin.store.models import Base, Delegate, Session

SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Characters that break naive text handling: controls, bidi marks and isolates, combining marks,
# zero-width joiners, variation selectors, emoji (with skin tones and flags), and other scripts.
AWKWARD = list(
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2066\u2067\u2068\u2069\u2028\u2029\ufeff\ufffd\u0301\u0308\u0327\u0338\u20dd\ufe0f"
    "👩🏽‍⚕️🇬🇧🏳️‍🌈😀𝕏ﷺ﷽ـ"
    "ÆØÅßŁœ ̈عربيةעִבְרִיתΣσςЖжệếỹ中文日本語한국어हिन्दी"
    "\"',;|=+-@<>&\\/"
)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=2000)
awkward_text = st.lists(st.sampled_from(AWKWARD), max_size=400).map("".join)
badge_text = st.one_of(
    any_text, awkward_text, st.text(st.sampled_from(AWKWARD), min_size=1000, max_size=2000)
)


@pytest.fixture(scope="module")
def booked_zoe_database():
    with tempfile.TemporaryDirectory() as folder:
        database = new_database(Path(folder))
        with database.session() as db:
            session = make_session(db)
            registration = book(db, session, "Zoë", "O'Neill", email="zoe@example.org")
            db.commit()
            ids = (session.id, registration.id, registration.delegate_id)
        yield database, Path(folder), ids
        database.dispose()


def table_counts(db) -> dict[str, int]:
    return {
        name: db.execute(select(func.count()).select_from(table)).scalar()
        for name, table in Base.metadata.tables.items()
    }


# -- the importer -----------------------------------------------------------------------------------


def _import_and_check(database, folder: Path, session_id: int, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    with database.session() as db:
        session = db.get(Session, session_id)
        before = table_counts(db)
        try:
            report = import_delegate_list(db, path, session, desk="door-1")
        except ImportFileError as error:
            assert str(error).strip() and "\n" not in str(error).strip()
            assert table_counts(db) == before, "a refused file wrote something"
        else:
            assert isinstance(report, ImportReport)
            assert min(report.added, report.updated, report.unchanged, report.cancelled) >= 0
        finally:
            db.rollback()


@settings(max_examples=150, **SETTINGS)
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".tsv"]))
def test_random_bytes_into_the_importer(booked_zoe_database, data, suffix):
    database, folder, (session_id, _r, _d) = booked_zoe_database
    _import_and_check(database, folder, session_id, "list" + suffix, data)


HEADINGS = [
    "First name",
    "Last name",
    "Surname",
    "Name",
    "Email",
    "E-mail address",
    "Organisation",
    "Company",
    "Job title",
    "Barcode #",
    "Ticket reference",
    "Attendee Status",
    "Dietary requirements",
    "Access needs",
    "Order #",
]
field_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(list("\"',;\t|\r\n =@a1ÉéZ") + ["zoe@example.org", '""']), max_size=12).map(
        "".join
    ),
)


@st.composite
def csv_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", ":"]))
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADINGS), field_text), min_size=width, max_size=width))
    rows = draw(
        st.lists(st.lists(field_text, min_size=0, max_size=width + 3), max_size=25)
    )  # ragged rows: too short and too long
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE, "raw"]))
    buffer = io.StringIO()
    ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    if quoting != "raw":
        writer = csv.writer(
            buffer, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator=ending
        )
        try:
            writer.writerows([header, *rows])
        except csv.Error:  # a shape the csv module will not write: write it by hand instead
            quoting = "raw"
            buffer = io.StringIO()
    if quoting == "raw":  # hand-made: quotes left open, delimiters inside fields, whatever
        buffer.write(ending.join(delimiter.join(r) for r in [header, *rows]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "mac_roman"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@settings(max_examples=150, **SETTINGS)
@given(data=csv_files())
def test_random_csv_shapes_into_the_importer(booked_zoe_database, data):
    database, folder, (session_id, _r, _d) = booked_zoe_database
    _import_and_check(database, folder, session_id, "bookings.csv", data)


# -- the scan path ----------------------------------------------------------------------------------

scan_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from('0123456789ABCDEFGHJKMNPQRSTVWXYZ-_ \t\r\n!"£$%^&*()@#~'), max_size=60),
    awkward_text,
)


@settings(max_examples=200, **SETTINGS)
@given(text=scan_text)
def test_random_text_into_the_code_reader(text):
    readings = list(candidates(text))
    assert readings and all(isinstance(reading, str) for _layout, reading in readings)
    read = read_code(text, [b"k" * 32], lambda _key: False)
    assert read.kind.value in {"invalid", "well_formed"}  # nothing is a badge without its signature


@settings(max_examples=100, **SETTINGS)
@given(text=scan_text)
def test_random_text_into_record_scan_never_admits(booked_zoe_database, text):
    database, _folder, (session_id, _r, _d) = booked_zoe_database
    with database.session() as db:
        session = db.get(Session, session_id)
        result = record_scan(db, text, session, desk="door-1")
        assert not result.outcome.admitted and result.event_uuid is None
        assert result.outcome.reason


# -- badge text -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registered_fonts():
    register_fonts()  # as the badge printer does before it measures anything


@settings(max_examples=200, **SETTINGS)
@given(
    text=badge_text,
    width=st.floats(20, 300),
    height=st.floats(8, 120),
    lines=st.integers(1, 4),
    bold=st.booleans(),
)
def test_any_unicode_fits_its_box(registered_fonts, text, width, height, lines, bold):
    fitted = fit_text(text, width, height, 28.0, 6.0, lines, bold)
    assert len(fitted.lines) <= lines
    assert fitted.height <= height + 1e-6 or not fitted.lines


@settings(max_examples=50, **SETTINGS)
@given(first=badge_text, last=badge_text, organisation=st.one_of(any_text, awkward_text))
def test_any_unicode_name_prints_a_badge(booked_zoe_database, first, last, organisation):
    database, folder, (session_id, registration_id, delegate_id) = booked_zoe_database
    stock = load_stocks().named("avery-l4785")
    output = folder / "badge.pdf"
    output.unlink(missing_ok=True)
    with database.session() as db:
        delegate = db.get(Delegate, delegate_id)
        delegate.first_name, delegate.last_name, delegate.organisation = first, last, organisation
        db.flush()
        run = render_badges(
            db, db.get(Session, session_id), stock, output, registration_ids=[registration_id]
        )
        assert run.count == 1
        db.rollback()
    assert output.read_bytes().startswith(b"%PDF")


# -- the pocket guide -------------------------------------------------------------------------------

guide_text = st.one_of(
    any_text,
    awkward_text,
    st.lists(
        st.one_of(
            st.sampled_from(
                ["# ", "## ", "- ", "* ", "---", "<!--", "-->", "**", "*", "[", "](", ")", "\n", "\n\n"]
            ),
            st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
        ),
        max_size=120,
    ).map("".join),
)


# Eight pages of random text (the page count every layout takes), so most examples reach the typesetter.
eight_pages = st.lists(
    st.tuples(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60), guide_text),
    min_size=8,
    max_size=8,
).map(lambda pages: "\n\n".join(f"# {heading.strip() or 'x'}\n\n{body}\n\n---" for heading, body in pages))


@settings(max_examples=60, **SETTINGS)
@given(
    content=st.one_of(
        eight_pages.map(lambda t: t.encode("utf-8")),
        eight_pages.map(lambda t: t.encode("utf-8")),
        guide_text.map(lambda t: t.encode("utf-8")),
        st.binary(max_size=2000),
    ),
    layout=st.sampled_from(["a7-zine", "a6-booklet", "dl-trifold"]),
)
def test_any_guide_content_gives_a_pdf_or_a_clear_error(booked_zoe_database, content, layout):
    _database, folder, _ids = booked_zoe_database
    source = folder / "guide.md"
    source.write_bytes(content)
    output = folder / "guide.pdf"
    output.unlink(missing_ok=True)
    try:
        run = render_guide(output, layout, source)
    except GuideError as error:
        assert str(error).strip()
        assert not output.exists()
    else:
        assert run.pages >= 1 and output.read_bytes().startswith(b"%PDF")
    assert not list(folder.glob(".guide-*"))  # no half-written file left behind


def test_the_counts_helper_sees_every_table(booked_zoe_database):
    database, _folder, _ids = booked_zoe_database
    with database.session() as db:
        counts = table_counts(db)
        assert {"delegate", "registration", "checkin_event", "scan_log", "audit_log", "outbox"} <= set(counts)
        assert db.execute(text("select 1")).scalar() == 1
