"""What worker processes (`ui.base.processes`) read the window's data with, without Qt: the databases a
worker has opened, by address, kept between jobs (their compiled statements; no connection held between
reads), and the reads that several views ask of them."""

from checkin.desk.roster import SessionSummary, session_summaries
from checkin.store.database import Database, connect_database

#: In a worker process: the databases read from, by address, the most recently used last.
_databases: dict[str, Database] = {}
_KEEP = 4


def database_at(address: str) -> Database:
    """The worker's own connection to the database at `address`, opened on first use."""
    database = _databases.pop(address, None) or connect_database(address, hold_connections=False)
    _databases[address] = database
    while len(_databases) > _KEEP:
        _databases.pop(next(iter(_databases))).dispose()
    return database


def count_session_in_process(_progress: object, address: str, code: str) -> SessionSummary | None:
    """The bar's counts for session `code` (booked, checked in, places): after a sync of 10,000 check-ins,
    working out who is in is Python's work that, on a thread of the window's process, kept the window
    waiting for the interpreter lock (85-127 ms, benchmarks/gui_stall.py)."""
    with database_at(address).session() as db:
        return next(iter(session_summaries(db, code)), None)
