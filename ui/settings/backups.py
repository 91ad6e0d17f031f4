"""Backups in the app: a snapshot every ten minutes (off the GUI thread) and one when the window closes,
and, at start, a database that cannot be opened answered with an offer to restore the newest good backup."""

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from checkin.errors import UserError
from checkin.records.backup import SNAPSHOT_EVERY, newest_good_backup, restore_file, snapshot
from checkin.store.database import Database, DatabaseError, open_database
from ui.base.operations import run_op

log = logging.getLogger(__name__)
TITLE = "Check-in Desk"


class SnapshotTimer(QObject):
    """Takes the automatic snapshots of a desk's SQLite file while `window` lives."""

    def __init__(self, window: QWidget, database: Database, interval_ms: int | None = None) -> None:
        super().__init__(window)
        self.database = database
        self.running = False
        self.taken: list[Path] = []
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms or int(SNAPSHOT_EVERY.total_seconds() * 1000))
        self.timer.timeout.connect(self.snapshot_in_background)
        if self.applies:
            self.timer.start()
            window.installEventFilter(self)

    @property
    def applies(self) -> bool:
        return (
            self.database.is_sqlite
            and bool(self.database.engine.url.database)
            and (self.database.engine.url.database != ":memory:")
        )

    def snapshot_in_background(self) -> None:
        if self.running:
            return  # the last one is still being written (a slow USB disk): skip this turn
        self.running = True
        run_op(
            self,
            lambda _progress: snapshot(self.database),
            on_success=self._done,
            on_failure=self._failed,
        )

    def _done(self, path: Path) -> None:
        self.running = False
        self.taken.append(path)

    def _failed(self, error: Exception) -> None:
        self.running = False
        log.error("automatic snapshot failed", exc_info=error)

    def snapshot_now(self) -> Path | None:
        """The snapshot on exit: taken on the spot, since the program is about to end."""
        try:
            path = snapshot(self.database)
        except Exception as error:  # noqa: BLE001 - closing must go on, whatever stopped the snapshot
            log.error("snapshot on exit failed", exc_info=error)
            return None
        self.taken.append(path)
        return path

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close and self.applies:
            self.timer.stop()
            self.snapshot_now()
        return False


def install_snapshots(window: QWidget, database: Database) -> SnapshotTimer:
    return SnapshotTimer(window, database)


def open_or_offer_restore(db_target: str | None, parent: QWidget | None = None) -> Database | None:
    """Open the database; when it cannot be opened, say why and offer the newest good backup.
    None when the desk cannot start (the user said no, or there was nothing to restore)."""
    try:
        return open_database(db_target)
    except DatabaseError as error:
        problem = str(error)
        damaged = error.path
    found = newest_good_backup(damaged) if damaged is not None else None
    if found is None or damaged is None:
        QMessageBox.critical(
            parent,
            TITLE,
            problem + ("\n\nThere is no backup of it to restore." if damaged is not None else ""),
        )
        return None
    answer = QMessageBox.question(
        parent,
        TITLE,
        f"{problem}\n\nRestore the backup from {found.when()}?\n\n"
        f"({found.path}; the damaged file is kept beside it.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        QMessageBox.critical(
            parent, TITLE, f"{problem}\n\nYou can restore a backup later with: checkin restore FILE"
        )
        return None
    try:
        restore_file(damaged, found.path)
        return open_database(db_target)
    except (UserError, OSError) as failure:  # DatabaseError is a UserError
        QMessageBox.critical(parent, TITLE, f"The backup could not be restored: {failure}")
        return None
