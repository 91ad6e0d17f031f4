"""Sessions as the organiser keeps them in the app: create, edit, duplicate for the next venue, archive,
the programme's look, and removing the demonstration programme — with bad input refused unchanged."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import MORNING, book, make_session, new_database
from sqlalchemy import func, select

from checkin.desk.bookings import session_by_code
from checkin.desk.programme import ProgrammeSettings, programme_details, read_logo, save_programme
from checkin.desk.roster import session_summaries
from checkin.desk.scanning import record_scan
from checkin.desk.sessions import (
    SessionDraft,
    all_sessions,
    create_session,
    duplicate_session,
    edit_session,
    has_demo,
    remove_demo,
    session_details,
    set_archived,
)
from checkin.domain.decide import OutcomeCode
from checkin.errors import UsageError
from checkin.resources import resource_path
from checkin.store.models import CheckinEvent, Delegate, Outbox, Programme, Registration, Session
from checkin.sync.bundle import export_bundle, import_bundle

LANCASTER = SessionDraft(
    code="LAN-0410",
    title="Spotting modern slavery",
    venue="Lancaster Town Hall",
    starts_at=datetime(2027, 4, 10, 8, 30, tzinfo=UTC),
    ends_at=datetime(2027, 4, 10, 15, 0, tzinfo=UTC),
    capacity=40,
    trainers="Amara Okoye, Tom Riley",
    segments=("Morning", "Afternoon", "Case study: Lancaster"),
)


@pytest.fixture
def database(tmp_path):
    database = new_database(tmp_path)
    yield database
    database.dispose()


def everything(database) -> list[tuple]:
    """What the sessions look like, to compare before and after a refused change."""
    with database.session() as db:
        return [
            (s.code, s.title, s.venue, s.starts_at, s.ends_at, s.capacity, s.trainers, s.segments, s.archived)
            for s in all_sessions(db)
        ]


def test_a_session_is_created_with_its_parts_of_the_day_and_found_by_the_desk(database):
    with database.session() as db:
        created = create_session(db, LANCASTER, desk="office")
        db.commit()
    assert created.segments == ("Morning", "Afternoon", "Case study: Lancaster")
    with database.session() as db:
        (summary,) = session_summaries(db)
        details = session_details(db, "lan-0410")
    assert (summary.code, summary.venue, summary.capacity) == ("LAN-0410", "Lancaster Town Hall", 40)
    assert details.trainers == "Amara Okoye, Tom Riley" and details.admit_from is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": LANCASTER.starts_at - timedelta(minutes=1)}, "must end after it starts"),
        ({"code": "lan-0410"}, "already has the code lan-0410"),
        ({"code": "LAN 0410"}, "one word"),
        ({"capacity": 2}, "cannot be less than 3"),
        ({"title": "  "}, "title"),
        ({"segments": ("Morning", "morning")}, "same name"),
        ({"segments": ()}, "at least one part"),
        (
            {
                "admit_from": datetime(2027, 4, 10, 9, tzinfo=UTC),
                "admit_until": datetime(2027, 4, 10, 8, tzinfo=UTC),
            },
            "stop admitting after it starts",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(database, change, message):
    with database.session() as db:
        session = make_session(db)
        for n in range(3):
            book(db, session, f"Person{n}", "Booked")
        create_session(db, LANCASTER)
        db.commit()
    before = everything(database)
    with database.session() as db, pytest.raises(UsageError, match=message):
        edit_session(db, "PRE-0312", _with(change), desk="x")
    assert everything(database) == before


def _with(change: dict) -> SessionDraft:
    """The Lancaster draft as an edit of PRE-0312 (which has three bookings), changed."""
    fields = {**LANCASTER.__dict__, "code": "PRE-0312", **change}
    return SessionDraft(**fields)


def test_an_edit_renames_adds_and_removes_parts_never_sent_and_keeps_marked_ones(database):
    with database.session() as db:
        created = create_session(db, LANCASTER)
        db.commit()
    draft = SessionDraft(
        **{
            **LANCASTER.__dict__,
            "code": "LAN-0411",
            "venue": "Lancaster Library",
            "segments": ("Morning", "Afternoon"),
        }
    )
    with database.session() as db:
        edited = edit_session(db, "LAN-0410", draft)
        db.commit()
    assert (edited.id, edited.code, edited.venue, edited.segments) == (
        created.id,
        "LAN-0411",
        "Lancaster Library",
        ("Morning", "Afternoon"),
    )
    with database.session() as db:
        # The removed part never left this desk: its creation is gone from the outbox too.
        assert db.scalar(select(func.count()).select_from(Outbox).where(Outbox.entity == "segment")) == 2
        edit_session(
            db, "LAN-0411", SessionDraft(**{**draft.__dict__, "segments": ("Arrival", "Afternoon", "Quiz")})
        )
        db.commit()
        assert session_details(db, "LAN-0411").segments == ("Arrival", "Afternoon", "Quiz")
        db.execute(Outbox.__table__.delete())  # as after a sync: every desk has the parts now
        db.commit()
    with database.session() as db, pytest.raises(UsageError, match="“Quiz” is already on other desks"):
        edit_session(db, "LAN-0411", SessionDraft(**{**draft.__dict__, "segments": ("Arrival", "Afternoon")}))


def test_a_duplicate_for_the_next_venue_copies_the_day_but_nobody_booked(database):
    with database.session() as db:
        session = make_session(db)
        session.trainers = "Amara Okoye"
        session.admit_from = MORNING - timedelta(hours=1)
        session.segments[0].starts_at = MORNING
        book(db, session)
        db.commit()
    next_week = MORNING + timedelta(days=7, hours=1)
    with database.session() as db:
        copy = duplicate_session(db, "PRE-0312", "BLA-0319", "Blackpool Winter Gardens", next_week)
        db.commit()
        copied = session_by_code(db, "BLA-0319")
        assert copied.segments[0].starts_at == MORNING + timedelta(days=7, hours=1)
        assert copied.admit_from == next_week - timedelta(hours=1)
        assert copied.programme_id == session_by_code(db, "PRE-0312").programme_id
    assert (copy.title, copy.capacity, copy.trainers, copy.segments, copy.booked) == (
        "Spotting modern slavery",
        50,
        "Amara Okoye",
        ("Morning", "Afternoon", "Case study"),
        0,
    )
    assert copy.venue == "Blackpool Winter Gardens" and copy.starts_at == next_week
    with database.session() as db, pytest.raises(UsageError, match="already has the code"):
        duplicate_session(db, "PRE-0312", "BLA-0319", "Burnley", next_week)


def test_an_archived_session_leaves_the_picker_and_comes_back(database):
    with database.session() as db:
        make_session(db)
        create_session(db, LANCASTER)
        set_archived(db, "PRE-0312", True)
        db.commit()
        assert [s.code for s in session_summaries(db)] == ["LAN-0410"]
        assert [s.code for s in session_summaries(db, include_archived=True)] == ["PRE-0312", "LAN-0410"]
        # Kept for reports: its own counts are still there when asked for by code.
        assert session_summaries(db, "PRE-0312")[0].archived
        set_archived(db, "PRE-0312", False)
        db.commit()
        assert [s.code for s in session_summaries(db)] == ["PRE-0312", "LAN-0410"]


def test_new_sessions_and_archiving_travel_to_another_desk(database, tmp_path):
    with database.session() as db:
        create_session(db, LANCASTER)
        save_programme(
            db, ProgrammeSettings("Spot the signs", "Lancashire PCC", colour="#7a1f5c"), "LAN-0410"
        )
        db.commit()
        set_archived(db, "LAN-0410", True)
        db.commit()
        export_bundle(db, tmp_path / "out.bundle")
    other = new_database(tmp_path, "other.sqlite3")
    with other.session() as db:
        import_bundle(db, tmp_path / "out.bundle")
        (details,) = all_sessions(db)
        programme = programme_details(db, "LAN-0410")
    other.dispose()
    assert (
        details.archived and details.segments == LANCASTER.segments and details.trainers == LANCASTER.trainers
    )
    assert (programme.title, programme.organiser, programme.colour) == (
        "Spot the signs",
        "Lancashire PCC",
        "#7a1f5c",
    )


def test_the_programme_settings_refuse_what_cannot_print(database, tmp_path):
    with database.session() as db:
        make_session(db)
        db.commit()
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello")
    with pytest.raises(UsageError, match="PNG or JPEG"):
        read_logo(not_a_picture)
    with database.session() as db:
        with pytest.raises(UsageError, match="like #1b2f4b"):
            save_programme(db, ProgrammeSettings("Spot the signs", colour="navy"), "PRE-0312")
        with pytest.raises(UsageError, match="title"):
            save_programme(db, ProgrammeSettings(" "), "PRE-0312")
        logo = read_logo(resource_path("images", "icon.png"))
        saved = save_programme(
            db, ProgrammeSettings("Spot the signs", logo=logo, accent_colour="#D97706"), "PRE-0312"
        )
        db.commit()
    assert saved.logo == logo and saved.accent_colour == "#d97706"


def test_the_demo_is_marked_and_real_sessions_never_join_its_programme(demo_programme):
    database, code = demo_programme
    with database.session() as db:
        assert all(s.demo for s in session_summaries(db)) and has_demo(db)
        created = create_session(db, LANCASTER)
        db.commit()
        real = session_by_code(db, created.code)
        demo = session_by_code(db, code)
        # The demo's signing key is no secret (it comes from a fixed seed): real badges never use it.
        assert not real.demo and real.programme_id != demo.programme_id
        assert real.programme.signing_key != demo.programme.signing_key


def test_removing_the_demo_keeps_real_sessions_and_people(demo_programme):
    database, code = demo_programme
    with database.session() as db:
        demo = session_by_code(db, code)
        registration = db.scalars(select(Registration).where(Registration.session_id == demo.id)).first()
        returning = registration.delegate
        outcome = record_scan(db, registration.badge_code, demo, desk="door-1").outcome
        assert outcome.code == OutcomeCode.ADMITTED
        create_session(db, LANCASTER)
        real = session_by_code(db, "LAN-0410")
        book(db, real, "Ngozi", "Okafor")
        # Someone invented by the demo who also booked a real session stays, with that booking.
        db.add(Registration(delegate=returning, session=real, badge_code="REALCODE1", answers={}))
        db.commit()
    with database.session() as db:
        removed = remove_demo(db, desk="office")
        db.commit()
    assert removed.sessions == 6
    with database.session() as db:
        assert [s.code for s in session_summaries(db, include_archived=True)] == ["LAN-0410"]
        assert not has_demo(db)
        assert sorted(d.last_name for d in db.scalars(select(Delegate))) == sorted(
            ["Okafor", returning.last_name]
        )
        assert db.scalar(select(func.count()).select_from(CheckinEvent)) == 0
        assert db.scalar(select(func.count()).select_from(Programme)) == 1
        assert db.scalar(select(func.count()).select_from(Session)) == 1
        with pytest.raises(UsageError, match="no demonstration programme"):
            remove_demo(db)


def colour_share(pdf: Path, colour: str, page: int = 1) -> float:
    """The share of a page's pixels within a small distance of `colour` (#rrggbb), rendered by poppler."""
    import subprocess

    from PIL import Image

    prefix = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True
    )
    (rendered,) = pdf.parent.glob(f"{prefix.name}-*.png")
    with Image.open(rendered) as image:
        pixels = list(image.convert("RGB").get_flattened_data())
    rendered.unlink()
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    near = sum(1 for pixel in pixels if sum(abs(a - b) for a, b in zip(pixel, want, strict=True)) < 40)
    return near / len(pixels)


