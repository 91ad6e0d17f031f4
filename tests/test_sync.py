"""Many desks, one record: desks apart, then synced through a real PostgreSQL hub (and by bundle files)."""

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from factories import admits_any_day, at, book, make_session
from sqlalchemy import func, insert, select, text

from checkin.desk.bookings import session_by_code
from checkin.desk.conflicts import duplicate_admissions
from checkin.desk.roster import session_roster
from checkin.desk.scanning import record_scan
from checkin.domain.clock import utc_now
from checkin.domain.decide import OutcomeCode
from checkin.errors import UsageError
from checkin.store.database import open_database
from checkin.store.models import CheckinEvent, Delegate, Outbox, Registration
from checkin.sync.bundle import export_bundle, import_bundle
from checkin.sync.hub import HubError, check_hub, hub_engine, init_hub, sync_round
from checkin.sync.hub_schema import VERSION_TABLE, hub_change
from checkin.sync.merge import apply_changes


@pytest.fixture
def organiser_desk(tmp_path):
    """The desk the organiser set up: a session with five bookings."""
    database = open_database(tmp_path / "organiser.sqlite3")
    with database.session() as db:
        session = make_session(db)
        for first, last in [
            ("Zoë", "O'Neill"),
            ("Ade", "Bello"),
            ("Wiktor", "Nowak"),
            ("Siobhán", "Kelly"),
            ("Ravi", "Patel"),
        ]:
            book(
                db,
                session,
                first,
                last,
                email=f"{first[0].lower()}.{last.lower().replace(chr(39), '')}@example.org",
            )
        db.commit()
    yield database
    database.dispose()


def new_desk(tmp_path, name):
    return open_database(tmp_path / f"{name}.sqlite3")


def people(database, code="PRE-0312"):
    with database.session() as db:
        return {e.last_name: e for e in session_roster(db, session_by_code(db, code))}


def scan(database, badge_code, desk, minutes, code="PRE-0312"):
    with database.session() as db:
        db.info["clock"] = at(minutes)
        return record_scan(
            db, badge_code, session_by_code(db, code), desk=desk, clock=at(minutes)
        ).outcome.code


def attendance(database, code="PRE-0312"):
    return {name: (e.checked_in_at, e.checked_in_desk) for name, e in people(database, code).items()}


@pytest.fixture
def two_desks(organiser_desk, pg_database_url, tmp_path):
    init_hub(organiser_desk, pg_database_url)
    other = new_desk(tmp_path, "door-2")
    sync_round(other, pg_database_url)
    yield organiser_desk, other, pg_database_url
    other.dispose()


def test_an_empty_desk_receives_the_whole_programme_and_its_badges_admit_there(two_desks):
    organiser, other, _hub = two_desks
    assert set(people(other)) == set(people(organiser))
    zoe = people(other)["O'Neill"]
    assert zoe.badge_code == people(organiser)["O'Neill"].badge_code
    # The signing key came too: the badge verifies and admits at the new desk.
    assert scan(other, zoe.badge_code, "door-2", 1) is OutcomeCode.ADMITTED
    with other.session() as db:  # the accent-free search key was rebuilt on arrival
        assert db.scalar(select(Delegate.search_key).where(Delegate.last_name == "O'Neill")).startswith(
            "zoe oneill"
        )


def test_two_desks_admitting_different_people_apart_both_see_everyone(two_desks):
    organiser, other, hub = two_desks
    scan(organiser, people(organiser)["O'Neill"].badge_code, "door-1", 1)
    scan(organiser, people(organiser)["Bello"].badge_code, "door-1", 2)
    scan(other, people(other)["Nowak"].badge_code, "door-2", 1.5)
    for desk in (organiser, other, organiser):
        sync_round(desk, hub)
    expected = {"O'Neill": "door-1", "Bello": "door-1", "Nowak": "door-2"}
    for desk in (organiser, other):
        seen = {name: where for name, (when, where) in attendance(desk).items() if when}
        assert seen == expected
    assert attendance(organiser) == attendance(other)


