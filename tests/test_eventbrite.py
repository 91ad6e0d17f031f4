"""`checkin pull eventbrite`: an event's attendees from a local fake of Eventbrite's API (v3, as documented).

The fake speaks the documented shapes: `{"pagination": {..., "continuation", "has_more_items"},
"attendees": [...]}`, a bearer token, `continuation=` paging and `changed_since=` filtering.
"""

import base64
import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import at, make_session
from sqlalchemy import func, select

from checkin.cli import main
from checkin.desk.bookings import session_by_code
from checkin.desk.roster import session_roster
from checkin.desk.scanning import record_scan
from checkin.domain.decide import OutcomeCode
from checkin.importing import eventbrite
from checkin.importing.eventbrite import EventbriteError, pull_eventbrite
from checkin.store.database import open_database
from checkin.store.models import Delegate, Outbox, Registration
from checkin.store.outbox import read_state

TOKEN = "EBTOKEN-7Q2XK9PLMZ4R8WJ3"
EVENT = "812345678901"
SESSION = "PRE-0312"


def attendee(
    number: int,
    first: str,
    last: str,
    email: str | None,
    *,
    company: str = "",
    job_title: str = "",
    barcode: str | None = None,
    order: str | None = None,
    status: str = "Attending",
    refunded: bool = False,
    cancelled: bool = False,
    checked_in: bool = False,
    answers: dict[str, str] | None = None,
    changed: str = "2026-02-01T10:00:00Z",
) -> dict:
    """An attendee as the API documents it."""
    profile = {"first_name": first, "last_name": last, "name": f"{first} {last}".strip()}
    if email is not None:
        profile["email"] = email
    if company:
        profile["company"] = company
    if job_title:
        profile["job_title"] = job_title
    return {
        "id": str(3_000_000_000 + number),
        "order_id": order or str(1_500_000_000 + number),
        "ticket_class_name": "Delegate",
        "status": status,
        "checked_in": checked_in,
        "cancelled": cancelled,
        "refunded": refunded,
        "profile": profile,
        "barcodes": [{"barcode": barcode or f"{EVENT}{number:07d}001", "status": "unused"}],
        "answers": [
            {"question": q, "answer": a, "type": "text", "question_id": str(100 + i)}
            for i, (q, a) in enumerate((answers or {}).items())
        ]
        + [{"question": "Unanswered question", "type": "text", "question_id": "999"}],
        "created": "2026-01-20T09:00:00Z",
        "changed": changed,
    }


def barcode(number: int) -> str:
    return f"{EVENT}{number:07d}001"


