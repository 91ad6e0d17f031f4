"""Importing delegate lists as the booking platforms (and people with Excel) really write them."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import import_fixtures as fx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from checkin.desk.bookings import add_session, session_by_code
from checkin.desk.roster import session_summaries
from checkin.desk.scanning import record_scan
from checkin.domain.codes import lookup_key
from checkin.domain.decide import OutcomeCode
from checkin.domain.person import surname_key as surname_key_of
from checkin.importing.applying import ImportFileError, ImportReport, import_delegate_list
from checkin.importing.reading import excel_damaged, read_delegate_list, split_full_name
from checkin.printing.badges import render_badges
from checkin.printing.stocks import stock_named
from checkin.store.database import Database, open_database
from checkin.store.models import AuditLog, Base, CheckinEvent, Delegate, ExternalCode, Registration, Venue

SESSION = "PRE-0312"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with two sessions, made once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(path)
    with database.session() as db:
        starts = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
        add_session(db, SESSION, "Modern slavery awareness", "Preston Town Hall", starts, capacity=60)
        add_session(db, "LAN-0319", "Modern slavery awareness", "Lancaster Town Hall", starts.replace(day=19))
        db.commit()
    database.dispose()  # the last connection closing folds the WAL back into the file
    return path


@pytest.fixture
def database(tmp_path: Path, template_database: Path) -> Iterator[Database]:
    shutil.copyfile(template_database, tmp_path / "t.sqlite3")
    database = open_database(tmp_path / "t.sqlite3")
    yield database
    database.dispose()


def run_import(database: Database, path: Path, code: str = SESSION, **options: object) -> ImportReport:
    with database.session() as db:
        report = import_delegate_list(db, path, session_by_code(db, code), clock=lambda: NOW, **options)  # type: ignore[arg-type]
        db.commit()
    return report


@dataclass(frozen=True)
class Booked:
    """A delegate on a session, as the desk would show them."""

    first: str
    last: str
    email: str
    organisation: str
    job_title: str
    status: str
    reason: str
    codes: tuple[str, ...]
    access: str
    dietary: str
    sector: str
    answers: dict[str, str]
    source: str


def booked(database: Database, code: str = SESSION) -> dict[str, Booked]:
    """Everyone registered on a session, by "First Last"."""
    with database.session() as db:
        session = session_by_code(db, code)
        registrations = db.scalars(select(Registration).where(Registration.session_id == session.id)).all()
        people = {}
        for r in registrations:
            d = r.delegate
            people[f"{d.first_name} {d.last_name}"] = Booked(
                d.first_name, d.last_name, d.email, d.organisation, d.job_title, r.status, r.status_reason,
                tuple(sorted(c.lookup for c in r.external_codes)), d.access_needs, d.dietary_needs, d.sector,
                dict(r.answers), r.source,
            )  # fmt: skip
        return people


def scan_resolves_to(database: Database, scanned: str) -> str | None:
    """Whose booking a scanned platform code resolves to (as the desk looks it up)."""
    with database.session() as db:
        found = db.scalars(select(ExternalCode).where(ExternalCode.lookup == lookup_key(scanned))).first()
        if found is None:
            return None
        return f"{found.registration.delegate.first_name} {found.registration.delegate.last_name}"


def contents(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed or dry-run import changed nothing."""
    with database.session() as db:
        return {
            table.name: [tuple(row) for row in db.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.added, report.updated, report.unchanged, report.cancelled


# --------------------------------------------------------------------------------------------------
# Eventbrite


def test_eventbrite_attendee_report(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_eventbrite(tmp_path / "report-7401.csv"))

    assert report.format == "eventbrite"
    assert report.rows == 8
    # Grace's refunded booking is recorded (so her barcode says "cancelled" at the desk), not added.
    assert counts(report) == (7, 0, 0, 1)
    assert report.errors == []
    people = booked(database)
    assert set(people) == {
        "Amelia Hughes", "Tom Price", "Priya Shah", "Owen Jones", "Grace Okafor", "Zoë Ellis",
        "Siobhán Ó Súilleabháin", "Łukasz Kowalski",
    }  # fmt: skip

    amelia = people["Amelia Hughes"]
    assert (amelia.email, amelia.organisation, amelia.job_title) == (
        "amelia.hughes@lancashire.gov.uk", "Lancashire County Council", "Safeguarding Lead",
    )  # fmt: skip
    assert amelia.access == "Wheelchair user, step-free access please"
    assert amelia.dietary == "Vegetarian"
    assert amelia.sector == "Local authority"
    assert amelia.answers == {
        "Ticket Type": "General admission",
        "How did you hear about this session?": "Email from the PCC",
    }
    assert amelia.source == "eventbrite"
    # Prices, fees and home addresses are not kept.
    assert report.column_mapping["Home Address 1"] == "ignored"
    assert report.column_mapping["Company"] == "organisation"  # the heading had a trailing space

    # The group order: the second attendee has no email; the third had the buyer's email repeated.
    assert people["Tom Price"].email == "tom.price@preston.gov.uk"
    assert people["Priya Shah"].email == ""
    assert people["Priya Shah"].dietary == ""  # "No" is not a dietary need
    assert people["Owen Jones"].email == ""
    assert any("group booking" in warning for warning in report.warnings)

    assert (people["Grace Okafor"].status, people["Grace Okafor"].reason) == ("cancelled", "refunded")
    assert people["Zoë Ellis"].status == "booked"  # "Checked In" on Eventbrite is a booking here

    # Barcodes resolve at the desk, kind "eventbrite".
    assert scan_resolves_to(database, "74012360019811020001") == "Amelia Hughes"
    assert scan_resolves_to(database, "7401236002981102000") == "Priya Shah"
    assert scan_resolves_to(database, " 74012360069811020008 ") == "Łukasz Kowalski"
    with database.session() as db:
        assert set(db.scalars(select(ExternalCode.kind))) == {"eventbrite"}


def test_eventbrite_reimport_of_an_updated_report_updates_in_place(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    with database.session() as db:
        badge_before = {
            d.email: d.registrations[0].badge_code for d in db.scalars(select(Delegate)) if d.email
        }

    report = run_import(
        database, fx.write_eventbrite(tmp_path / "report-2.csv", fx.updated_eventbrite_attendees())
    )

    # Ольга is new; Amelia's job changed and Grace's refund was reversed; Łukasz was refunded.
    assert counts(report) == (1, 2, 5, 1)
    people = booked(database)
    assert len(people) == 9
    assert people["Amelia Hughes"].job_title == "Head of Safeguarding"
    assert (people["Grace Okafor"].status, people["Grace Okafor"].reason) == ("booked", "")
    assert (people["Łukasz Kowalski"].status, people["Łukasz Kowalski"].reason) == ("cancelled", "refunded")
    assert people["Ольга Иванова"].status == "booked"
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 9
        # Nobody's badge changed: the badges already printed still work.
        for d in db.scalars(select(Delegate)):
            if d.email in badge_before:
                assert d.registrations[0].badge_code == badge_before[d.email]

    # The same file again changes nothing.
    again = run_import(database, tmp_path / "report-2.csv")
    assert counts(again) == (0, 0, 9, 0)


def test_eventbrite_report_saved_by_excel(database: Database, tmp_path: Path) -> None:
    damaged = fx.write_eventbrite_saved_by_excel(tmp_path / "report (Excel).csv")
    assert b"E+19" in damaged.read_bytes()

    report = run_import(database, damaged)

    assert report.format == "eventbrite"
    assert counts(report) == (7, 0, 0, 1)
    people = booked(database)
    assert people["Zoë Ellis"].organisation == "Lancashire Constabulary"  # Windows-1252 read right
    assert "?ukasz Kowalski" in people  # Excel's own damage: we say so
    # No scan key was made from a rounded barcode, and the user is told why and what to do.
    assert all(person.codes == () for person in people.values())
    assert scan_resolves_to(database, fx.excel_number("74012360019811020001")) is None
    [damage] = [w for w in report.warnings if "Excel has damaged" in w]
    assert damage.startswith("8 rows")
    assert "original export" in damage
    assert any("CSV UTF-8" in w for w in report.warnings)

    # The damaged file again after the original: it does not spoil names we have right.
    fixed_first = run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    assert booked(database)["Łukasz Kowalski"].codes == ("74012360069811020008",)
    assert counts(run_import(database, damaged))[:2] == (0, 0)
    assert "Łukasz Kowalski" in booked(database)
    del fixed_first

    # The original export afterwards matches everyone by email and adds the barcodes.
    fixed = run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    assert fixed.added == 0
    assert scan_resolves_to(database, "74012360019811020001") == "Amelia Hughes"
    assert "Łukasz Kowalski" in booked(database)


def test_eventbrite_with_a_bom_and_a_short_barcode(database: Database, tmp_path: Path) -> None:
    attendees = list(fx.EVENTBRITE_ATTENDEES[:2])
    attendees[1] = fx.EventbriteAttendee(**{**attendees[1].__dict__, "barcode": "740123600298110"})
    path = fx.write_csv(tmp_path / "bom.csv", fx.eventbrite_rows(attendees), encoding="utf-8-sig")

    report = run_import(database, path)

    assert report.format == "eventbrite"
    assert booked(database)["Amelia Hughes"].codes == ("74012360019811020001",)
    assert booked(database)["Tom Price"].codes == ()  # leading zeros gone: not a scan key
    assert any(w.startswith("1 row had barcodes") for w in report.warnings)


def test_the_same_email_twice_is_one_registration(database: Database, tmp_path: Path) -> None:
    rows = fx.eventbrite_rows(fx.EVENTBRITE_ATTENDEES[:1])
    again = list(rows[1])
    again[fx.EVENTBRITE_HEADER.index("Email")] = "AMELIA.HUGHES@lancashire.gov.uk"
    again[fx.EVENTBRITE_HEADER.index("Barcode # ")] = "74012360019811020099"
    report = run_import(database, fx.write_csv(tmp_path / "twice.csv", [*rows, again]))

    assert (report.rows, report.added) == (2, 1)
    assert "1 duplicate row for the same email were merged." in report.warnings
    assert booked(database)["Amelia Hughes"].codes == ("74012360019811020001", "74012360019811020099")


# --------------------------------------------------------------------------------------------------
# Tito, pretix, forms, hand-made


def test_tito_export(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_tito(tmp_path / "tito.csv"))

    assert report.format == "tito"
    assert counts(report) == (2, 0, 0, 1)
    people = booked(database)
    assert people["Dafydd ap Rhys"].organisation == "Lancaster City Council"
    assert (people["Grace Okafor"].status, people["Grace Okafor"].reason) == ("cancelled", "void")
    assert people["Amelia Hughes"].answers['Will you stay for the "case study" session?'] == "Yes"
    assert scan_resolves_to(database, "qwer-2") == "Dafydd ap Rhys"  # case does not matter
    with database.session() as db:
        assert set(db.scalars(select(ExternalCode.kind))) == {"tito"}
    # The booker's name and email are not the delegate's.
    assert report.column_mapping["Order Email"] == "ignored"


def test_pretix_checkin_list_csv_and_xlsx(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_pretix_checkin_list(tmp_path / "checkin-list.csv"))

    assert (report.format, counts(report)) == ("pretix", (3, 0, 0, 0))
    people = booked(database)
    assert people["Ludwig van Beethoven"].organisation == "Bonn Orchestra"
    assert people["Amara Mensah"].organisation == "Burnley Borough Council"
    assert people["Amara Mensah"].dietary == "Vegan"
    secret = fx.pretix_secret(1)
    assert scan_resolves_to(database, secret) == "Amara Mensah"
    assert scan_resolves_to(database, secret.upper()) == "Amara Mensah"

    xlsx = run_import(database, fx.write_pretix_checkin_xlsx(tmp_path / "checkin-list.xlsx"))
    assert (xlsx.format, counts(xlsx)) == ("pretix", (0, 0, 3, 0))


def test_pretix_order_export_keeps_repeated_columns(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_pretix_order_export(tmp_path / "orders.csv"))

    assert report.format == "pretix"
    assert counts(report) == (2, 0, 0, 1)
    assert report.column_mapping["Company"] == "organisation"
    assert report.column_mapping["Company (2)"] == "organisation"
    people = booked(database)
    # The attendee's own email, not the order's; the attendee's company, or the invoice one when blank.
    assert people["Hannah Clarke"].email == "hannah.clarke@wyre.gov.uk"
    assert people["Hannah Clarke"].organisation == "Wyre Council"
    assert people["Mohammed Iqbal"].organisation == "Barnardo's"
    assert (people["Emma Walsh"].status, people["Emma Walsh"].reason) == ("cancelled", "cancelled")
    assert scan_resolves_to(database, fx.pretix_secret(11)) == "Mohammed Iqbal"


# --------------------------------------------------------------------------------------------------
# Bookings not confirmed yet: unpaid, awaiting approval, invited


def statuses(database: Database) -> dict[str, tuple[str, str]]:
    return {name: (person.status, person.reason) for name, person in booked(database).items()}


def test_pretix_check_in_list_with_pending_orders(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_pretix_checkin_list_with_pending(tmp_path / "checkin-list.csv"))

    assert (report.format, report.column_mapping["Paid"]) == ("pretix", "status")
    assert statuses(database) == {
        "Peter Jones": ("booked", ""),
        "Andrea Zulu": ("booked", ""),
        "Bilal Hussain": ("pending", "unpaid"),
    }
    # The desk refuses the unpaid ticket, amber, with the reason, and records nothing.
    with database.session() as db:
        session = session_by_code(db, SESSION)
        doors_open = session.starts_at - timedelta(minutes=30)  # scanned on the session's morning
        result = record_scan(db, fx.pretix_secret(23), session, desk="door-1", clock=lambda: doors_open)
    assert result.outcome.code is OutcomeCode.NOT_CONFIRMED
    assert result.outcome.reason == "This booking is not confirmed yet: unpaid."
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 0


def test_pretix_order_export_with_pending_and_expired_orders(database: Database, tmp_path: Path) -> None:
    orders = fx.write_pretix_order_export(tmp_path / "orders.csv", ("paid", "pending", "expired"))
    report = run_import(database, orders)

    assert counts(report) == (2, 0, 0, 1)
    assert statuses(database) == {
        "Hannah Clarke": ("booked", ""),
        "Mohammed Iqbal": ("pending", ""),
        "Emma Walsh": ("cancelled", "expired"),
    }


def test_luma_guest_list_by_approval_status(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_luma(tmp_path / "Guests - Spotting modern slavery.csv"))

    assert report.column_mapping["approval_status"] == "status"
    assert statuses(database) == {
        "Nadia Rahman": ("booked", ""),
        "Owen Birch": ("pending", "awaiting approval"),
        "Ruth Ames": ("pending", "invited, not registered"),
        "Tariq Aziz": ("cancelled", "declined"),
        "Ines Silva": ("waitlisted", ""),
    }
    # Pending bookings hold no place: not counted as booked, no badge unless asked for.
    with database.session() as db:
        session = session_by_code(db, SESSION)
        [summary] = session_summaries(db, SESSION)
        assert summary.booked == 1
        run = render_badges(db, session, stock_named("avery-l4785"), tmp_path / "badges.pdf")
        assert [db.get(Registration, r).delegate.first_name for r in run.registration_ids] == ["Nadia"]


def test_eventbrite_pending_orders(database: Database, tmp_path: Path) -> None:
    attendees = [
        replace(a, order_type="Pending")
        if a.first == "Tom"
        else replace(a, order_type="Unpaid")
        if a.first == "Amelia"
        else a
        for a in fx.EVENTBRITE_ATTENDEES
    ]
    report = run_import(database, fx.write_eventbrite(tmp_path / "report.csv", attendees))

    assert (report.format, counts(report)) == ("eventbrite", (7, 0, 0, 1))
    people = statuses(database)
    assert people["Tom Price"] == people["Amelia Hughes"] == ("pending", "unpaid")
    assert people["Priya Shah"] == ("booked", "")  # "Free Order"
    assert people["Grace Okafor"] == ("cancelled", "refunded")
    # Paid a week later: the re-import confirms the booking.
    run_import(database, fx.write_eventbrite(tmp_path / "report-2.csv", fx.EVENTBRITE_ATTENDEES))
    assert statuses(database)["Tom Price"] == ("booked", "")


def test_zoom_registration_report_approval_column(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_zoom_registration_report(tmp_path / "registration_report.csv"))

    assert report.column_mapping["Approval Status"] == "status"
    assert statuses(database) == {
        "Kate Morris": ("booked", ""),
        "Liam Hart": ("pending", "awaiting approval"),
        "Mira Khan": ("cancelled", "denied"),
    }


def test_microsoft_forms_with_anonymous_responses(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_microsoft_forms(tmp_path / "Registration(1-3).xlsx"))

    assert (report.format, report.rows, counts(report)) == ("microsoft-forms", 3, (3, 0, 0, 0))
    people = booked(database)
    assert people["Rachel Green"].email == "rachel.green@chorley.gov.uk"
    assert people["Rachel Green"].access == ""  # "None"
    assert people["Imran Patel"].organisation == "Lancashire Fire and Rescue Service"
    assert people["Imran Patel"].access == "I use a wheelchair"
    assert people["Kate Morris"].job_title == "Licensing Officer"
    assert report.column_mapping["What is your email address?"] == "email"


@pytest.mark.parametrize("old_heading", [False, True])
def test_google_forms(database: Database, tmp_path: Path, old_heading: bool) -> None:
    report = run_import(database, fx.write_google_forms(tmp_path / "responses.csv", old_heading=old_heading))

    assert (report.format, counts(report)) == ("google-forms", (2, 0, 0, 0))
    people = booked(database)
    assert people["Sam Taylor"].email == "sam.taylor@hyndburn.gov.uk"
    assert people["Sam Taylor"].answers == {
        "Any questions for the trainers?": "How do we refer, step by step?"
    }
    assert people["Anna Nowak"].dietary == "Vegan"
    assert report.column_mapping["Score"] == "ignored"


def test_hand_made_spreadsheet(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_hand_made(tmp_path / "delegates.csv"))

    assert (report.format, report.rows, counts(report)) == ("spreadsheet", 9, (9, 0, 0, 0))
    people = booked(database)
    assert set(people) == {f"{first} {last}" for _, first, last in fx.HAND_MADE_NAMES}
    for i, (_, first, last) in enumerate(fx.HAND_MADE_NAMES):
        person = people[f"{first} {last}"]
        assert (person.first, person.last, person.organisation, person.job_title) == (
            first, last, f"Org {i}", "Officer",
        )  # fmt: skip
    assert people["Zoë Ellis"].first == "Zo\u00eb"  # NFC
    with database.session() as db:
        zoe = db.scalars(select(Delegate).where(Delegate.last_name == "Ellis")).one()
        assert "zoe ellis" in zoe.search_key

    # Without emails, a re-import matches by name and organisation.
    assert counts(run_import(database, tmp_path / "delegates.csv")) == (0, 0, 9, 0)


def test_tab_separated_utf16_from_excel_unicode_text(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "delegates.txt"
    path.write_bytes(
        "First name\tSurname\tE-mail\r\nΓιώργος\tΠαπαδόπουλος\tg.p@example.org\r\n".encode("utf-16")
    )
    report = run_import(database, path)
    assert counts(report) == (1, 0, 0, 0)
    assert booked(database)["Γιώργος Παπαδόπουλος"].email == "g.p@example.org"


def test_semicolon_csv_in_windows_1252_with_quoted_fields(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes(
        'Nom;Prénom;Courriel;Entreprise\r\nDupré;Hélène;helene@example.fr;"Ville; Lyon"\r\n'.encode("cp1252")
    )
    report = run_import(database, path)
    assert counts(report) == (1, 0, 0, 0)
    person = booked(database)["Hélène Dupré"]
    assert person.organisation == "Ville; Lyon"


def test_a_status_column_and_a_reference_column_in_a_spreadsheet(database: Database, tmp_path: Path) -> None:
    rows = [
        ["First name", "Last name", "Email", "Booking reference", "Status"],
        ["Ann", "Lee", "ann@example.org", "bk-001", "Confirmed"],
        ["Bob", "Roe", "bob@example.org", "bk-002", "Waiting list"],
        ["Cat", "Poe", "cat@example.org", "bk-003", "Cancelled by delegate"],
    ]
    report = run_import(database, fx.write_csv(tmp_path / "bookings.csv", rows))
    assert counts(report) == (2, 0, 0, 1)
    people = booked(database)
    assert [people[n].status for n in ("Ann Lee", "Bob Roe", "Cat Poe")] == [
        "booked",
        "waitlisted",
        "cancelled",
    ]
    assert scan_resolves_to(database, "BK-001") == "Ann Lee"
    with database.session() as db:
        assert set(db.scalars(select(ExternalCode.kind))) == {"external"}


# --------------------------------------------------------------------------------------------------
# Across sessions, codes and the transaction


def test_one_person_across_two_sessions(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_google_forms(tmp_path / "preston.csv"))
    report = run_import(database, fx.write_google_forms(tmp_path / "lancaster.csv"), code="LAN-0319")

    assert counts(report) == (2, 0, 0, 0)  # new bookings, not new people
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 2
        assert db.scalar(select(func.count()).select_from(Registration)) == 4


def test_a_code_that_belongs_to_another_booking_is_not_stolen(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_tito(tmp_path / "tito.csv"))
    rows = [["Name", "Email", "Reference"], ["Someone Else", "else@example.org", "qwer-1"]]
    report = run_import(database, fx.write_csv(tmp_path / "other.csv", rows), code="LAN-0319")

    assert report.added == 1
    assert any("already belonged to another booking" in w for w in report.warnings)
    assert scan_resolves_to(database, "QWER-1") == "Amelia Hughes"


def test_dry_run_writes_nothing(database: Database, tmp_path: Path) -> None:
    before = contents(database)
    report = run_import(database, fx.write_eventbrite(tmp_path / "report.csv"), dry_run=True)

    assert counts(report) == (7, 0, 0, 1)  # what it would do
    assert contents(database) == before


def test_the_caller_owns_the_transaction(database: Database, tmp_path: Path) -> None:
    path = fx.write_google_forms(tmp_path / "responses.csv")
    before = contents(database)
    # After only reads, a rollback by the caller undoes the import (SQLite's RELEASE must not commit it).
    with database.session() as db:
        import_delegate_list(db, path, session_by_code(db, SESSION))
        assert db.scalar(select(func.count()).select_from(Delegate)) == 2
        db.rollback()
    assert contents(database) == before

    # The caller's own work survives a dry run, and commits with it.
    with database.session() as db:
        db.add(Venue(name="Blackpool Winter Gardens"))
        db.flush()
        import_delegate_list(db, path, session_by_code(db, SESSION), dry_run=True)
        db.commit()
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Venue)) == 3
        assert db.scalar(select(func.count()).select_from(Delegate)) == 0


def test_an_import_is_audited_without_personal_data(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"), desk="Desk 1")
    with database.session() as db:
        [entry] = db.scalars(select(AuditLog).where(AuditLog.action == "import")).all()
    assert entry.desk == "Desk 1"
    assert "eventbrite" in entry.detail and "7 added" in entry.detail and "1 cancelled" in entry.detail
    for a in fx.EVENTBRITE_ATTENDEES:
        assert a.last not in entry.detail and (not a.email or a.email.lower() not in entry.detail.lower())


def test_warns_about_earlier_bookings_missing_from_the_file(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    report = run_import(database, fx.write_eventbrite(tmp_path / "short.csv", fx.EVENTBRITE_ATTENDEES[:2]))
    assert counts(report) == (0, 0, 2, 0)
    assert any(w.startswith("5 delegates booked on this session") for w in report.warnings)
    assert booked(database)["Zoë Ellis"].status == "booked"  # left as it was


# --------------------------------------------------------------------------------------------------
# Who is who: a platform's number for each person tells namesakes apart


# Exports as other people's tools wrote them, copied byte for byte from shared/realworld (see tests/realworld/).
REALWORLD = Path(__file__).parent / "realworld"


def people_and_numbers(database: Database) -> list[tuple[str, tuple[str, ...]]]:
    """Every delegate by name with the codes of all their bookings, namesakes listed apart."""
    with database.session() as db:
        return sorted(
            (
                f"{d.first_name} {d.last_name}".strip(),
                tuple(sorted(c.code for r in d.registrations for c in r.external_codes)),
            )
            for d in db.scalars(select(Delegate))
        )


def meetup_numbers(members: list[fx.MeetupMember]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((m.name, tuple(sorted((m.member_id, "".join(m.user.split()))))) for m in members)


@pytest.mark.parametrize("saved_as", ["xls", "xlsx"])
def test_a_meetup_member_list_is_one_delegate_per_member(
    database: Database, tmp_path: Path, saved_as: str
) -> None:
    # Meetup's own download is tab-separated text named .xls; opened and saved in Excel it is a workbook.
    if saved_as == "xls":
        path = fx.write_meetup(tmp_path / "Preston-Safeguarding-Network_Member_List_on_03-01-26.xls")
    else:
        path = fx.write_xlsx(tmp_path / "members.xlsx", fx.meetup_rows())
    report = run_import(database, path)

    assert report.format == "meetup"
    # Three Adams, two Abis and two Sarah K.s, without emails: each member is their own delegate.
    assert (report.rows, counts(report)) == (10, (10, 0, 0, 0))
    assert not [w for w in report.warnings if "merged" in w]
    assert people_and_numbers(database) == meetup_numbers(fx.MEETUP_MEMBERS)
    assert report.column_mapping["Member ID"] == "external_code"
    assert report.column_mapping["Meetups attended"] == "ignored"
    assert scan_resolves_to(database, "75187382") == "Zoë Ellis"
    with database.session() as db:
        assert set(db.scalars(select(ExternalCode.kind))) == {"meetup-id"}


def test_a_meetup_reimport_updates_each_member_in_place(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_meetup(tmp_path / "members.xls"))
    with database.session() as db:
        badges = {c.code: c.registration.badge_code for c in db.scalars(select(ExternalCode))}

    # A month later: the third Adam now shows his surname, and a new member has joined.
    members = [
        replace(m, name="Adam Byrne") if m.member_id == "186958742" else m for m in fx.MEETUP_MEMBERS
    ] + [fx.MeetupMember("Adam", "190000001")]
    report = run_import(database, fx.write_meetup(tmp_path / "members-later.xls", members))

    assert counts(report) == (1, 1, 9, 0)
    assert people_and_numbers(database) == meetup_numbers(members)
    with database.session() as db:
        for c in db.scalars(select(ExternalCode).where(ExternalCode.code.in_(badges))):
            assert c.registration.badge_code == badges[c.code]  # badges already printed still work
    assert counts(run_import(database, tmp_path / "members-later.xls")) == (0, 0, 11, 0)


def test_the_same_member_twice_in_a_list_is_one_person(database: Database, tmp_path: Path) -> None:
    # Two downloads pasted together: the third Adam is in both, the second time with his surname.
    members = [*fx.MEETUP_MEMBERS, fx.MeetupMember("Adam Byrne", "186958742", location="Blackburn")]
    report = run_import(database, fx.write_meetup(tmp_path / "members.xls", members))

    assert counts(report) == (10, 0, 0, 0)
    assert people_and_numbers(database) == meetup_numbers(
        [m for m in fx.MEETUP_MEMBERS if m.member_id != "186958742"]
        + [fx.MeetupMember("Adam Byrne", "186958742")]
    )
    assert "1 duplicate row for the same ticket code or ID was merged: lines 6 and 12." in report.warnings


@pytest.mark.parametrize(("saved_as", "where"), [("csv", "lines"), ("xlsx", "rows")])
def test_without_ids_or_emails_namesakes_are_merged_and_their_lines_named(
    database: Database, tmp_path: Path, saved_as: str, where: str
) -> None:
    rows = [
        ["Name", "Organisation"],
        ["Adam Byrne", "Preston City Council"],
        ["Sarah Khan", "NHS Lancashire"],
        ["Adam Byrne", "Preston City Council"],
        ["Sarah Khan", "NHS Lancashire"],
        ["Sarah Khan", "NHS Lancashire"],
        ["Sarah Khan", "Lancashire Constabulary"],  # another organisation: another person
    ]
    write = fx.write_csv if saved_as == "csv" else fx.write_xlsx
    report = run_import(database, write(tmp_path / f"delegates.{saved_as}", rows))

    assert counts(report) == (3, 0, 0, 0)
    [warning] = [w for w in report.warnings if "same name and organisation" in w]
    assert warning.startswith(
        "3 duplicate rows for the same name and organisation were merged: "
        f"{where} 2 and 4; {where} 3, 5 and 6. If some are different people, add their emails"
    )


def test_namesakes_with_their_own_ids_are_not_merged_into_an_earlier_delegate(
    database: Database, tmp_path: Path
) -> None:
    # Preston's list was typed by hand: one Adam, no email, no ID.
    run_import(database, fx.write_csv(tmp_path / "preston.csv", [["Name"], ["Adam"]]))
    # Lancaster's comes from Meetup: three Adams, each with his member ID.
    report = run_import(database, fx.write_meetup(tmp_path / "members.xls"), code="LAN-0319")

    assert counts(report) == (10, 0, 0, 0)
    assert not [w for w in report.warnings if "merged" in w]
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 10
        adams = db.scalars(select(Delegate).where(Delegate.first_name == "Adam")).all()
        assert sorted(len(d.registrations) for d in adams) == [1, 1, 2]  # one of them is Preston's Adam

    # A new member called Adam is not one of the Adams already numbered.
    newcomer = fx.write_meetup(tmp_path / "rsvps.xls", [fx.MeetupMember("Adam", "190000001")])
    assert counts(run_import(database, newcomer, code="LAN-0319"))[0] == 1
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 11


def test_a_member_list_on_a_second_session_books_the_same_people(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_meetup(tmp_path / "members.xls"))
    report = run_import(database, fx.write_meetup(tmp_path / "members.xls"), code="LAN-0319")

    assert counts(report) == (10, 0, 0, 0)  # new bookings, not new people
    assert report.warnings == []  # the member IDs are these people's, not another booking's
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 10
        assert db.scalar(select(func.count()).select_from(Registration)) == 20


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Attendee #", "external-id"),
        ("api_id", "external-id"),  # Luma's guest export
        ("Member ID", "external-id"),
        ("User ID", "external-id"),
        ("Registrant ID", "external-id"),
        ("ID", None),  # Microsoft Forms numbers responses, not people
    ],
)
def test_a_column_of_each_persons_id_tells_namesakes_apart(
    tmp_path: Path, heading: str, kind: str | None
) -> None:
    rows = [["Name", heading], ["Sam Lee", "g-100"], ["Sam Lee", "g-200"]]
    delegate_list = read_delegate_list(fx.write_csv(tmp_path / "guests.csv", rows))

    expected = [[], []] if kind is None else [[(kind, "g-100")], [(kind, "g-200")]]
    assert [row.codes for row in delegate_list.rows] == expected


def test_the_real_eventbrite_report_without_barcodes_identifies_attendees_by_number(
    database: Database, tmp_path: Path
) -> None:
    report = run_import(database, REALWORLD / "eventbrite_ieee_attendee_report.csv")

    assert (report.format, counts(report)) == ("eventbrite", (3, 0, 0, 0))
    assert scan_resolves_to(database, "18441583423") == "John Doe"
    assert scan_resolves_to(database, "18441700883") == "Jane Doe"
    assert counts(run_import(database, REALWORLD / "eventbrite_ieee_attendee_report.csv")) == (0, 0, 3, 0)
    # With barcodes in the report, the barcode is the attendee's code and the number is not kept.
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    assert scan_resolves_to(database, fx.EVENTBRITE_ATTENDEES[0].attendee) is None


# --------------------------------------------------------------------------------------------------
# Files that cannot be imported


def _corrupt_xlsx(path: Path) -> Path:
    good = fx.write_pretix_checkin_xlsx(path.with_name("good.xlsx")).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def _zip_that_is_not_a_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def _unclosed_quote(path: Path) -> Path:
    lines = ["First name,Last name,Email,Organisation"]
    lines += [f"Person{i},Surname{i},p{i}@example.org,Org" for i in range(12)]
    lines.append('Jane,"Smith,jane@example.org,Org')  # line 14
    lines += [f"Person{i},Surname{i},p{i}@example.org,Org" for i in range(12, 20)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _quote_closed_by_a_later_stray_quote(path: Path) -> Path:
    lines = ["First name,Last name,Email,Organisation", "Ann,Lee,ann@example.org,Org"]
    lines.append('Jane,"Smith,jane@example.org,Org')  # line 3
    lines += [f"Person{i},Surname{i},p{i}@example.org,Org" for i in range(5)]
    lines.append('Bob,Roe,bob@example.org,"The ""Best"" Org"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BAD_FILES = {
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "delegates.csv", "the file is empty."),
    "blank lines only": (
        lambda p: (p.write_text("\r\n \r\n,,\r\n"), p)[1],
        "delegates.csv",
        "no column of names",
    ),
    "headings only": (
        lambda p: fx.write_csv(p, [fx.EVENTBRITE_HEADER]),
        "delegates.csv",
        "has column headings but no delegates below them.",
    ),
    "binary": (
        lambda p: (p.write_bytes(bytes(range(256)) * 40), p)[1],
        "delegates.csv",
        "is not a CSV text file or an Excel .xlsx workbook",
    ),
    "a picture renamed": (
        lambda p: (p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 200), p)[1],
        "delegates.csv",
        "is not a CSV text file",
    ),
    "no name column": (
        lambda p: fx.write_csv(p, [["Organisation", "Job title"], ["Preston City Council", "Officer"]]),
        "delegates.csv",
        "no column of names was found",
    ),
    "unclosed quote": (_unclosed_quote, "bookings.csv", "line 14 has an opening quote that is never closed."),
    "unclosed quote on the last line": (
        lambda p: (p.write_text('Name,Email\nAnn Lee,ann@example.org\nBob,"bob@example.org\n'), p)[1],
        "bookings.csv",
        "line 3 has an opening quote that is never closed.",
    ),
    "quote closed far away": (
        _quote_closed_by_a_later_stray_quote,
        "bookings.csv",
        "line 3 has an opening quote that is never closed.",
    ),
    "corrupt xlsx": (_corrupt_xlsx, "delegates.xlsx", "the workbook is damaged"),
    "zip that is not a workbook": (_zip_that_is_not_a_workbook, "delegates.xlsx", "the workbook is damaged"),
    "xlsx that is text": (
        lambda p: (p.write_text("First name,Last name\nA,B\n"), p)[1],
        "delegates.xlsx",
        "the workbook is damaged",
    ),
    "old xls": (
        lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), p)[1],
        "delegates.xls",
        "old-style Excel .xls workbook",
    ),
    "over 50 MB": (
        lambda p: (p.write_text("Name\nA\n"), _truncate(p, 50 * 1024 * 1024 + 1), p)[2],
        "huge.csv",
        "a delegate list can be at most 50 MB",
    ),
    "missing": (lambda p: p, "nowhere.csv", "the file does not exist."),
}


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as stream:
        stream.truncate(size)  # a sparse file: nothing written to disk


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_written(database: Database, tmp_path: Path, case: str) -> None:
    make, name, expected = BAD_FILES[case]
    path = make(tmp_path / name)
    run_import(database, fx.write_tito(tmp_path / "tito.csv"))  # something there already, unchanged after
    before = contents(database)

    with pytest.raises(ImportFileError) as refused:
        run_import(database, path)

    message = str(refused.value)
    assert message.startswith(f"{name}: ")
    assert expected in message
    assert "\n" not in message
    assert contents(database) == before


def test_read_delegate_list_needs_no_database(tmp_path: Path) -> None:
    delegate_list = read_delegate_list(fx.write_tito(tmp_path / "tito.csv"))
    assert delegate_list.format == "tito"
    assert [row.line for row in delegate_list.rows] == [2, 3, 4]


def test_a_row_with_no_name_and_no_email_is_reported_by_line(database: Database, tmp_path: Path) -> None:
    rows = [["Name", "Email", "Organisation"], ["Ann Lee", "ann@example.org", "A"], ["", "", "Orphan Org"]]
    report = run_import(database, fx.write_csv(tmp_path / "l.csv", rows))
    assert report.added == 1
    assert report.errors == ["1 row with neither a name nor an email were skipped (line 3)."]


def test_report_json_has_exactly_the_cli_keys(database: Database, tmp_path: Path) -> None:
    report = run_import(database, fx.write_tito(tmp_path / "tito.csv"))
    assert list(report.as_json()) == [
        "format", "rows", "added", "updated", "unchanged", "cancelled", "codes_replaced", "warnings", "errors",
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Small pieces


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Siobhán Ó Súilleabháin", "Siobhán", "Ó Súilleabháin"),
        ("Smith, John", "John", "Smith"),
        ("Sammy Davis, Jr.", "Sammy", "Davis, Jr."),
        ("María de la Cruz", "María", "de la Cruz"),
        ("Mary Ann O' Neill", "Mary Ann", "O' Neill"),
        ("Madonna", "Madonna", ""),
        ("  Anne   Marie  Smith ", "Anne Marie", "Smith"),
        ("Vân Nguyễn", "Vân", "Nguyễn"),
    ],
)
def test_split_full_name(name: str, first: str, last: str) -> None:
    assert split_full_name(name) == (first, last)