def test_the_same_person_admitted_by_two_desks_apart_counts_once_and_is_listed_on_both(two_desks):
    organiser, other, hub = two_desks
    zoe = people(organiser)["O'Neill"].badge_code
    assert scan(organiser, zoe, "door-1", 5) is OutcomeCode.ADMITTED
    assert scan(other, zoe, "door-2", 3) is OutcomeCode.ADMITTED  # apart: door-2 could not know
    for desk in (organiser, other, organiser):
        sync_round(desk, hub)
    for desk in (organiser, other):
        when, where = attendance(desk)["O'Neill"]
        assert (when, where) == (at(3)(), "door-2")  # the earlier admission counts
        with desk.session() as db:
            [conflict] = duplicate_admissions(db, session_by_code(db, "PRE-0312"))
            assert [e.desk for e in conflict.events] == ["door-2", "door-1"]
            assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 2  # both events survive
    # And from the command line, as a supervisor would ask:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "--db",
            other.engine.url.database,
            "conflicts",
            "--session",
            "PRE-0312",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = json.loads(out)
    assert listed[0]["delegate"]["last_name"] == "O'Neill"
    assert [e["desk"] for e in listed[0]["events"]] == ["door-2", "door-1"]


def edit(database, last_name, minutes, **changes):
    """An edit made `minutes` after the real now, by this desk's clock."""
    moment = utc_now() + timedelta(minutes=minutes)
    with database.session() as db:
        db.info["clock"] = lambda: moment
        delegate = db.scalars(select(Delegate).where(Delegate.last_name == last_name)).one()
        for name, value in changes.items():
            setattr(delegate, name, value)
        db.commit()


def test_edits_to_different_fields_on_two_desks_both_survive_and_the_later_edit_of_a_field_wins(two_desks):
    organiser, other, hub = two_desks
    edit(organiser, "Bello", 10, organisation="Lancashire Constabulary", job_title="PCSO")
    edit(other, "Bello", 20, dietary_needs="Vegan", job_title="Police community support officer")
    for desk in (organiser, other, organiser):
        sync_round(desk, hub)
    for desk in (organiser, other):
        ade = people(desk)["Bello"]
        assert ade.organisation == "Lancashire Constabulary"
        assert ade.dietary_needs == "Vegan"
        assert ade.job_title == "Police community support officer"


def test_a_desk_whose_clock_is_hours_wrong_still_orders_edits_it_has_seen(two_desks):
    organiser, other, hub = two_desks
    edit(organiser, "Kelly", 600, badge_name="Shiv")  # the organiser's clock is ten hours fast
    sync_round(organiser, hub)
    sync_round(other, hub)
    edit(other, "Kelly", 0, badge_name="Siobhán")  # made after seeing the first edit, on a correct clock
    sync_round(other, hub)
    sync_round(organiser, hub)
    assert people(organiser)["Kelly"].badge_name == people(other)["Kelly"].badge_name == "Siobhán"


def test_a_desk_offline_for_a_day_catches_up_in_one_round(two_desks):
    organiser, other, hub = two_desks
    with organiser.session() as db:  # a two-day course: the second day's scans admit
        session_by_code(db, "PRE-0312").ends_at = at(31 * 60)()
        db.commit()
    sync_round(organiser, hub)
    sync_round(other, hub)
    for index, name in enumerate(["O'Neill", "Bello", "Nowak"]):
        scan(organiser, people(organiser)[name].badge_code, "door-1", index)
        sync_round(organiser, hub)
    for index, name in enumerate(["Kelly", "Patel"]):
        scan(other, people(other)[name].badge_code, "door-2", 24 * 60 + index)  # a day later, never online
    sync_round(other, hub)
    sync_round(organiser, hub)
    assert attendance(organiser) == attendance(other)
    assert all(when for when, _desk in attendance(other).values())


def test_resending_after_a_lost_reply_changes_nothing(two_desks):
    organiser, other, hub = two_desks
    scan(organiser, people(organiser)["Patel"].badge_code, "door-1", 1)
    with organiser.session() as db:
        pending = list(db.scalars(select(Outbox)))
    sync_round(organiser, hub)
    with organiser.session() as db:  # as if the hub's "done" never arrived: the same changes again
        for row in pending:
            db.merge(row)
        db.commit()
    sync_round(organiser, hub)
    sync_round(other, hub)
    with other.session() as db:
        assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 1


