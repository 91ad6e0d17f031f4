"""The domain's words: the statuses of a booking, the kinds of check-in event, the ways a person is checked in."""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    WALK_IN = "walk_in"
    TRANSFERRED = "transferred"


#: Statuses that entitle a person to a place (and a badge).
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