@pytest.mark.parametrize(
    ("kind", "code", "damaged"),
    [
        ("eventbrite", "8.14847E+18", True),
        ("external", "8,14847E+18", True),
        ("eventbrite", "74012360019811020001", False),
        ("eventbrite", "740123600198110", True),  # leading zeros or digits gone
        ("eventbrite", "7401236001981100000", True),  # digits past the 15th turned to zeros
        ("tito", "QWER-1", False),
        ("external", "12345", False),
    ],
)
def test_excel_damaged_codes(kind: str, code: str, damaged: bool) -> None:
    assert excel_damaged(kind, code) is damaged


def test_savepoints_work_on_sqlite(database: Database) -> None:
    with database.session() as db:
        db.execute(text("SELECT 1"))
        with db.begin_nested():
            db.add(Venue(name="Kept"))
        nested = db.begin_nested()
        db.add(Venue(name="Rolled back"))
        db.flush()
        nested.rollback()
        db.commit()
    with database.session() as db:
        names = set(db.scalars(select(Venue.name)))
    assert "Kept" in names and "Rolled back" not in names


def test_a_large_list_reads_by_position(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Company", "Company", "Email"])
    writer.writerow(["Ann Lee", "", "Fallback Org", "ann@example.org"])
    path = tmp_path / "dup.csv"
    path.write_text(buffer.getvalue())
    [row] = read_delegate_list(path).rows
    assert row.organisation == "Fallback Org"


def test_desk_decisions_stay_and_loaded_objects_see_the_import(database: Database, tmp_path: Path) -> None:
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    with database.session() as db:
        zoe = db.scalars(select(Delegate).where(Delegate.last_name == "Ellis")).one()
        zoe.registrations[0].status = "walk_in"  # the desk made her a walk-in
        db.commit()

    attendees = [
        fx.EventbriteAttendee(**{**a.__dict__, "job": "Sergeant"}) if a.first == "Zoë" else a
        for a in fx.EVENTBRITE_ATTENDEES
    ]
    with database.session() as db:
        zoe = db.scalars(select(Delegate).where(Delegate.last_name == "Ellis")).one()
        assert zoe.job_title == "Detective Constable"
        report = import_delegate_list(
            db, fx.write_eventbrite(tmp_path / "report-2.csv", attendees), session_by_code(db, SESSION)
        )
        assert zoe.job_title == "Sergeant"  # an object loaded before the import is not left stale
        assert zoe.registrations[0].status == "walk_in"
        db.commit()
    assert counts(report) == (0, 1, 7, 0)


def test_search_keys_are_as_search_key_of_makes_them(database: Database, tmp_path: Path) -> None:
    from checkin.domain.person import search_key_of
    from checkin.domain.person import surname_key as surname_key_of

    run_import(database, fx.write_hand_made(tmp_path / "delegates.csv"))
    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    run_import(database, fx.write_eventbrite(tmp_path / "report-2.csv", fx.updated_eventbrite_attendees()))
    with database.session() as db:
        delegates = db.scalars(select(Delegate)).all()
        assert len(delegates) == 18
        for delegate in delegates:
            assert delegate.search_key == search_key_of(delegate)
            assert delegate.surname_key == surname_key_of(delegate.last_name, delegate.first_name)


# Names as they come: accents precomposed and combining, joiners, odd spaces, ligatures, Greek, Arabic.
_NAME_TEXT = st.text(
    st.sampled_from(list("aZé\u0301\u0308'’-.  \u00a0\u2013ßŁøﬁΣσςΔ\u0628\u064e İı¨´`")), max_size=12
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_NAME_TEXT, min_size=5, max_size=5))
def test_an_imported_delegate_is_searched_for_like_one_added_at_the_desk(parts: list[str]) -> None:
    """The importer folds each field on its own (names repeat, so each is folded once); that must give
    the same keys as folding the whole text, or imported delegates would be missed by search."""
    from checkin.domain.person import search_key_of
    from checkin.importing.applying import import_search_key, import_surname_key

    values = dict(zip(("first_name", "last_name", "badge_name", "organisation", "email"), parts, strict=True))
    assert import_search_key(values) == search_key_of(SimpleNamespace(**values))
    assert import_surname_key(parts[1], parts[0]) == surname_key_of(parts[1], parts[0])