def test_a_hub_of_another_programme_is_refused_and_the_desk_is_untouched(
    two_desks, tmp_path, pg_database_url
):
    _organiser, _other, hub = two_desks
    stranger = new_desk(tmp_path, "stranger")
    with stranger.session() as db:
        make_session(db, "BUR-0101", "Burnley Town Hall")
        db.commit()
    before = stranger.engine.url.database
    with pytest.raises(HubError, match="another programme"):
        sync_round(stranger, hub)
    with stranger.session() as db:
        assert db.scalar(select(func.count()).select_from(Delegate)) == 0
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "--db", before, "sync", "--hub", hub],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    stranger.dispose()


def test_an_unreachable_hub_is_one_line_and_exit_2(tmp_path):
    db = tmp_path / "desk.sqlite3"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "--db",
            str(db),
            "sync",
            "--hub",
            "postgresql://desk@127.0.0.1:9/hub",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr


def test_bundles_carry_changes_between_desks_without_a_network(organiser_desk, tmp_path):
    bundle = tmp_path / "usb" / "organiser.bundle"
    with organiser_desk.session() as db:
        export_bundle(db, bundle)
    field_desk = new_desk(tmp_path, "village-hall")
    with field_desk.session() as db:
        first = import_bundle(db, bundle)
        again = import_bundle(db, bundle)
    assert first.applied > 0 and again.applied == 0
    zoe = people(field_desk)["O'Neill"]
    assert scan(field_desk, zoe.badge_code, "village", 1) is OutcomeCode.ADMITTED
    # ...and back: the field desk's admission reaches the organiser by the return bundle.
    back = tmp_path / "usb" / "village.bundle"
    with field_desk.session() as db:
        export_bundle(db, back)
    with organiser_desk.session() as db:
        import_bundle(db, back)
        import_bundle(db, back)
    assert attendance(organiser_desk)["O'Neill"] == (at(1)(), "village")
    with organiser_desk.session() as db:
        assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 1
    bogus = tmp_path / "not-a-bundle.bundle"
    bogus.write_text("hello")
    with field_desk.session() as db, pytest.raises(UsageError, match="not a Check-in Desk bundle"):
        import_bundle(db, bogus)
    field_desk.dispose()


def test_an_import_at_one_desk_reaches_the_others(two_desks, tmp_path):
    from checkin.importing.applying import import_delegate_list

    organiser, other, hub = two_desks
    listing = tmp_path / "late-bookings.csv"
    listing.write_text(
        "First name,Last name,Email,Organisation\nNgozi,Okafor,n.okafor@example.org,Preston Foodbank\n"
    )
    with organiser.session() as db:
        import_delegate_list(db, listing, session_by_code(db, "PRE-0312"))
        db.commit()
    sync_round(organiser, hub)
    sync_round(other, hub)
    okafor = people(other)["Okafor"]
    assert okafor.organisation == "Preston Foodbank"
    assert scan(other, okafor.badge_code, "door-2", 1) is OutcomeCode.ADMITTED


