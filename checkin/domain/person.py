"""The person record: a delegate's shown fields, their display name and the keys they are searched by."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol, Self

from checkin.domain.text import fold

#: Every field of a delegate's details (name: title), in the order the desk shows them. An import reads
#: these, sync sends them, the edit form and the import's column choices are titled from here.
DELEGATE_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "badge_name": "Name on badge",
    "organisation": "Organisation",
    "job_title": "Job title",
    "sector": "Sector",
    "email": "Email",
    "phone": "Phone",
    "access_needs": "Access needs",
    "dietary_needs": "Dietary needs",
}

#: The fields a delegate can be found by, in the order their words go into the search key.
SEARCH_FIELDS = ("first_name", "last_name", "badge_name", "organisation", "email")


class StoredDelegate(Protocol):
    """A stored delegate, or anything else with an id and the person's fields as attributes."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class Person:
    """A delegate as the desk shows them. Roster entries and search hits are people with booking facts
    added (subclasses), so every list of people shows a name the same way."""

    delegate_id: int
    first_name: str
    last_name: str
    badge_name: str
    organisation: str
    job_title: str
    email: str
    access_needs: str
    dietary_needs: str

    @classmethod
    def of(cls, delegate: StoredDelegate, **more: Any) -> Self:
        """The person of a stored delegate; `more` fills a subclass's own fields."""
        shown = {name: getattr(delegate, name) for name in SHOWN_FIELDS}
        return cls(delegate_id=delegate.id, **shown, **more)

    @property
    def display_name(self) -> str:
        """Badge name (or first name) and last name; for a nameless delegate, their email."""
        first = self.badge_name or self.first_name
        return f"{first} {self.last_name}".strip() or self.email or f"Delegate {self.delegate_id}"


#: The delegate fields a Person shows, as the stored delegate names them.
SHOWN_FIELDS = tuple(item.name for item in fields(Person) if item.name != "delegate_id")


def search_key(values: Mapping[str, Any], fold_field: Callable[[str], str] | None = None) -> str:
    """The accent-free text a delegate is found by: the words of their SEARCH_FIELDS, folded.

    Folding goes character by character, so folding each field on its own and joining the results gives
    the same key as folding the whole text. An import, which makes keys for thousands of people whose
    organisations and names repeat, passes a `fold_field` that remembers what it has folded."""
    parts = [values.get(name) or "" for name in SEARCH_FIELDS]
    if fold_field is None:
        return fold(" ".join(str(part) for part in parts if part))  # str: a synced value may be anything
    joined = " ".join(parts)
    if joined.isascii():  # most are: one call for the lot is quicker than five
        return fold_field(joined)
    return _joined(map(fold_field, parts))


def search_key_of(delegate: object) -> str:
    """`search_key` of a stored delegate, or anything with the SEARCH_FIELDS as attributes."""
    return search_key({name: getattr(delegate, name) for name in SEARCH_FIELDS})


def surname_key(last_name: str, first_name: str, fold_field: Callable[[str], str] | None = None) -> str:
    """The surname order key: accent-free "last first", so Ó Súilleabháin sorts among the O names."""
    if fold_field is None:
        return fold(f"{last_name} {first_name}")
    return _joined((fold_field(last_name), fold_field(first_name)))


def _joined(folded: Iterable[str]) -> str:
    return " ".join(part for part in folded if part)
