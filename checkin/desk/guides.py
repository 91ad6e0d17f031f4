"""The pocket guide handed out: one record a booking, made at the desk (one key) or in roll-call."""

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.errors import UsageError
from checkin.store.database import begin_write
from checkin.store.models import GuideHandout, Registration


def hand_out_guide(
    db: OrmSession, registration_id: int, *, desk: str, operator: str = "", clock: Clock = utc_now
) -> bool:
    """Record that the person was given the pocket guide; commits. Returns False, recording nothing, when
    they had it already: pressing twice is pressing once."""
    begin_write(db)
    registration = db.get(Registration, registration_id)
    if registration is None:
        raise UsageError("That booking no longer exists.")
    if db.scalars(select(GuideHandout.id).where(GuideHandout.registration_id == registration_id)).first():
        return False
    db.add(
        GuideHandout(
            registration_id=registration.id,
            session_id=registration.session_id,
            at=clock(),
            desk=desk,
            operator=operator,
        )
    )
    db.commit()
    return True


def guides_given(db: OrmSession, session_id: int) -> set[int]:
    """Registration ids of the session's delegates who were given the pocket guide."""
    return set(db.scalars(select(GuideHandout.registration_id).where(GuideHandout.session_id == session_id)))