def test_writes_in_a_fresh_process_are_recorded_for_sync(tmp_path):
    """Whatever opens a database records its writes for sync, without importing the sync code itself."""
    probe = (
        "from checkin.store.database import open_database\n"
        "from checkin.desk.demo import create_demo\n"
        "from checkin.store.models import Outbox\n"
        "from sqlalchemy import func, select\n"
        f"database = open_database({str(tmp_path / 'fresh.sqlite3')!r})\n"
        "with database.session() as db:\n"
        "    create_demo(db)\n"
        "    db.commit()\n"
        "    print(db.scalar(select(func.count()).select_from(Outbox)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert int(result.stdout.strip()) > 500


# ---- changes from a newer version of the desk ------------------------------------------------------

UPDATE_THIS_DESK = "a newer version of Check-in Desk: update this desk"


def newer_changes(database, later_minutes=5):
    """What a newer desk might send about the organiser's programme: a booking status, an event kind and
    method, a field and a table this version does not know, beside a plain edit it does."""
    with database.session() as db:
        session = session_by_code(db, "PRE-0312")
        bookings = db.scalars(select(Registration).where(Registration.session_id == session.id))
        by_name = {r.delegate.last_name: r for r in bookings}
        zoe, ade, wiktor = by_name["O'Neill"], by_name["Bello"], by_name["Nowak"]
        keys = (zoe.uuid, ade.delegate.uuid, wiktor.uuid, session.uuid)
    zoe_booking, ade_person, wiktor_booking, session_uuid = keys
    clock = f"{int((utc_now() + timedelta(minutes=later_minutes)).timestamp() * 1000):013d}.00000.newerdsk"

    def change(name, entity, entity_uuid, op, fields):
        return {
            "uuid": f"newer-{name}",
            "entity": entity,
            "entity_uuid": entity_uuid,
            "op": op,
            "fields": fields,
            "hlc": clock,
            "origin": "newerdesk",
        }

    return [
        change("status", "registration", zoe_booking, "update", {"status": "frozen", "frozen_until": "noon"}),
        change("edit", "delegate", ade_person, "update", {"job_title": "Detective", "pronouns": "he/him"}),
        change(
            "event",
            "checkin_event",
            "ev-from-the-future",
            "event",
            {
                "kind": "teleported",
                "method": "drone",
                "at": at(2)().isoformat(),
                "desk": "door-9",
                "operator": "",
                "undoes": None,
                "registration_id": wiktor_booking,
                "session_id": session_uuid,
                "segment_id": None,
                "colour": "blue",
            },
        ),
        change("table", "badge_photo", "bp-1", "create", {"image": "OLD-1", "taken_at": at(0)().isoformat()}),
    ]


def test_changes_from_a_newer_desk_apply_what_this_desk_knows(organiser_desk, tmp_path):
    arriving = newer_changes(organiser_desk)
    with organiser_desk.session() as db:
        report = apply_changes(db, arriving)
        db.commit()
    # Kept as they came: the status as text, the event of an unknown kind on record.
    listed = people(organiser_desk)
    assert listed["O'Neill"].status == "frozen"
    assert listed["Bello"].job_title == "Detective"  # the known field of a change with an unknown one
    assert listed["Nowak"].checked_in_at is None  # an unknown kind neither admits nor lets out
    with organiser_desk.session() as db:
        assert db.scalars(select(CheckinEvent.kind)).all() == ["teleported"]
    # A scan on the booking is refused, and says what to do.
    with organiser_desk.session() as db:
        result = record_scan(
            db, listed["O'Neill"].badge_code, session_by_code(db, "PRE-0312"), desk="door-1", clock=at(3)
        )
    assert result.outcome.code is OutcomeCode.NEEDS_UPDATE
    assert result.outcome.reason == f"This booking was changed by {UPDATE_THIS_DESK}."
    assert scan(organiser_desk, listed["Bello"].badge_code, "door-1", 4) is OutcomeCode.ADMITTED
    # The desk still passes on everything it holds.
    with organiser_desk.session() as db:
        assert export_bundle(db, tmp_path / "after.bundle") > 0
    assert [c["uuid"] for c in report.newer or []] == [c["uuid"] for c in arriving]


def test_a_hub_passes_on_a_newer_desks_changes_and_sync_says_so_once(two_desks):
    _organiser, other, hub = two_desks
    engine = hub_engine(hub)
    with engine.begin() as connection:
        connection.execute(
            insert(hub_change),
            [{name: c[key] for name, key in HUB_COLUMNS.items()} for c in newer_changes(other)],
        )
    engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "--db", other.engine.url.database, "sync", "--hub", hub],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    said = f"warning: Some changes were made by {UPDATE_THIS_DESK}. The rest were applied."
    assert result.stdout.count(said) == 1
    assert people(other)["O'Neill"].status == "frozen"
    assert people(other)["Bello"].job_title == "Detective"


HUB_COLUMNS = {
    "change_uuid": "uuid",
    "origin": "origin",
    "entity": "entity",
    "entity_uuid": "entity_uuid",
    "op": "op",
    "fields": "fields",
    "hlc": "hlc",
}


