"""Views that take scans: a scan caught anywhere in the window goes to the view in front if it takes them."""

from typing import Protocol, runtime_checkable

from checkin.domain.vocabulary import Method


@runtime_checkable
class TakesScans(Protocol):
    """A view that does its own thing with a badge scanned while it is in front: the Desk admits, the
    Roll-call marks present. The window sends a scan made in front of any other view to the Desk."""

    def scan(self, text: str, method: Method = ...) -> object: ...