def test_badges_and_the_guide_wear_the_programmes_colours_and_logo(database, tmp_path):
    from checkin.printing.badges import render_badges
    from checkin.printing.guide import GuideLook, render_guide
    from checkin.printing.stocks import stock_named

    with database.session() as db:
        session = make_session(db)
        book(db, session)
        db.commit()
        shipped = render_badges(db, session, stock_named("avery-l4785"), tmp_path / "shipped.pdf", log=False)
        save_programme(
            db,
            ProgrammeSettings(
                "Spot the signs",
                "Lancashire PCC",
                logo=read_logo(resource_path("images", "icon.png")),
                colour="#7a1f5c",
                accent_colour="#c2410c",
            ),
            "PRE-0312",
        )
        db.commit()
        branded = render_badges(db, session, stock_named("avery-l4785"), tmp_path / "branded.pdf", log=False)
        programme = session.programme
        look = GuideLook.of(programme.logo, programme.colour, programme.accent_colour, programme.organiser)
    assert colour_share(shipped.path, "#c2410c") == 0
    assert colour_share(branded.path, "#c2410c") > 0.002  # the delegate's bar and the line, in the accent
    assert colour_share(branded.path, "#0e7c86") < colour_share(shipped.path, "#0e7c86") / 10
    guide = render_guide(tmp_path / "guide.pdf", "a7-zine", look=look)
    assert colour_share(guide.path, "#7a1f5c") > 0.02  # the cover in the main colour
    assert colour_share(render_guide(tmp_path / "plain.pdf", "a7-zine").path, "#7a1f5c") == 0


