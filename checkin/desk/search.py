"""Finding people by a few letters: any part of a name, organisation or email, accents and case ignored."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.roster import PERSON_COLUMNS, current_checkins
from checkin.domain.person import Person, surname_key
from checkin.domain.text import fold
from checkin.store.models import CheckinEvent, Delegate, Registration, Session


@dataclass(frozen=True)
class SearchHit(Person):
    """A person found, with the booking they were found by."""

    registration_id: int
    session_id: int
    session_code: str
    status: str
    checked_in_at: datetime | None


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(db: OrmSession, text: str, session_id: int | None = None, limit: int = 30) -> list[SearchHit]:
    """Bookings whose person matches every word typed: surnames starting with the first word come
    first, in surname order; then matches anywhere in a name, organisation or email. Empty text finds
    nobody.

    Both steps stop at `limit` rows without sorting every match: the surname step walks the surname index
    and the anywhere step stops at its first matches, so a search stays quick at 100,000 delegates."""
    words = fold(text).split()
    if not words:
        return []
    query = select(
        Registration.id.label("registration_id"),
        Registration.session_id,
        Registration.status,
        *PERSON_COLUMNS,
    ).join(Delegate, Registration.delegate_id == Delegate.id)
    anywhere = query.where(Registration.session_id == session_id) if session_id is not None else query
    first, others = words[0], words[1:]
    by_surname = query.where(Delegate.surname_key >= first, Delegate.surname_key < first + "\uffff")
    if session_id is not None:
        # "+ 0" keeps the planner off the session index, which holds every booking of a big session: the
        # surname index finds the dozen names at once.
        by_surname = by_surname.where((Registration.session_id + 0) == session_id)
    for word in others:
        by_surname = by_surname.where(Delegate.search_key.like(_like(word), escape="\\"))
    rows = list(db.execute(by_surname.order_by(Delegate.surname_key).limit(limit)).all())
    if len(rows) < limit:
        if rows:
            anywhere = anywhere.where(Registration.id.not_in([row.registration_id for row in rows]))
        for word in words:
            anywhere = anywhere.where(Delegate.search_key.like(_like(word), escape="\\"))
        more = list(db.execute(anywhere.limit(limit * 4)).all())
        more.sort(
            key=lambda r: (not fold(r.first_name).startswith(first), surname_key(r.last_name, r.first_name))
        )
        rows += more[: limit - len(rows)]
    present = _checked_in(db, [row.registration_id for row in rows])
    codes = dict(
        db.execute(
            select(Session.id, Session.code).where(Session.id.in_({row.session_id for row in rows}))
        ).all()
    )
    return [
        SearchHit.of(
            row,
            registration_id=row.registration_id,
            session_id=row.session_id,
            session_code=codes[row.session_id],
            status=row.status,
            checked_in_at=present.get(row.registration_id),
        )
        for row in rows
    ]


def _checked_in(db: OrmSession, registration_ids: list[int]) -> dict[int, datetime]:
    if not registration_ids:
        return {}
    present = current_checkins(db, CheckinEvent.registration_id.in_(registration_ids))
    return {registration_id: at for registration_id, (at, _desk) in present.items()}
