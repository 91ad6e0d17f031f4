"""Delegates (F6): the session's whole roster — find, sort and filter; edit, cancel or restore, transfer,
print a badge or reissue a lost one, see a person's scans; import a delegate list."""

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.bookings import set_status
from checkin.desk.revocations import DEFAULT_REISSUE_REASON, reissue_badge
from checkin.desk.roster_index import RosterFilter, RosterRow, roster_organisations
from checkin.domain.vocabulary import ACTIVE_STATUSES, RegistrationStatus
from ui.base.context import DeskContext
from ui.base.fit import FlowLayout, fit_placeholder
from ui.base.operations import run_op
from ui.base.palette import palette_for
from ui.base.theme import BUTTON_STYLE, palette_in_use
from ui.delegates.dialogs import DelegateEditDialog, HistoryDialog, SectorDialog, TransferDialog
from ui.delegates.roster_model import (
    BADGE,
    CHECKED_IN,
    COLUMNS,
    FIRST_NAME,
    JOB_TITLE,
    KIND_ROLE,
    ORGANISATION,
    ROW_ROLE,
    SECTOR,
    STATUS,
    SURNAME,
    InView,
    RosterModel,
)

log = logging.getLogger(__name__)

FILTER_DELAY_MS = 200
DEFAULT_CANCEL_REASON = "cancelled by the organiser"

#: (title, statuses kept) for the status filter.
STATUS_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("All bookings", ()),
    ("Expected (booked and walk-ins)", tuple(ACTIVE_STATUSES)),
    ("Booked", (RegistrationStatus.BOOKED,)),
    ("Walk-ins", (RegistrationStatus.WALK_IN,)),
    ("Cancelled", (RegistrationStatus.CANCELLED,)),
    ("Waiting list", (RegistrationStatus.WAITLISTED,)),
    ("Transferred", (RegistrationStatus.TRANSFERRED,)),
)
ARRIVAL_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Arrived or not", None),
    ("Checked in", True),
    ("Not yet arrived", False),
)

# (fill, text) colour roles per kind of cell; a kind with no fill is plain muted text. Words say it too.
PILLS = {
    RegistrationStatus.BOOKED: ("info_wash", "info_ink"),
    RegistrationStatus.WALK_IN: ("walk_in_wash", "walk_in_ink"),
    RegistrationStatus.CANCELLED: ("refused_wash", "refused_ink"),
    RegistrationStatus.WAITLISTED: ("warning_wash", "warning_ink"),
    RegistrationStatus.TRANSFERRED: ("quiet", "neutral"),
    "in": ("admitted_wash", "admitted_ink"),
    "printed": ("accent_wash", "accent_edge"),
    "not_in": ("", "ink_faint"),
    "not_printed": ("", "ink_faint"),
}
#: Widths at 1366×768 that leave Organisation the rest of the table.
#: The columns' widths at normal text; the organisation takes what is left (at 1280 px, about 170 px).
COLUMN_WIDTHS = {
    SURNAME: 130,
    FIRST_NAME: 115,
    JOB_TITLE: 170,
    STATUS: 124,
    CHECKED_IN: 110,
    BADGE: 110,
    SECTOR: 120,
}


def require_organiser(parent: QWidget, context: DeskContext, reason: str) -> bool:
    """The organiser PIN for edits, cancelling, transfers and imports (ui.base.pin)."""
    from ui.base.pin import require_organiser as ask

    return ask(parent, context, reason)


