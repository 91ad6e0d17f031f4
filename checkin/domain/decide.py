"""The check-in decision: one pure function, its checks in a fixed order, refusals as values.

The order (the first check that fails decides):

1. ``invalid_code``        the text is not a code, or a badge code whose signature fails
2. ``revoked``             a code replaced by a newer one (a reissued ticket, a reprinted badge)
3. ``not_found``           a well-formed code this desk does not know (yet)
4. ``wrong_session``       the code belongs to another session and the person is not booked on this one
5. ``not_today``           now is outside this session's admission window (nothing is recorded)
6. ``cancelled``           the booking here is cancelled, refunded, void, transferred away or waitlisted
7. ``needs_update``        the booking's status was written by a newer version of the desk than this one
8. ``not_confirmed``       the booking is pending: unpaid, awaiting approval, or invited and not registered
9. ``already_checked_in``  the person was admitted to this session before (and not undone or out)
10. ``admitted``

A booking has one status, so ``cancelled``, ``needs_update`` and ``not_confirmed`` never compete; an event
of a kind this version does not know is kept but neither admits nor lets out (see `current_checkin`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from checkin.domain.admission import AdmissionWindow, session_day
from checkin.domain.clock import as_utc, time_for_people, to_local
from checkin.domain.codes import CodeKind, ReadCode
from checkin.domain.person import Person
from checkin.domain.vocabulary import KNOWN_STATUSES, UPDATE_THIS_DESK, EventKind, RegistrationStatus


class OutcomeCode(StrEnum):
    ADMITTED = "admitted"
    ALREADY_CHECKED_IN = "already_checked_in"
    WRONG_SESSION = "wrong_session"
    NOT_TODAY = "not_today"
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"
    INVALID_CODE = "invalid_code"
    NEEDS_UPDATE = "needs_update"
    NOT_CONFIRMED = "not_confirmed"
    REVOKED = "revoked"


@dataclass(frozen=True)
class SessionFacts:
    id: int
    code: str
    title: str
    #: When its codes admit; None admits at any time.
    window: AdmissionWindow | None = None


@dataclass(frozen=True)
class RegistrationFacts:
    id: int
    session: SessionFacts
    status: str
    status_reason: str
    delegate: Person


@dataclass(frozen=True)
class EventFacts:
    uuid: str
    kind: str
    at: datetime
    desk: str
    method: str
    undoes: str | None = None


@dataclass(frozen=True)
class EarlierCheckin:
    at: datetime
    desk: str
    method: str


@dataclass(frozen=True)
class Outcome:
    code: OutcomeCode
    reason: str
    delegate: Person | None = None
    earlier: EarlierCheckin | None = None
    registration_id: int | None = None
    #: For wrong_session: the session the code belongs to.
    booked_session: SessionFacts | None = None
    #: For not_today: another session of the person's that admits now (the desk offers to open it).
    open_session: SessionFacts | None = None
    #: The keyboard layout whose damage to the scanned text was repaired, "" if none.
    repaired_layout: str = ""

    @property
    def admitted(self) -> bool:
        return self.code is OutcomeCode.ADMITTED


def current_checkin(events: Sequence[EventFacts]) -> EarlierCheckin | None:
    """The check-in that counts now: the earliest 'in' since the person was last out; undos erase.

    Two desks that admitted one person while apart leave two 'in' events; the earlier counts.
    """
    undone = {event.undoes for event in events if event.kind == EventKind.UNDO}
    current: EventFacts | None = None
    for event in sorted(events, key=lambda e: (as_utc(e.at), e.uuid)):
        if event.uuid in undone:
            continue
        if event.kind == EventKind.IN and current is None:
            current = event
        elif event.kind == EventKind.OUT:
            current = None
    if current is None:
        return None
    return EarlierCheckin(at=as_utc(current.at), desk=current.desk, method=current.method)


def _ago(earlier: datetime, now: datetime) -> str:
    minutes = int((as_utc(now) - as_utc(earlier)).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return f"at {time_for_people(earlier, now)}"  # the laptop's local time, as on the wall


_REFUSED_STATUSES: dict[str, str] = {
    RegistrationStatus.CANCELLED: "This booking was cancelled",
    RegistrationStatus.WAITLISTED: "This person is on the waiting list, without a confirmed place",
    RegistrationStatus.TRANSFERRED: "This booking was transferred to another session",
}


def decide(
    read: ReadCode,
    session: SessionFacts,
    registration: RegistrationFacts | None,
    events: Sequence[EventFacts],
    now: datetime,
    revoked_at: datetime | None = None,
) -> Outcome:
    """Decide a scan at `session`. `registration` is what the code resolved to: the person's booking on
    this session when they have one, otherwise the booking the code was issued for; `events` are that
    registration's session-level check-in events. `revoked_at` is when the code was replaced by a newer
    one (then `registration` is the booking it was issued for)."""
    repaired = read.layout
    if read.kind is CodeKind.INVALID:
        return Outcome(
            OutcomeCode.INVALID_CODE,
            # Said at a public desk: what to do, not what the person might have done.
            "This is not a badge made for this programme, or it did not scan cleanly. Scan it again, "
            "or ask for the delegate's name and search for it.",
            repaired_layout=repaired,
        )
    if revoked_at is not None:
        return Outcome(
            OutcomeCode.REVOKED,
            f"This ticket code was replaced on {to_local(revoked_at):%a %d %b} — ask for the delegate's name.",
            registration.delegate if registration else None,
            registration_id=registration.id if registration else None,
            repaired_layout=repaired,
        )
    if registration is None:
        return Outcome(
            OutcomeCode.NOT_FOUND,
            "This code is not known at this desk. Search by name, or sync and scan again.",
            repaired_layout=repaired,
        )
    delegate = registration.delegate
    if registration.session.id != session.id:
        other = registration.session
        return Outcome(
            OutcomeCode.WRONG_SESSION,
            f"Booked on another session: {other.title} ({other.code}).",
            delegate,
            registration_id=registration.id,
            booked_session=other,
            repaired_layout=repaired,
        )
    if session.window is not None and not session.window.admits(now):
        return Outcome(
            OutcomeCode.NOT_TODAY,
            f"This session is on {session_day(session.window.starts_at, now)}.",
            delegate,
            registration_id=registration.id,
            repaired_layout=repaired,
        )
    detail = f": {registration.status_reason}" if registration.status_reason else ""
    refused = _REFUSED_STATUSES.get(registration.status)
    if refused is not None:
        return Outcome(
            OutcomeCode.CANCELLED,
            f"{refused}{detail}.",
            delegate,
            registration_id=registration.id,
            repaired_layout=repaired,
        )
    if registration.status not in KNOWN_STATUSES:
        return Outcome(
            OutcomeCode.NEEDS_UPDATE,
            f"This booking was changed by {UPDATE_THIS_DESK}.",
            delegate,
            registration_id=registration.id,
            repaired_layout=repaired,
        )
    if registration.status == RegistrationStatus.PENDING:
        return Outcome(
            OutcomeCode.NOT_CONFIRMED,
            f"This booking is not confirmed yet{detail}.",
            delegate,
            registration_id=registration.id,
            repaired_layout=repaired,
        )
    earlier = current_checkin(events)
    if earlier is not None:
        return Outcome(
            OutcomeCode.ALREADY_CHECKED_IN,
            f"Already checked in {_ago(earlier.at, now)} at desk {earlier.desk}.",
            delegate,
            earlier,
            registration_id=registration.id,
            repaired_layout=repaired,
        )
    return Outcome(
        OutcomeCode.ADMITTED,
        f"Welcome, {delegate.display_name}.",
        delegate,
        registration_id=registration.id,
        repaired_layout=repaired,
    )
