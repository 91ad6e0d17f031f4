"""Local time for people, UTC for storage (issue 13): the desk, the roster, the registers and the command
line say the time on the wall, with the date only when it is not today; JSON keeps ISO 8601 with an offset.

Every test sets its zone (London: GMT in winter, BST in summer), so it passes on a machine anywhere.
"""

import csv
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from factories import book, make_session, new_database
from openpyxl import load_workbook
from sqlalchemy import select
from tests_support import booked_people

from checkin.domain.clock import clock_for_people, day_for_people, time_for_people, to_local, utc_now
from checkin.domain.codes import CodeKind, ReadCode
from checkin.domain.decide import EventFacts, OutcomeCode, RegistrationFacts, SessionFacts, decide
from checkin.domain.person import Person
from checkin.domain.vocabulary import EventKind, Method
from checkin.printing.registers import write_register_pdf
from checkin.records.exporting import ExportFormat, export_register
from checkin.store.models import CheckinEvent, Registration, Session

LONDON = ZoneInfo("Europe/London")
SUMMER_DAY = datetime(2026, 7, 16, 8, 30, tzinfo=UTC)  # Thu 16 July 2026, 09:30 BST
WINTER_DAY = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)  # Thu 12 March 2026, 09:30 GMT
LONG_AGO = datetime(2024, 7, 12, 14, 5, tzinfo=UTC)  # Fri 12 July 2024, 15:05 BST: never today


def arrived(db, registration, at: datetime, desk: str = "door-1") -> None:
    """A check-in at `at`, written as a desk writes it (or as one arrives by sync): whatever the day."""
    db.add(
        CheckinEvent(
            registration_id=registration.id,
            session_id=registration.session_id,
            kind=EventKind.IN,
            at=at,
            desk=desk,
            method=Method.SCANNER,
        )
    )
    db.commit()


# ---- the formatting functions ------------------------------------------------------------------------


def test_a_summer_time_reads_an_hour_on_and_a_winter_time_as_it_is():
    summer = datetime(2026, 7, 16, 14, 5, tzinfo=UTC)
    assert to_local(summer, LONDON).hour == 15
    assert time_for_people(summer, summer + timedelta(hours=3), LONDON) == "15:05"
    winter = datetime(2026, 3, 12, 14, 5, tzinfo=UTC)
    assert time_for_people(winter, winter + timedelta(hours=3), LONDON) == "14:05"
    # Naive times are UTC, as the database stores them.
    assert clock_for_people(datetime(2026, 7, 16, 14, 5, 9), LONDON, seconds=True) == "15:05:09"


def test_the_date_is_said_only_when_it_is_not_today():
    moment = datetime(2026, 7, 16, 14, 5, tzinfo=UTC)
    assert time_for_people(moment, moment + timedelta(days=1), LONDON) == "15:05 on Thu 16 Jul"
    assert time_for_people(moment, moment + timedelta(days=400), LONDON) == "15:05 on Thu 16 Jul 2026"
    assert time_for_people(moment, moment, LONDON, seconds=True) == "15:05:00"
    # 23:30 UTC is already tomorrow in London in summer: the day is the local one.
    late = datetime(2026, 7, 16, 23, 30, tzinfo=UTC)
    assert time_for_people(late, datetime(2026, 7, 17, 9, 0, tzinfo=UTC), LONDON) == "00:30"
    assert time_for_people(late, datetime(2026, 7, 16, 22, 0, tzinfo=UTC), LONDON) == "00:30 on Fri 17 Jul"
    assert day_for_people(late, LONDON) == "Fri 17 Jul 2026"


# ---- the desk ------------------------------------------------------------------------------------------


def already_in(earlier: datetime, now: datetime) -> str:
    """The reason the desk shows for a second scan, with the first at `earlier`."""
    here = SessionFacts(1, "PRE-0716", "Spotting modern slavery — Preston")
    zoe = Person(7, "Zoë", "O'Neill", "", "Preston City Council", "", "", "", "")
    first = EventFacts("first", EventKind.IN, earlier, "door-2", "scanner")
    outcome = decide(
        ReadCode(CodeKind.BADGE, "B" * 25), here, RegistrationFacts(70, here, "booked", "", zoe), [first], now
    )
    assert outcome.code is OutcomeCode.ALREADY_CHECKED_IN
    return outcome.reason


def test_already_checked_in_says_the_time_on_the_wall_in_summer(london_time):
    earlier = datetime(2026, 7, 16, 14, 5, tzinfo=UTC)
    reason = already_in(earlier, earlier + timedelta(hours=3))
    assert reason == "Already checked in at 15:05 at desk door-2."
    assert "UTC" not in reason


