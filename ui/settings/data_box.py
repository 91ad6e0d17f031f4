"""The Settings view's "Data" group: back up now, restore a backup, and erase personal data past the
retention period (organiser PIN, then a confirmation that shows what a dry run counted)."""

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from checkin.domain.clock import utc_now
from checkin.errors import UserError
from checkin.records.backup import backup_to, backups_folder, restore_from
from checkin.records.privacy import PurgeReport, purge
from ui.base.context import DeskContext
from ui.base.failure import failure_text
from ui.base.operations import run_op
from ui.base.pin import require_organiser


class DataBox(QGroupBox):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Data: backups and personal data"))
        self.context = context
        self.retention = QSpinBox()
        self.retention.setObjectName("retentionDays")
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(self.tr(" days after the session"))
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton(self.tr("Restore a backup…"))
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self.restore)
        self.purge_button = QPushButton(self.tr("Erase old personal data…"))
        self.purge_button.setObjectName("purgeData")
        self.purge_button.clicked.connect(self.purge)
        self.message = QLabel()
        self.message.setObjectName("dataMessage")
        self.message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Names, emails and needs are erased this long after a session ends; counts of who came "
                "stay. Backups are taken every 10 minutes and on closing (the last 20 are kept)."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow window: field under label
        form.addRow(self.tr("Keep personal data for"), self.retention)
        form.addRow(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        form.addRow(buttons)
        form.addRow(self.purge_button)
        form.addRow(self.message)
        #: The last operation started (tests wait for it).
        self.operation = None

    # -- settings (saved with the others by the view's Save button) --------------------------------

    def load(self) -> None:
        self.retention.setValue(self.context.settings.get("retention_days"))

    def save(self) -> None:
        self.context.settings.set("retention_days", self.retention.value())

    # -- backups -----------------------------------------------------------------------------------

    def back_up(self) -> None:
        database = self.context.database
        self.message.setText(self.tr("Backing up…"))
        self.operation = run_op(
            self,
            lambda _progress: backup_to(database),
            on_success=lambda path: self.message.setText(self.tr("✔ Backup written to {0}").format(path)),
            on_failure=self._failed,
        )

    def restore(self, path: Path | None = None) -> bool:
        if not require_organiser(self, self.context, self.tr("Enter the organiser PIN to restore a backup.")):
            return False
        database = self.context.database
        if path is None:
            try:
                folder = backups_folder(Path(database.engine.url.database or ""))
            except TypeError:
                folder = Path.home()
            chosen, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Restore a backup"), str(folder), self.tr("Backups (*.sqlite3)")
            )
            if not chosen:
                return False
            path = Path(chosen)
        answer = QMessageBox.question(
            self,
            self.tr("Restore a backup"),
            self.tr(
                "Replace everything on this desk with the backup from {0}? What is here now is kept as a "
                "backup first."
            ).format(datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M on %d %b %Y")),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            kept = restore_from(database, path)
        except (UserError, OSError) as error:  # a file the user chose: theirs to put right
            self.message.setText(str(error))
            return False
        self.message.setText(self.tr("✔ Restored. What was here before is kept at {0}").format(kept))
        self.context.roster_changed.emit()
        self.context.attendance_changed.emit()
        return True

    # -- purge ---------------------------------------------------------------------------------------

    def _purge_work(self, dry_run: bool) -> PurgeReport:
        days = self.context.settings.get("retention_days")
        desk = self.context.desk
        with self.context.database.session() as db:
            return purge(db, utc_now(), dry_run=dry_run, retention_days=days, desk=desk, operator="organiser")

    def purge(self) -> bool:
        """PIN, then a dry run in the background, then a confirmation with its counts, then the purge."""
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to erase old personal data.")
        ):
            self.message.setText(self.tr("Nothing erased: the organiser PIN is needed."))
            return False
        self.message.setText(self.tr("Counting what is past the retention period…"))
        self.operation = run_op(
            self, lambda _progress: self._purge_work(True), on_success=self._confirm, on_failure=self._failed
        )
        return True

    def _confirm(self, report: PurgeReport) -> None:
        if not report.sessions or not (report.delegates or report.registrations or report.scans):
            self.message.setText(
                self.tr(
                    "Nothing to erase: no personal data is older than {0} days after its session."
                ).format(report.retention_days)
            )
            return
        answer = QMessageBox.question(
            self,
            self.tr("Erase old personal data"),
            self.tr(
                "Erase the names, emails, phone numbers and needs of {0} delegates of {1} sessions that "
                "ended more than {2} days ago ({3})?\n\n{4} people booked on a later session are kept. "
                "Counts of attendance stay. This cannot be undone."
            ).format(
                report.delegates,
                len(report.sessions),
                report.retention_days,
                ", ".join(report.sessions),
                report.kept_for_later_sessions,
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.message.setText(self.tr("Nothing erased."))
            return
        self.operation = run_op(
            self, lambda _progress: self._purge_work(False), on_success=self._purged, on_failure=self._failed
        )

    def _purged(self, report: PurgeReport) -> None:
        self.message.setText(
            self.tr("✔ Erased {0} delegates of {1} sessions.").format(report.delegates, len(report.sessions))
        )
        self.context.roster_changed.emit()

    def _failed(self, error: Exception) -> None:
        self.message.setText(
            failure_text(
                error,
                doing="data operation",
                fault=self.tr("That did not work: {0}").format(type(error).__name__),
            )
        )
