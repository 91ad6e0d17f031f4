"""The programme's own settings: its title, organiser and who delivers it, and the logo and colours its
badges and pocket guide are printed with. Kept in the database, so every desk prints the same."""

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import default_programme, session_by_code
from checkin.domain.clock import Clock, utc_now
from checkin.domain.text import clean
from checkin.errors import UsageError
from checkin.store.models import AuditLog, Programme

#: A logo is printed small: a larger file only slows every desk's sync.
LOGO_MAX_BYTES = 512 * 1024
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class ProgrammeSettings:
    """What the organiser sets; empty colours and no logo mean the program's own."""

    title: str
    organiser: str = ""
    delivered_by: str = ""
    logo: bytes | None = None
    colour: str = ""
    accent_colour: str = ""


@dataclass(frozen=True)
class ProgrammeDetails(ProgrammeSettings):
    id: int = 0
    demo: bool = False


def _programme(db: OrmSession, session_code: str | None) -> Programme:
    """The programme of the session open, or the one new sessions join."""
    if session_code:
        return session_by_code(db, session_code).programme
    return default_programme(db)


def programme_details(db: OrmSession, session_code: str | None = None) -> ProgrammeDetails:
    programme = _programme(db, session_code)
    return ProgrammeDetails(
        title=programme.title,
        organiser=programme.organiser,
        delivered_by=programme.delivered_by,
        logo=programme.logo,
        colour=programme.colour,
        accent_colour=programme.accent_colour,
        id=programme.id,
        demo=programme.demo,
    )


def read_logo(path: Path) -> bytes:
    """A logo file's bytes, refused with a reason when it cannot be printed."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UsageError(
            f"The logo {Path(path).name} could not be read ({error.strerror or error})."
        ) from None
    if not (data.startswith(_PNG) or data.startswith(_JPEG)):
        raise UsageError("A logo must be a PNG or JPEG picture.")
    if len(data) > LOGO_MAX_BYTES:
        raise UsageError(
            f"That logo is {len(data) // 1024} KB; use one under {LOGO_MAX_BYTES // 1024} KB "
            "(a badge prints it about 1 cm wide)."
        )
    return data


def _problem(settings: ProgrammeSettings) -> str | None:
    if not clean(settings.title):
        return "Give the programme a title."
    for colour, what in ((settings.colour, "main colour"), (settings.accent_colour, "accent colour")):
        if colour and not _COLOUR.fullmatch(colour):
            return f"The {what} must be like #1b2f4b (a # and six digits or letters a to f)."
    if settings.logo is not None and not (settings.logo.startswith(_PNG) or settings.logo.startswith(_JPEG)):
        return "A logo must be a PNG or JPEG picture."
    if settings.logo is not None and len(settings.logo) > LOGO_MAX_BYTES:
        return f"A logo must be under {LOGO_MAX_BYTES // 1024} KB."
    return None


def save_programme(
    db: OrmSession,
    settings: ProgrammeSettings,
    session_code: str | None = None,
    *,
    desk: str = "",
    clock: Clock = utc_now,
) -> ProgrammeDetails:
    """Change the programme of the session open (or the one new sessions join). Flushes; the caller commits."""
    problem = _problem(settings)
    if problem is not None:
        raise UsageError(problem)
    programme = _programme(db, session_code)
    programme.title = clean(settings.title)
    programme.organiser = clean(settings.organiser)
    programme.delivered_by = clean(settings.delivered_by)
    if programme.logo != settings.logo:
        programme.logo = settings.logo
    programme.colour = settings.colour.lower()
    programme.accent_colour = settings.accent_colour.lower()
    db.add(AuditLog(at=clock(), desk=desk, action="programme:edit", detail=f"programme {programme.id}"))
    db.flush()
    return programme_details(db, session_code)
