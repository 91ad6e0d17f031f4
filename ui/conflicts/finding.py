"""The Duplicates view's reading, without a widget: a session's duplicate admissions. No Qt here: it runs
in a worker process (`ui.base.processes`), since pairing a big session's events is Python's work that,
on a thread of the window's process, held the window up through the interpreter lock after each sync."""

from checkin.desk.bookings import session_by_code
from checkin.desk.conflicts import DuplicateAdmission, duplicate_admissions
from ui.base.worker_reads import database_at


def find_duplicates_in_process(_progress: object, address: str, code: str) -> list[DuplicateAdmission]:
    """The duplicate admissions of session `code` in the database at `address`, on the worker's connection."""
    with database_at(address).session() as db:
        return duplicate_admissions(db, session_by_code(db, code))
