"""The Duplicates view's reading, without a widget: a session's duplicate admissions. No Qt here: it runs
in a worker process (`ui.base.processes`), since pairing a big session's events is Python's work that,
on a thread of the window's process, held the window up through the interpreter lock after each sync."""

from checkin.desk.bookings import session_by_code
from checkin.desk.conflicts import DuplicateAdmission, duplicate_admissions
from checkin.store.database import Database, connect_database

#: In a worker process: the databases read from, by address (no connection held between reads).
_databases: dict[str, Database] = {}
_KEEP = 4


def find_duplicates_in_process(_progress: object, address: str, code: str) -> list[DuplicateAdmission]:
    """The duplicate admissions of session `code` in the database at `address`, on the worker's connection."""
    database = _databases.pop(address, None) or connect_database(address, hold_connections=False)
    _databases[address] = database
    while len(_databases) > _KEEP:
        _databases.pop(next(iter(_databases))).dispose()
    with database.session() as db:
        return duplicate_admissions(db, session_by_code(db, code))
