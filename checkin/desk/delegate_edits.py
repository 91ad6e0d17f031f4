"""Correcting a delegate's details at the desk: what can be edited, the checks, and an audit without names."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import refresh_search_key
from checkin.domain.clock import Clock, utc_now
from checkin.domain.person import DELEGATE_FIELDS, Person
from checkin.domain.text import clean, normalise_email
from checkin.errors import UsageError
from checkin.store.models import AuditLog, Delegate

#: The delegate fields the desk may change, in the order the edit form shows them: all but the sector, a
#: category for the programme's counts rather than a detail of the person.
EDITABLE_FIELDS = tuple(name for name in DELEGATE_FIELDS if name != "sector")


@dataclass(frozen=True)
class DelegateDetails(Person):
    """A person with every field the edit form shows."""

    phone: str


def delegate_details(db: OrmSession, delegate_id: int) -> DelegateDetails:
    delegate = db.get(Delegate, delegate_id)
    if delegate is None:
        raise UsageError("That delegate no longer exists.")
    return DelegateDetails.of(delegate, phone=delegate.phone)


def update_delegate(
    db: OrmSession,
    delegate_id: int,
    changes: Mapping[str, str],
    *,
    desk: str = "",
    operator: str = "",
    clock: Clock = utc_now,
) -> tuple[str, ...]:
    """Apply corrected details; returns the names of the fields that changed (empty: nothing did).

    Values are cleaned as an import cleans them and the search key is rebuilt, so the desk's search
    finds the new name at once. The audit log names the fields changed, never their values. The caller
    commits."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"not editable delegate fields: {', '.join(unknown)}")
    delegate = db.get(Delegate, delegate_id)
    if delegate is None:
        raise UsageError("That delegate no longer exists.")
    wanted = {name: clean(value) for name, value in changes.items()}
    if wanted.get("email"):
        email = normalise_email(wanted["email"])
        if not email:
            raise UsageError(
                f"{wanted['email']!r} is not an email address (it has no @). Correct it or leave it empty."
            )
        wanted["email"] = email
    first = wanted.get("first_name", delegate.first_name)
    last = wanted.get("last_name", delegate.last_name)
    if not (first or last):
        raise UsageError("A delegate needs a first name or a last name.")
    changed = tuple(
        name for name in EDITABLE_FIELDS if name in wanted and getattr(delegate, name) != wanted[name]
    )
    if not changed:
        return ()
    now = clock()
    for name in changed:
        setattr(delegate, name, wanted[name])
    refresh_search_key(delegate)
    delegate.updated_at = now
    db.add(
        AuditLog(
            at=now,
            desk=desk,
            operator=operator,
            action="edit",
            detail=f"delegate {delegate.id}: {', '.join(changed)}",
        )
    )
    db.flush()
    return changed