class FakeEventbrite:
    """Eventbrite's attendees endpoint on 127.0.0.1, in a thread. `behaviour` bends it for a test."""

    def __init__(self, page_size: int = 2) -> None:
        self.page_size = page_size
        self.attendees: list[dict] = []
        self.requests: list[dict] = []
        self.behaviour = "normal"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):  # quiet
                pass

            def do_GET(self):
                fake.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def send(self, handler, status: int, body: bytes, content_type: str = "application/json") -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.requests.append(
            {"path": parts.path, "query": query, "authorization": handler.headers.get("Authorization")}
        )
        if handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            error = {"status_code": 401, "error": "INVALID_AUTH", "error_description": "Invalid token."}
            return self.send(handler, 401, json.dumps(error).encode())
        if parts.path != f"/v3/events/{EVENT}/attendees/":
            error = {"status_code": 404, "error": "NOT_FOUND", "error_description": "Not found."}
            return self.send(handler, 404, json.dumps(error).encode())
        if self.behaviour == "html":
            return self.send(handler, 200, b"<html><body>Service unavailable</body></html>", "text/html")
        if self.behaviour == "wrong-shape":
            return self.send(handler, 200, json.dumps({"events": []}).encode())
        if self.behaviour == "hang-up":
            handler.close_connection = True
            return None  # no answer at all: the connection just closes
        chosen = [a for a in self.attendees if a["changed"] >= query.get("changed_since", "")]
        start = int(base64.b64decode(query["continuation"]).decode()) if "continuation" in query else 0
        page = chosen[start : start + self.page_size]
        more = start + self.page_size < len(chosen)
        pagination = {
            "object_count": len(chosen),
            "page_number": start // self.page_size + 1,
            "page_size": self.page_size,
            "page_count": max(1, -(-len(chosen) // self.page_size)),
            "has_more_items": more,
        }
        if more:
            pagination["continuation"] = base64.b64encode(str(start + self.page_size).encode()).decode()
        if self.behaviour == "no-continuation":
            pagination.pop("continuation", None)
        if self.behaviour == "garbage-second-page" and start > 0:
            return self.send(handler, 200, b'{"pagination": {"has_more_items": fal')
        return self.send(handler, 200, json.dumps({"pagination": pagination, "attendees": page}).encode())


ATTENDEES = [
    attendee(
        1,
        "Zoë",
        "O'Neill",
        "zoe.oneill@example.org",
        company="Preston City Council",
        job_title="Licensing officer",
        answers={"Dietary requirements": "Vegetarian", "How did you hear about this training?": "Newsletter"},
    ),
    attendee(2, "Ade", "Bello", "a.bello@example.org", company="Lancashire Constabulary", order="1500000099"),
    # A group order: the second ticket of Ade's order has no email of its own.
    attendee(3, "Wiktor", "Nowak", None, company="Lancashire Constabulary", order="1500000099"),
    attendee(4, "Siobhán", "Kelly", "s.kelly@example.org", refunded=True, status="Not Attending"),
    attendee(5, "Ravi", "Patel", "r.patel@example.org", checked_in=True, status="Checked In"),
]


@pytest.fixture
def fake(monkeypatch):
    server = FakeEventbrite()
    server.attendees = [dict(a) for a in ATTENDEES]
    monkeypatch.setenv("CHECKIN_EVENTBRITE_URL", server.url)
    monkeypatch.setenv("EVENTBRITE_TOKEN", TOKEN)
    yield server
    server.close()


@pytest.fixture
def desk_file(tmp_path):
    path = tmp_path / "desk.sqlite3"
    database = open_database(path)
    with database.session() as db:
        make_session(db, SESSION)
        db.commit()
    yield path, database
    database.dispose()


def run(capsys, path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(path), "--desk", "door-1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def pull_json(capsys, path: Path) -> dict:
    code, out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION, "--json")
    assert code == 0, err
    return json.loads(out)


def roster(database) -> dict:
    with database.session() as db:
        return {e.last_name: e for e in session_roster(db, session_by_code(db, SESSION))}


def test_a_first_pull_reads_every_page_and_maps_attendees_as_the_csv_import_does(fake, desk_file, capsys):
    path, database = desk_file
    report = pull_json(capsys, path)
    assert (report["attendees"], report["pages"], report["changed_since"]) == (5, 3, None)
    assert (report["added"], report["updated"], report["unchanged"], report["cancelled"]) == (4, 0, 0, 1)
    assert report["format"] == "eventbrite" and report["errors"] == []

    # Three pages: the second and third asked for by the continuation the page before gave.
    assert [r["query"].get("continuation") for r in fake.requests] == [None, "Mg==", "NA=="]
    assert all(r["authorization"] == f"Bearer {TOKEN}" for r in fake.requests)
    assert all("changed_since" not in r["query"] for r in fake.requests)

    people = roster(database)
    zoe = people["O'Neill"]
    assert (zoe.first_name, zoe.email, zoe.organisation, zoe.job_title) == (
        "Zoë",
        "zoe.oneill@example.org",
        "Preston City Council",
        "Licensing officer",
    )
    assert zoe.dietary_needs == "Vegetarian"  # a question asking for a delegate field fills it
    assert zoe.external_codes == (barcode(1),)
    assert people["Kelly"].status == "cancelled"
    assert people["Nowak"].email == "" and people["Nowak"].organisation == "Lancashire Constabulary"
    assert people["Patel"].checked_in_at is None  # Eventbrite's check-in is not the desk's
    with database.session() as db:
        answers = db.scalars(
            select(Registration.answers).where(Registration.badge_code == zoe.badge_code)
        ).one()
        assert answers == {"How did you hear about this training?": "Newsletter"}
        # Written like an import: the sync outbox has the new rows, and the pull time is remembered.
        assert db.scalar(select(func.count()).select_from(Outbox)) > 0
        assert read_state(db, f"eventbrite:{EVENT}:pulled_at") is not None
        session = session_by_code(db, SESSION)
        # The Eventbrite barcode admits at the desk, and a refunded one does not.
        assert (
            record_scan(db, barcode(5), session, desk="door-1", clock=at(0)).outcome.code
            is OutcomeCode.ADMITTED
        )
        assert (
            record_scan(db, barcode(4), session, desk="door-1", clock=at(0)).outcome.code
            is OutcomeCode.CANCELLED
        )

    code, out, _err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 0 and out.startswith("Pulled 0 attendees changed since ")


def test_a_later_pull_asks_only_for_changes_since_the_last_one_and_applies_them(fake, desk_file):
    _path, database = desk_file
    first_time = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with database.session() as db:
        first = pull_eventbrite(
            db, EVENT, session_by_code(db, SESSION), token=TOKEN, clock=lambda: first_time
        )
        db.commit()
    assert (first.report.added, first.report.cancelled) == (4, 1)

    # Later on Eventbrite: Ade changed job, Ravi asked for a refund, a new booking came in.
    later = "2026-03-02T08:00:00Z"
    fake.attendees[1] = attendee(
        2,
        "Ade",
        "Bello",
        "a.bello@example.org",
        company="Lancashire Constabulary",
        job_title="PCSO",
        changed=later,
    )
    fake.attendees[4] = attendee(5, "Ravi", "Patel", "r.patel@example.org", refunded=True, changed=later)
    fake.attendees.append(
        attendee(6, "Ngozi", "Okafor", "n.okafor@example.org", company="Foodbank", changed=later)
    )
    fake.requests.clear()
    second_time = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with database.session() as db:
        second = pull_eventbrite(
            db, EVENT, session_by_code(db, SESSION), token=TOKEN, clock=lambda: second_time
        )
        db.commit()
    assert second.changed_since == "2026-03-01T11:50:00Z"  # the last pull, less ten minutes' overlap
    assert {r["query"]["changed_since"] for r in fake.requests} == {"2026-03-01T11:50:00Z"}
    assert second.attendees == 3
    report = second.report
    assert (report.added, report.updated, report.unchanged, report.cancelled) == (1, 1, 0, 1)
    assert not any("not in this file" in w for w in report.warnings)  # a list of changes leaves people out
    people = roster(database)
    assert people["Bello"].job_title == "PCSO"
    assert people["Patel"].status == "cancelled"
    assert people["Okafor"].organisation == "Foodbank"
    assert len(people) == 6

    fake.requests.clear()
    with database.session() as db:
        third = pull_eventbrite(
            db,
            EVENT,
            session_by_code(db, SESSION),
            token=TOKEN,
            clock=lambda: second_time + timedelta(hours=1),
        )
        db.commit()
    assert third.changed_since == "2026-03-02T08:50:00Z" and third.attendees == 0


def test_a_person_imported_from_an_eventbrite_csv_is_the_same_person_when_pulled(
    fake, desk_file, capsys, tmp_path
):
    path, database = desk_file
    export = tmp_path / "attendees.csv"
    export.write_text(
        "Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Attendee #,Barcode #,"
        "Attendee Status,Job Title,Company\n"
        f"1500000001,2026-01-20,Zoe,O'Neill,zoe.oneill@example.org,1,Delegate,3000000001,{barcode(1)},"
        "Attending,Licensing officer,Preston City Council\n",
        encoding="utf-8",
    )
    code, _out, err = run(capsys, path, "import", str(export), "--session", SESSION)
    assert code == 0, err
    report = pull_json(capsys, path)
    assert (report["added"], report["updated"], report["cancelled"]) == (3, 1, 1)  # Zoë's name gained its ë
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 5


def test_a_refused_token_is_one_line_exit_2_and_nothing_written(fake, desk_file, capsys, monkeypatch):
    path, database = desk_file
    monkeypatch.setenv("EVENTBRITE_TOKEN", "EBTOKEN-WRONG-ONE")
    code, out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "Eventbrite refused the token" in err
    assert "EBTOKEN-WRONG-ONE" not in err
    _assert_nothing_written(database)


def _assert_nothing_written(database) -> None:
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 0
        booked = Outbox.entity.in_(("delegate", "registration", "external_code"))
        assert db.scalar(select(func.count()).select_from(Outbox).where(booked)) == 0
        assert read_state(db, f"eventbrite:{EVENT}:pulled_at") is None


@pytest.mark.parametrize(
    ("behaviour", "says"),
    [
        ("html", "not JSON"),
        ("wrong-shape", "not an attendee list"),
        ("no-continuation", "more follow but not where"),
        ("garbage-second-page", "page 2 is not JSON"),  # the first page was fine: still nothing written
        ("hang-up", "cannot be reached"),
    ],
)
def test_an_answer_that_cannot_be_read_is_one_line_exit_2_and_nothing_written(
    fake, desk_file, capsys, behaviour, says
):
    path, database = desk_file
    fake.behaviour = behaviour
    code, out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and says in err, err
    assert "Traceback" not in err
    _assert_nothing_written(database)


def test_no_network_is_one_line_exit_2(desk_file, capsys, monkeypatch):
    path, database = desk_file
    monkeypatch.setenv("EVENTBRITE_TOKEN", TOKEN)
    monkeypatch.setenv("CHECKIN_EVENTBRITE_URL", "http://127.0.0.1:9")  # nothing listens there
    code, _out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 2 and "Eventbrite cannot be reached" in err and err.strip().count("\n") == 0
    _assert_nothing_written(database)


def test_a_server_that_never_answers_times_out():
    silent = __import__("socket").create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        port = silent.getsockname()[1]
        with pytest.raises(EventbriteError, match="cannot be reached"):
            eventbrite.fetch_attendees(EVENT, TOKEN, base=f"http://127.0.0.1:{port}", timeout=0.5)
    finally:
        silent.close()


def test_the_token_never_appears_in_output_logs_or_the_database(fake, desk_file, capsys, caplog, monkeypatch):
    path, database = desk_file
    caplog.set_level(logging.DEBUG)
    texts = []
    code, out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION, "--json")
    assert code == 0
    texts += [out, err]
    for behaviour in ("html", "hang-up"):
        fake.behaviour = behaviour
        texts += list(run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)[1:])
    fake.behaviour = "normal"
    # From the keyring when the environment has none.
    monkeypatch.delenv("EVENTBRITE_TOKEN")
    import keyring

    asked = []
    monkeypatch.setattr(keyring, "get_password", lambda service, user: asked.append((service, user)) or TOKEN)
    code, out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 0 and asked == [("Check-in Desk Eventbrite", "token")]
    texts += [out, err, caplog.text]
    assert not any(TOKEN in text for text in texts)
    database.dispose()
    for stored in path.parent.glob("desk.sqlite3*"):  # the database, its WAL and shared memory
        assert TOKEN.encode() not in stored.read_bytes()


