"""Scans recorded in a real database: durability, the scan log, external codes, undo, transfer, conflicts."""

import sqlite3
from datetime import timedelta

import pytest
from factories import MORNING, at, book, make_session, new_database
from sqlalchemy import func, select

from checkin.desk.bookings import register, set_status, transfer
from checkin.desk.conflicts import duplicate_admissions
from checkin.desk.roster import session_roster, session_summaries
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.domain.codes import new_signing_key, verifies
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import EventKind, Method, RegistrationStatus
from checkin.store.database import open_database
from checkin.store.models import CheckinEvent, Programme, ScanLog


@pytest.fixture
def zoe_with_external_code(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        zoe = book(db, session, external="12345678901234567890")
        db.commit()
        yield database, db, session, zoe


def test_an_admission_is_on_disk_when_the_scan_returns(zoe_with_external_code, tmp_path):
    database, db, session, zoe = zoe_with_external_code
    result = record_scan(db, zoe.badge_code, session, desk="door-1", clock=at(0))
    assert result.outcome.code is OutcomeCode.ADMITTED
    # Another connection, as another process would, sees the admission without any further commit.
    with sqlite3.connect(tmp_path / "desk.sqlite3") as other:
        kinds = other.execute("select kind, desk from checkin_event").fetchall()
    assert kinds == [("in", "door-1")]


def test_every_attempt_goes_to_the_scan_log_with_its_outcome(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    record_scan(db, zoe.badge_code, session, desk="d", clock=at(0))
    record_scan(db, zoe.badge_code, session, desk="d", clock=at(1))
    record_scan(db, "not a badge", session, desk="d", clock=at(2))
    outcomes = db.scalars(select(ScanLog.outcome).order_by(ScanLog.id)).all()
    assert outcomes == ["admitted", "already_checked_in", "invalid_code"]
    assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 1


def test_an_eventbrite_barcode_admits_its_booking(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    result = record_scan(db, " 12345678901234567890\n", session, desk="d", clock=at(0))
    assert result.outcome.code is OutcomeCode.ADMITTED
    assert result.outcome.delegate.first_name == "Zoë"


def test_a_cancelled_booking_is_refused_and_nothing_is_admitted(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    set_status(db, zoe.id, RegistrationStatus.CANCELLED, "refunded")
    db.commit()
    result = record_scan(db, zoe.badge_code, session, desk="d", clock=at(0))
    assert result.outcome.code is OutcomeCode.CANCELLED
    assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 0


def test_undo_within_two_minutes_and_not_after(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    record_scan(db, zoe.badge_code, session, desk="d", clock=at(0))
    assert undo_last_admission(db, session, desk="d", clock=at(3)) is None  # too late
    assert session_summaries(db)[0].checked_in == 1
    record_scan(db, book(db, session, "Ade", "Bello").badge_code, session, desk="d", clock=at(10))
    undone = undo_last_admission(db, session, desk="d", clock=at(11))
    assert undone is not None and undone.first_name == "Ade"
    assert db.scalar(select(func.count()).where(CheckinEvent.kind == EventKind.UNDO)) == 1
    assert session_summaries(db)[0].checked_in == 1
    # Ade can now be admitted again.
    ade = next(e for e in session_roster(db, session) if e.first_name == "Ade")
    assert record_scan(db, ade.badge_code, session, desk="d", clock=at(12)).outcome.admitted


def test_a_transfer_lets_the_old_badge_admit_at_the_new_session(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    lancaster = make_session(db, "LAN-1903", "Lancaster Town Hall", MORNING + timedelta(hours=1))
    db.commit()
    wrong = record_scan(db, zoe.badge_code, lancaster, desk="d", clock=at(0))
    assert wrong.outcome.code is OutcomeCode.WRONG_SESSION
    assert wrong.outcome.booked_session.code == "PRE-0312"
    transfer(db, wrong.outcome.registration_id, lancaster)
    db.commit()
    assert record_scan(db, zoe.badge_code, lancaster, desk="d", clock=at(1)).outcome.admitted
    statuses = {e.status for e in session_roster(db, session)}
    assert statuses == {"transferred"}
    back_at_preston = record_scan(db, zoe.badge_code, session, desk="d", clock=at(2))
    assert back_at_preston.outcome.code is OutcomeCode.WRONG_SESSION  # she is booked at Lancaster now


def test_a_person_booked_on_two_sessions_is_admitted_at_each_with_either_code(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    lancaster = make_session(db, "LAN-1903", "Lancaster Town Hall", MORNING + timedelta(hours=1))
    lancaster_booking = register(db, zoe.delegate, lancaster, source="test")
    other = book(db, lancaster, first="Ann", last="Lee", external="98765432109876543210")
    db.commit()

    # Preston's badge and Preston's Eventbrite barcode, scanned at Lancaster, admit her Lancaster booking.
    first = record_scan(db, zoe.badge_code, lancaster, desk="d", clock=at(0))
    assert first.outcome.code is OutcomeCode.ADMITTED
    assert first.outcome.registration_id == lancaster_booking.id
    again = record_scan(db, "12345678901234567890", lancaster, desk="d", clock=at(1))
    assert again.outcome.code is OutcomeCode.ALREADY_CHECKED_IN
    # Lancaster's badge admits her at Preston too, as Zoë, not as anyone else booked at Lancaster.
    at_preston = record_scan(db, lancaster_booking.badge_code, session, desk="d", clock=at(2))
    assert at_preston.outcome.code is OutcomeCode.ADMITTED
    assert at_preston.outcome.registration_id == zoe.id
    # Someone booked only at Lancaster is sent there, by badge and by barcode alike.
    for code in (other.badge_code, "98765432109876543210"):
        wrong = record_scan(db, code, session, desk="d", clock=at(3))
        assert wrong.outcome.code is OutcomeCode.WRONG_SESSION
        assert wrong.outcome.booked_session.code == "LAN-1903"
        assert wrong.outcome.delegate.first_name == "Ann"


def test_a_badge_of_another_programme_in_this_database_is_read_as_genuine(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    other_programme = Programme(title="Another programme", signing_key=new_signing_key())
    db.add(other_programme)
    db.flush()
    elsewhere = make_session(db, "OTH-0101", "Blackpool Town Hall", MORNING + timedelta(days=1))
    elsewhere.programme = other_programme
    visitor = book(db, elsewhere, first="Omar", last="Haddad")
    db.commit()
    assert verifies(visitor.badge_code, other_programme.signing_key)

    result = record_scan(db, visitor.badge_code, session, desk="d", clock=at(0))
    assert result.outcome.code is OutcomeCode.WRONG_SESSION
    forged = visitor.badge_code[:-1] + ("B" if visitor.badge_code[-1] != "B" else "C")
    assert record_scan(db, forged, session, desk="d", clock=at(1)).outcome.code is OutcomeCode.INVALID_CODE


def test_two_desks_admitting_one_person_leave_one_attendance_and_a_listed_conflict(zoe_with_external_code):
    database, db, session, zoe = zoe_with_external_code
    record_scan(db, zoe.badge_code, session, desk="door-1", clock=at(5))
    # The other desk's admission arrives later by sync: an event of its own, earlier in time.
    db.add(
        CheckinEvent(
            registration_id=zoe.id,
            session_id=session.id,
            kind=EventKind.IN,
            at=MORNING,
            desk="door-2",
            method=Method.SCANNER,
        )
    )
    db.commit()
    roster = session_roster(db, session)
    assert roster[0].checked_in_at == MORNING and roster[0].checked_in_desk == "door-2"
    conflicts = duplicate_admissions(db, session)
    assert [(e.desk, e.at) for e in conflicts[0].events] == [("door-2", MORNING), ("door-1", at(5)())]


def test_the_schema_and_a_scan_work_on_postgresql(pg_database_url):
    database = open_database(pg_database_url)
    try:
        with database.session() as db:
            session = make_session(db)
            zoe = book(db, session, external="ABCD-1")
            db.commit()
            assert record_scan(db, "abcd-1", session, desk="hub-desk", clock=at(0)).outcome.admitted
            again = record_scan(db, zoe.badge_code, session, desk="hub-desk", clock=at(1))
            assert again.outcome.code is OutcomeCode.ALREADY_CHECKED_IN
            assert again.outcome.earlier.at == MORNING
        # Opening again finds the schema current and changes nothing.
        open_database(pg_database_url).dispose()
    finally:
        database.dispose()


def test_check_in_events_cannot_be_changed_or_deleted(zoe_with_external_code):
    from checkin.store.models import AppendOnlyError

    database, db, session, zoe = zoe_with_external_code
    record_scan(db, zoe.badge_code, session, desk="d", clock=at(0))
    admission = db.scalars(select(CheckinEvent)).one()
    admission.desk = "somewhere else"
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()
    db.delete(db.scalars(select(CheckinEvent)).one())
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()
    assert db.scalars(select(CheckinEvent.desk)).all() == ["d"]


def test_the_schema_head_the_desk_checks_at_start_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from checkin.store.database import MIGRATIONS, SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migrated_schema_is_the_models_schema(backend, tmp_path, request):
    """A database made by the migrations has exactly the tables, columns and indexes the models say
    (a model changed without a migration, or the other way round, would fail here)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from checkin.store.database import open_database
    from checkin.store.models import Base

    url = tmp_path / "schema.sqlite3" if backend == "sqlite" else request.getfixturevalue("pg_database_url")
    database = open_database(url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = [
                difference
                for difference in compare_metadata(context, Base.metadata)
                if not (difference[0] == "remove_table" and difference[1].name == "alembic_version")
            ]
    finally:
        database.dispose()
    assert differences == []
