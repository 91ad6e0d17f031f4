"""The Print view's documents, made without a widget: badges, the pocket guide, registers, sign-in sheets
and certificates as PDF files, and what the view knows of each (`PrintJob`). No Qt here: the documents are
made in a worker process (`ui.base.processes`), which opens the database by its URL, so that ReportLab's
work never holds the window up through the interpreter lock."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checkin.printing.imposition import IMPOSITIONS
from checkin.printing.stocks import load_stocks
from checkin.store.database import Database, connect_database

if TYPE_CHECKING:  # for the annotation only: the badge job (and ReportLab) loads when badges are first made
    from checkin.printing.badge_jobs import BadgeJob

BADGES, GUIDE, REGISTER, SIGNIN, CERTIFICATES = "badges", "guide", "register", "signin", "certificates"
KINDS = (
    (BADGES, "Name badges"),
    (GUIDE, "Pocket guide"),
    (REGISTER, "Attendance register"),
    (SIGNIN, "Sign-in sheet"),
    (CERTIFICATES, "Certificates"),
)
ALL, UNPRINTED, CHOSEN = "all", "unprinted", "chosen"


@dataclass(frozen=True)
class BadgeChoice:
    """What the badge options say: which stock, which people, where on the sheet."""

    stock: str
    which: str  # ALL, UNPRINTED or CHOSEN
    registration_ids: tuple[int, ...] = ()  # only when CHOSEN
    start_at: int = 1
    outlines: bool = False


@dataclass(frozen=True)
class DocumentChoice:
    """Everything the left of the view says about the document: the session, the document type and its
    options. A preview, a save and a print act only on the document made from the choice shown."""

    session_code: str
    kind: str
    badges: BadgeChoice | None = None  # BADGES only
    layout: str | None = None  # GUIDE only


@dataclass(frozen=True)
class PrintJob:
    """A document made for printing: where it is, what it is, what it was made from, and what printing
    it needs."""

    path: Path
    choice: DocumentChoice
    title: str  # the print dialog's and the print queue's name for it
    file_name: str  # what Save as PDF suggests
    summary: str  # one line for the person at the desk
    duplex: str | None = None
    badges: "BadgeJob | None" = None  # badges: what was made, to log as printed once really printed

    @property
    def kind(self) -> str:
        return self.choice.kind

    @property
    def next_label(self) -> int | None:
        """Badges on a sheet: the first label left free after them."""
        return self.badges.next_label if self.badges is not None else None


#: The documents that carry delegates' names: saving one, or printing it into a file, is an export of
#: personal data and asks for the organiser PIN. The pocket guide holds only the venue's own details.
PERSONAL = {
    BADGES: "the badges",
    REGISTER: "the attendance register",
    SIGNIN: "the sign-in sheet",
    CERTIFICATES: "the certificates",
}


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _file_name(*words: str) -> str:
    """A file name people can read: the words joined by hyphens, nothing a folder would trip on."""
    text = "-".join(word.strip() for word in words if word.strip())
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)
    return "-".join(part for part in safe.split("-") if part).lower() + ".pdf"


def used_labels(start_at: int) -> str:
    """The labels of a partly used sheet before `start_at`, said as people say it."""
    if start_at == 2:
        return "Label 1 used"
    return f"Labels 1 to {start_at - 1} used"


# ---- the work (runs in a worker process; no widgets) -----------------------------------------------


def make_badges(
    database: Database, code: str, desk: str, choice: BadgeChoice, folder: Path
) -> PrintJob | None:
    """Badges as a PDF in `folder` for the preview; None when no one is left. Nothing is logged as printed
    until the preview is really printed (`log_printed_badges`)."""
    from checkin.printing.badge_jobs import BadgeRequest, make_badge_job

    request = BadgeRequest(
        code,
        choice.stock,
        registration_ids=choice.registration_ids if choice.which == CHOSEN else None,
        only_unprinted=choice.which == UNPRINTED,
        start_at=choice.start_at,
        outlines=choice.outlines,
    )
    with database.session() as db:
        badges = make_badge_job(
            db, request, folder / _file_name("badges", code, choice.stock), desk=desk, printed=False
        )
    if badges is None:
        return None
    stock = load_stocks().named(badges.stock)
    reprints = f", {plural(badges.reprints, 'reprint')}" if badges.reprints else ""
    on_sheets = badges.next_label is not None  # not one label a page (a label printer's roll)
    sheets = plural(badges.pages, "sheet" if on_sheets else "label")
    per_sheet = f", {stock.labels_per_page} per sheet" if on_sheets else ""
    one = badges.count == 1
    return PrintJob(
        badges.path,
        DocumentChoice(code, BADGES, badges=choice),
        f"{'Badge' if one else 'Badges'} {code}",
        _file_name("badge" if one else "badges", code),
        f"{plural(badges.count, 'badge')} on {sheets} of {stock.short_title}{per_sheet}{reprints}",
        badges=badges,
    )


def log_printed_badges(database: Database, desk: str, job: PrintJob) -> bool:
    """The badges of a job were printed (or the organiser says a saved PDF of them was): log them
    (reprints marked). Returns whether there were badges to log."""
    from checkin.printing.badge_jobs import log_badge_job

    if job.badges is None:
        return False
    with database.session() as db:
        log_badge_job(db, job.badges, desk=desk)
    return True


def make_document(database: Database, code: str, desk: str, kind: str, layout: str, folder: Path) -> PrintJob:
    """The guide, register, sign-in sheet or certificates of the session as a PDF in `folder`."""
    from checkin.desk.bookings import session_by_code
    from checkin.printing.guide import GuideLook, render_guide, venue_contacts
    from checkin.printing.registers import write_certificates, write_register_pdf, write_signin_sheet

    with database.session() as db:
        session = session_by_code(db, code)
        if kind == GUIDE:
            venue = venue_contacts(db, session.venue.name) if session.venue else None
            programme = session.programme
            look = GuideLook.of(
                programme.logo, programme.colour, programme.accent_colour, programme.organiser
            )
            run = render_guide(folder / _file_name("pocket-guide", layout), layout, venue=venue, look=look)
            where = f" for {venue.name}" if venue else ""
            how = "print both sides, flip on the short edge" if run.duplex else "one side"
            imposition = IMPOSITIONS[layout]
            return PrintJob(
                run.path,
                DocumentChoice(code, GUIDE, layout=layout),
                f"Pocket guide ({imposition.title})",
                _file_name("pocket-guide", imposition.title),
                f"{imposition.title}{where}: {plural(run.pages, 'side')} of A4, {how}",
                duplex=run.duplex,
            )
        choice = DocumentChoice(code, kind)
        path = folder / _file_name(kind, code)
        if kind == REGISTER:
            count = write_register_pdf(db, session, path, desk=desk)
            return PrintJob(
                path,
                choice,
                f"Attendance register {code}",
                _file_name("attendance-register", code),
                f"Attendance register: {plural(count, 'booking')}",
            )
        if kind == SIGNIN:
            count = write_signin_sheet(db, session, path, desk=desk)
            return PrintJob(
                path,
                choice,
                f"Sign-in sheet {code}",
                _file_name("sign-in-sheet", code),
                f"Sign-in sheet: {plural(count, 'booking')} and walk-in rows",
            )
        count = write_certificates(db, session, path, desk=desk)
        one = count == 1
        return PrintJob(
            path,
            choice,
            f"{'Certificate' if one else 'Certificates'} {code}",
            _file_name("certificate" if one else "certificates", code),
            f"{plural(count, 'certificate')} of attendance",
        )


def make_badges_in_process(
    _progress: object, url: str, code: str, desk: str, choice: BadgeChoice, folder: Path
) -> PrintJob | None:
    """`make_badges` in a worker process, on a connection of its own to the database at `url`."""
    database = connect_database(url)
    try:
        return make_badges(database, code, desk, choice, folder)
    finally:
        database.dispose()


def make_document_in_process(
    _progress: object, url: str, code: str, desk: str, kind: str, layout: str, folder: Path
) -> PrintJob:
    """`make_document` in a worker process, on a connection of its own to the database at `url`."""
    database = connect_database(url)
    try:
        return make_document(database, code, desk, kind, layout, folder)
    finally:
        database.dispose()
