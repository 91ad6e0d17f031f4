"""A badge job: which badges of a session, on which stock and template from which label, made as one PDF."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from checkin.desk.bookings import session_by_code
from checkin.domain.clock import Clock, utc_now
from checkin.printing.badges import DEFAULT_TEMPLATE, load_template, log_badges_printed, render_badges
from checkin.printing.stocks import load_stocks


@dataclass(frozen=True)
class BadgeRequest:
    """What is asked for: the session's active bookings (or the chosen ones), perhaps only those without a
    badge yet, laid out on a stock by a template from a label of the first sheet on."""

    session_code: str
    stock: str  # a stock's name
    registration_ids: tuple[int, ...] | None = None  # None: every active booking
    only_unprinted: bool = False
    start_at: int = 1  # the first label to use on a partly used sheet
    outlines: bool = False  # faint label outlines, for test prints on plain paper
    template: str = DEFAULT_TEMPLATE  # a shipped template's name or a template file's path


@dataclass(frozen=True)
class BadgeJob:
    """Badges made as one PDF: how many, on how many pages, how many of them reprints, and where the
    next badges on the same stock start."""

    path: Path
    session_code: str
    stock: str
    count: int
    pages: int
    reprints: int
    registration_ids: tuple[int, ...]
    next_label: int | None  # the first label left free after these (None: each badge has its own page)


def make_badge_job(
    db: OrmSession,
    request: BadgeRequest,
    path: Path,
    *,
    desk: str,
    printed: bool,
    clock: Clock = utc_now,
) -> BadgeJob | None:
    """Write the badges asked for to `path`; None (and no file) when there is no one to print. `printed`
    says the file is what the user wanted (a PDF they asked to save), so its badges are logged as printed
    now; a preview (`printed=False`) is logged with `log_badge_job` once it is printed or saved.
    Bookings, stocks and templates that do not exist raise UsageError, StockError and TemplateError."""
    stock = load_stocks().named(request.stock)
    session = session_by_code(db, request.session_code)
    run = render_badges(
        db,
        session,
        stock,
        path,
        registration_ids=request.registration_ids,
        start_at=request.start_at,
        only_unprinted=request.only_unprinted,
        desk=desk,
        clock=clock,
        template=load_template(request.template),
        outlines=request.outlines,
        log=printed,
    )
    if run.count == 0:
        return None
    per_page = stock.labels_per_page
    return BadgeJob(
        path=path,
        session_code=session.code,
        stock=stock.name,
        count=run.count,
        pages=run.pages,
        reprints=run.reprints,
        registration_ids=run.registration_ids,
        next_label=(request.start_at - 1 + run.count) % per_page + 1 if per_page > 1 else None,
    )


def log_badge_job(db: OrmSession, job: BadgeJob, *, desk: str, clock: Clock = utc_now) -> int:
    """The job's badges went to a printer or into a saved PDF: log them, each a reprint when that booking
    had a badge before; commits. Returns how many were reprints."""
    return log_badges_printed(db, job.registration_ids, job.stock, desk=desk, clock=clock)
