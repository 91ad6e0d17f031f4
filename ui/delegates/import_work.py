"""The import dialog's work, without a widget: a delegate list read (a dry run) or applied to a session.
No Qt here: it runs in a worker process (`ui.base.processes`) with its own connection to the database, so
that parsing and applying 10,000 rows never holds the window up through the interpreter lock."""

from collections.abc import Callable
from pathlib import Path

from checkin.desk.bookings import session_by_code
from checkin.importing.applying import ImportReport, import_delegate_list
from checkin.store.database import connect_database, refresh_statistics


def import_list(
    progress: Callable[[int, int], None],
    url: str,
    path: Path,
    code: str,
    desk: str,
    overrides: dict[str, str] | None,
    dry_run: bool,
) -> ImportReport:
    """Import the list at `path` into session `code` of the database at `url`: a dry run writes nothing;
    the real one commits only when the whole list went in (a cancel before then leaves the session as it
    was, as does any error)."""
    database = connect_database(url)
    try:
        progress(0, 2)
        with database.session() as db:
            report = import_delegate_list(
                db,
                path,
                session_by_code(db, code),
                dry_run=dry_run,
                desk=desk,
                mapping_overrides=overrides,
            )
            progress(1, 2)  # a cancel that came meanwhile stops here: the session closes uncommitted
            if not dry_run:
                db.commit()
        if not dry_run:
            refresh_statistics(database.engine)  # a big list changes which index finds names fastest
        return report
    finally:
        database.dispose()
