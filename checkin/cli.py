"""The `checkin` command line (the contract is shared/CLI.md): parse, open the database, call the core."""

import argparse
import json
import os
import socket
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkin import __version__
from checkin.domain.clock import clock_for_people, day_for_people, iso, time_for_people, utc_now
from checkin.errors import UserError

if TYPE_CHECKING:  # for annotations only: the store loads when a command needs it
    from checkin.store.database import Database

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2


class CommandError(UserError):
    """Bad input or usage: one line on stderr, exit 2, nothing written."""


def default_desk() -> str:
    return os.environ.get("CHECKIN_DESK") or socket.gethostname() or "desk"


def _parse_time(text: str, flag: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} {text!r} is not a date and time like 2026-03-12T09:30.") from None
    return moment if moment.tzinfo else moment.astimezone()  # a naive time is this computer's local time


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _print_json(document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def _say(line: str) -> None:
    sys.stdout.buffer.write(line.encode(sys.stdout.encoding or "utf-8", errors="replace") + b"\n")
    sys.stdout.flush()


# ---- the commands ---------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> "Database":
    from checkin.store.database import DatabaseError, open_database

    try:
        return open_database(args.db)
    except DatabaseError as error:
        raise CommandError(str(error) + _backup_offer(args, error.path)) from None


def _backup_offer(args: argparse.Namespace, damaged: Path | None) -> str:
    """For a database that cannot be opened: the newest good backup and the command that restores it."""
    import shlex

    from checkin.records.backup import newest_good_backup

    if damaged is None:
        return ""
    found = newest_good_backup(damaged)
    if found is None:
        return " There is no backup of it to restore."
    db_flag = f" --db {shlex.quote(args.db)}" if args.db else ""
    return (
        f" The newest good backup is {found.path} ({found.when()}); restore it with: "
        f"checkin{db_flag} restore {shlex.quote(str(found.path))}"
    )


#: Opens the desktop app: (db, desk, session code, kiosk) -> exit status. The core never imports the UI;
#: the `checkin` program (ui/entry.py) puts the app here before handing over to `main`.
AppRunner = Callable[[str | None, str, str | None, bool], int]
APP_RUNNER: AppRunner | None = None


def cmd_app(args: argparse.Namespace) -> int:
    if APP_RUNNER is None:
        raise CommandError(
            "The desktop app is not part of this command; run `checkin app` (python -m ui app)."
        )
    return APP_RUNNER(args.db, args.desk, args.session, args.kiosk)


def cmd_demo(args: argparse.Namespace) -> int:
    from checkin.desk.demo import create_demo

    database = _open(args)
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    _say(
        f"Demo programme created: {summary.sessions} sessions, {summary.delegates} delegates, "
        f"{summary.registrations} bookings. Try: checkin app --session {summary.first_session_code}"
    )
    return EXIT_OK


def cmd_session_add(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import add_session

    starts = _parse_time(args.starts, "--starts")
    ends = _parse_time(args.ends, "--ends") if args.ends else None
    admit_from = _parse_time(args.admit_from, "--admit-from") if args.admit_from else None
    admit_until = _parse_time(args.admit_until, "--admit-until") if args.admit_until else None
    if admit_from is not None and admit_until is not None and admit_until <= admit_from:
        raise CommandError("--admit-until must be after --admit-from.")
    database = _open(args)
    with database.session() as db:
        session = add_session(db, args.code, args.title, args.venue, starts, ends, args.capacity)
        session.admit_from, session.admit_until = admit_from, admit_until
        db.commit()
        when = f"{day_for_people(session.starts_at)} {clock_for_people(session.starts_at)}"
        _say(f"Session {session.code} added: {session.title}, {when}.")
    return EXIT_OK


def cmd_sessions(args: argparse.Namespace) -> int:
    from checkin.desk.roster import session_summaries

    database = _open(args)
    with database.session() as db:
        summaries = session_summaries(db, include_archived=True)  # the app hides archived ones; not here
    if args.json:
        _print_json(
            [
                {
                    "code": s.code,
                    "title": s.title,
                    "venue": s.venue,
                    "starts_at": iso(s.starts_at),
                    "ends_at": iso(s.ends_at),
                    "capacity": s.capacity,
                    "booked": s.booked,
                    "checked_in": s.checked_in,
                }
                for s in summaries
            ]
        )
        return EXIT_OK
    if not summaries:
        _say("No sessions yet. Add one with `checkin session add`, or try `checkin demo`.")
    for s in summaries:
        places = f"/{s.capacity}" if s.capacity else ""
        when = f"{day_for_people(s.starts_at)} {clock_for_people(s.starts_at)}"
        _say(f"{s.code:<10} {when}  {s.title} — {s.venue}  booked {s.booked}{places}, in {s.checked_in}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.importing.applying import import_delegate_list

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        report = import_delegate_list(db, path, session, dry_run=args.dry_run, desk=args.desk)
        if args.dry_run:
            db.rollback()
        else:
            db.commit()
    if not args.dry_run:
        from checkin.store.database import refresh_statistics

        refresh_statistics(database.engine)
    if args.json:
        _print_json(report.as_json())
        return EXIT_OK
    verb = "Would import" if args.dry_run else "Imported"
    _say(
        f"{verb} {report.rows} rows ({report.format}) into {session.code}: {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.cancelled} cancelled."
    )
    for warning in report.warnings:
        _say(f"warning: {warning}")
    for error in report.errors:
        _say(f"error: {error}")
    return EXIT_OK


def _delegate_json(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.delegate_id,
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "badge_name": entry.badge_name,
        "organisation": entry.organisation,
        "job_title": entry.job_title,
        "email": entry.email,
        "status": entry.status,
        "badge_code": entry.badge_code,
        "external_codes": list(entry.external_codes),
        "checked_in_at": iso(entry.checked_in_at),
        "access_needs": entry.access_needs,
        "dietary_needs": entry.dietary_needs,
    }


def cmd_delegates(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.desk.roster import all_delegates, session_roster

    database = _open(args)
    with database.session() as db:
        if args.session:
            entries = session_roster(db, session_by_code(db, args.session))
        else:
            entries = all_delegates(db)
    if args.json:
        _print_json([_delegate_json(entry) for entry in entries])
        return EXIT_OK
    now = utc_now()
    for e in entries:
        state = ""
        if e.status is not None:
            state = (
                f"  [{e.status}{', in ' + time_for_people(e.checked_in_at, now) if e.checked_in_at else ''}]"
            )
        _say(f"{e.delegate_id:>6}  {e.last_name}, {e.first_name}  {e.organisation}{state}")
    return EXIT_OK


def _card_json(card: Any) -> dict[str, Any] | None:
    if card is None:
        return None
    return {
        "id": card.delegate_id,
        "first_name": card.first_name,
        "last_name": card.last_name,
        "badge_name": card.badge_name,
        "organisation": card.organisation,
        "job_title": card.job_title,
        "email": card.email,
        "access_needs": card.access_needs,
        "dietary_needs": card.dietary_needs,
    }


def _organiser_pin() -> str:
    """The organiser PIN for `scan --force`: CHECKIN_PIN, else one line of standard input."""
    pin = os.environ.get("CHECKIN_PIN")
    if pin is None and sys.stdin is not None:
        if sys.stdin.isatty():
            import getpass

            pin = getpass.getpass("Organiser PIN: ")
        else:
            pin = sys.stdin.readline().rstrip("\r\n")
    if not pin:
        raise CommandError("--force needs the organiser PIN: give it on standard input or in CHECKIN_PIN.")
    return pin


def _check_organiser_pin(pin: str) -> None:
    """Raise unless `pin` is this desk's organiser PIN. A desk with no PIN has no one to admit anyway."""
    from checkin.desk.pin import check_pin, has_pin, refusal
    from checkin.domain.clock import utc_now
    from checkin.settings import Settings

    settings = Settings()
    if not has_pin(settings):
        raise CommandError(
            "No organiser PIN is set on this desk: set one in the app's Settings (F10) to admit anyway."
        )
    now = utc_now()
    check = check_pin(settings, pin, now)
    if not check.ok:
        raise CommandError(refusal(check, now))


def cmd_scan(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.desk.scanning import record_scan
    from checkin.domain.vocabulary import Method
    from checkin.settings import Settings

    if args.force:  # before the database: a wrong PIN records nothing
        _check_organiser_pin(_organiser_pin())
    hours_before = Settings().get("admit_hours_before")
    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        result = record_scan(
            db,
            args.text,
            session,
            desk=args.desk,
            operator="organiser" if args.force else "",
            method=Method.COMMAND_LINE,
            hours_before=hours_before,
            override=args.force,
        )
    outcome = result.outcome
    desk = outcome.earlier.desk if outcome.earlier else result.desk
    if args.json:
        document = {
            "outcome": str(outcome.code),
            "reason": outcome.reason,
            "delegate": _card_json(outcome.delegate),
            "checked_in_at": iso(result.checked_in_at),
            "desk": desk,
            "method": outcome.earlier.method if outcome.earlier else result.method,
        }
        if outcome.booked_session is not None:
            document["booked_session"] = outcome.booked_session.code
        if outcome.open_session is not None:
            document["open_session"] = outcome.open_session.code
        if outcome.repaired_layout:
            document["repaired_layout"] = outcome.repaired_layout
        _print_json(document)
    else:
        who = f" {outcome.delegate.display_name}" if outcome.delegate else ""
        org = (
            f" ({outcome.delegate.organisation})"
            if outcome.delegate and outcome.delegate.organisation
            else ""
        )
        _say(f"{outcome.code.upper()}{who}{org}: {outcome.reason}")
    return EXIT_OK if outcome.admitted else EXIT_NO


def cmd_export(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.records.exporting import ExportFormat, export_register

    output = Path(args.output)
    wanted = args.format or (output.suffix.lstrip(".").lower() or "csv")
    try:
        export_format = ExportFormat(wanted)
    except ValueError:
        raise CommandError(f"{output.name}: the register can be csv, xlsx or pdf; add --format.") from None
    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        count = export_register(db, session, output, export_format, desk=args.desk)
    _say(f"Register of {session.code} written to {output} ({count} bookings).")
    return EXIT_OK


def _parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} {text!r} is not a date like 2026-03-12.") from None


def cmd_report(args: argparse.Namespace) -> int:
    from checkin.records.report.files import ReportFormat, write_report

    output = Path(args.output)
    wanted = args.format or output.suffix.lstrip(".").lower()
    try:
        report_format = ReportFormat(wanted)
    except ValueError:
        raise CommandError(f"{output.name}: the report can be pdf, xlsx or csv; add --format.") from None
    if args.session and args.all:
        raise CommandError("Give --session CODE or --all, not both.")
    first_day = _parse_day(args.from_day, "--from") if args.from_day else None
    last_day = _parse_day(args.to_day, "--to") if args.to_day else None
    database = _open(args)
    with database.session() as db:
        document = write_report(
            db,
            output,
            report_format,
            codes=args.session or None,
            first_day=first_day,
            last_day=last_day,
            anonymous=args.anonymous,
            desk=args.desk,
        )
    kind = "Anonymous report" if args.anonymous else "Report"
    _say(
        f"{kind} of {document.sessions} session{'s' if document.sessions != 1 else ''} ({document.period}) written to {output}."
    )
    return EXIT_OK


def cmd_badges(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.printing.badge_jobs import BadgeRequest, make_badge_job
    from checkin.printing.badges import registrations_of_delegates
    from checkin.printing.stocks import load_stocks

    stock = load_stocks().named(args.stock)
    output = Path(args.output)
    if output.is_dir():
        raise CommandError(f"{output} is a folder; give a file name like badges.pdf.")
    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        wanted = registrations_of_delegates(db, session, args.delegate) if args.delegate else None
        request = BadgeRequest(
            session.code,
            stock.name,
            registration_ids=tuple(wanted) if wanted is not None else None,
            only_unprinted=args.unprinted,
            start_at=args.start_at,
            outlines=args.outlines,
        )
        # A saved file is not a print (it may be printed later, elsewhere, or never), as in the app: only
        # --count-as-printed, said by someone who is printing it, counts its badges as printed.
        job = make_badge_job(db, request, output, desk=args.desk, printed=args.count_as_printed)
    if job is None:
        _say(f"No badges to print for {session.code}: every badge has been printed already.")
        return EXIT_NO
    badges = f"{job.count} badge{'s' if job.count != 1 else ''}"
    reprints = f" ({job.reprints} reprint{'s' if job.reprints != 1 else ''})" if job.reprints else ""
    _say(
        f"{badges} for {session.code} on {stock.name} written to {output}: "
        f"{job.pages} page{'s' if job.pages != 1 else ''}{reprints}. Print at actual size, never fit to page."
    )
    if args.count_as_printed:
        _say(f"{badges} counted as printed.")
    else:
        _say(
            "Not counted as printed: a saved file may never be printed. Make it with --count-as-printed "
            "when it goes to the printer (or a print shop)."
        )
    return EXIT_OK


def cmd_stocks(args: argparse.Namespace) -> int:
    from checkin.printing.stocks import load_stocks, stocks_folder

    catalogue = load_stocks()
    for problem in catalogue.problems:  # a bad file of the user's does not hide the good stocks
        print(f"checkin: warning: {problem}", file=sys.stderr)
    if args.json:
        _print_json([stock.as_json() for stock in catalogue.stocks.values()])
        return EXIT_OK
    for stock in catalogue.stocks.values():
        grid = f"{stock.columns}×{stock.rows}" if stock.labels_per_page > 1 else "1"
        _say(
            f"{stock.name:<20} {stock.page:<13} {grid:>4} × {stock.label_w:g}×{stock.label_h:g} mm  {stock.title}"
        )
    _say(f"Add your own stock as a JSON file in {stocks_folder()}.")
    return EXIT_OK


def cmd_guide(args: argparse.Namespace) -> int:
    from checkin.printing.guide import render_guide, venue_contacts
    from checkin.store.database import resolve_url

    venue = None
    url = resolve_url(args.db)
    # Without --venue the database is only read if it is there: printing a guide never creates one.
    if args.venue is not None or not url.startswith("sqlite:///") or Path(url[10:]).is_file():
        database = _open(args)
        try:
            with database.session() as db:
                venue = venue_contacts(db, args.venue)
        finally:
            database.dispose()
    run = render_guide(args.output, args.layout, args.content, venue)
    where = f" for {venue.name}" if venue is not None else ""
    how = " Print both sides, flipping on the short edge," if run.duplex else " Print"
    _say(
        f"Pocket guide ({run.layout}{where}) written to {run.path}: {run.pages} "
        f"page{'s' if run.pages != 1 else ''}, body text {run.body_size:g} pt.{how} at actual size."
    )
    return EXIT_OK


def cmd_signin_sheet(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.printing.registers import write_signin_sheet

    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        count = write_signin_sheet(db, session, Path(args.output), desk=args.desk)
    _say(f"Sign-in sheet of {session.code} written to {args.output} ({count} bookings).")
    return EXIT_OK


def cmd_certificates(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.printing.registers import write_certificates

    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        count = write_certificates(db, session, Path(args.output), desk=args.desk)
    _say(f"{count} certificate{'s' if count != 1 else ''} of {session.code} written to {args.output}.")
    return EXIT_OK


def cmd_mark(args: argparse.Namespace) -> int:
    from checkin.desk.attendance import booking_of, mark_segment, segment_named, unmark_segment
    from checkin.desk.bookings import session_by_code
    from checkin.domain.vocabulary import Method

    database = _open(args)
    changed = 0
    with database.session() as db:
        session = session_by_code(db, args.session)
        segment = segment_named(session, args.part)
        bookings = [booking_of(db, session, d, active=not args.undo) for d in args.delegate]
        record = unmark_segment if args.undo else mark_segment
        for registration_id in bookings:
            changed += record(db, registration_id, segment.id, desk=args.desk, method=Method.COMMAND_LINE)
    verb = "unmarked" if args.undo else "marked present"
    _say(f"{changed} of {len(bookings)} {verb} for {segment.name} at {session.code}.")
    return EXIT_OK


def cmd_conflicts(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.desk.conflicts import duplicate_admissions

    database = _open(args)
    with database.session() as db:
        conflicts = duplicate_admissions(db, session_by_code(db, args.session))
    if args.json:
        _print_json(
            [
                {
                    "delegate": _card_json(c.delegate),
                    "events": [{"desk": e.desk, "at": iso(e.at)} for e in c.events],
                }
                for c in conflicts
            ]
        )
        return EXIT_OK
    if not conflicts:
        _say("No duplicate admissions.")
    now = utc_now()
    for c in conflicts:
        times = "; ".join(f"{e.desk} at {time_for_people(e.at, now, seconds=True)}" for e in c.events)
        _say(f"{c.delegate.display_name}: admitted by {times}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from checkin.records.backup import backup_to

    database = _open(args)
    target = backup_to(database, Path(args.file) if args.file else None)
    _say(f"Backup written to {target}.")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from checkin.records.backup import restore_file
    from checkin.store.database import resolve_url

    # The file is replaced without opening it through the program: restoring is what a database too
    # damaged to open needs.
    url = make_url(resolve_url(args.db))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise CommandError(
            "Backups are for a desk's own SQLite file; restore a PostgreSQL hub with pg_restore."
        )
    kept = restore_file(Path(url.database), Path(args.file))
    _open(args).dispose()  # brings an older backup's schema up to date, and proves the result opens
    where = f" The database as it was before is kept at {kept}." if kept else ""
    _say(f"Restored from {args.file}.{where}")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from checkin.domain.clock import utc_now
    from checkin.records.privacy import purge
    from checkin.settings import Settings

    days = args.days if args.days is not None else Settings().get("retention_days")
    database = _open(args)
    with database.session() as db:
        report = purge(db, utc_now(), dry_run=args.dry_run, retention_days=days, desk=args.desk)
    if args.json:
        _print_json(report.as_json())
    else:
        line = report.summary().removeprefix("purge: ")
        _say(line[:1].upper() + line[1:] + ".")
    return EXIT_OK


def cmd_person_export(args: argparse.Namespace) -> int:
    from checkin.domain.clock import utc_now
    from checkin.records.privacy import export_person
    from checkin.store.models import AuditLog

    output = Path(args.output)
    if output.is_dir():
        raise CommandError(f"{output} is a folder; give a file name like person.json.")
    if not output.parent.is_dir():
        raise CommandError(f"The folder {output.parent} does not exist.")
    database = _open(args)
    with database.session() as db:
        now = utc_now()
        document = export_person(db, args.email, now)
        output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        db.add(
            AuditLog(
                at=now, desk=args.desk, action="person-export", detail="personal data exported on request"
            )
        )
        db.commit()
    _say(f"Everything held about that person written to {output}.")
    return EXIT_OK


def cmd_person_erase(args: argparse.Namespace) -> int:
    from checkin.domain.clock import utc_now
    from checkin.records.privacy import erase_person

    database = _open(args)
    with database.session() as db:
        report = erase_person(db, args.email, utc_now(), desk=args.desk)
    cancelled = (
        f", {report.cancelled} future booking{'s' if report.cancelled != 1 else ''} cancelled"
        if report.cancelled
        else ""
    )
    _say(
        f"Erased: {report.people} person record{'s' if report.people != 1 else ''} and "
        f"{report.registrations} booking{'s' if report.registrations != 1 else ''}{cancelled}. "
        "Sync carries the erasure to the other desks; backups made before it still hold the old data."
    )
    return EXIT_OK


def _hub_url(args: argparse.Namespace) -> str:
    url = args.hub or os.environ.get("CHECKIN_HUB")
    if not url:
        from checkin.settings import Settings

        url = Settings().get("hub_url")
    if not url:
        raise CommandError("Give the hub's address: --hub postgresql://user@host/database (or CHECKIN_HUB).")
    return url


def cmd_hub_init(args: argparse.Namespace) -> int:
    from checkin.sync.hub import init_hub

    database = _open(args)
    report = init_hub(database, args.url)
    _say(f"Hub ready; this desk's programme is published ({report.pushed} changes).")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from checkin.sync.hub import sync_round

    url = _hub_url(args)
    database = _open(args)
    report = sync_round(database, url)
    if args.json:
        _print_json(report.as_json())
    else:
        _say(f"Synced: {report.pushed} changes pushed, {report.pulled} pulled ({report.applied} new here).")
        for warning in report.warnings:
            _say(f"warning: {warning}")
    return EXIT_OK


def cmd_pull_eventbrite(args: argparse.Namespace) -> int:
    from checkin.desk.bookings import session_by_code
    from checkin.importing.eventbrite import eventbrite_token, pull_eventbrite

    database = _open(args)
    with database.session() as db:
        session = session_by_code(db, args.session)
        result = pull_eventbrite(db, args.event, session, token=eventbrite_token(), desk=args.desk)
        db.commit()
    if args.json:
        _print_json(result.as_json())
        return EXIT_OK
    report = result.report
    since = f" changed since {result.changed_since}" if result.changed_since else ""
    _say(
        f"Pulled {result.attendees} attendees{since} from Eventbrite event {result.event_id} into "
        f"{session.code}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.cancelled} cancelled."
    )
    for warning in report.warnings:
        _say(f"warning: {warning}")
    for error in report.errors:
        _say(f"error: {error}")
    return EXIT_OK


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from checkin.sync.bundle import export_bundle

    database = _open(args)
    with database.session() as db:
        count = export_bundle(db, Path(args.file))
    _say(f"Bundle written to {args.file} ({count} changes).")
    return EXIT_OK


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from checkin.sync.bundle import import_bundle

    database = _open(args)
    with database.session() as db:
        report = import_bundle(db, Path(args.file))
    _say(f"Bundle merged: {report.applied} of {report.changes} changes were new here.")
    for warning in report.warnings:
        _say(f"warning: {warning}")
    return EXIT_OK


# ---- the parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkin", description="Check-in Desk: the registration desk of training events."
    )
    parser.add_argument("--version", action="version", version=f"checkin {__version__}")
    parser.add_argument(
        "--db",
        default=None,
        help="database file or SQLAlchemy URL (default: CHECKIN_DB, else the user data folder)",
    )
    parser.add_argument(
        "--desk", default=None, help="this desk's name (default: CHECKIN_DESK, else the computer's name)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    app = command("app", cmd_app, "open the desktop app")
    app.add_argument("--session", help="open on this session, ready to scan")
    app.add_argument("--kiosk", action="store_true", help="self check-in, full screen")

    command("demo", cmd_demo, "fill an empty database with a demonstration programme")

    session = command("session", lambda a: EXIT_USAGE, "manage sessions")
    session_commands = session.add_subparsers(dest="session_command", metavar="ACTION", required=True)
    add = session_commands.add_parser("add", help="add a session", description="add a session")
    add.set_defaults(handler=cmd_session_add)
    add.add_argument("code", help="a short code, like PRE-0312")
    add.add_argument("--title", required=True)
    add.add_argument("--venue", required=True)
    add.add_argument("--starts", required=True, help="ISO date and time, e.g. 2026-03-12T09:30")
    add.add_argument("--ends", help="ISO date and time")
    add.add_argument("--capacity", type=_positive)
    add.add_argument(
        "--admit-from",
        help="ISO date and time its codes admit from (default: two hours before the start, or the setting)",
    )
    add.add_argument(
        "--admit-until", help="ISO date and time its codes admit until (default: the end of its last day)"
    )

    sessions = command("sessions", cmd_sessions, "list sessions")
    sessions.add_argument("--json", action="store_true")

    importing = command("import", cmd_import, "import a delegate list (CSV or XLSX) into a session")
    importing.add_argument("file")
    importing.add_argument("--session", required=True)
    importing.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    importing.add_argument("--json", action="store_true")

    delegates = command("delegates", cmd_delegates, "list delegates")
    delegates.add_argument("--session")
    delegates.add_argument("--json", action="store_true")

    scan = command("scan", cmd_scan, "treat TEXT exactly as the desk treats a scan")
    scan.add_argument("text")
    scan.add_argument("--session", required=True)
    scan.add_argument("--json", action="store_true")
    scan.add_argument(
        "--force",
        action="store_true",
        help="admit anyway what the desk refuses (not an invalid or replaced code), with the organiser PIN "
        "from standard input or CHECKIN_PIN",
    )

    export = command("export", cmd_export, "export the attendance register")
    export.add_argument("--session", required=True)
    export.add_argument("--format", choices=["csv", "xlsx", "pdf"])
    export.add_argument("-o", "--output", required=True)

    report = command(
        "report", cmd_report, "the programme report: who the training reached, per session and in total"
    )
    report.add_argument(
        "--session", nargs="+", action="extend", metavar="CODE", help="only these sessions (default: all)"
    )
    report.add_argument("--all", action="store_true", help="every session (the default)")
    report.add_argument("--from", dest="from_day", metavar="DATE", help="sessions on or after this date")
    report.add_argument("--to", dest="to_day", metavar="DATE", help="sessions on or before this date")
    report.add_argument(
        "--anonymous", action="store_true", help="counts only, small numbers suppressed (safe to send)"
    )
    report.add_argument("--format", choices=["pdf", "xlsx", "csv"])
    report.add_argument("-o", "--output", required=True)

    badges = command("badges", cmd_badges, "name badges for a session (or some of its delegates) as a PDF")
    badges.add_argument("--session", required=True)
    badges.add_argument("--stock", default="avery-l4785", help="label stock (see `checkin stocks`)")
    badges.add_argument(
        "--delegate",
        type=int,
        nargs="+",
        action="extend",
        metavar="ID",
        help="only these delegates (ids as `checkin delegates --json` lists them)",
    )
    badges.add_argument(
        "--start-at", type=_positive, default=1, metavar="N", help="first label to use on a partly used sheet"
    )
    badges.add_argument("--unprinted", action="store_true", help="only badges not printed before")
    badges.add_argument(
        "--outlines", action="store_true", help="draw faint label outlines (for test prints on plain paper)"
    )
    badges.add_argument(
        "--count-as-printed",
        action="store_true",
        help="count these badges as printed (this file is being printed, by you or a print shop); "
        "without it a saved file counts as nothing printed",
    )
    badges.add_argument("-o", "--output", required=True)

    stocks = command("stocks", cmd_stocks, "list label stocks")
    stocks.add_argument("--json", action="store_true")

    guide = command("guide", cmd_guide, "the pocket guide, imposed on A4 for folding")
    guide.add_argument("--layout", choices=["a7-zine", "a6-booklet", "dl-trifold"], default="a7-zine")
    guide.add_argument("--content", help="the guide's text (default: the shipped 'spot the signs' guide)")
    guide.add_argument("--venue", help="whose local contacts to print (default: the first session's venue)")
    guide.add_argument("-o", "--output", required=True)

    signin = command("signin-sheet", cmd_signin_sheet, "the paper sign-in sheet, printed before doors open")
    signin.add_argument("--session", required=True)
    signin.add_argument("-o", "--output", required=True)

    certificates = command(
        "certificates", cmd_certificates, "certificates for those marked present for every required part"
    )
    certificates.add_argument("--session", required=True)
    certificates.add_argument("-o", "--output", required=True)

    mark = command("mark", cmd_mark, "roll-call: mark delegates present for a part of the day")
    mark.add_argument("delegate", nargs="+", type=int, metavar="DELEGATE_ID")
    mark.add_argument("--session", required=True)
    mark.add_argument("--part", required=True, help="the part's name (e.g. 'Case study') or number from 1")
    mark.add_argument("--undo", action="store_true", help="take the marks back")

    conflicts = command("conflicts", cmd_conflicts, "duplicate admissions made by desks while apart")
    conflicts.add_argument("--session", required=True)
    conflicts.add_argument("--json", action="store_true")

    hub = command("hub", lambda a: EXIT_USAGE, "set up a PostgreSQL hub")
    hub_commands = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    hub_init = hub_commands.add_parser(
        "init", help="create or upgrade a hub and publish this desk's programme"
    )
    hub_init.set_defaults(handler=cmd_hub_init)
    hub_init.add_argument("url", help="postgresql://user@host:port/database (password from the keyring)")

    sync = command("sync", cmd_sync, "one sync round with a PostgreSQL hub")
    sync.add_argument("--hub", help="the hub's URL (default: CHECKIN_HUB, else the app's setting)")
    sync.add_argument("--json", action="store_true")

    pull = command("pull", lambda a: EXIT_USAGE, "bookings from a booking platform's API")
    pull_commands = pull.add_subparsers(dest="pull_command", metavar="PLATFORM", required=True)
    pull_eventbrite = pull_commands.add_parser(
        "eventbrite",
        help="an Eventbrite event's attendees (token: EVENTBRITE_TOKEN or the system keyring)",
        description="an Eventbrite event's attendees (token: EVENTBRITE_TOKEN or the system keyring)",
    )
    pull_eventbrite.set_defaults(handler=cmd_pull_eventbrite)
    pull_eventbrite.add_argument("--event", required=True, help="the event's id (the number in its address)")
    pull_eventbrite.add_argument("--session", required=True)
    pull_eventbrite.add_argument("--json", action="store_true")

    bundle = command("bundle", lambda a: EXIT_USAGE, "sync by file when there is no network")
    bundle_commands = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    bundle_export = bundle_commands.add_parser("export", help="write everything this desk holds to a file")
    bundle_export.set_defaults(handler=cmd_bundle_export)
    bundle_export.add_argument("file")
    bundle_import = bundle_commands.add_parser("import", help="merge a bundle written by another desk")
    bundle_import.set_defaults(handler=cmd_bundle_import)
    bundle_import.add_argument("file")

    backup = command("backup", cmd_backup, "write a backup of the database")
    backup.add_argument("file", nargs="?")
    restore = command("restore", cmd_restore, "replace the database with a backup")
    restore.add_argument("file")

    purging = command("purge", cmd_purge, "erase personal data of sessions past the retention period")
    purging.add_argument("--dry-run", action="store_true", help="count what would be erased, erase nothing")
    purging.add_argument(
        "--days", type=int, help="retention in days after a session ends (default: the setting, 90)"
    )
    purging.add_argument("--json", action="store_true")

    person = command("person", lambda a: EXIT_USAGE, "one person's data, on their request")
    person_commands = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    person_export = person_commands.add_parser(
        "export",
        help="everything held about a person, as JSON",
        description="everything held about a person, as JSON",
    )
    person_export.set_defaults(handler=cmd_person_export)
    person_export.add_argument("--email", required=True)
    person_export.add_argument("-o", "--output", required=True)
    person_erase = person_commands.add_parser(
        "erase", help="erase a person's data now", description="erase a person's data now (asks nothing)"
    )
    person_erase.set_defaults(handler=cmd_person_erase)
    person_erase.add_argument("--email", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from checkin.logging_setup import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    args.desk = args.desk or default_desk()
    if args.command is None:
        args.session, args.kiosk = None, False
        args.handler = cmd_app
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler  # a Namespace's attributes are Any
        return handler(args)
    except UserError as error:  # the user's to put right: the message alone, no traceback
        print(f"checkin: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`checkin sessions | head -1`): not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # the app's worker processes, in a frozen program (ui.base.processes)
    sys.exit(main())
