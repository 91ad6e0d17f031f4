"""Small-number suppression for the anonymous report, the convention of UK official statistics.

**Primary**: any count from 1 to 4 is shown as "<5" (0 is shown: nobody is nobody).

**Secondary**: a count hidden alone could be worked back from the figures around it: a column's total
less the other rows, or a row's places less its attended. So the report's figures are tied by *lines*,
each a set of counts that add up to another (the sessions of a column to its total, a venue's sessions to
the venue, booked and walk-ins to places, attended and no-shows to places, sectors to the total...), and
wherever a line holds exactly one hidden count, the smallest other non-zero count of that line is hidden
too (shown as "*"), its total when no other is left. Hiding one count can leave another line with one
hidden, so this repeats until every line holds none or at least two. Figures shared by several tables
(the totals) are one count everywhere, hidden everywhere or nowhere.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

SMALLEST_SHOWN = 5


class Hidden(StrEnum):
    SMALL = "<5"
    #: Hidden so that a small count cannot be worked out from the others.
    SECONDARY = "*"


@dataclass(frozen=True)
class Line:
    """Counts that add up to `total`."""

    parts: tuple[Hashable, ...]
    total: Hashable


def suppress(values: Mapping[Hashable, int], lines: Sequence[Line]) -> dict[Hashable, Hidden]:
    """Which counts to hide, and why (the module's rule)."""
    hidden: dict[Hashable, Hidden] = {
        key: Hidden.SMALL for key, value in values.items() if 0 < value < SMALLEST_SHOWN
    }
    order = {key: n for n, key in enumerate(values)}  # ties broken by the order the report made them in
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = (*line.parts, line.total)
            if sum(1 for key in set(cells) if key in hidden) != 1:
                continue
            candidates = sorted(
                (key for key in set(line.parts) if key not in hidden and values[key] > 0),
                key=lambda key: (values[key], order[key]),
            )
            if not candidates and line.total not in hidden and values[line.total] > 0:
                candidates = [line.total]
            if candidates:
                hidden[candidates[0]] = Hidden.SECONDARY
                changed = True
    return hidden
