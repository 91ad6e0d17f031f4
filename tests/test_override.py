"""Organiser override: a refusal admitted anyway with the organiser PIN is recorded as a check-in with the
method `override`, with who and why in the audit log, and counted apart on the dashboard."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from factories import MORNING, at, book, make_session, new_database
from sqlalchemy import select

from checkin.desk.dashboard import session_figures
from checkin.desk.pin import set_pin
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import RegistrationStatus
from checkin.settings import Settings
from checkin.store.models import AuditLog, CheckinEvent

PIN = "246810"


@pytest.fixture
def last_year(tmp_path):
    """PRE-0312 on 12 March 2026, with Zoë booked and Ade cancelled; a desk whose settings hold the PIN."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        codes = {
            "zoe": book(db, session).badge_code,
            "ade": book(db, session, "Ade", "Bello", status=RegistrationStatus.CANCELLED).badge_code,
        }
        db.commit()
    database.dispose()
    settings = tmp_path / "settings.json"
    set_pin(Settings(settings), PIN)
    env = {**os.environ, "CHECKIN_SETTINGS": str(settings)}
    env.pop("CHECKIN_PIN", None)
    return tmp_path / "desk.sqlite3", codes, env


def run(*args: str, db, env, stdin: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "checkin.cli", "--db", str(db), "--desk", "door-1", *args]
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=60, env=env, input=stdin
    )


def rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_force_with_checkin_pin_admits_as_an_override_with_an_audit_row(last_year):
    db, codes, env = last_year
    refused = run("scan", codes["zoe"], "--session", "PRE-0312", "--json", db=db, env=env)
    assert (refused.returncode, json.loads(refused.stdout)["outcome"]) == (1, "not_today")
    forced = run(
        "scan",
        codes["zoe"],
        "--session",
        "PRE-0312",
        "--json",
        "--force",
        db=db,
        env={**env, "CHECKIN_PIN": PIN},
    )
    assert forced.returncode == 0, forced.stderr
    document = json.loads(forced.stdout)
    assert (document["outcome"], document["method"], document["desk"]) == ("admitted", "override", "door-1")
    assert document["delegate"]["first_name"] == "Zoë" and document["checked_in_at"]
    assert rows(db, "select kind, method, desk, operator from checkin_event") == [
        ("in", "override", "door-1", "organiser")
    ]
    [(desk, operator, detail)] = rows(
        db, "select desk, operator, detail from audit_log where action = 'override'"
    )
    assert (desk, operator) == ("door-1", "organiser")
    assert "not_today" in detail and "This session is on Thu 12 March" in detail


def test_force_reads_the_pin_from_standard_input(last_year):
    db, codes, env = last_year
    forced = run("scan", codes["ade"], "--session", "PRE-0312", "--force", db=db, env=env, stdin=PIN + "\n")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("ADMITTED")
    assert rows(db, "select method from checkin_event") == [("override",)]
    [(detail,)] = rows(db, "select detail from audit_log where action = 'override'")
    assert "not_today" in detail  # the first refusal the decision met is the one overridden


def test_a_wrong_pin_refuses_with_the_pin_message_and_records_nothing(last_year):
    db, codes, env = last_year
    before = {
        table: rows(db, f"select count(*) from {table}")
        for table in ("checkin_event", "scan_log", "audit_log")
    }
    wrong = run(
        "scan",
        codes["zoe"],
        "--session",
        "PRE-0312",
        "--force",
        "--json",
        db=db,
        env={**env, "CHECKIN_PIN": "111111"},
    )
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert "That PIN is not right. 4 tries left before the PIN locks for a while." in wrong.stderr
    after = {
        table: rows(db, f"select count(*) from {table}")
        for table in ("checkin_event", "scan_log", "audit_log")
    }
    assert after == before
    assert Settings(Path(env["CHECKIN_SETTINGS"])).get("pin_failures") == 1


