"""Backups of the SQLite database with SQLite's online backup API: on demand, automatic snapshots kept
to the last few, finding the newest good one, and restoring from one (also over a damaged file)."""

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from checkin.errors import UsageError
from checkin.store.database import Database

BACKUP_FOLDER = "backups"
#: Automatic snapshots: every ten minutes while the app runs and on exit; the last twenty are kept.
SNAPSHOT_EVERY = timedelta(minutes=10)
SNAPSHOTS_KEPT = 20
_AUTO = "auto"


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
        # A backup is one self-contained file: no -wal beside it to lose when it is copied elsewhere.
        copy.execute("PRAGMA journal_mode=DELETE")
    copy.close()
    live.close()
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


def restore_from(database: Database, backup: Path) -> Path | None:
    """Replace the live database's content with a backup's; the current content is kept first (a copy
    when it is readable, else the damaged file itself, moved aside). Returns where it was kept."""
    source = _sqlite_file(database)
    database.dispose()
    return restore_file(source, backup)


def _readable(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            ok: bool = connection.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        connection.close()
    except sqlite3.DatabaseError:
        return False
    return ok


def restore_file(live: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Restore a desk's database file from a backup without opening it through the program, so that a
    file too damaged to open can be replaced. Returns where the previous content was kept (None when
    there was no file)."""
    check_backup(backup)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept: Path | None = None
    if live.is_file() and live.stat().st_size > 0:
        folder = live.parent / BACKUP_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        if _readable(live):
            kept = folder / f"{live.stem}-{stamp}.before-restore.sqlite3"
            _copy(live, kept)
        else:
            # A damaged file is kept as it is (with its journal) for whoever wants to rescue it, and
            # moved out of the way: a stale -wal beside the restored file would be replayed into it.
            kept = folder / f"{live.stem}-{stamp}.damaged"
            os.replace(live, kept)
            for suffix in ("-wal", "-shm"):
                companion = live.with_name(live.name + suffix)
                if companion.exists():
                    os.replace(companion, kept.with_name(kept.name + suffix))
    live.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, live)
    return kept


def _copy(source: Path, target: Path) -> None:
    """One SQLite file into another through the backup API (the target's own journal stays right)."""
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


# ---- automatic snapshots --------------------------------------------------------------------------


def backups_folder(database_file: Path) -> Path:
    return database_file.parent / BACKUP_FOLDER


def snapshot(
    database: Database, folder: Path | None = None, keep: int = SNAPSHOTS_KEPT, now: datetime | None = None
) -> Path:
    """An automatic snapshot of the live database, then the oldest automatic ones beyond `keep` are
    deleted (backups made on purpose are never deleted)."""
    source = _sqlite_file(database)
    folder = folder or backups_folder(source)
    moment = now or datetime.now()
    target = folder / f"{source.stem}-{_AUTO}-{moment.strftime('%Y%m%d-%H%M%S')}.sqlite3"
    backup_to(database, target)
    prune_snapshots(folder, source.stem, keep)
    return target


def snapshots(folder: Path, stem: str) -> list[Path]:
    """The automatic snapshots in `folder`, oldest first (their names sort by time)."""
    return sorted(folder.glob(f"{stem}-{_AUTO}-*.sqlite3"))


def prune_snapshots(folder: Path, stem: str, keep: int = SNAPSHOTS_KEPT) -> list[Path]:
    """Delete the oldest automatic snapshots beyond the newest `keep`; returns those deleted."""
    old = snapshots(folder, stem)[: max(0, len(snapshots(folder, stem)) - keep)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


@dataclass(frozen=True)
class FoundBackup:
    path: Path
    taken_at: datetime

    def when(self, now: datetime | None = None) -> str:
        return describe_time(self.taken_at, now)


def newest_good_backup(database_file: Path) -> FoundBackup | None:
    """The newest backup of this database file (automatic or made on purpose) that passes the checks
    a restore makes; None when there is none."""
    folder = backups_folder(database_file)
    if not folder.is_dir():
        return None
    found = [p for p in folder.glob(f"{database_file.stem}-*.sqlite3") if p.is_file()]
    for path in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            check_backup(path)
        except UsageError:
            continue
        return FoundBackup(path, datetime.fromtimestamp(path.stat().st_mtime))
    return None


def describe_time(moment: datetime, now: datetime | None = None) -> str:
    """'10:40 today', '16:05 yesterday', or '10:40 on Tue 12 Mar 2026' (local time)."""
    now = now or datetime.now()
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    if now.tzinfo is not None:
        now = now.astimezone().replace(tzinfo=None)
    clock = moment.strftime("%H:%M")
    if moment.date() == now.date():
        return f"{clock} today"
    if moment.date() == (now - timedelta(days=1)).date():
        return f"{clock} yesterday"
    return f"{clock} on {moment.strftime('%a %d %b %Y')}"
