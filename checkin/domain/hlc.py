"""Hybrid logical clocks: timestamps that order edits across desks even when a desk's clock is wrong.

An HLC is wall-clock milliseconds, a counter, and the replica that made it, written so that comparing the
strings compares the clocks. A desk never issues a clock below one it has seen, so an edit made after
seeing another is always later than it, whatever the desks' wall clocks say.
"""

from dataclasses import dataclass

ZERO = "0000000000000.00000.00000000"


@dataclass(frozen=True, order=True)
class HLC:
    wall_ms: int
    counter: int
    replica: str

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}.{self.counter:05d}.{self.replica[:8]}"

    @classmethod
    def parse(cls, text: str) -> "HLC":
        wall, counter, replica = text.split(".", 2)
        return cls(int(wall), int(counter), replica)


def tick(last: str, wall_ms: int, replica: str) -> str:
    """The next clock for a local edit, after `last` (the largest clock this replica has issued or seen)."""
    previous = HLC.parse(last)
    if wall_ms > previous.wall_ms:
        return str(HLC(wall_ms, 0, replica))
    return str(HLC(previous.wall_ms, previous.counter + 1, replica))


def later(a: str, b: str) -> str:
    return a if a >= b else b