def test_without_a_token_it_says_where_to_put_one(desk_file, capsys, monkeypatch):
    path, _database = desk_file
    monkeypatch.delenv("EVENTBRITE_TOKEN", raising=False)
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    code, _out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 2 and "EVENTBRITE_TOKEN" in err and "keyring" in err


def test_the_token_is_not_sent_on_to_where_a_redirect_points(fake, desk_file, monkeypatch):
    _path, database = desk_file
    elsewhere = FakeEventbrite()
    try:

        class Redirecting(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                self.send_response(302)
                self.send_header("Location", elsewhere.url + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

        redirector = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
        threading.Thread(target=redirector.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{redirector.server_address[1]}"
        with pytest.raises(EventbriteError, match="refused the token"):
            eventbrite.fetch_attendees(EVENT, TOKEN, base=base)
        assert [r["authorization"] for r in elsewhere.requests] == [None]
        redirector.shutdown()
        redirector.server_close()
    finally:
        elsewhere.close()


def test_plain_http_is_refused_except_to_this_computer(desk_file, capsys, monkeypatch):
    path, database = desk_file
    monkeypatch.setenv("EVENTBRITE_TOKEN", TOKEN)
    monkeypatch.setenv("CHECKIN_EVENTBRITE_URL", "http://eventbrite.example.org")
    code, _out, err = run(capsys, path, "pull", "eventbrite", "--event", EVENT, "--session", SESSION)
    assert code == 2 and "https://" in err
    _assert_nothing_written(database)


def test_an_event_address_gives_its_id_and_other_text_is_refused():
    assert (
        eventbrite.event_id_of(f"https://www.eventbrite.co.uk/e/spotting-modern-slavery-tickets-{EVENT}")
        == EVENT
    )
    assert eventbrite.event_id_of(f" {EVENT} ") == EVENT
    with pytest.raises(EventbriteError, match="not an Eventbrite event id"):
        eventbrite.event_id_of("spotting modern slavery")
