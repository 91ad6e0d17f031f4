"""Registers, sign-in sheets and certificates, read back from the PDF the way a person would read them."""

import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from factories import MORNING, book, make_session, new_database
from sqlalchemy import select

from checkin.desk.attendance import (
    attended_all_required,
    eligible_for_certificate,
    mark_segment,
    segment_attendance,
    unmark_segment,
)
from checkin.desk.demo import create_demo
from checkin.desk.roster import session_roster
from checkin.desk.scanning import admit_registration
from checkin.domain.vocabulary import EventKind, RegistrationStatus
from checkin.errors import UsageError
from checkin.printing.registers import (
    TICK_TEXT,
    certificate_number,
    describe_hours,
    fit_text,
    write_certificates,
    write_register_pdf,
    write_signin_sheet,
)
from checkin.records.exporting import ExportFormat, export_register
from checkin.store.models import AuditLog, CheckinEvent, Registration, Session

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
LONG_NAME = ("Maximilianus-Bartholomew " * 9)[:200]
ARABIC_FIRST, ARABIC_LAST = "فاطمة", "الزهراء"


def clock() -> datetime:
    return NOW


def text_of(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture
def preston_day(tmp_path):
    """Preston, three timed parts of the day, two trainers; five bookings with different days:
    Zoë stays all day, Ade misses the case study, Wiktor never comes, Bea cancelled, Chen is a walk-in."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        session.trainers = "Hannah Whitworth, Marcus Okafor"
        session.venue.address = "Lancaster Road, Preston PR1 2RL"
        times = [((9, 30), (12, 30)), ((13, 15), (14, 45)), ((15, 0), (16, 0))]
        for segment, (starts, ends) in zip(session.segments, times, strict=True):
            segment.starts_at = MORNING.replace(hour=starts[0], minute=starts[1])
            segment.ends_at = MORNING.replace(hour=ends[0], minute=ends[1])
        people = {
            "zoe": book(db, session, "Zoë", "O'Neill", "Preston City Council"),
            "ade": book(db, session, "Ade", "Bello", "Lancashire Constabulary"),
            "wiktor": book(db, session, "Wiktor", "Nowak", "British Red Cross"),
            "bea": book(db, session, "Bea", "Adams", "NHS", status=RegistrationStatus.CANCELLED),
            "chen": book(db, session, "Chen", "Li", "Citizens Advice", status=RegistrationStatus.WALK_IN),
        }
        db.commit()
        ids = {key: registration.id for key, registration in people.items()}
        segments = [segment.id for segment in session.segments]
    yield database, ids, segments
    database.dispose()


def session_of(db) -> Session:
    return db.scalars(select(Session)).one()


def roll_call(db, ids, segments, who: dict[str, int]) -> None:
    """Arrival at the desk, then a mark for the first N parts of the day."""
    session = session_of(db)
    for key, parts in who.items():
        admit_registration(db, ids[key], session, desk="door-1", clock=clock)
        for segment_id in segments[:parts]:
            mark_segment(db, ids[key], segment_id, desk="room", operator="trainer", clock=clock)


# ---- segment attendance -------------------------------------------------------------------------------


def test_marks_are_events_and_undo_is_an_event_too(preston_day):
    database, ids, segments = preston_day
    with database.session() as db:
        assert mark_segment(db, ids["zoe"], segments[0], desk="room", clock=clock) is True
        assert mark_segment(db, ids["zoe"], segments[0], desk="room", clock=clock) is False  # twice: harmless
        assert segment_attendance(db, session_of(db)) == {ids["zoe"]: {segments[0]}}
        assert unmark_segment(db, ids["zoe"], segments[0], desk="room", clock=clock) is True
        assert unmark_segment(db, ids["zoe"], segments[0], desk="room", clock=clock) is False
        assert segment_attendance(db, session_of(db)) == {}
        kinds = db.scalars(select(CheckinEvent.kind).order_by(CheckinEvent.id)).all()
        assert kinds == [EventKind.IN, EventKind.UNDO]
        # Marked again after the undo: present again, the history kept.
        mark_segment(db, ids["zoe"], segments[0], desk="room", clock=clock)
        assert segment_attendance(db, session_of(db)) == {ids["zoe"]: {segments[0]}}


def test_roll_call_marks_are_not_arrivals_and_arrivals_are_not_marks(preston_day):
    database, ids, segments = preston_day
    with database.session() as db:
        session = session_of(db)
        mark_segment(db, ids["ade"], segments[0], desk="room", clock=clock)
        admit_registration(db, ids["zoe"], session, desk="door-1", clock=clock)
        arrived = {e.registration_id for e in session_roster(db, session) if e.checked_in_at}
        assert arrived == {ids["zoe"]}
        assert segment_attendance(db, session) == {ids["ade"]: {segments[0]}}


def test_only_active_bookings_of_the_same_session_can_be_marked(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        with pytest.raises(UsageError, match="cancelled"):
            mark_segment(db, ids["bea"], segments[0], desk="room", clock=clock)
        other = make_session(db, "LAN-1903", "Lancaster Town Hall", MORNING + timedelta(days=7))
        db.commit()
        with pytest.raises(UsageError, match="does not belong"):
            mark_segment(db, ids["zoe"], other.segments[0].id, desk="room", clock=clock)
        assert db.scalars(select(CheckinEvent)).all() == []


def test_certificates_need_every_required_part(preston_day):
    database, ids, segments = preston_day
    with database.session() as db:
        roll_call(db, ids, segments, {"zoe": 3, "ade": 2, "chen": 3})
        session = session_of(db)
        assert eligible_for_certificate(db, session) == sorted([ids["zoe"], ids["chen"]])
        # The case study made optional: Ade qualifies too.
        session.segments[2].required = False
        db.commit()
        assert ids["ade"] in eligible_for_certificate(db, session)
    assert attended_all_required(set(), set()) is False  # no marks, no certificate, whatever is required
    assert attended_all_required({1, 2}, {1}) is True


# ---- the attendance register --------------------------------------------------------------------------


def register_rows(path: Path) -> dict[str, list[str]]:
    """Surname -> the segment headings ticked on that surname's row, read from word positions."""
    rows: dict[str, list[str]] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            headings = {
                w["text"]: (w["x0"] + w["x1"]) / 2
                for w in words
                if w["text"] in ("Morning", "Afternoon", "Case")
            }
            header = next(w for w in words if w["text"] == "Signature")["bottom"]
            names = [w for w in words if w["text"].endswith(",") and w["x0"] < 120 and w["top"] > header]
            ticks = [w for w in words if w["text"] == TICK_TEXT]
            for name in names:
                middle = (name["top"] + name["bottom"]) / 2
                on_row = [t for t in ticks if abs((t["top"] + t["bottom"]) / 2 - middle) < 8]
                columns = [
                    min(headings, key=lambda h: abs(headings[h] - (t["x0"] + t["x1"]) / 2)) for t in on_row
                ]
                rows[name["text"].rstrip(",")] = sorted(columns)
    return rows


def test_register_lists_every_booking_with_its_ticks(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        roll_call(db, ids, segments, {"zoe": 3, "ade": 2})
        count = write_register_pdf(db, session_of(db), tmp_path / "register.pdf", clock=clock, zone=UTC)
    assert count == 5
    (page,) = text_of(tmp_path / "register.pdf")
    for expected in (
        "Attendance register",
        "PRE-0312",
        "Preston Town Hall",
        "Thursday 12 March 2026",
        "Hannah Whitworth and Marcus Okafor",
        "Page 1 of 1",
        "Signature",
        "Cancelled",
        "Walk-in",
    ):
        assert expected in page
    assert "Zoë" in page and "O'Neill" in page  # NFC kept, apostrophe kept
    assert register_rows(tmp_path / "register.pdf") == {
        "Adams": [],
        "Bello": ["Afternoon", "Morning"],
        "Li": [],
        "Nowak": [],
        "O'Neill": ["Afternoon", "Case", "Morning"],
    }
    # Sorted by surname.
    order = [page.index(surname) for surname in ("Adams,", "Bello,", "Li,", "Nowak,", "O'Neill,")]
    assert order == sorted(order)
    # The arrival time is on the register.
    assert "09:00" in page


def test_register_of_a_full_session_repeats_its_header_and_numbers_its_pages(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        create_demo(db, today=date(2026, 3, 12), clock=clock)
        db.commit()
        session = db.scalars(select(Session).order_by(Session.starts_at)).first()
        roster = session_roster(db, session)
        write_register_pdf(db, session, tmp_path / "register.pdf", clock=clock, zone=UTC)
    pages = text_of(tmp_path / "register.pdf")
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Organisation" in page and "Signature" in page  # the header row on every page
    everything = "\n".join(pages)
    for entry in roster:
        assert entry.last_name in everything
    database.dispose()


def test_export_as_pdf_goes_through_the_register_and_is_audited_without_names(preston_day, tmp_path):
    database, ids, segments = preston_day
    target = tmp_path / "register.pdf"
    with database.session() as db:
        assert export_register(db, session_of(db), target, ExportFormat.PDF, desk="door-1", clock=clock) == 5
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert target.read_bytes().startswith(b"%PDF")
    assert [row.detail for row in audit] == ["register of PRE-0312 as pdf (5 bookings)"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


# ---- the sign-in sheet --------------------------------------------------------------------------------


def test_signin_sheet_has_active_bookings_and_blank_rows_for_walk_ins(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        assert write_signin_sheet(db, session_of(db), tmp_path / "sheet.pdf", clock=clock, zone=UTC) == 4
    text = "\n".join(text_of(tmp_path / "sheet.pdf"))
    for surname in ("Bello", "Li", "Nowak", "O'Neill"):
        assert surname in text
    assert "Adams" not in text  # cancelled: not on the sheet
    assert "Time in" in text and "Signature" in text and "Email" in text
    for n in range(1, 11):
        assert f"W{n}\n" in text + "\n"
    assert "W11" not in text


# ---- certificates -------------------------------------------------------------------------------------


def test_one_certificate_per_delegate_who_stayed_all_day(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        roll_call(db, ids, segments, {"zoe": 3, "ade": 2, "chen": 3})
        session = session_of(db)
        count = write_certificates(db, session, tmp_path / "certificates.pdf", clock=clock, zone=UTC)
        numbers = [certificate_number(session, ids["chen"]), certificate_number(session, ids["zoe"])]
    assert count == 2
    pages = text_of(tmp_path / "certificates.pdf")
    assert len(pages) == 2
    assert "Chen Li" in pages[0] and "Zoë O'Neill" in pages[1]  # by surname
    assert not any("Ade" in page for page in pages)  # missed the case study
    for page, number in zip(pages, numbers, strict=True):
        for expected in (
            "Certificate of Attendance",
            "Spotting modern slavery",
            "Preston Town Hall, Lancaster Road, Preston PR1 2RL",
            "Thursday 12 March 2026",
            "5½ hours of training (09:30–16:00)",
            "Hannah Whitworth and Marcus Okafor",
            number,
        ):
            assert expected in page
    with pdfplumber.open(tmp_path / "certificates.pdf") as pdf:
        assert pdf.pages[0].width > pdf.pages[0].height  # landscape


def test_no_one_eligible_is_a_usage_error_asking_for_the_roll_call(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        # Arrived at the desk, but the trainers took no roll-call: no certificates.
        admit_registration(db, ids["zoe"], session_of(db), desk="door-1", clock=clock)
        with pytest.raises(UsageError, match="roll-call"):
            write_certificates(db, session_of(db), tmp_path / "certificates.pdf", clock=clock)
    assert list(tmp_path.glob("*.pdf")) == []


def chars_inside_frame(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        inner = 12.5 * 72 / 25.4  # the certificate's inner frame, in points from each edge
        chars = page.chars
        outside = [
            c
            for c in chars
            if c["x0"] < inner
            or c["x1"] > page.width - inner
            or c["top"] < inner
            or c["bottom"] > page.height - inner
        ]
        assert outside == []
        return chars


@pytest.mark.parametrize("first", ["Al", LONG_NAME[:100], LONG_NAME, "Ж" * 200, "X" * 300])
def test_a_long_name_stays_on_the_certificate(preston_day, tmp_path, first):
    database, ids, segments = preston_day
    with database.session() as db:
        registration = db.get(Registration, ids["zoe"])
        registration.delegate.first_name = first
        db.commit()
        roll_call(db, ids, segments, {"zoe": 3})
        write_certificates(db, session_of(db), tmp_path / "certificates.pdf", clock=clock, zone=UTC)
    chars = chars_inside_frame(tmp_path / "certificates.pdf")
    name_chars = "".join(c["text"] for c in chars if c["size"] >= 12 and "Bold" in c["fontname"])
    # Every letter of the name is drawn (wrapped lines joined without their breaks).
    assert first.replace(" ", "") in name_chars.replace(" ", "")


def test_an_arabic_name_is_drawn_shaped_in_the_arabic_font(preston_day, tmp_path):
    database, ids, segments = preston_day
    with database.session() as db:
        registration = db.get(Registration, ids["zoe"])
        registration.delegate.first_name, registration.delegate.last_name = ARABIC_FIRST, ARABIC_LAST
        db.commit()
        roll_call(db, ids, segments, {"zoe": 3})
        write_certificates(db, session_of(db), tmp_path / "certificates.pdf", clock=clock, zone=UTC)
    chars = chars_inside_frame(tmp_path / "certificates.pdf")
    arabic = [c for c in chars if "NotoSansArabic" in c["fontname"]]
    drawn = {unicodedata.normalize("NFKC", c["text"]) for c in arabic}
    assert set((ARABIC_FIRST + ARABIC_LAST).replace(" ", "")) <= drawn
    # Shaped: joining forms (presentation forms), not the bare letters ReportLab would draw unjoined.
    assert any("\ufb50" <= c["text"] <= "\ufeff" for c in arabic)


# ---- text fitting and hours ---------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 10, 40, 80, 200, 300])
@pytest.mark.parametrize("letter", ["W", "ж", "Ω", "ệ", "م"])
def test_fitted_text_never_leaves_its_box(length, letter):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from checkin.printing.fonts import register_fonts

    register_fonts()
    text = " ".join(letter * 7 for _ in range(length // 8 + 1))[:length]
    width, height = 500.0, 70.0
    fitted = fit_text(text, width, height, largest=36, smallest=20, bold=True)
    assert fitted.height <= height
    for line in fitted.lines:
        assert stringWidth(line.text, line.font, fitted.size) <= width


def test_hours_read_naturally():
    assert describe_hours(timedelta(hours=5, minutes=30)) == "5½ hours"
    assert describe_hours(timedelta(hours=1)) == "1 hour"
    assert describe_hours(timedelta(hours=3, minutes=45)) == "3¾ hours"
    assert describe_hours(timedelta(hours=2, minutes=20)) == "2 hours 20 minutes"
    assert describe_hours(timedelta(minutes=50)) == "50 minutes"


# ---- the command line ---------------------------------------------------------------------------------


def run(*args: str, db: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "checkin.cli", "--db", str(db), "--desk", "door-1", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_command_line_register_sheet_marks_and_certificates(preston_day, tmp_path):
    database, ids, segments = preston_day
    database.dispose()
    db_file = tmp_path / "desk.sqlite3"

    result = run(
        "export", "--session", "PRE-0312", "--format", "pdf", "-o", str(tmp_path / "r.pdf"), db=db_file
    )
    assert result.returncode == 0, result.stderr
    assert "Nowak" in "\n".join(text_of(tmp_path / "r.pdf"))

    result = run("signin-sheet", "--session", "PRE-0312", "-o", str(tmp_path / "s.pdf"), db=db_file)
    assert result.returncode == 0, result.stderr
    assert "4 bookings" in result.stdout

    result = run("certificates", "--session", "PRE-0312", "-o", str(tmp_path / "c.pdf"), db=db_file)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "roll-call" in result.stderr
    assert not (tmp_path / "c.pdf").exists()

    with database.session() as db:
        zoe = db.get(Registration, ids["zoe"]).delegate_id
    for part in ("Morning", "afternoon", "3"):
        result = run("mark", str(zoe), "--session", "PRE-0312", "--part", part, db=db_file)
        assert result.returncode == 0, result.stderr
    result = run("certificates", "--session", "PRE-0312", "-o", str(tmp_path / "c.pdf"), db=db_file)
    assert result.returncode == 0, result.stderr
    assert "1 certificate of PRE-0312" in result.stdout
    assert len(text_of(tmp_path / "c.pdf")) == 1

    result = run("mark", "999", "--session", "PRE-0312", "--part", "Morning", db=db_file)
    assert result.returncode == 2 and "not booked" in result.stderr
