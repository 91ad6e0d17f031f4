"""The roll-call mark decision, without a database: every outcome, and the order of its checks."""

from datetime import UTC, datetime

import pytest

from checkin.domain.codes import CodeKind, ReadCode
from checkin.domain.decide import RegistrationFacts, SessionFacts
from checkin.domain.marks import MarkCode, decide_mark
from checkin.domain.person import Person

HERE = SessionFacts(1, "PRE-0312", "Spotting modern slavery — Preston")
THERE = SessionFacts(2, "LAN-0319", "Spotting modern slavery — Lancaster")
ZOE = Person(
    delegate_id=7,
    first_name="Zoë",
    last_name="O'Neill",
    badge_name="",
    organisation="Preston City Council",
    job_title="Housing officer",
    email="zoe@example.org",
    access_needs="",
    dietary_needs="",
)
BADGE = ReadCode(CodeKind.BADGE, "B" * 25)
AT_DESK = datetime(2026, 3, 12, 9, 1, tzinfo=UTC)


def booking(session: SessionFacts = HERE, status: str = "booked") -> RegistrationFacts:
    return RegistrationFacts(70, session, status, "", ZOE)


def test_a_booked_person_not_yet_marked_is_marked_with_their_desk_check_in():
    outcome = decide_mark(BADGE, HERE, booking(), "Morning", already_marked=False, checked_in_at=AT_DESK)
    assert outcome.code is MarkCode.MARKED and outcome.marked
    assert outcome.reason == "Zoë O'Neill is marked present for Morning."
    assert (outcome.delegate, outcome.registration_id, outcome.checked_in_at) == (ZOE, 70, AT_DESK)
    assert outcome.segment_name == "Morning"


def test_a_walk_in_booking_not_seen_at_the_desk_is_marked_too():
    outcome = decide_mark(BADGE, HERE, booking(status="walk_in"), "Morning", already_marked=False)
    assert outcome.code is MarkCode.MARKED and outcome.checked_in_at is None


def test_a_second_scan_says_they_were_already_marked():
    outcome = decide_mark(BADGE, HERE, booking(), "Case study", already_marked=True, checked_in_at=AT_DESK)
    assert outcome.code is MarkCode.ALREADY_MARKED and outcome.marked
    assert outcome.reason == "Zoë O'Neill was already marked present for Case study."
    assert outcome.checked_in_at == AT_DESK


def test_someone_booked_on_another_session_is_not_marked_and_told_where():
    outcome = decide_mark(BADGE, HERE, booking(THERE), "Morning", already_marked=False)
    assert outcome.code is MarkCode.NOT_BOOKED_HERE and not outcome.marked
    assert outcome.booked_session_code == "LAN-0319"
    assert outcome.reason == (
        "Zoë O'Neill is not booked on this session; they are booked on "
        "Spotting modern slavery — Lancaster (LAN-0319)."
    )


@pytest.mark.parametrize("status", ["cancelled", "waitlisted", "transferred"])
def test_an_inactive_booking_here_is_not_marked(status: str):
    outcome = decide_mark(BADGE, HERE, booking(status=status), "Morning", already_marked=False)
    assert outcome.code is MarkCode.NOT_ACTIVE and not outcome.marked
    assert outcome.reason == (
        f"Zoë O'Neill's booking on this session is {status}: not marked. The desk can sort it out."
    )
    assert outcome.registration_id == 70


def test_a_code_not_known_here_is_not_found():
    well_formed = ReadCode(CodeKind.WELL_FORMED, "1234567890123456789")
    outcome = decide_mark(well_formed, HERE, None, "Morning", already_marked=False)
    assert outcome.code is MarkCode.NOT_FOUND and outcome.delegate is None
    assert outcome.reason.startswith("This code is not known here.")


def test_an_invalid_code_is_refused_before_anything_else():
    invalid = ReadCode(CodeKind.INVALID, "hello")
    outcome = decide_mark(invalid, HERE, booking(THERE, "cancelled"), "Morning", already_marked=True)
    assert outcome.code is MarkCode.INVALID_CODE and outcome.registration_id is None
    assert outcome.reason.startswith("Not a valid badge code")


def test_the_checks_run_in_the_desks_order():
    # Another session wins over an inactive status, and an inactive status over an earlier mark.
    elsewhere = decide_mark(BADGE, HERE, booking(THERE, "cancelled"), "Morning", already_marked=True)
    assert elsewhere.code is MarkCode.NOT_BOOKED_HERE
    inactive = decide_mark(BADGE, HERE, booking(status="cancelled"), "Morning", already_marked=True)
    assert inactive.code is MarkCode.NOT_ACTIVE