def test_import_into_postgresql(pg_database_url: str, tmp_path: Path) -> None:
    database = open_database(pg_database_url)
    try:
        with database.session() as db:
            starts = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
            add_session(db, SESSION, "Modern slavery awareness", "Preston Town Hall", starts)
            db.commit()
        first = run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
        again = run_import(
            database, fx.write_eventbrite(tmp_path / "report-2.csv", fx.updated_eventbrite_attendees())
        )
        dry = run_import(database, fx.write_pretix_order_export(tmp_path / "orders.csv"), dry_run=True)
        assert counts(first) == (7, 0, 0, 1)
        assert counts(again) == (1, 2, 5, 1)
        assert counts(dry) == (2, 0, 0, 1)
        assert scan_resolves_to(database, "74012360019811020001") == "Amelia Hughes"
        assert booked(database)["Ольга Иванова"].status == "booked"
        with database.session() as db:
            assert db.scalar(select(func.count()).select_from(Delegate)) == 9
    finally:
        database.dispose()


def test_sync_is_told_what_the_import_wrote(database: Database, tmp_path: Path) -> None:
    from checkin.store.models import Outbox

    run_import(database, fx.write_eventbrite(tmp_path / "report.csv"))
    with database.session() as db:
        created = {(o.entity, o.op) for o in db.scalars(select(Outbox))}
        assert {("delegate", "create"), ("registration", "create")} <= created
        before = db.scalar(select(func.max(Outbox.id)))

    run_import(database, fx.write_eventbrite(tmp_path / "report-2.csv", fx.updated_eventbrite_attendees()))
    with database.session() as db:
        updates = {
            (o.entity, tuple(sorted(o.fields)))
            for o in db.scalars(select(Outbox).where(Outbox.id > before, Outbox.op == "update"))
        }
    # Amelia's new job title, and the two bookings whose status changed: only those fields.
    assert ("delegate", ("job_title", "updated_at")) in updates or ("delegate", ("job_title",)) in updates
    assert all("first_name" not in fields for _, fields in updates)
    assert any(entity == "registration" and "status" in fields for entity, fields in updates)
