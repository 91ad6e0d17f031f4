"""The decision: every outcome, and the fixed order in which its checks run."""

from datetime import UTC, datetime, timedelta

import pytest

from checkin.domain.codes import CodeKind, ReadCode
from checkin.domain.decide import (
    EventFacts,
    OutcomeCode,
    RegistrationFacts,
    SessionFacts,
    current_checkin,
    decide,
)
from checkin.domain.person import Person as DelegateCard

NOW = datetime(2026, 3, 12, 9, 45, tzinfo=UTC)
HERE = SessionFacts(1, "PRE-0312", "Spotting modern slavery — Preston")
THERE = SessionFacts(2, "LAN-1903", "Spotting modern slavery — Lancaster")
ZOE = DelegateCard(
    7,
    "Zoë",
    "O'Neill",
    "",
    "Preston City Council",
    "Housing officer",
    "zoe@example.org",
    "Wheelchair user",
    "Vegan",
)
BADGE = ReadCode(CodeKind.BADGE, "B" * 25)


def booking(session=HERE, status="booked", reason=""):
    return RegistrationFacts(70, session, status, reason, ZOE)


def event(kind, minutes_ago, desk="desk-1", uuid=None, undoes=None):
    return EventFacts(
        uuid or f"{kind}-{minutes_ago}-{desk}",
        kind,
        NOW - timedelta(minutes=minutes_ago),
        desk,
        "scanner",
        undoes,
    )


def test_a_booked_person_not_yet_in_is_admitted_with_their_card():
    outcome = decide(BADGE, HERE, booking(), [], NOW)
    assert outcome.code is OutcomeCode.ADMITTED
    assert outcome.delegate == ZOE
    assert "Zoë O'Neill" in outcome.reason


def test_a_second_scan_says_when_and_where_they_were_admitted():
    outcome = decide(BADGE, HERE, booking(), [event("in", 5, desk="door-2")], NOW)
    assert outcome.code is OutcomeCode.ALREADY_CHECKED_IN
    assert outcome.earlier is not None
    assert (outcome.earlier.desk, outcome.earlier.at) == ("door-2", NOW - timedelta(minutes=5))
    assert "5 minutes ago" in outcome.reason and "door-2" in outcome.reason


def test_a_booking_on_another_session_is_wrong_session_and_names_it():
    outcome = decide(BADGE, HERE, booking(session=THERE), [], NOW)
    assert outcome.code is OutcomeCode.WRONG_SESSION
    assert outcome.booked_session == THERE
    assert "LAN-1903" in outcome.reason


@pytest.mark.parametrize("status", ["cancelled", "waitlisted", "transferred"])
def test_a_booking_without_a_place_is_refused_with_the_reason(status):
    outcome = decide(BADGE, HERE, booking(status=status, reason="refunded"), [], NOW)
    assert outcome.code is OutcomeCode.CANCELLED
    assert "refunded" in outcome.reason


def test_a_walk_in_is_admitted():
    assert decide(BADGE, HERE, booking(status="walk_in"), [], NOW).code is OutcomeCode.ADMITTED


def test_a_well_formed_unknown_code_is_not_found_and_noise_is_invalid():
    assert decide(ReadCode(CodeKind.WELL_FORMED, "1" * 19), HERE, None, [], NOW).code is OutcomeCode.NOT_FOUND
    assert decide(ReadCode(CodeKind.BADGE, "B" * 25), HERE, None, [], NOW).code is OutcomeCode.NOT_FOUND
    assert decide(ReadCode(CodeKind.INVALID, "hello"), HERE, None, [], NOW).code is OutcomeCode.INVALID_CODE


def test_checks_run_in_the_documented_order():
    # Another session AND cancelled AND already in: wrong_session is checked first.
    everything_wrong = booking(session=THERE, status="cancelled")
    assert decide(BADGE, HERE, everything_wrong, [event("in", 1)], NOW).code is OutcomeCode.WRONG_SESSION
    # Cancelled AND already in: cancelled comes before already_checked_in.
    assert (
        decide(BADGE, HERE, booking(status="cancelled"), [event("in", 1)], NOW).code is OutcomeCode.CANCELLED
    )
    # An invalid read never reaches the booking.
    assert decide(ReadCode(CodeKind.INVALID, "x"), HERE, booking(), [], NOW).code is OutcomeCode.INVALID_CODE


def test_an_undone_admission_does_not_count_and_the_person_can_be_admitted_again():
    admission = event("in", 3, uuid="first")
    undo = event("undo", 2, uuid="undo-1", undoes="first")
    assert current_checkin([admission, undo]) is None
    assert decide(BADGE, HERE, booking(), [admission, undo], NOW).code is OutcomeCode.ADMITTED


def test_after_going_out_a_person_is_admitted_again():
    events = [event("in", 60, uuid="a"), event("out", 30, uuid="b")]
    assert decide(BADGE, HERE, booking(), events, NOW).code is OutcomeCode.ADMITTED


def test_of_two_admissions_by_desks_apart_the_earlier_counts():
    events = [event("in", 2, desk="desk-B", uuid="late"), event("in", 9, desk="desk-A", uuid="early")]
    earlier = current_checkin(events)
    assert earlier is not None and earlier.desk == "desk-A"


def test_the_clock_is_the_one_passed_in(london_time):
    outcome = decide(BADGE, HERE, booking(), [event("in", 200)], NOW)
    # Issue 13: the time on the wall (GMT in March), the day left out when it is today.
    assert "at 06:25 at desk" in outcome.reason and "UTC" not in outcome.reason


def test_a_status_written_by_a_newer_desk_is_refused_with_update_this_desk():
    outcome = decide(BADGE, HERE, booking(status="frozen"), [], NOW)
    assert outcome.code is OutcomeCode.NEEDS_UPDATE and not outcome.admitted
    assert outcome.reason == "This booking was changed by a newer version of Check-in Desk: update this desk."
    assert outcome.delegate == ZOE
    # It is the booking here that counts: one on another session is still wrong_session.
    assert (
        decide(BADGE, HERE, booking(session=THERE, status="frozen"), [], NOW).code
        is OutcomeCode.WRONG_SESSION
    )


def test_an_event_of_a_kind_from_a_newer_desk_neither_admits_nor_lets_out():
    unknown = EventFacts("x-1", "teleported", NOW - timedelta(minutes=3), "door-9", "drone")
    assert decide(BADGE, HERE, booking(), [unknown], NOW).code is OutcomeCode.ADMITTED
    inside = [event("in", 10, uuid="in-1"), unknown]
    assert decide(BADGE, HERE, booking(), inside, NOW).code is OutcomeCode.ALREADY_CHECKED_IN


def test_a_pending_booking_is_not_confirmed_yet_after_cancelled_and_before_already_checked_in():
    outcome = decide(BADGE, HERE, booking(status="pending", reason="unpaid"), [], NOW)
    assert outcome.code is OutcomeCode.NOT_CONFIRMED and not outcome.admitted
    assert outcome.reason == "This booking is not confirmed yet: unpaid."
    assert (
        decide(BADGE, HERE, booking(status="pending"), [], NOW).reason == "This booking is not confirmed yet."
    )
    # Already in (admitted while it was booked) and pending now: not_confirmed comes first.
    pending_and_in = decide(BADGE, HERE, booking(status="pending"), [event("in", 1)], NOW)
    assert pending_and_in.code is OutcomeCode.NOT_CONFIRMED
    assert (
        decide(BADGE, HERE, booking(session=THERE, status="pending"), [], NOW).code
        is OutcomeCode.WRONG_SESSION
    )
