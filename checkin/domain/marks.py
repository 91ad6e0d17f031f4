"""The roll-call mark decision: one pure function, in the check-in decision's order, refusals as values.

A badge scanned in the roll-call marks its person present for a part of the day. The order (the first check
that fails decides), as `checkin.domain.decide` has it for the desk:

1. ``segment_invalid_code``      the text is not a code, or a badge code whose signature fails
2. ``segment_revoked``           a code replaced by a newer one (a reissued ticket, a reprinted badge)
3. ``segment_not_found``         a well-formed code this desk does not know (yet)
4. ``segment_not_booked_here``   the person is booked on another session, not this one
5. ``segment_booking_inactive``  the booking here is cancelled, waitlisted or transferred away
6. ``segment_already_marked``    the person is marked present for the part already
7. ``segment_marked``
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from checkin.domain.clock import to_local
from checkin.domain.codes import CodeKind, ReadCode
from checkin.domain.decide import RegistrationFacts, SessionFacts
from checkin.domain.person import Person
from checkin.domain.vocabulary import ACTIVE_STATUSES


class MarkCode(StrEnum):
    MARKED = "segment_marked"
    ALREADY_MARKED = "segment_already_marked"
    NOT_BOOKED_HERE = "segment_not_booked_here"
    NOT_ACTIVE = "segment_booking_inactive"
    NOT_FOUND = "segment_not_found"
    INVALID_CODE = "segment_invalid_code"
    REVOKED = "segment_revoked"


@dataclass(frozen=True)
class MarkOutcome:
    """What a scan in the roll-call did: a machine-readable code, a sentence, and the person."""

    code: MarkCode
    reason: str
    segment_name: str
    delegate: Person | None = None
    registration_id: int | None = None
    #: When they were checked in at the desk (None: not checked in there).
    checked_in_at: datetime | None = None
    #: For NOT_BOOKED_HERE: the code of the session they are booked on.
    booked_session_code: str | None = None

    @property
    def marked(self) -> bool:
        return self.code in (MarkCode.MARKED, MarkCode.ALREADY_MARKED)


def decide_mark(
    read: ReadCode,
    session: SessionFacts,
    registration: RegistrationFacts | None,
    segment_name: str,
    *,
    already_marked: bool,
    checked_in_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> MarkOutcome:
    """Decide a roll-call scan for the part of the day `segment_name` of `session`. `registration` is what
    the code resolved to, as at the desk; `already_marked` whether that booking counts as present for the
    part now; `checked_in_at` when it was checked in at the desk (None: not there); `revoked_at` when the
    code was replaced by a newer one (None: it is live). MARKED means the caller records the mark."""
    if read.kind is CodeKind.INVALID:
        return MarkOutcome(
            MarkCode.INVALID_CODE,
            "Not a valid badge code: it may be misread. Scan again, or tick the name in the list.",
            segment_name,
        )
    if revoked_at is not None:
        return MarkOutcome(
            MarkCode.REVOKED,
            f"This code was replaced on {to_local(revoked_at):%a %d %b}: not marked. "
            "Tick the name in the list.",
            segment_name,
            registration.delegate if registration is not None else None,
            registration.id if registration is not None else None,
        )
    if registration is None:
        return MarkOutcome(
            MarkCode.NOT_FOUND,
            "This code is not known here. Tick the name in the list, or sync and scan again.",
            segment_name,
        )
    card = registration.delegate
    name = card.display_name
    if registration.session.id != session.id:
        other = registration.session
        return MarkOutcome(
            MarkCode.NOT_BOOKED_HERE,
            f"{name} is not booked on this session; they are booked on {other.title} ({other.code}).",
            segment_name,
            card,
            registration.id,
            booked_session_code=other.code,
        )
    if registration.status not in ACTIVE_STATUSES:
        status = registration.status.replace("_", " ")
        return MarkOutcome(
            MarkCode.NOT_ACTIVE,
            f"{name}'s booking on this session is {status}: not marked. The desk can sort it out.",
            segment_name,
            card,
            registration.id,
        )
    if already_marked:
        return MarkOutcome(
            MarkCode.ALREADY_MARKED,
            f"{name} was already marked present for {segment_name}.",
            segment_name,
            card,
            registration.id,
            checked_in_at,
        )
    return MarkOutcome(
        MarkCode.MARKED,
        f"{name} is marked present for {segment_name}.",
        segment_name,
        card,
        registration.id,
        checked_in_at,
    )
