"""Duplicate admissions: the same person admitted twice by desks that could not see each other."""

from dataclasses import dataclass

from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import as_utc
from checkin.domain.decide import EarlierCheckin, EventFacts
from checkin.domain.person import Person
from checkin.domain.vocabulary import EventKind
from checkin.store.models import CheckinEvent, Registration, Session


@dataclass(frozen=True)
class DuplicateAdmission:
    delegate: Person
    registration_id: int
    #: Earliest first: that one counts.
    events: tuple[EarlierCheckin, ...]


def _duplicates(events: list[EventFacts]) -> list[EarlierCheckin]:
    """Admissions after the first with no exit or undo in between: each one a desk that did not know."""
    undone = {e.undoes for e in events if e.kind == EventKind.UNDO}
    stay: list[EventFacts] = []
    found: list[EarlierCheckin] = []
    for event in sorted(events, key=lambda e: (as_utc(e.at), e.uuid)):
        if event.uuid in undone:
            continue
        if event.kind == EventKind.IN:
            stay.append(event)
        elif event.kind == EventKind.OUT:
            stay = []
        if len(stay) == 2:
            found.extend(EarlierCheckin(as_utc(e.at), e.desk, e.method) for e in stay)
        elif len(stay) > 2 and event.kind == EventKind.IN:
            found.append(EarlierCheckin(as_utc(event.at), event.desk, event.method))
    return found


def duplicate_admissions(db: OrmSession, session: Session) -> list[DuplicateAdmission]:
    from checkin.desk.roster import load_events

    by_registration = load_events(
        db, CheckinEvent.session_id == session.id, CheckinEvent.segment_id.is_(None)
    )
    result = []
    for registration_id, events in by_registration.items():
        duplicates = _duplicates(events)
        if duplicates:
            registration = db.get(Registration, registration_id)
            assert registration is not None
            result.append(
                DuplicateAdmission(Person.of(registration.delegate), registration_id, tuple(duplicates))
            )
    return sorted(result, key=lambda d: d.events[0].at)
