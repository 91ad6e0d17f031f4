"""The domain's words: the statuses of a booking, the kinds of check-in event, the ways a person is checked in."""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    WALK_IN = "walk_in"
    TRANSFERRED = "transferred"
    #: Unpaid, awaiting the organiser's approval, or invited and not yet registered.
    PENDING = "pending"


#: Statuses that entitle a person to a place (and a badge). A pending booking holds none until confirmed.
ACTIVE_STATUSES = (RegistrationStatus.BOOKED, RegistrationStatus.WALK_IN)


class EventKind(StrEnum):
    IN = "in"
    OUT = "out"
    UNDO = "undo"


class Method(StrEnum):
    SCANNER = "scanner"
    CAMERA = "camera"
    SEARCH = "search"
    ROLL_CALL = "roll-call"
    KIOSK = "kiosk"
    WALK_IN = "walk-in"
    COMMAND_LINE = "command-line"
    IMPORT = "import"
    #: Admitted anyway with the organiser PIN after the decision refused (the audit log says why).
    OVERRIDE = "override"


# A desk keeps values a newer version wrote as the text they came as; these say which it understands.
# (A StrEnum member hashes as its text, so a stored string can be looked up directly.)
KNOWN_STATUSES = frozenset(RegistrationStatus)
KNOWN_EVENT_KINDS = frozenset(EventKind)
KNOWN_METHODS = frozenset(Method)

#: How the desk says that something here came from a newer version than this one.
UPDATE_THIS_DESK = "a newer version of Check-in Desk: update this desk"
