"""Opening the database: where it lives, SQLite's safety settings, and migrations applied on open."""

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from checkin.errors import UserError
from checkin.store.outbox import capture_local_writes

APP_NAME = "CheckinDesk"
DEFAULT_FILE = "checkin.sqlite3"
MIGRATIONS = Path(__file__).with_name("migrations")
#: How long a program waits for another's write to the same SQLite file before it says so.
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(UserError):
    """A database the program cannot use; the message is for the user. `path` is the SQLite file when
    there is one, so the caller can offer the newest good backup of it."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILE


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """`--db` takes a file path or a SQLAlchemy URL; nothing means CHECKIN_DB, then the default file."""
    if target is None:
        target = os.environ.get("CHECKIN_DB") or default_path()
    text = os.fspath(target)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit is on disk before it returns, so a green light is never lost to a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


@dataclass(frozen=True)
class Database:
    """An open database. Its sessions record every local write in the outbox (`capture_local_writes`),
    so that whatever a desk does reaches the other desks."""

    engine: Engine
    sessions: "sessionmaker[OrmSession]" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(sessions, "after_flush", capture_local_writes)
        object.__setattr__(self, "sessions", sessions)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> OrmSession:
        """One session per user action; the caller owns it."""
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()


#: The key of PostgreSQL's advisory lock taken by `begin_write`: any fixed number, the same on every desk.
WRITER_LOCK = 0x4348_4B49  # "CHKI"
#: How long one try for SQLite's write lock in `begin_write` waits before the next.
WRITE_LOCK_TRY_MS = 20


def begin_write(db: OrmSession) -> None:
    """Take the database's write lock for the caller's transaction now, before it reads what it decides
    on: two programs on one database (a kiosk and a desk, the app and the command line) then decide one
    after the other, and a badge is admitted once. Held until the caller commits or rolls back; a
    program waits for it at most the busy timeout set on open.

    On SQLite this is BEGIN IMMEDIATE. The documented recipe for it (the driver's isolation_level None
    and BEGIN in a "begin" event) would put every read in a snapshot transaction, and a transaction that
    reads and then writes fails at once, without the busy timeout, when another program wrote in
    between; so the driver keeps beginning ordinary transactions itself, before their first write, and
    only these decisions begin early. A transaction the driver already began has written, so it holds
    the lock. On PostgreSQL it is a transaction-level advisory lock."""
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not getattr(driver, "in_transaction", True):
            _begin_immediate(connection, driver)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def _begin_immediate(connection: Connection, driver: Any) -> None:
    """BEGIN IMMEDIATE, tried again every few milliseconds until the busy timeout. SQLite's own wait
    sleeps ever longer between its tries, up to 100 ms, so the lock lies free while the waiters sleep:
    eight desks scanning at one moment on a busy two-core laptop left the last waiting three seconds."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    driver.execute(f"PRAGMA busy_timeout={WRITE_LOCK_TRY_MS}")
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except sa_exc.OperationalError as error:
                busy = getattr(error.orig, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


#: The newest migration. Checked against Alembic's own view by a test; lets a desk that is up to date
#: start without importing Alembic at all (a third of a second of start-up).
SCHEMA_HEAD = "0008"


def _current_revision(connection: Connection) -> str | None:
    try:
        revision: str | None = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return revision
    except sa_exc.DBAPIError:
        connection.rollback()
        return None  # a new database: no version table yet


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op check when it already is)."""
    with engine.connect() as connection:
        if _current_revision(connection) == SCHEMA_HEAD:
            return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _check_pages(engine: Engine, path: Path) -> None:
    """A damaged file (a disk error, a copy cut short) can still answer the few queries a migration
    makes: quick_check reads every page (milliseconds for a desk's file), so damage is found at start,
    where a backup can be offered, and not in the middle of a session."""
    with engine.connect() as connection:
        problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        engine.dispose()
        lines = [line.strip() for text in problems for line in str(text).splitlines()]
        first = next((line for line in lines if line and not line.startswith("***")), "damaged pages")
        raise DatabaseError(f"The database {path} is damaged ({first}).", path)


def refresh_statistics(engine: Engine) -> None:
    """Give SQLite's query planner row statistics (a sampled ANALYZE, tens of milliseconds at 100,000
    delegates). Without them it can walk a session's every booking where the surname index would find
    twelve names at once. Run on open and after large writes such as an import."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA analysis_limit=400")
        connection.exec_driver_sql("ANALYZE")


def open_database(target: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Database:
    url = make_url(resolve_url(target))
    path: Path | None = None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a database file.")
        path.parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: an error message (and so a log line) never carries a delegate's name or email.
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    try:
        if migrate:
            upgrade(engine)
        if path is not None and path.stat().st_size > 0:
            _check_pages(engine, path)  # before anything more is written into a damaged file
        if migrate:
            refresh_statistics(engine)
    except sa_exc.DatabaseError as error:
        engine.dispose()
        where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseError(f"The database {where} cannot be opened: {reason}.", path) from error
    except sa_exc.OperationalError as error:  # pragma: no cover - covered by DatabaseError above
        engine.dispose()
        raise DatabaseError(f"The database cannot be reached: {error.orig}") from error
    return Database(engine)


def connect_database(url: str, *, hold_connections: bool = True) -> Database:
    """Another connection to a database this program has open already (migrated and checked when it was
    opened): for a worker process, which opens its own. `url` is the database's whole URL
    (`address_of`). Without `hold_connections`, each session's connection closes when it ends (a worker
    that keeps the engine for its compiled statements then holds no connection between jobs)."""
    pooling: dict[str, Any] = {} if hold_connections else {"poolclass": NullPool}
    engine = create_engine(make_url(url), hide_parameters=True, **pooling)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return Database(engine)


def address_of(database: Database) -> str:
    """The URL a worker process opens the same database with (a password in it stays in it: pass it to
    the worker, never to a log)."""
    return database.engine.url.render_as_string(hide_password=False)
