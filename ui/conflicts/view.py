"""Duplicates (F11): people admitted at two desks that could not see each other, for a supervisor.

Both admissions are kept and the earlier one counts (DESIGN.md §6); this list says who, where and when,
so a supervisor can look into it (a shared badge, a second person let in). It is worked out in the
background whenever attendance changes — here or arriving from other desks by sync.
"""

import logging
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.conflicts import DuplicateAdmission
from checkin.domain.clock import time_for_people, utc_now
from checkin.store.database import address_of
from ui.base.context import DeskContext
from ui.base.operations import Operation, run_in_process, run_op
from ui.base.theme import palette_in_use
from ui.conflicts.finding import find_duplicates_in_process

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 250


def duplicates_label(count: int) -> str:
    return "1 duplicate" if count == 1 else f"{count} duplicates"


def _local_time(moment: datetime) -> str:
    return time_for_people(moment, utc_now(), seconds=True)


class DuplicatesView(QWidget):
    """The duplicate admissions of the session in front, with a badge count."""

    #: How many people were admitted more than once (for badges elsewhere in the window).
    count_changed = Signal(int)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("duplicatesView")
        self.colours = palette_in_use()
        self.duplicates: list[DuplicateAdmission] = []
        self._operation: Operation | None = None
        self._dirty = False

        title = QLabel(self.tr("Duplicate admissions"))
        title.setObjectName("viewTitle")
        self.badge = QLabel()
        self.badge.setObjectName("duplicatesBadge")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(10)
        heading.addWidget(self.badge)
        heading.addStretch(1)
        intro = QLabel(
            self.tr(
                "People admitted at two desks that could not see each other at the time (no network, or "
                "before the desks synced). Both scans are kept and the earlier one counts; nothing needs "
                "undoing. Worth a look: a shared or copied badge, or a second person let in."
            )
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)

        self.tree = QTreeWidget()
        self.tree.setObjectName("duplicatesList")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(
            [self.tr("Delegate"), self.tr("Organisation"), self.tr("Desk"), self.tr("Admitted at"), ""]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so its rows can be read aloud
        self.tree.setAccessibleName(self.tr("Duplicate admissions"))
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(self.tr("✔ No duplicate admissions in this session."))
        self.empty.setObjectName("duplicatesEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        self.setStyleSheet(
            self.colours.sheet(
                "#duplicatesView QLabel#viewTitle { font-size: 18pt; font-weight: bold; }"
                "#duplicatesView QLabel#duplicatesBadge { background: $alarm; color: $on_colour;"
                " font-weight: bold; border-radius: 11px; padding: 2px 12px; }"
                "#duplicatesView QLabel#duplicatesEmpty { color: $admitted; font-size: 14pt;"
                " font-weight: bold; }"
                "#duplicatesView QTreeWidget { background: $surface; border: 1px solid $card_border;"
                " border-radius: 8px; font-size: 12pt; }"
                "#duplicatesView QTreeWidget::item { padding: 4px 2px; }"
            )
        )

        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(REFRESH_DELAY_MS)
        self._delay.timeout.connect(self.refresh)
        context.attendance_changed.connect(self._delay.start)
        context.roster_changed.connect(self._delay.start)
        context.session_changed.connect(lambda _code: self._delay.start())
        self._show([])
        self._delay.start()

    # -- refreshing (in the background: a big session has many events to pair) ----------------------

    def refresh(self) -> None:
        if self._operation is not None:
            self._dirty = True
            return
        code = self.context.session_code
        if not code:
            self._operation = run_op(
                self, lambda _progress: [], on_success=self._found, on_failure=self._failed
            )
            return
        # Pairing thousands of events is Python's work: in a worker process, so the window keeps the lock.
        self._operation = run_in_process(
            self,
            find_duplicates_in_process,
            address_of(self.context.database),
            code,
            on_success=self._found,
            on_failure=self._failed,
        )

    def _found(self, duplicates: list[DuplicateAdmission]) -> None:
        self._operation = None
        if duplicates != self.duplicates:
            self._show(duplicates)
        if self._dirty:
            self._dirty = False
            self.refresh()

    def _failed(self, error: Exception) -> None:
        self._operation = None
        log.error("listing duplicate admissions failed", exc_info=error)  # a bug of ours, not the user's

    def _show(self, duplicates: list[DuplicateAdmission]) -> None:
        self.duplicates = duplicates
        count = len(duplicates)
        self.badge.setText(self.tr(duplicates_label(count)))
        self.badge.setVisible(count > 0)
        self.badge.setAccessibleName(self.tr(duplicates_label(count)))
        self.tree.setVisible(count > 0)
        self.empty.setVisible(count == 0)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        amber_ink, amber_wash = (
            QBrush(QColor(self.colours.warning_ink)),
            QBrush(QColor(self.colours.warning_wash)),
        )
        earlier = QBrush(QColor(self.colours.admitted))  # the admission that counts
        for duplicate in duplicates:
            person = duplicate.delegate
            admissions = self.tr("admitted {0} times").format(len(duplicate.events))
            top = QTreeWidgetItem([person.display_name, person.organisation, "", "", admissions])
            top.setFont(0, bold)
            top.setForeground(4, amber_ink)
            for column in range(5):
                top.setBackground(column, amber_wash)
            self.tree.addTopLevelItem(top)
            for index, event in enumerate(duplicate.events):
                note = self.tr("✔ counts (earlier)") if index == 0 else self.tr("⚠ duplicate")
                child = QTreeWidgetItem(["", "", event.desk, _local_time(event.at), note])
                child.setForeground(4, earlier if index == 0 else amber_ink)
                if index == 0:
                    child.setFont(4, bold)
                top.addChild(child)
            top.setExpanded(True)
        self.count_changed.emit(count)
