"""Codes that no longer admit: reissuing a lost badge with a new code, the old one kept as revoked."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import issue_badge_code
from checkin.domain.clock import Clock, utc_now
from checkin.domain.text import clean
from checkin.errors import UsageError
from checkin.store.models import AuditLog, Registration, RevokedCode

BADGE = "badge"  # RevokedCode.kind of one of our own badge codes
DEFAULT_REISSUE_REASON = "badge lost"


@dataclass(frozen=True)
class Reissue:
    registration_id: int
    badge_code: str


def reissue_badge(
    db: OrmSession,
    registration_id: int,
    reason: str = DEFAULT_REISSUE_REASON,
    *,
    desk: str = "",
    operator: str = "",
    clock: Clock = utc_now,
    token_bytes: Callable[[int], bytes] | None = None,
) -> Reissue:
    """Give a booking a new badge code; the old one is kept as revoked, so a scan of the lost badge is
    refused (and says when it was replaced). Printing the new badge is the usual print. Audited without
    personal data; the caller commits."""
    registration = db.get(Registration, registration_id)
    if registration is None:
        raise UsageError("That booking no longer exists.")
    now = clock()
    old = registration.badge_code
    registration.badge_code = issue_badge_code(db, registration.session.programme, token_bytes)
    registration.updated_at = now
    db.add(
        RevokedCode(
            registration_id=registration.id,
            kind=BADGE,
            code=old,
            lookup=old,  # badge codes are stored as they are looked up
            revoked_at=now,
            desk=desk,
            reason=clean(reason) or DEFAULT_REISSUE_REASON,
        )
    )
    db.add(
        AuditLog(
            at=now,
            desk=desk,
            operator=operator,
            action="reissue badge",
            detail=f"registration {registration.id}",
        )
    )
    db.flush()
    return Reissue(registration.id, registration.badge_code)