def test_badges_of_the_demo_say_demo_and_still_scan(demo_programme, tmp_path):
    import pdfplumber
    from pdf_checks import decode_qrs, page_images

    from checkin.printing.badges import render_badges
    from checkin.printing.stocks import stock_named

    database, code = demo_programme
    with database.session() as db:
        session = session_by_code(db, code)
        ids = db.scalars(select(Registration.id).where(Registration.session_id == session.id).limit(10)).all()
        run = render_badges(
            db, session, stock_named("avery-l4785"), tmp_path / "demo.pdf", registration_ids=ids, log=False
        )
        codes = set(db.scalars(select(Registration.badge_code).where(Registration.id.in_(ids))))
    with pdfplumber.open(run.path) as pdf:
        # DEMO is set large and turned across each label: read its letters by their size.
        large = "".join(char["text"] for char in pdf.pages[0].chars if char["size"] > 30)
        assert large == "DEMO" * 10
        assert "(DEMO)" in pdf.metadata["Title"]
    assert {qr.text for qr in decode_qrs(page_images(run.path)[0])} == codes


def test_sessions_made_edited_and_archived_reach_the_other_desk_through_the_hub(
    database, pg_database_url, tmp_path
):
    from checkin.sync.hub import init_hub, sync_round

    with database.session() as db:
        make_session(db)
        db.commit()
    init_hub(database, pg_database_url)
    other = new_database(tmp_path, "door-2.sqlite3")
    try:
        sync_round(other, pg_database_url)
        with database.session() as db:
            create_session(db, LANCASTER)
            duplicate_session(
                db,
                "LAN-0410",
                "BLA-0417",
                "Blackpool Winter Gardens",
                LANCASTER.starts_at + timedelta(days=7),
            )
            save_programme(
                db, ProgrammeSettings("Spot the signs", "Lancashire PCC", accent_colour="#c2410c"), "PRE-0312"
            )
            set_archived(db, "PRE-0312", True)
            db.commit()
        sync_round(database, pg_database_url)
        sync_round(other, pg_database_url)
        with other.session() as db:
            there = {s.code: s for s in all_sessions(db)}
            programme = programme_details(db, "PRE-0312")
        assert set(there) == {"PRE-0312", "LAN-0410", "BLA-0417"}
        assert there["PRE-0312"].archived and not there["LAN-0410"].archived
        assert (
            there["BLA-0417"].segments == LANCASTER.segments
            and there["BLA-0417"].venue == "Blackpool Winter Gardens"
        )
        assert (programme.organiser, programme.accent_colour) == ("Lancashire PCC", "#c2410c")
        # And back: brought back and renamed at the second desk, seen at the first.
        with other.session() as db:
            set_archived(db, "PRE-0312", False)
            edit_session(db, "LAN-0410", SessionDraft(**{**LANCASTER.__dict__, "capacity": 45}))
            db.commit()
        sync_round(other, pg_database_url)
        sync_round(database, pg_database_url)
        with database.session() as db:
            assert not session_details(db, "PRE-0312").archived
            assert session_details(db, "LAN-0410").capacity == 45
    finally:
        other.dispose()
