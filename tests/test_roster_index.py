"""The roster for long lists (ids, pages of rows), editing a delegate, a booking's history, and an
import's column mapping chosen by the person importing."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import MORNING, book, make_session, new_database
from sqlalchemy import select

from checkin.desk.bookings import session_by_code, set_status
from checkin.desk.delegate_edits import delegate_details, update_delegate
from checkin.desk.roster_index import (
    RosterColumn,
    RosterFilter,
    RosterSort,
    roster_ids,
    roster_organisations,
    roster_rows,
    roster_size,
)
from checkin.desk.scan_history import registration_history
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.desk.search import search
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UsageError
from checkin.importing.applying import import_delegate_list
from checkin.importing.reading import read_delegate_list
from checkin.store.database import Database
from checkin.store.models import AuditLog, Delegate, PrintLog

PEOPLE = [
    # first, last, organisation
    ("Zoë", "O'Neill", "Preston City Council"),
    ("Amir", "Begum", "Lancashire Constabulary"),
    ("Carys", "Ashworth", ""),
    ("Dmitri", "Nowak", "Blackpool Foodbank"),
    ("Erin", "begum", "NHS Lancashire"),
]


@pytest.fixture
def five_people(tmp_path: Path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        regs = {
            last + first: book(db, session, first, last, organisation).id
            for first, last, organisation in PEOPLE
        }
        db.commit()
        session_id = session.id
    yield database, session_id, regs
    database.dispose()


def names(database: Database, ids: list[int]) -> list[str]:
    with database.session() as db:
        return [f"{row.first_name} {row.last_name}" for row in roster_rows(db, ids)]


def ids_of(database: Database, session_id: int, sort: RosterSort | None = None, **filters) -> list[int]:
    with database.session() as db:
        return roster_ids(db, session_id, sort, RosterFilter(**filters))


def test_sorted_by_surname_case_ignored_then_first_name(five_people) -> None:
    database, session_id, _ = five_people
    assert names(database, ids_of(database, session_id)) == [
        "Carys Ashworth", "Amir Begum", "Erin begum", "Dmitri Nowak", "Zoë O'Neill",
    ]  # fmt: skip
    descending = ids_of(database, session_id, RosterSort(RosterColumn.SURNAME, descending=True))
    assert names(database, descending)[0] == "Zoë O'Neill"


def test_sorted_by_organisation_puts_blanks_last_both_ways(five_people) -> None:
    database, session_id, _ = five_people
    up = names(database, ids_of(database, session_id, RosterSort(RosterColumn.ORGANISATION)))
    down = names(
        database, ids_of(database, session_id, RosterSort(RosterColumn.ORGANISATION, descending=True))
    )
    assert up == ["Dmitri Nowak", "Amir Begum", "Erin begum", "Zoë O'Neill", "Carys Ashworth"]
    assert down == ["Zoë O'Neill", "Erin begum", "Amir Begum", "Dmitri Nowak", "Carys Ashworth"]


def test_filters_by_status_text_and_organisation(five_people) -> None:
    database, session_id, regs = five_people
    with database.session() as db:
        set_status(db, regs["NowakDmitri"], RegistrationStatus.CANCELLED, "refunded")
        db.commit()
    assert names(database, ids_of(database, session_id, statuses=("cancelled",))) == ["Dmitri Nowak"]
    assert len(ids_of(database, session_id, statuses=("booked", "walk_in"))) == 4
    with database.session() as db:
        assert roster_size(db, session_id) == 5
    assert names(database, ids_of(database, session_id, text="zoe oneill")) == ["Zoë O'Neill"]
    assert names(database, ids_of(database, session_id, organisation="lancashire")) == [
        "Amir Begum",
        "Erin begum",
    ]
    assert ids_of(database, session_id, text="100%") == []  # LIKE's wildcards are text here


def test_checked_in_filter_and_sort_come_from_events(five_people) -> None:
    database, session_id, regs = five_people
    with database.session() as db:
        session = session_by_code(db, "PRE-0312")
        codes = {
            row.last_name + row.first_name: row.badge_code for row in roster_rows(db, list(regs.values()))
        }
        record_scan(
            db, codes["BegumAmir"], session, desk="door-1", clock=lambda: MORNING + timedelta(minutes=5)
        )
        record_scan(db, codes["NowakDmitri"], session, desk="door-2", clock=lambda: MORNING)
        record_scan(
            db, codes["AshworthCarys"], session, desk="door-1", clock=lambda: MORNING + timedelta(minutes=9)
        )
        # An undone admission does not count.
        undo_last_admission(db, session, desk="door-1", clock=lambda: MORNING + timedelta(minutes=10))
    assert set(ids_of(database, session_id, checked_in=True)) == {regs["BegumAmir"], regs["NowakDmitri"]}
    assert len(ids_of(database, session_id, checked_in=False)) == 3
    by_arrival = names(database, ids_of(database, session_id, RosterSort(RosterColumn.CHECKED_IN)))
    assert by_arrival[:2] == ["Dmitri Nowak", "Amir Begum"]
    assert by_arrival[2:] == ["Carys Ashworth", "Erin begum", "Zoë O'Neill"]  # not in yet: by name
    latest_first = ids_of(database, session_id, RosterSort(RosterColumn.CHECKED_IN, descending=True))
    assert names(database, latest_first)[:2] == ["Amir Begum", "Dmitri Nowak"]
    with database.session() as db:
        rows = {row.last_name + row.first_name: row for row in roster_rows(db, list(regs.values()))}
    assert rows["NowakDmitri"].checked_in_at == MORNING and rows["NowakDmitri"].checked_in_desk == "door-2"
    assert rows["AshworthCarys"].checked_in_at is None


def test_rows_keep_the_order_asked_and_count_prints(five_people) -> None:
    database, session_id, regs = five_people
    with database.session() as db:
        for reprint in (False, True):
            db.add(
                PrintLog(
                    at=MORNING,
                    desk="door-1",
                    registration_id=regs["begumErin"],
                    stock="L7418",
                    reprint=reprint,
                )
            )
        db.commit()
        wanted = [regs["O'NeillZoë"], regs["begumErin"], 999_999]
        rows = roster_rows(db, wanted)
        assert [row.registration_id for row in rows] == wanted[:2]  # an unknown id is left out
        assert [row.badges_printed for row in rows] == [0, 2]
        assert rows[0].display_name == "Zoë O'Neill"
        by_badge = roster_ids(db, session_id, RosterSort(RosterColumn.BADGE_PRINTED, descending=True))
        assert by_badge[0] == regs["begumErin"]
        assert roster_organisations(db, session_id) == [
            "Blackpool Foodbank", "Lancashire Constabulary", "NHS Lancashire", "Preston City Council",
        ]  # fmt: skip


def test_an_edit_changes_the_name_everywhere_and_audits_without_personal_data(five_people) -> None:
    database, session_id, regs = five_people
    with database.session() as db:
        delegate_id = roster_rows(db, [regs["NowakDmitri"]])[0].delegate_id
        changed = update_delegate(
            db,
            delegate_id,
            {
                "last_name": " Nowakowski ",
                "email": "D.Nowak@Example.org",
                "job_title": "",
                "first_name": "Dmitri",
            },
            desk="door-1",
            clock=lambda: MORNING,
        )
        db.commit()
        assert changed == ("last_name", "email")
        details = delegate_details(db, delegate_id)
        assert (details.last_name, details.email) == ("Nowakowski", "d.nowak@example.org")
        assert [hit.last_name for hit in search(db, "nowakowski", session_id)] == ["Nowakowski"]
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "edit")).one()
        assert audit.detail == f"delegate {delegate_id}: last_name, email"
        assert "Nowak" not in audit.detail and "example" not in audit.detail
        assert update_delegate(db, delegate_id, {"last_name": "Nowakowski"}) == ()  # nothing new


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not an address"}, "not an email address"),
        ({"first_name": " ", "last_name": ""}, "needs a first name or a last name"),
    ],
)
def test_an_edit_the_desk_cannot_make_is_refused(five_people, changes, message) -> None:
    database, _session_id, regs = five_people
    with database.session() as db:
        delegate_id = roster_rows(db, [regs["BegumAmir"]])[0].delegate_id
        with pytest.raises(UsageError, match=message):
            update_delegate(db, delegate_id, changes)
        with pytest.raises(ValueError, match="badge_code"):
            update_delegate(db, delegate_id, {"badge_code": "X"})


def test_history_lists_scans_events_and_prints_in_time_order(five_people) -> None:
    database, _session_id, regs = five_people
    with database.session() as db:
        session = session_by_code(db, "PRE-0312")
        code = roster_rows(db, [regs["BegumAmir"]])[0].badge_code
        record_scan(db, code, session, desk="door-1", clock=lambda: MORNING)
        record_scan(db, code, session, desk="door-2", clock=lambda: MORNING + timedelta(minutes=1))
        db.add(
            PrintLog(
                at=MORNING + timedelta(minutes=2),
                desk="door-2",
                registration_id=regs["BegumAmir"],
                stock="L7418",
                reprint=True,
            )
        )
        db.commit()
        history = registration_history(db, regs["BegumAmir"])
    assert [(line.source, line.result, line.desk) for line in history] == [
        ("scan", "admitted", "door-1"),
        ("event", "in", "door-1"),
        ("scan", "already_checked_in", "door-2"),
        ("print", "reprinted", "door-2"),
    ]
    assert history[0].method == "scanner" and history[0].where == "PRE-0312"
    assert all(line.at.tzinfo is not None for line in history)


# --------------------------------------------------------------------------------------------------
# Column mapping chosen by the person importing

FORM = [
    ["Full name", "Email", "Which team are you in?", "Anything else?"],
    ["Ada Lovelace", "ada@example.org", "Safeguarding", "Vegan"],
    ["Grace Hopper", "grace@example.org", "Housing", ""],
]


def write_form(path: Path) -> Path:
    path.write_text("\n".join(",".join(row) for row in FORM) + "\n", encoding="utf-8")
    return path


def test_mapping_overrides_assign_an_unrecognised_column(tmp_path: Path) -> None:
    path = write_form(tmp_path / "form.csv")
    plain = read_delegate_list(path)
    assert plain.column_mapping["Which team are you in?"] == "answer"
    assert plain.rows[0].answers == {"Which team are you in?": "Safeguarding", "Anything else?": "Vegan"}

    chosen = read_delegate_list(
        path, {"Which team are you in?": "organisation", "Anything else?": "dietary_needs"}
    )
    assert chosen.column_mapping["Which team are you in?"] == "organisation"
    assert [(row.organisation, row.dietary_needs, row.answers) for row in chosen.rows] == [
        ("Safeguarding", "Vegan", {}),
        ("Housing", "", {}),
    ]
    # The person's choice wins over a recognised column for the same field; unknown headings are left out.
    swapped = read_delegate_list(
        path, {"Anything else?": "full_name", "Email": "ignored", "No such column": "phone"}
    )
    assert [(row.first_name, row.last_name, row.email) for row in swapped.rows] == [
        ("Vegan", "", ""),
        ("Grace", "Hopper", ""),  # an empty cell falls back to the recognised column
    ]
    with pytest.raises(ValueError, match="shoe_size"):
        read_delegate_list(path, {"Email": "shoe_size"})


def test_import_passes_the_mapping_and_none_keeps_the_recognition(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        db.commit()
        path = write_form(tmp_path / "form.csv")
        report = import_delegate_list(db, path, session, dry_run=True, mapping_overrides=None)
        assert report.column_mapping["Which team are you in?"] == "answer"
        report = import_delegate_list(
            db, path, session, clock=lambda: datetime(2026, 3, 1, tzinfo=UTC),
            mapping_overrides={"Which team are you in?": "organisation"},
        )  # fmt: skip
        db.commit()
        assert report.added == 2
        assert report.column_mapping["Which team are you in?"] == "organisation"
        organisations = set(db.scalars(select(Delegate.organisation)))
    assert organisations == {"Safeguarding", "Housing"}
    database.dispose()


def test_the_sql_arrival_rule_is_current_checkin(tmp_path: Path) -> None:
    """The grouped query that filters and sorts by arrival agrees with checkin.domain.decide.current_checkin."""
    from checkin.desk.roster import attendance
    from checkin.store.models import CheckinEvent, Segment

    database = new_database(tmp_path)
    minute = timedelta(minutes=1)
    stories = {
        "in": [("in", 0)],
        "in twice, the earlier counts": [("in", 5), ("in", 2)],
        "in then undone": [("in", 0), ("undo", 1)],
        "in, undone, in again": [("in", 0), ("undo", 1), ("in", 3)],
        "in then out": [("in", 0), ("out", 4)],
        "in, out, in again": [("in", 0), ("out", 4), ("in", 7), ("in", 9)],
        "out undone": [("in", 0), ("out", 4), ("undo", 5)],
        "only a roll-call mark": [("mark", 0)],
        "never": [],
    }
    with database.session() as db:
        session = make_session(db)
        registrations = {}
        for i, (story, steps) in enumerate(stories.items()):
            registration = book(db, session, f"P{i}", story)
            registrations[story] = registration.id
            last_uuid = None
            for kind, at in steps:
                event = CheckinEvent(
                    registration_id=registration.id,
                    session_id=session.id,
                    kind="in" if kind == "mark" else kind,
                    segment_id=session.segments[0].id if kind == "mark" else None,
                    undoes=last_uuid if kind == "undo" else None,
                    at=MORNING + at * minute + i * timedelta(seconds=1),
                    desk="door-1",
                    method="scanner",
                )
                db.add(event)
                db.flush()
                last_uuid = event.uuid
        db.commit()
        assert isinstance(session.segments[0], Segment)
        expected = attendance(db, session.id)
        in_now = set(roster_ids(db, session.id, None, RosterFilter(checked_in=True)))
        by_arrival = roster_ids(db, session.id, RosterSort(RosterColumn.CHECKED_IN))
    assert in_now == set(expected)
    assert {story for story, rid in registrations.items() if rid in in_now} == {
        "in", "in twice, the earlier counts", "in, undone, in again", "in, out, in again", "out undone",
    }  # fmt: skip
    assert by_arrival[: len(expected)] == sorted(expected, key=lambda rid: expected[rid][0])
    database.dispose()
