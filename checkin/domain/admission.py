"""A session's admission window: when its codes admit, by default from two hours before it starts to the
end of its last day (the laptop's calendar day), so last year's session never admits today."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from checkin.domain.clock import as_utc, to_local

#: How long before a session starts its codes begin to admit, unless the desk's setting says otherwise.
DEFAULT_HOURS_BEFORE = 2

# Fixed English names: the desk's sentences are English, whatever locale Qt sets for the process.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class AdmissionWindow:
    """From `opens` (inclusive) to `closes` (exclusive), in UTC; `starts_at` is the session's start."""

    starts_at: datetime
    opens: datetime
    closes: datetime

    def admits(self, moment: datetime) -> bool:
        return self.opens <= as_utc(moment) < self.closes


def end_of_local_day(moment: datetime) -> datetime:
    """The next local midnight after `moment` (DST-aware: the offset is the one in force at that midnight)."""
    next_day = to_local(moment).date() + timedelta(days=1)
    return as_utc(datetime.combine(next_day, time()).astimezone())


def admission_window(
    starts_at: datetime,
    ends_at: datetime | None = None,
    *,
    admit_from: datetime | None = None,
    admit_until: datetime | None = None,
    hours_before: int = DEFAULT_HOURS_BEFORE,
) -> AdmissionWindow:
    """The session's own window where it has one (set on `session add`), else the default around its dates."""
    opens = admit_from if admit_from is not None else as_utc(starts_at) - timedelta(hours=hours_before)
    closes = admit_until if admit_until is not None else end_of_local_day(ends_at or starts_at)
    return AdmissionWindow(as_utc(starts_at), as_utc(opens), as_utc(closes))


def session_day(starts_at: datetime, now: datetime) -> str:
    """'Thu 12 March, 09:30' in local time; the year is added when it is not this year."""
    local = to_local(starts_at)
    year = f" {local.year}" if local.year != to_local(now).year else ""
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}{year}, {local:%H:%M}"