def test_a_bundle_from_a_newer_desk_imports_with_one_warning_and_is_passed_on(organiser_desk, tmp_path):
    bundle = tmp_path / "newer.bundle"
    with organiser_desk.session() as db:
        admits_any_day(session_by_code(db, "PRE-0312"))  # scanned below through the command line
        db.commit()
        export_bundle(db, bundle)
    with gzip.open(bundle, "rb") as stream:
        document = json.loads(stream.read())
    arriving = newer_changes(organiser_desk)
    document["changes"] += arriving
    with gzip.open(bundle, "wb") as stream:
        stream.write(json.dumps(document).encode())
    field_desk = tmp_path / "field.sqlite3"

    def cli(*args):
        command = [sys.executable, "-m", "checkin.cli", "--db", str(field_desk), "--desk", "field", *args]
        return subprocess.run(command, capture_output=True, text=True, encoding="utf-8")

    imported = cli("bundle", "import", str(bundle))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count(UPDATE_THIS_DESK) == 1
    listed = json.loads(cli("delegates", "--session", "PRE-0312", "--json").stdout)
    by_name = {d["last_name"]: d for d in listed}
    assert by_name["O'Neill"]["status"] == "frozen" and by_name["Bello"]["status"] == "booked"
    scanned = cli("scan", by_name["O'Neill"]["badge_code"], "--session", "PRE-0312", "--json")
    assert scanned.returncode == 1, scanned.stderr
    assert json.loads(scanned.stdout)["outcome"] == "needs_update"
    # Passed on whole to the hub at the next sync, what this desk did not understand included.
    database = open_database(field_desk)
    with database.session() as db:
        relayed = {row.change_uuid: row.relayed for row in db.scalars(select(Outbox))}
    database.dispose()
    for change in arriving:
        assert relayed[change["uuid"]] == change


def test_a_hub_upgraded_by_a_newer_desk_is_refused_and_nothing_changes(two_desks):
    organiser, other, hub = two_desks
    scan(other, people(other)["Patel"].badge_code, "door-2", 1)
    with other.session() as db:
        waiting = db.scalar(select(func.count()).select_from(Outbox))
    engine = hub_engine(hub)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'h999'"))
        changes_before = connection.execute(select(func.count()).select_from(hub_change)).scalar()
    refused = f"This hub was upgraded by {UPDATE_THIS_DESK}. Nothing was changed."
    with pytest.raises(HubError) as raised:
        sync_round(other, hub)
    assert str(raised.value) == refused
    with pytest.raises(HubError, match="newer version of Check-in Desk"):
        check_hub(other, hub)
    with pytest.raises(HubError, match="newer version of Check-in Desk"):
        init_hub(organiser, hub)
    with other.session() as db:
        assert db.scalar(select(func.count()).select_from(Outbox)) == waiting
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(hub_change)).scalar() == changes_before
    engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "--db", other.engine.url.database, "sync", "--hub", hub],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"checkin: {refused}"


def test_pocket_guides_and_sector_choices_travel_between_desks(two_desks):
    from checkin.desk.guides import guides_given, hand_out_guide
    from checkin.desk.sectors import chosen_sectors, set_organisation_sector
    from checkin.domain.sectors import Sector, organisation_key

    organiser, other, hub = two_desks
    zoe = people(organiser)["O'Neill"]
    # Both desks give Zoë the guide while apart, and each chooses a sector for her council, the other desk later.
    # Clocks ahead of the desks' own, so the later choice is later by their hybrid clocks too.
    later = datetime.now(UTC) + timedelta(minutes=5)
    for desk, name, minutes, sector in (
        (organiser, "door-1", 1, Sector.CHARITY),
        (other, "door-2", 2, Sector.LOCAL_AUTHORITY),
    ):
        with desk.session() as db:
            db.info["clock"] = clock = lambda m=minutes: later + timedelta(minutes=m)
            assert hand_out_guide(db, zoe.registration_id, desk=name, clock=clock)
            assert not hand_out_guide(db, zoe.registration_id, desk=name, clock=clock)  # twice is once
            set_organisation_sector(db, "Preston City Council", sector, desk=name, clock=clock)
    for desk in (organiser, other, organiser):
        sync_round(desk, hub)
    for desk in (organiser, other):
        with desk.session() as db:
            session = session_by_code(db, "PRE-0312")
            assert guides_given(db, session.id) == {zoe.registration_id}
            assert chosen_sectors(db) == {organisation_key("Preston City Council"): Sector.LOCAL_AUTHORITY}
