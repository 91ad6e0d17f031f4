"""Self check-in at a kiosk without a badge: find yourself by surname, prove it with your email's first letters.

What the kiosk screen is given is deliberately thin — a first name and a surname initial — so that a
passer-by typing common surnames learns little about who is booked; the email itself never leaves here.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.text import fold
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.store.models import Delegate, Registration

MIN_SURNAME_LETTERS = 2
EMAIL_LETTERS = 3
MOST_SHOWN = 8


@dataclass(frozen=True)
class KioskHit:
    registration_id: int
    #: "Amelia H." — the first (or badge) name and the surname's initial, nothing more.
    shown_name: str


class EmailCheck(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    NO_EMAIL = "no_email"


def find_by_surname(db: OrmSession, surname: str, session_id: int, limit: int = MOST_SHOWN) -> list[KioskHit]:
    """Active bookings on this session whose surname starts with what was typed (accents, case ignored)."""
    typed = fold(surname).replace(" ", "")
    if len(typed) < MIN_SURNAME_LETTERS:
        return []
    rows = db.execute(
        select(Registration.id, Delegate.first_name, Delegate.badge_name, Delegate.last_name)
        .join(Delegate, Registration.delegate_id == Delegate.id)
        .where(Registration.session_id == session_id, Registration.status.in_(ACTIVE_STATUSES))
        .order_by(Delegate.first_name, Delegate.last_name, Registration.id)
    ).all()
    hits = []
    for registration_id, first_name, badge_name, last_name in rows:
        if not fold(last_name).replace(" ", "").startswith(typed):
            continue
        first = (badge_name or first_name).strip()
        initial = last_name.strip()[:1].upper()
        hits.append(KioskHit(registration_id, f"{first} {initial}." if initial else first))
        if len(hits) >= limit:
            break
    return hits


def check_email_letters(db: OrmSession, registration_id: int, letters: str) -> EmailCheck:
    """Do these match the first three letters of the person's email (case ignored)?"""
    registration = db.get(Registration, registration_id)
    email = registration.delegate.email.strip() if registration is not None else ""
    if len(email) < EMAIL_LETTERS:
        return EmailCheck.NO_EMAIL
    typed = letters.strip().casefold()
    if len(typed) == EMAIL_LETTERS and typed == email[:EMAIL_LETTERS].casefold():
        return EmailCheck.RIGHT
    return EmailCheck.WRONG
