"""The organiser PIN: hashed with scrypt, checked in constant time, locked after five wrong tries in a row.

The PIN is at least six characters. Digits are what most organisers will type (a six-digit PIN has a
million values, and the lockout allows five guesses per five minutes, doubling), but letters and
symbols are accepted too, so an organiser who prefers a passphrase can have one. Everything is kept in
this desk's settings (`pin_hash`, `pin_failures`, `pin_locked_until`) through the one settings accessor;
the time is passed in, so tests can walk through a lockout without waiting.
"""

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from checkin.domain.clock import as_utc
from checkin.errors import UserError
from checkin.settings import Settings

MIN_LENGTH = 6
MAX_LENGTH = 128
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(hours=8)
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_KEY_LENGTH = 32
_MAXMEM = 64 * 1024 * 1024


class PinError(UserError, ValueError):
    """A new PIN that cannot be used; the message says why, in the organiser's words."""


@dataclass(frozen=True)
class PinCheck:
    #: The PIN was right (and the failure count is back to zero).
    ok: bool
    #: While locked: until when (UTC). No PIN is even compared while locked.
    locked_until: datetime | None
    #: Wrong tries left before the next lock (five after a right PIN or a lock running out).
    attempts_left: int


def _normal(pin: str) -> bytes:
    # NFC so that "é" typed either way is the same PIN; surrogatepass so that no text can make this raise.
    return unicodedata.normalize("NFC", pin).encode("utf-8", "surrogatepass")


def pin_problem(pin: str) -> str | None:
    """Why this can't be a new PIN, or None when it can."""
    if len(pin) < MIN_LENGTH:
        return f"A PIN needs at least {MIN_LENGTH} characters (digits are fine)."
    if len(pin) > MAX_LENGTH:
        return f"A PIN can have at most {MAX_LENGTH} characters."
    if pin != pin.strip():
        return "A PIN can't start or end with a space."
    return None


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt_hex$hash_hex' for this PIN, with a fresh random 16-byte salt unless given one."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(
        _normal(pin), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM, dklen=_KEY_LENGTH
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Compare in constant time; a damaged stored hash matches nothing."""
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(hash_hex)
        digest = hashlib.scrypt(
            _normal(pin),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


def has_pin(settings: Settings) -> bool:
    return bool(settings.get("pin_hash"))


def set_pin(settings: Settings, pin: str, salt: bytes | None = None) -> None:
    """Store a new PIN (hashed) and clear any failures and lock. Raises PinError for an unusable PIN."""
    problem = pin_problem(pin)
    if problem:
        raise PinError(problem)
    settings.set("pin_hash", hash_pin(pin, salt))
    _reset(settings)


def clear_pin(settings: Settings) -> None:
    """No PIN: the desk's organiser actions are open to anyone at the laptop."""
    settings.set("pin_hash", "")
    _reset(settings)


def _reset(settings: Settings) -> None:
    settings.set("pin_failures", 0)
    settings.set("pin_locked_until", "")


def locked_until(settings: Settings, now: datetime) -> datetime | None:
    """When the running lock ends, or None when the PIN may be tried now."""
    stored = settings.get("pin_locked_until")
    if not stored:
        return None
    try:
        until = as_utc(datetime.fromisoformat(stored))
    except ValueError:
        return None
    return until if until > as_utc(now) else None


def lock_length(failures: int) -> timedelta:
    """Five minutes after the first five wrong PINs in a row, ten after the next five, and so on."""
    rounds = max(failures // FAILURES_BEFORE_LOCK, 1)
    multiple: int = 2 ** min(rounds - 1, 16)  # typeshed says Any: a power may be a float
    return min(FIRST_LOCK * multiple, LONGEST_LOCK)


def check_pin(settings: Settings, pin: str, now: datetime) -> PinCheck:
    """Is this the organiser PIN? Counts wrong tries and locks after five in a row.

    With no PIN set nothing matches (ok is False): the caller decides whether an unprotected desk is open.
    """
    until = locked_until(settings, now)
    failures = settings.get("pin_failures")
    if until is not None:
        return PinCheck(False, until, 0)
    if has_pin(settings) and pin_matches(pin, settings.get("pin_hash")):
        if failures or settings.get("pin_locked_until"):
            _reset(settings)
        return PinCheck(True, None, FAILURES_BEFORE_LOCK)
    failures += 1
    settings.set("pin_failures", failures)
    if failures % FAILURES_BEFORE_LOCK == 0:
        until = as_utc(now) + lock_length(failures)
        settings.set("pin_locked_until", until.isoformat())
        return PinCheck(False, until, 0)
    return PinCheck(False, None, FAILURES_BEFORE_LOCK - failures % FAILURES_BEFORE_LOCK)


def refusal(check: PinCheck, now: datetime) -> str:
    """What to tell the organiser when a PIN was not accepted: the desk's PIN dialog says the same."""
    if check.locked_until is not None:
        minutes = max(1, ceil((check.locked_until - as_utc(now)).total_seconds() / 60))
        return (
            f"Locked for {minutes} minutes after five wrong PINs. "
            f"Try again at {check.locked_until.astimezone():%H:%M}."
        )
    tries = "1 try" if check.attempts_left == 1 else f"{check.attempts_left} tries"
    return f"That PIN is not right. {tries} left before the PIN locks for a while."
