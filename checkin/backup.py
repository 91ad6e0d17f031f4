"""Backups of the SQLite database with SQLite's online backup API, and restoring from one."""

import sqlite3
from datetime import datetime
from pathlib import Path

from checkin.database import Database
from checkin.registrations import UsageError

BACKUP_FOLDER = "backups"


def _sqlite_file(database: Database) -> Path:
    if not database.is_sqlite or not database.engine.url.database:
        raise UsageError("Backups are for a desk's own SQLite file; back up a PostgreSQL hub with pg_dump.")
    return Path(database.engine.url.database)


def default_backup_path(database: Database, now: datetime | None = None) -> Path:
    source = _sqlite_file(database)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return source.parent / BACKUP_FOLDER / f"{source.stem}-{stamp}.sqlite3"


def backup_to(database: Database, target: Path | None = None) -> Path:
    """A consistent copy of the live database, taken while desks keep scanning."""
    source = _sqlite_file(database)
    target = target or default_backup_path(database)
    if target.exists() and target.is_dir():
        raise UsageError(f"{target} is a folder: give a file name for the backup.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    copy.close()
    partial.replace(target)
    return target


def check_backup(path: Path) -> None:
    """A backup we can restore: a readable SQLite file holding a Check-in Desk schema."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            status = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        connection.close()
    except sqlite3.DatabaseError as error:
        raise UsageError(f"{path} is not a readable database ({error}).") from None
    if status != "ok":
        raise UsageError(f"{path} is damaged (integrity check: {status}).")
    if not {"alembic_version", "registration", "checkin_event"} <= tables:
        raise UsageError(f"{path} is not a Check-in Desk backup.")


def restore_from(database: Database, backup: Path) -> Path:
    """Replace the live database's content with a backup's; the current content is backed up first."""
    check_backup(backup)
    safety = backup_to(database, default_backup_path(database).with_suffix(".before-restore.sqlite3"))
    database.dispose()
    with sqlite3.connect(backup) as source, sqlite3.connect(_sqlite_file(database)) as live:
        source.backup(live)
    return safety
