"""The organisers' figures and the trainers' roll-call, from the core, on a real database file."""

from datetime import datetime, timedelta

import pytest
from factories import MORNING, book, make_session, new_database
from sqlalchemy import func, select

from checkin.desk.attendance import mark_segment, segment_attendance, unmark_segment
from checkin.desk.dashboard import (
    NO_ORGANISATION,
    ArrivalBin,
    arrivals_per_5_minutes,
    by_organisation,
    overall,
    session_figures,
)
from checkin.desk.rollcall import SegmentInfo, current_segment, mark_by_scan, roll_call
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.domain.marks import MarkCode
from checkin.domain.vocabulary import RegistrationStatus
from checkin.store.models import CheckinEvent, ScanLog, Session


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return MORNING.replace(hour=hour, minute=minute, second=second)


def fixed(moment: datetime):
    return lambda: moment


@pytest.fixture
def preston_and_lancaster(tmp_path):
    """Preston at 09:30 with three timed parts, eight bookings (one cancelled, one walk-in), and a later
    session in Lancaster with two bookings."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        times = [((9, 30), (12, 30)), ((13, 15), (14, 45)), ((15, 0), (16, 0))]
        for segment, (starts, ends) in zip(session.segments, times, strict=True):
            segment.starts_at = at(*starts)
            segment.ends_at = at(*ends)
        people = {
            "zoe": book(db, session, "Zoë", "O'Neill", "Preston City Council"),
            "ade": book(db, session, "Ade", "Bello", "Lancashire Constabulary"),
            "ann": book(db, session, "Ann", "Carr", "lancashire constabulary"),
            "wiktor": book(db, session, "Wiktor", "Nowak", "British Red Cross"),
            "dee": book(db, session, "Dee", "Evans", "Lancashire Constabulary"),
            "fay": book(db, session, "Fay", "Ghosh", ""),
            "bea": book(db, session, "Bea", "Adams", "NHS", status=RegistrationStatus.CANCELLED),
            "chen": book(db, session, "Chen", "Li", "Citizens Advice", status=RegistrationStatus.WALK_IN),
        }
        later = make_session(db, "LAN-0319", "Lancaster Town Hall", MORNING + timedelta(days=7))
        people["lou"] = book(db, later, "Lou", "Hart", "Lancaster City Council")
        people["max"] = book(db, later, "Max", "Iqbal", "Lancaster City Council")
        db.commit()
        codes = {key: r.badge_code for key, r in people.items()}
        ids = {key: r.id for key, r in people.items()}
        segments = [s.id for s in session.segments]
        session_id, later_id = session.id, later.id
    yield database, session_id, later_id, ids, codes, segments
    database.dispose()


def scan(db, session_id: int, code: str, when: datetime, desk: str = "door-1"):
    return record_scan(db, code, db.get(Session, session_id), desk=desk, clock=fixed(when))


# ---- session figures -----------------------------------------------------------------------------------


def test_checked_in_against_expected_counts_active_bookings_once(preston_and_lancaster):
    database, sid, _later, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 1))
        scan(db, sid, codes["zoe"], at(9, 2), desk="door-2")  # already in: not counted twice
        scan(db, sid, codes["chen"], at(9, 7))
        scan(db, sid, codes["bea"], at(9, 8))  # cancelled: refused, not counted
        figures = session_figures(db, sid, at(9, 10))
    assert (figures.expected, figures.checked_in, figures.walk_ins) == (7, 2, 1)
    assert figures.first_arrival == at(9, 1) and figures.last_arrival == at(9, 7)
    assert figures.not_arrived == 5
    assert figures.code == "PRE-0312" and figures.venue == "Preston Town Hall"


def test_no_shows_only_after_the_start_and_not_those_marked_in_the_room(preston_and_lancaster):
    database, sid, _later, ids, codes, segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 1))
        scan(db, sid, codes["chen"], at(9, 2))
        # Ade walked past the desk; the trainer marked him in the room.
        mark_segment(db, ids["ade"], segments[0], desk="room", clock=fixed(at(9, 40)))
        before = session_figures(db, sid, at(9, 29))
        after = session_figures(db, sid, at(9, 45))
    assert before.started is False and before.no_shows == ()
    assert after.started is True
    assert [n.display_name for n in after.no_shows] == ["Ann Carr", "Dee Evans", "Fay Ghosh", "Wiktor Nowak"]
    assert after.marked_only == 1 and after.not_arrived == 4
    assert {n.registration_id for n in after.no_shows} == {ids["ann"], ids["dee"], ids["fay"], ids["wiktor"]}


def test_an_undone_check_in_is_not_counted(preston_and_lancaster):
    database, sid, _later, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 1))
        undo_last_admission(db, db.get(Session, sid), desk="door-1", clock=fixed(at(9, 2)))
        figures = session_figures(db, sid, at(9, 45))
    assert figures.checked_in == 0
    assert "Zoë O'Neill" in [n.display_name for n in figures.no_shows]


# ---- arrivals per five minutes ---------------------------------------------------------------------


def test_arrivals_land_in_five_minute_bins_on_the_clock_with_empty_ones_between(preston_and_lancaster):
    database, sid, _later, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 0, 0))
        scan(db, sid, codes["ade"], at(9, 4, 59))
        scan(db, sid, codes["ann"], at(9, 5, 0))
        scan(db, sid, codes["dee"], at(9, 17, 30))
        bins = arrivals_per_5_minutes(db, sid)
    assert bins == [
        ArrivalBin(at(9, 0), 2),
        ArrivalBin(at(9, 5), 1),
        ArrivalBin(at(9, 10), 0),
        ArrivalBin(at(9, 15), 1),
    ]


def test_the_range_widens_to_show_the_start_but_never_hides_an_arrival(preston_and_lancaster):
    database, sid, _later, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        assert arrivals_per_5_minutes(db, sid) == []
        scan(db, sid, codes["zoe"], at(9, 12))
        bins = arrivals_per_5_minutes(db, sid, since=at(9, 0), until=at(9, 7))
    assert [b.starts_at for b in bins] == [at(9, 0), at(9, 5), at(9, 10)]
    assert [b.count for b in bins] == [0, 0, 1]


# ---- organisations ---------------------------------------------------------------------------------------


def test_by_organisation_groups_spellings_and_puts_the_most_arrived_first(preston_and_lancaster):
    database, sid, _later, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        for key in ("ade", "ann", "zoe", "fay", "chen"):
            scan(db, sid, codes[key], at(9, 5))
        counts = by_organisation(db, sid)
        top_two = by_organisation(db, sid, limit=2)
    assert [(c.organisation, c.arrived, c.booked) for c in counts] == [
        ("Lancashire Constabulary", 2, 3),  # "lancashire constabulary" is the same organisation
        ("Citizens Advice", 1, 1),
        (NO_ORGANISATION, 1, 1),
        ("Preston City Council", 1, 1),
    ]
    assert len(top_two) == 2
    # British Red Cross had a booking but nobody came: not an arrival to rank.
    assert "British Red Cross" not in [c.organisation for c in counts]


# ---- overall ---------------------------------------------------------------------------------------------


def test_overall_totals_every_session_and_the_ones_held_so_far(preston_and_lancaster):
    database, sid, later_id, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 5))
        scan(db, sid, codes["ade"], at(9, 6))
        figures = overall(db, clock=fixed(at(10, 0)))
    assert [(r.code, r.expected, r.checked_in, r.started) for r in figures.sessions] == [
        ("PRE-0312", 7, 2, True),
        ("LAN-0319", 2, 0, False),
    ]
    assert (figures.expected, figures.checked_in) == (9, 2)
    assert (figures.sessions_held, figures.expected_so_far, figures.checked_in_so_far) == (1, 7, 2)
    assert figures.sessions[1].session_id == later_id


# ---- roll-call -------------------------------------------------------------------------------------------


def segment(ident: int, starts: tuple[int, int] | None, ends: tuple[int, int] | None) -> SegmentInfo:
    return SegmentInfo(
        ident, f"part {ident}", at(*starts) if starts else None, at(*ends) if ends else None, True, 0
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(8, 0), 1),  # before the day: the first
        (at(10, 0), 1),
        (at(12, 45), 2),  # lunch: the afternoon is next
        (at(13, 15), 2),
        (at(14, 50), 3),  # the short break before the case study
        (at(15, 30), 3),
        (at(18, 0), 1),  # after the day: back to the first
    ],
)
def test_the_current_part_of_the_day(now, expected):
    parts = (segment(1, (9, 30), (12, 30)), segment(2, (13, 15), (14, 45)), segment(3, (15, 0), (16, 0)))
    assert current_segment(parts, now).id == expected


def test_untimed_parts_default_to_the_first_and_none_to_none():
    assert current_segment((segment(1, None, None), segment(2, None, None)), at(10, 0)).id == 1
    assert current_segment((), at(10, 0)) is None


def test_roll_call_lists_active_bookings_with_desk_arrival_and_marks(preston_and_lancaster):
    database, sid, _later, ids, codes, segments = preston_and_lancaster
    with database.session() as db:
        scan(db, sid, codes["zoe"], at(9, 1))
        mark_segment(db, ids["zoe"], segments[0], desk="room", clock=fixed(at(9, 40)))
        mark_segment(db, ids["wiktor"], segments[1], desk="room", clock=fixed(at(13, 20)))
        call = roll_call(db, db.get(Session, sid))
    names = [e.display_name for e in call.entries]
    assert names[0] == "Ade Bello" and "Bea Adams" not in names and "Chen Li" in names
    zoe = next(e for e in call.entries if e.registration_id == ids["zoe"])
    wiktor = next(e for e in call.entries if e.registration_id == ids["wiktor"])
    assert zoe.checked_in_at == at(9, 1) and zoe.marked == {segments[0]}
    assert wiktor.checked_in_at is None and wiktor.marked == {segments[1]}
    assert [(s.name, s.marked) for s in call.segments] == [
        ("Morning", 1),
        ("Afternoon", 1),
        ("Case study", 0),
    ]
    assert call.checked_in == 1


def test_a_scan_marks_the_part_once_and_never_checks_in_at_the_desk(preston_and_lancaster):
    database, sid, _later, ids, codes, segments = preston_and_lancaster
    with database.session() as db:
        session = db.get(Session, sid)
        scan(db, sid, codes["zoe"], at(9, 1))
        first = mark_by_scan(db, codes["zoe"], session, segments[0], desk="room", clock=fixed(at(9, 40)))
        again = mark_by_scan(db, codes["zoe"], session, segments[0], desk="room", clock=fixed(at(9, 41)))
        walked_past = mark_by_scan(
            db, codes["ade"], session, segments[0], desk="room", clock=fixed(at(9, 42))
        )
        desk_events = db.scalar(
            select(func.count()).select_from(CheckinEvent).where(CheckinEvent.segment_id.is_(None))
        )
        marks = segment_attendance(db, session)
        logged = db.scalars(select(ScanLog.outcome).where(ScanLog.desk == "room").order_by(ScanLog.id)).all()
    assert first.code is MarkCode.MARKED and first.checked_in_at == at(9, 1)
    assert "Zoë O'Neill" in first.reason and "Morning" in first.reason
    assert again.code is MarkCode.ALREADY_MARKED
    assert walked_past.code is MarkCode.MARKED and walked_past.checked_in_at is None
    assert desk_events == 1  # only the desk's own scan of Zoë
    assert marks == {ids["zoe"]: {segments[0]}, ids["ade"]: {segments[0]}}
    assert logged == ["segment_marked", "segment_already_marked", "segment_marked"]


def test_a_scan_of_someone_not_booked_here_or_cancelled_or_forged_marks_nothing(preston_and_lancaster):
    database, sid, _later, ids, codes, segments = preston_and_lancaster
    with database.session() as db:
        session = db.get(Session, sid)
        elsewhere = mark_by_scan(db, codes["lou"], session, segments[0], desk="room")
        cancelled = mark_by_scan(db, codes["bea"], session, segments[0], desk="room")
        forged = codes["zoe"][:-1] + ("B" if codes["zoe"][-1] != "B" else "C")
        invalid = mark_by_scan(db, forged, session, segments[0], desk="room")
        unknown = mark_by_scan(db, "12345678901234567890", session, segments[0], desk="room")
        marks = segment_attendance(db, session)
    assert elsewhere.code is MarkCode.NOT_BOOKED_HERE and elsewhere.booked_session_code == "LAN-0319"
    assert "Lou Hart" in elsewhere.reason
    assert cancelled.code is MarkCode.NOT_ACTIVE and "cancelled" in cancelled.reason
    assert invalid.code is MarkCode.INVALID_CODE
    assert unknown.code is MarkCode.NOT_FOUND
    assert not any(o.marked for o in (elsewhere, cancelled, invalid, unknown))
    assert marks == {}


def test_unmarking_after_a_scan_takes_the_mark_back(preston_and_lancaster):
    database, sid, _later, ids, codes, segments = preston_and_lancaster
    with database.session() as db:
        session = db.get(Session, sid)
        mark_by_scan(db, codes["zoe"], session, segments[2], desk="room")
        unmark_segment(db, ids["zoe"], segments[2], desk="room")
        assert roll_call(db, session).segments[2].marked == 0


def test_a_segment_of_another_session_is_refused(preston_and_lancaster):
    database, sid, later_id, _ids, codes, _segments = preston_and_lancaster
    with database.session() as db:
        other_segment = db.get(Session, later_id).segments[0].id
        with pytest.raises(ValueError):
            mark_by_scan(db, codes["zoe"], db.get(Session, sid), other_segment, desk="room")