def test_already_checked_in_on_another_day_says_which(london_time):
    earlier = datetime(2026, 7, 16, 14, 5, tzinfo=UTC)
    reason = already_in(earlier, earlier + timedelta(days=1))
    assert reason == "Already checked in at 15:05 on Thu 16 Jul at desk door-2."


def test_already_checked_in_in_winter_is_the_same_hour_as_utc(london_time):
    earlier = datetime(2026, 3, 12, 14, 5, tzinfo=UTC)
    reason = already_in(earlier, earlier + timedelta(hours=3))
    assert reason == "Already checked in at 14:05 at desk door-2."


def test_the_desk_panel_and_the_roster_show_local_time(london_time, scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[0]
    with database.session() as db:
        arrived(db, db.get(Registration, person.registration_id), LONG_AGO, desk="door-2")
    badge, registration_id = person.badge_code, person.registration_id
    window.context.roster_changed.emit()
    result = window.desk_view.scan(badge)
    assert result is not None and result.outcome.code is OutcomeCode.ALREADY_CHECKED_IN
    reason = window.desk_view.panel.reason.text()
    assert "at 15:05 on Fri 12 Jul 2024 at desk door-2" in reason and "UTC" not in reason

    from ui.delegates.roster_model import CHECKED_IN

    window.show_view("Delegates")
    model = window.views["Delegates"].model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    row = model.row_of(registration_id)
    assert model.data(model.index(row, CHECKED_IN)) == "✔ 15:05 on Fri 12 Jul 2024"


# ---- registers -----------------------------------------------------------------------------------------


@pytest.fixture
def summer_register(tmp_path):
    """A session on a summer day: Zoë arrived that morning, Ade the evening before, Wiktor not yet."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db, "PRE-0716", starts=SUMMER_DAY)
        zoe = book(db, session, "Zoë", "O'Neill")
        ade = book(db, session, "Ade", "Bello")
        book(db, session, "Wiktor", "Nowak")
        db.commit()
        arrived(db, zoe, SUMMER_DAY - timedelta(minutes=25))  # 08:05 UTC, 09:05 on the wall
        arrived(db, ade, SUMMER_DAY - timedelta(hours=15))  # Wed 15 Jul, 17:30 UTC, 18:30 on the wall
    yield database
    database.dispose()


def test_the_register_pdf_prints_local_arrival_times_and_the_date_of_another_day(summer_register, tmp_path):
    with summer_register.session() as db:
        session = db.scalars(select(Session)).one()
        printed = SUMMER_DAY + timedelta(hours=9)  # 17:30 UTC
        write_register_pdf(db, session, tmp_path / "register.pdf", zone=LONDON, clock=lambda: printed)
    with pdfplumber.open(tmp_path / "register.pdf") as pdf:
        (page,) = pdf.pages
        text = page.extract_text()
        words = page.extract_words()
    assert "Thursday 16 July 2026" in text and "09:30" in text  # the session's own day and start, BST
    assert "Printed 16 Jul 2026 18:30" in text
    heading = next(w for w in words if w["text"] == "Arrived")
    right = next(w for w in words if w["text"] == "Morning")["x0"]
    footer = next(w for w in words if w["text"] == "Printed")["top"]
    column = [
        w for w in words if heading["x0"] - 1 <= w["x0"] < right and heading["bottom"] < w["top"] < footer
    ]
    arrivals = " ".join(w["text"] for w in sorted(column, key=lambda w: (w["top"], w["x0"])))
    # Ade arrived the evening before: the register says so, not a time that looks like the day's own;
    # Zoë arrived that morning: the time alone, in BST.
    assert arrivals == "18:30 on Wed 15 Jul 09:05"


def test_the_register_as_xlsx_and_csv_has_local_times(summer_register, tmp_path):
    with summer_register.session() as db:
        session = db.scalars(select(Session)).one()
        export_register(db, session, tmp_path / "register.xlsx", ExportFormat.XLSX, zone=LONDON)
        export_register(db, session, tmp_path / "register.csv", ExportFormat.CSV, zone=LONDON)
    sheet = load_workbook(tmp_path / "register.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    at = rows[0].index("Checked in at")
    arrivals = {row[0]: row[at] for row in rows[1:]}
    assert arrivals == {"Bello": "2026-07-15 18:30:00", "Nowak": None, "O'Neill": "2026-07-16 09:05:00"}
    with (tmp_path / "register.csv").open(encoding="utf-8-sig", newline="") as handle:
        listed = {row["Surname"]: row["Checked in at"] for row in csv.DictReader(handle)}
    assert listed == {"Bello": "2026-07-15 18:30:00", "Nowak": "", "O'Neill": "2026-07-16 09:05:00"}


def test_a_winter_register_shows_the_same_hour_as_utc(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db, starts=WINTER_DAY)
        zoe = book(db, session)
        db.commit()
        arrived(db, zoe, WINTER_DAY - timedelta(minutes=25))
        export_register(db, session, tmp_path / "register.csv", ExportFormat.CSV, zone=LONDON)
        write_register_pdf(db, session, tmp_path / "register.pdf", zone=LONDON)
    database.dispose()
    with (tmp_path / "register.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [row["Checked in at"] for row in csv.DictReader(handle)] == ["2026-03-12 09:05:00"]
    with pdfplumber.open(tmp_path / "register.pdf") as pdf:
        assert "09:05" in pdf.pages[0].extract_text()


# ---- the command line ----------------------------------------------------------------------------------


def run(db, *args: str) -> subprocess.CompletedProcess:
    """The real program; it inherits the test's time zone (TZ) like a script run on the laptop."""
    command = [sys.executable, "-m", "checkin.cli", "--db", str(db), "--desk", "door-1", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)


ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d")


@pytest.fixture
def cli_desk(tmp_path):
    """A session starting now: Zoë admitted on a summer day long ago at door-1 and a minute later by door-2
    (desks apart); Ade not yet. Returns (database file, badge codes, the session's start)."""
    starts = utc_now().replace(microsecond=0)
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db, "PRE-0716", starts=starts)
        zoe = book(db, session, "Zoë", "O'Neill")
        ade = book(db, session, "Ade", "Bello")
        db.commit()
        arrived(db, zoe, LONG_AGO, desk="door-1")
        arrived(db, zoe, LONG_AGO + timedelta(seconds=65), desk="door-2")
        codes = {"ade": ade.badge_code, "zoe": zoe.badge_code}
    database.dispose()
    return tmp_path / "desk.sqlite3", codes, starts