def test_force_without_any_pin_given_is_a_usage_error(last_year):
    db, codes, env = last_year
    result = run("scan", codes["zoe"], "--session", "PRE-0312", "--force", db=db, env=env, stdin="")
    assert result.returncode == 2 and "organiser PIN" in result.stderr
    assert rows(db, "select count(*) from scan_log") == [(0,)]


def test_an_invalid_code_is_never_admitted_anyway(last_year):
    db, codes, env = last_year
    forged = codes["zoe"][:-1] + ("B" if codes["zoe"][-1] != "B" else "C")
    result = run(
        "scan", forged, "--session", "PRE-0312", "--force", "--json", db=db, env={**env, "CHECKIN_PIN": PIN}
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["outcome"] == "invalid_code"
    assert rows(db, "select count(*) from checkin_event") == [(0,)]
    assert rows(db, "select count(*) from audit_log where action = 'override'") == [(0,)]


def test_force_on_a_scan_that_admits_anyway_is_an_ordinary_admission(tmp_path, last_year):
    _db, _codes, env = last_year
    database = new_database(tmp_path, "today.sqlite3")
    from datetime import UTC, datetime

    with database.session() as db:
        zoe = book(db, make_session(db, starts=datetime.now(UTC) + timedelta(minutes=30)))
        db.commit()
        badge = zoe.badge_code
    database.dispose()
    result = run(
        "scan", badge, "--session", "PRE-0312", "--force", "--json",
        db=tmp_path / "today.sqlite3", env={**env, "CHECKIN_PIN": PIN},
    )  # fmt: skip
    assert result.returncode == 0
    assert json.loads(result.stdout)["method"] == "command-line"


# ---- in the core: what can be overridden, and the dashboard ------------------------------------------


@pytest.fixture
def preston(tmp_path):
    database = new_database(tmp_path, "core.sqlite3")
    with database.session() as db:
        preston = make_session(db)
        lancaster = make_session(db, "LAN-0312", "Lancaster Town Hall", MORNING)
        people = {
            "zoe": book(db, preston),
            "ade": book(db, preston, "Ade", "Bello", status=RegistrationStatus.CANCELLED),
            "wiktor": book(db, lancaster, "Wiktor", "Nowak"),
        }
        db.commit()
        yield db, preston, people
    database.dispose()


def test_the_dashboard_counts_overrides_apart(preston):
    db, session, people = preston
    record_scan(db, people["zoe"].badge_code, session, desk="door-1", clock=at(0))
    forced = record_scan(db, people["ade"].badge_code, session, desk="door-1", clock=at(1), override=True)
    assert (forced.outcome.code, forced.method) == (OutcomeCode.ADMITTED, "override")
    again = record_scan(db, people["zoe"].badge_code, session, desk="door-1", clock=at(2), override=True)
    assert again.method == "override"  # already checked in, admitted again on purpose: the record shows it
    figures = session_figures(db, session.id, MORNING + timedelta(minutes=3))
    assert figures.overrides == 2
    assert figures.checked_in == 1  # Ade's booking stays cancelled: not among those expected
    undo_last_admission(db, session, desk="door-1", clock=at(3))
    assert session_figures(db, session.id, MORNING + timedelta(minutes=4)).overrides == 1


def test_a_code_of_another_session_or_unknown_is_not_overridden(preston):
    db, session, people = preston
    wrong = record_scan(db, people["wiktor"].badge_code, session, desk="d", clock=at(0), override=True)
    assert wrong.outcome.code is OutcomeCode.WRONG_SESSION  # its own action moves the booking here
    unknown = record_scan(db, "12345678901234567890", session, desk="d", clock=at(0), override=True)
    assert unknown.outcome.code is OutcomeCode.NOT_FOUND
    assert db.scalars(select(CheckinEvent)).all() == []
    assert db.scalars(select(AuditLog).where(AuditLog.action == "override")).all() == []
