"""Clocks and the clock on the wall: what time it is (UTC, for storage) and how a time reads to people.

Times are stored and exchanged in UTC; a person reads them in the laptop's own time zone, so in summer
14:05 UTC is shown as 15:05 in London. `zone=None` means this computer's zone; tests pass their own.
"""

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A naive datetime is taken to be UTC (that is how the database stores them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with a UTC offset, as the command line promises."""
    if moment is None:
        return None
    return as_utc(moment).isoformat()


def to_local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """`moment` as the clock on the wall shows it: in `zone`, or in this computer's zone when None
    (summer time is decided for `moment` itself, not for today)."""
    return as_utc(moment).astimezone(zone)


def clock_for_people(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """'14:05' (or '14:05:09'), local time, for a list whose day is already said."""
    return f"{to_local(moment, zone):%H:%M:%S}" if seconds else f"{to_local(moment, zone):%H:%M}"


def day_for_people(moment: datetime, zone: tzinfo | None = None) -> str:
    """'Thu 12 Mar 2026', the local date."""
    return f"{to_local(moment, zone):%a %d %b %Y}"


def time_for_people(
    moment: datetime, now: datetime, zone: tzinfo | None = None, *, seconds: bool = False
) -> str:
    """'14:05' on `now`'s day, '14:05 on Thu 12 Mar' on another day, '14:05 on Thu 12 Mar 2025' in
    another year: local time, with as much of the date as a person needs to place it."""
    local, today = to_local(moment, zone), to_local(now, zone)
    clock = clock_for_people(local, zone, seconds=seconds)
    if local.date() == today.date():
        return clock
    if local.year == today.year:
        return f"{clock} on {local:%a %d %b}"
    return f"{clock} on {local:%a %d %b %Y}"