def test_the_command_line_text_says_local_time_and_json_keeps_iso_with_an_offset(london_time, cli_desk):
    db, codes, starts = cli_desk
    scan = run(db, "scan", codes["ade"], "--session", "PRE-0716", "--json")
    assert scan.returncode == 0, scan.stderr
    scanned = json.loads(scan.stdout)
    assert ISO_WITH_OFFSET.fullmatch(scanned["checked_in_at"])
    ade_in = datetime.fromisoformat(scanned["checked_in_at"])

    text = run(db, "delegates", "--session", "PRE-0716")
    assert text.returncode == 0, text.stderr
    lines = {line.split()[1].rstrip(","): line for line in text.stdout.splitlines()}
    assert lines["O'Neill"].endswith("[booked, in 15:05 on Fri 12 Jul 2024]")  # BST, and not today
    assert lines["Bello"].endswith(f"[booked, in {ade_in.astimezone(LONDON):%H:%M}]")  # today: the time only
    assert "UTC" not in text.stdout and "+00:00" not in text.stdout

    listed = json.loads(run(db, "delegates", "--session", "PRE-0716", "--json").stdout)
    by_name = {d["last_name"]: d for d in listed}
    assert by_name["O'Neill"]["checked_in_at"] == "2024-07-12T14:05:00+00:00"
    assert ISO_WITH_OFFSET.fullmatch(by_name["Bello"]["checked_in_at"])

    again = json.loads(run(db, "scan", codes["zoe"], "--session", "PRE-0716", "--json").stdout)
    assert again["outcome"] == "already_checked_in"
    assert again["checked_in_at"] == "2024-07-12T14:05:00+00:00"
    assert "at 15:05 on Fri 12 Jul 2024 at desk door-1" in again["reason"]

    conflicts = json.loads(run(db, "conflicts", "--session", "PRE-0716", "--json").stdout)
    assert [e["at"] for e in conflicts[0]["events"]] == [
        "2024-07-12T14:05:00+00:00",
        "2024-07-12T14:06:05+00:00",
    ]
    said = run(db, "conflicts", "--session", "PRE-0716").stdout
    assert "door-1 at 15:05:00 on Fri 12 Jul 2024; door-2 at 15:06:05 on Fri 12 Jul 2024" in said

    sessions = json.loads(run(db, "sessions", "--json").stdout)
    assert sessions[0]["starts_at"] == starts.isoformat()
    assert f"{starts.astimezone(LONDON):%a %d %b %Y %H:%M}" in run(db, "sessions").stdout


def test_session_add_says_the_start_in_local_time(london_time, tmp_path):
    db = tmp_path / "new.sqlite3"
    added = run(
        db, "session", "add", "BLA-0716", "--title", "T", "--venue", "V", "--starts", "2026-07-16T09:30+01:00"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Session BLA-0716 added: T, Thu 16 Jul 2026 09:30."