class PillDelegate(QStyledItemDelegate):
    """Draws a status, arrival or badge cell as a rounded label: its word on a soft colour."""

    def __init__(self, parent: QWidget | None = None, *, high_contrast: bool = False) -> None:
        super().__init__(parent)
        self.high_contrast = high_contrast
        self.colours = palette_for(high_contrast)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        look = PILLS.get(index.data(KIND_ROLE))
        if look is None:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text, item.text = item.text, ""
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        colours = self.colours
        fill, ink = (colours.role(role) if role else "" for role in look)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = item.font
        font.setBold(bool(fill))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        height = metrics.height() + 6
        width = min(metrics.horizontalAdvance(text) + 22, item.rect.width() - 10)
        pill = QRect(item.rect.left() + 6, item.rect.center().y() - height // 2 + 1, width, height)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if self.high_contrast:  # every label alike, its word alone says it: black on white, boxed
            painter.setPen(QPen(QColor(colours.ink), 2))
            painter.setBrush(QColor(colours.surface))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(QColor(colours.ink))
        elif fill:
            painter.setPen(QPen(QColor(ink).lighter(170), 1))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(QColor(ink))
        else:
            painter.setPen(item.palette.highlightedText().color() if selected else QColor(ink))
        align = Qt.AlignmentFlag.AlignCenter if fill or self.high_contrast else Qt.AlignmentFlag.AlignVCenter
        painter.drawText(pill.adjusted(0 if fill else 4, 0, 0, 0), int(align), text)
        painter.restore()


class DelegatesView(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = RosterModel(context.database, self)
        self._stale: str | None = "ids"  # what to reread when next shown: "ids", "rows" or None
        self._total = 0
        #: Who to select when the next list lands (after an edit), and where the selection was on screen.
        self._select_after: int | None = None
        self._place: tuple[int | None, int | None, int] | None = None
        self._focus_list_when_landed = False
        self.model.in_view = self._in_view
        #: Prints one badge by registration id; the window sets it when it has a Print view.
        self.badge_printer: Callable[[int], object] | None = None

        # -- finding ---------------------------------------------------------------------------
        self.find = QLineEdit()
        self.find.setObjectName("rosterFind")
        fit_placeholder(self.find, self.tr("Find by name, organisation or email"), self.tr("Find"))
        self.find.setClearButtonEnabled(True)
        self.find.setMinimumHeight(36)
        self.find.setAccessibleName(self.tr("Find"))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(self.tr("Status"))
        for title, statuses in STATUS_CHOICES:
            self.status_filter.addItem(self.tr(title), statuses)
        self.arrival_filter = QComboBox()
        self.arrival_filter.setAccessibleName(self.tr("Arrival"))
        for title, checked_in in ARRIVAL_CHOICES:
            self.arrival_filter.addItem(self.tr(title), checked_in)
        self.organisation_filter = QLineEdit()
        fit_placeholder(self.organisation_filter, self.tr("Organisation contains…"), self.tr("Organisation"))
        self.organisation_filter.setClearButtonEnabled(True)
        self.organisation_filter.setMinimumHeight(36)
        self.organisation_filter.setAccessibleName(self.tr("Organisation"))
        self.organisation_filter.setMaximumWidth(260)
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.organisation_filter.setCompleter(self._completer)
        self.count_label = QLabel()
        self.count_label.setObjectName("rosterCount")

        filters = FlowLayout()  # onto more lines when larger text makes the row too wide
        filters.add(self.find, 3)
        # Labels as buddies: on Linux a screen reader names a combo box by its label, not its own name.
        for title, combo in (
            (self.tr("Status"), self.status_filter),
            (self.tr("Arrival"), self.arrival_filter),
        ):
            label = QLabel(title)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.add(self.organisation_filter, 2)
        filters.addWidget(self.count_label)

        # -- the table ---------------------------------------------------------------------------
        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        self.table.setAccessibleName(self.tr("Delegates of the session"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it): no trap
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _index: self.edit_delegate())
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Rows and columns as the text needs at least (larger text makes both grow, never cut).
        rows.setDefaultSectionSize(max(34, self.table.fontMetrics().height() + 14))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ORGANISATION, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            # The heading's words, its margins and the sort arrow.
            needed = header.fontMetrics().horizontalAdvance(title) + 40
            header.resizeSection(column, max(width, needed))
        high_contrast = palette_in_use().high_contrast
        self.pills = PillDelegate(self.table, high_contrast=high_contrast)
        for column in (STATUS, CHECKED_IN, BADGE):
            self.table.setItemDelegateForColumn(column, self.pills)
        self.table.setSortingEnabled(True)
        header.setSortIndicator(SURNAME, Qt.SortOrder.AscendingOrder)

        # -- actions -----------------------------------------------------------------------------
        self.edit_action = self._action(self.tr("Edit…"), "Ctrl+E", self.edit_delegate)
        self.cancel_action = self._action(self.tr("Cancel booking…"), "Delete", self.cancel_booking)
        self.restore_action = self._action(self.tr("Restore booking"), "Ctrl+R", self.restore_booking)
        self.transfer_action = self._action(self.tr("Transfer…"), "Ctrl+T", self.transfer_booking)
        self.print_action = self._action(self.tr("Print badge"), "Ctrl+P", self.print_badge)
        self.reissue_action = self._action(self.tr("Reissue badge…"), "Ctrl+B", self.reissue_badge)
        self.history_action = self._action(self.tr("Scan history…"), "Ctrl+H", self.show_history)
        self.sector_action = self._action(
            self.tr("Set sector for everyone from this organisation…"), "Ctrl+K", self.set_sector
        )
        self.import_action = self._action(self.tr("Import list…"), "Ctrl+I", self.open_import, per_row=False)
        self.find_action = self._action(self.tr("Find"), "Ctrl+F", self._focus_find, per_row=False)
        self.row_actions = [
            self.edit_action,
            self.cancel_action,
            self.restore_action,
            self.transfer_action,
            self.print_action,
            self.reissue_action,
            self.history_action,
            self.sector_action,
        ]
        buttons = FlowLayout()  # onto more lines when larger text makes the bar too wide
        for action in self.row_actions[:-1]:  # the sector is set from the menu or Ctrl+K: the bar is full
            buttons.addWidget(self._button(action))
        buttons.addStretch()
        self.import_button = self._button(self.import_action)
        self.import_button.setObjectName("importButton")
        buttons.addWidget(self.import_button)
        self.hint = QLabel(
            self.tr(
                "Enter or Ctrl+E edits · Del cancels · Ctrl+R restores · Ctrl+T transfers · Ctrl+P prints the "
                "badge · Ctrl+B reissues a lost one · Ctrl+H history · Ctrl+K sector · Ctrl+I imports · Ctrl+F finds"
            )
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        if not high_contrast:
            self.setStyleSheet(BUTTON_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self.find.textEdited.connect(lambda _text: self._filter_timer.start())
        self.organisation_filter.textEdited.connect(lambda _text: self._filter_timer.start())
        self.organisation_filter.returnPressed.connect(self.apply_filters)
        self._completer.activated.connect(lambda _text: self.apply_filters())
        self.find.returnPressed.connect(self._find_entered)
        self.status_filter.currentIndexChanged.connect(lambda _index: self.apply_filters())
        self.arrival_filter.currentIndexChanged.connect(lambda _index: self.apply_filters())
        self.model.landing.connect(self._keep_place)
        self.model.reloaded.connect(self._restore_place)
        self.model.reloaded.connect(self._show_count)
        self.model.modelReset.connect(self._update_actions)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._refresh_now)
        context.session_changed.connect(lambda _code: self._changed("session"))
        context.roster_changed.connect(lambda: self._changed("ids"))
        context.attendance_changed.connect(lambda: self._changed("rows"))
        self._update_actions()

    # -- building ---------------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str, slot, *, per_row: bool = True) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        # Only while this view has focus: other views use the same keys for their own things.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        action.setToolTip(
            f"{text.rstrip('…')} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        self.addAction(action)
        return action

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(action.toolTip())
        button.setMinimumHeight(38)
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        button.setEnabled(action.isEnabled())
        return button

    # -- keeping up with the desk -----------------------------------------------------------------

    def _changed(self, what: str) -> None:
        if what == "session":
            self._stale = "session"
        elif what == "ids" or self.model.depends_on_attendance():
            self._stale = "session" if self._stale == "session" else "ids"
        elif self._stale is None:
            self._stale = "rows"
        if self.isVisible():
            self._refresh_timer.start(0)  # several signals in a row make one refresh

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self._refresh_now()

    def _refresh_now(self) -> None:
        self._refresh_timer.stop()
        stale, self._stale = self._stale, None
        if stale == "rows":
            self.model.forget_rows()
            self._update_actions()
            return
        if stale == "session" or self.model.session_id is None:
            with self.context.database.session() as db:
                session = self.context.session(db)
                session_id = session.id if session is not None else None
            self.model.session_id = session_id
            self._read_organisations(session_id)
        self.reload()

    def _read_organisations(self, session_id: int | None) -> None:
        """The organisation filter's completions, read off the GUI thread (a DISTINCT over the session)."""
        database = self.context.database

        def work(_progress):  # noqa: ANN001, ANN202 - runs on the thread pool
            if session_id is None:
                return []
            with database.session() as db:
                return roster_organisations(db, session_id)

        def show(organisations: list[str]) -> None:
            if session_id == self.model.session_id:
                self._completer.model().setStringList(organisations)  # type: ignore[attr-defined]

        run_op(
            self,
            work,
            on_success=show,
            on_failure=lambda error: log.error("organisations not read", exc_info=error),
        )

    def reload(self) -> None:
        """Reread the ids in the background; the same person stays selected, where they were on screen,
        when they are still listed (see `_keep_place` and `_restore_place`)."""
        self.model.reload()

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        self.model.set_filters(
            RosterFilter(
                statuses=self.status_filter.currentData() or (),
                checked_in=self.arrival_filter.currentData(),
                organisation=self.organisation_filter.text(),
                text=self.find.text(),
            )
        )

    # -- keeping the place across a reload --------------------------------------------------------

    def _in_view(self) -> InView:
        """Asked as a reload starts: the rows on screen and who is selected, so their pages are read ahead."""
        top = max(self.table.rowAt(0), 0)
        shown = self.table.viewport().height() // max(self.table.verticalHeader().defaultSectionSize(), 1) + 1
        keep = self._select_after
        if keep is None:
            row = self.current_row()
            keep = row.registration_id if row is not None else None
        return InView(range(top, top + shown), keep)

    def _keep_place(self) -> None:
        """The new list is about to land: remember who is selected, and where on screen."""
        keep, at = self._select_after, None
        if keep is None:
            row = self.current_row()
            if row is not None:
                keep = row.registration_id
                y = self.table.rowViewportPosition(self.table.currentIndex().row())
                at = y if 0 <= y < self.table.viewport().height() else None
        self._place = (keep, at, self.table.verticalScrollBar().value())

    def _restore_place(self) -> None:
        """The same person selected, at the same height on screen when they were in sight; else the same
        scroll position."""
        keep, at, scroll = self._place or (None, None, 0)
        self._place, self._select_after = None, None
        if keep is not None and self.select_registration(keep):
            if at is not None:
                position = self.table.verticalHeader().sectionPosition(self.model.row_of(keep))
                self.table.verticalScrollBar().setValue(position - at)
        else:
            self.table.verticalScrollBar().setValue(scroll)
        if self._focus_list_when_landed:
            self._focus_list_when_landed = False
            self._focus_list()

    def _show_count(self) -> None:
        if self.model.session_id is None:
            self.count_label.setText(self.tr("No session"))
            return
        self._total = self.model.total
        shown = self.model.rowCount()
        if shown == self._total:
            self.count_label.setText(self.tr("{0:,} bookings").format(shown))
        else:
            self.count_label.setText(self.tr("{0:,} of {1:,} bookings").format(shown, self._total))

    def _focus_find(self) -> None:
        self.find.setFocus()
        self.find.selectAll()

    def _find_entered(self) -> None:
        self.apply_filters()
        if self.model.loading:
            self._focus_list_when_landed = True  # the list moves to its first match once it is in
        else:
            self._focus_list()

    def _focus_list(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            if self.current_row() is None:
                self.table.selectRow(0)

    # -- selection --------------------------------------------------------------------------------

    def current_row(self) -> RosterRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.data(index, ROW_ROLE)

    def select_registration(self, registration_id: int) -> bool:
        row = self.model.row_of(registration_id)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _update_actions(self) -> None:
        row = self.current_row()
        status = row.status if row is not None else None
        active = status in ACTIVE_STATUSES
        self.edit_action.setEnabled(row is not None)
        self.history_action.setEnabled(row is not None)
        self.sector_action.setEnabled(row is not None and bool(row.organisation.strip()))
        if row is not None and row.organisation.strip():
            self.sector_action.setText(self.tr("Set sector for everyone from {0}…").format(row.organisation))
        self.cancel_action.setEnabled(active or status == RegistrationStatus.WAITLISTED)
        self.restore_action.setEnabled(
            status in (RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED)
        )
        self.transfer_action.setEnabled(active or status == RegistrationStatus.WAITLISTED)
        self.print_action.setEnabled(active)
        self.reissue_action.setEnabled(active)
        self.import_action.setEnabled(self.context.session_code is not None)

    def _context_menu(self, position) -> None:  # noqa: ANN001 - a QPoint
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in self.row_actions:
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def _done(self, message: str, registration_id: int | None = None) -> None:
        window = self.window()
        status_bar = getattr(window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(message, 8000)
        if registration_id is not None:
            self._select_after = registration_id  # kept selected when the reread list lands
            self.select_registration(registration_id)
        self.context.roster_changed.emit()
        self._refresh_now()
        self.table.setFocus()

    # -- actions ----------------------------------------------------------------------------------

    def edit_delegate(self) -> None:
        row = self.current_row()
        if row is None or not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to edit a delegate.")
        ):
            return
        dialog = DelegateEditDialog(self.context, row.delegate_id, self)
        if dialog.exec() and dialog.changed:
            self._done(self.tr("Details of {0} saved.").format(row.display_name), row.registration_id)

    def cancel_booking(self) -> None:
        row = self.current_row()
        if row is None or not self.cancel_action.isEnabled():
            return
        if not require_organiser(self, self.context, self.tr("Enter the organiser PIN to cancel a booking.")):
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Cancel booking"),
            self.tr("Cancel the booking of {0}? Their badge will be refused at the desk.\n\nReason:").format(
                row.display_name
            ),
            QLineEdit.EchoMode.Normal,
            self.tr(DEFAULT_CANCEL_REASON),
        )
        if not ok:
            return
        self._set_status(row, RegistrationStatus.CANCELLED, reason.strip() or self.tr(DEFAULT_CANCEL_REASON))
        self._done(self.tr("Booking of {0} cancelled.").format(row.display_name), row.registration_id)

    def restore_booking(self) -> None:
        row = self.current_row()
        if row is None or not self.restore_action.isEnabled():
            return
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to restore a booking.")
        ):
            return
        self._set_status(row, RegistrationStatus.BOOKED, "")
        self._done(self.tr("Booking of {0} restored.").format(row.display_name), row.registration_id)

    def _set_status(self, row: RosterRow, status: RegistrationStatus, reason: str) -> None:
        with self.context.database.session() as db:
            set_status(db, row.registration_id, status, reason, desk=self.context.desk)
            db.commit()

    def transfer_booking(self) -> None:
        row = self.current_row()
        if row is None or not self.transfer_action.isEnabled():
            return
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to transfer a booking.")
        ):
            return
        dialog = TransferDialog(self.context, row, self)
        if dialog.exec() and dialog.moved_to:
            self._done(
                self.tr("{0} moved to {1}.").format(row.display_name, dialog.moved_to), row.registration_id
            )

    def reissue_badge(self) -> None:
        """A lost badge: a new badge code for this booking, the old one refused at every desk from now on."""
        row = self.current_row()
        if row is None or not self.reissue_action.isEnabled():
            return
        if not require_organiser(self, self.context, self.tr("Enter the organiser PIN to reissue a badge.")):
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Reissue badge"),
            self.tr(
                "Give {0} a new badge code? The old badge will be refused at every desk from now on; print "
                "the new one next.\n\nReason:"
            ).format(row.display_name),
            QLineEdit.EchoMode.Normal,
            self.tr(DEFAULT_REISSUE_REASON),
        )
        if not ok:
            return
        with self.context.database.session() as db:
            reissue_badge(
                db, row.registration_id, reason.strip() or DEFAULT_REISSUE_REASON, desk=self.context.desk
            )
            db.commit()
        self._done(
            self.tr(
                "{0} has a new badge code; the old badge no longer admits. Print the new badge (Ctrl+P)."
            ).format(row.display_name),
            row.registration_id,
        )

    def set_sector(self) -> None:
        row = self.current_row()
        if row is None or not self.sector_action.isEnabled():
            return
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to set an organisation's sector.")
        ):
            return
        dialog = SectorDialog(self.context, row.organisation, self)
        if dialog.exec() and dialog.applied is not None:
            self._done(
                self.tr("Sector of {0} set for {1} delegates.").format(row.organisation, dialog.applied),
                row.registration_id,
            )

    def show_history(self) -> None:
        row = self.current_row()
        if row is not None:
            HistoryDialog(self.context, row, self).exec()

    def print_badge(self) -> None:
        """Print this person's badge on the desk's label stock: the Print view makes it and opens the print
        dialog (no PIN: a desk job). It counts as printed once it is printed, as any badge does."""
        row = self.current_row()
        if row is None or not self.print_action.isEnabled() or self.badge_printer is None:
            return
        self.badge_printer(row.registration_id)

    def open_import(self) -> None:
        if self.context.session_code is None:
            return
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to import a delegate list.")
        ):
            return
        from ui.delegates.import_dialog import ImportDialog, session_to_import_into

        if session_to_import_into(self, self.context) is None:
            return
        ImportDialog(self.context, self).exec()


__all__ = ["COLUMNS", "DelegatesView", "PillDelegate"]
