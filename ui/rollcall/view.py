"""Roll-call for trainers: choose the part of the day, tick who is in the room, or scan their badges."""

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.attendance import mark_segment, unmark_segment
from checkin.desk.guides import hand_out_guide
from checkin.desk.rollcall import RollCall, RollCallEntry, current_segment, mark_by_scan
from checkin.desk.rollcall import roll_call as load_roll_call
from checkin.domain.clock import Clock, clock_for_people, time_for_people, utc_now
from checkin.domain.marks import MarkCode, MarkOutcome
from checkin.domain.text import fold
from checkin.domain.vocabulary import Method
from checkin.errors import UserError
from ui.base.accessibility import announce
from ui.base.context import DeskContext
from ui.base.fit import FlowLayout, WrappingLabel
from ui.base.theme import choice_buttons, focus_rule, palette_in_use

#: Item data: the registration id of a person's row (groups have none).
REGISTRATION = Qt.ItemDataRole.UserRole
#: Item data: the folded name and organisation the filter matches.
FILTER_KEY = Qt.ItemDataRole.UserRole + 1

STYLE = (
    choice_buttons("QPushButton#segmentButton")
    + """
QLabel#viewTitle { font-size: 14pt; font-weight: bold; color: $ink; }
QLabel#rollCallCounts { font-size: 12pt; color: $ink; }
QPushButton#segmentButton { padding: 4px 8px; font-size: 12pt; }
QTreeWidget#rollCallList { font-size: 12pt; }
QTreeWidget#rollCallList::item { padding: 3px 2px; }
QLineEdit#rollCallFilter { padding: 5px 8px; font-size: 12pt; }
"""
)
#: (colour role, symbol, headline) for each outcome of a scan.
LOOKS = {
    MarkCode.MARKED: ("admitted", "✔", "Marked present"),
    MarkCode.ALREADY_MARKED: ("warning", "⚠", "Already marked"),
    MarkCode.NOT_BOOKED_HERE: ("refused", "✖", "Not booked on this session"),
    MarkCode.NOT_ACTIVE: ("refused", "✖", "Booking not active"),
    MarkCode.NOT_FOUND: ("refused", "?", "Code not known here"),
    MarkCode.INVALID_CODE: ("refused", "✖", "Not a valid badge"),
    MarkCode.REVOKED: ("refused", "✖", "Code replaced"),
}
GUIDE_COLUMN = 3
FIXED_COLUMNS = 4  # name, organisation, at the desk, pocket guide; then one column per part of the day


def _hours(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return ""
    text = clock_for_people(start)
    return f"{text}–{clock_for_people(end)}" if end is not None else text


class Banner(QFrame):
    """What the last scan or tick did: colour, a symbol and words (never colour alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rollCallBanner")
        self.setAccessibleName(self.tr("Last mark"))
        self.colours = palette_in_use()
        self.code: MarkCode | None = None
        self.symbol = QLabel()
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline = QLabel()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        for label, size in ((self.symbol, 24), (self.headline, 15), (self.detail, 11)):
            font = QFont()
            font.setPointSize(size)
            font.setBold(label is not self.detail)
            label.setFont(font)
        # As wide as the widest symbol in its font (44 pixels at the normal size): larger text is not cut.
        symbols = [look[1] for look in LOOKS.values()] + ["▣"]
        self.symbol.setFixedWidth(max(44, max(map(self.symbol.fontMetrics().horizontalAdvance, symbols)) + 8))
        self.headline.setWordWrap(True)
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.symbol)
        layout.addLayout(words, 1)
        self.show_idle()

    def show_idle(self, part: str = "") -> None:
        """Ready for the next mark; `part`, the part of the day being marked, when one was just chosen."""
        self.show_message(
            "idle",
            "▣",
            self.tr("{0}: scan a badge to mark the person present").format(part)
            if part
            else self.tr("Scan a badge to mark the person present"),
            self.tr("or tick their name below"),
            ink="ink",
        )

    def show_mark(self, outcome: MarkOutcome, detail: str) -> None:
        role, symbol, headline = LOOKS[outcome.code]
        name = outcome.delegate.display_name if outcome.delegate else ""
        self.show_message(role, symbol, f"{self.tr(headline)}{' — ' + name if name else ''}", detail)
        self.code = outcome.code

    def show_message(
        self, role: str, symbol: str, headline: str, detail: str, *, ink: str = "on_colour"
    ) -> None:
        """A message on the role's colour (a palette role), its words in the `ink` role."""
        self.code = None
        self.setStyleSheet(
            self.colours.sheet(
                f"#rollCallBanner {{ background: ${role}; border-radius: 10px; }}"
                f"#rollCallBanner QLabel {{ color: ${ink}; background: transparent; }}"
            )
        )
        self.symbol.setText(symbol)
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        if role != "idle":
            announce(self, f"{headline}. {detail}" if detail else headline, urgent=role == "refused")


class RollCallView(QWidget):
    """The session's active bookings as a tick-list for one part of the day at a time."""

    #: Every scan's outcome, for sounds and tests.
    marked = Signal(object)

    def __init__(
        self, context: DeskContext, parent: QWidget | None = None, *, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self.call: RollCall | None = None
        self.segment_id: int | None = None
        self._dirty = True
        self._announcing = False
        self.checked_in_group: QTreeWidgetItem | None = None
        self.not_checked_in_group: QTreeWidgetItem | None = None

        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.counts = WrappingLabel()
        self.counts.setObjectName("rollCallCounts")
        colours = palette_in_use()
        self.setStyleSheet(colours.sheet(STYLE) + focus_rule(colours, "QPushButton#segmentButton"))

        self.segment_buttons = QButtonGroup(self)
        self.segment_buttons.setExclusive(True)
        self.segment_buttons.idClicked.connect(self.choose_segment)
        # Side by side, sharing the width; onto more lines when larger text makes them too wide.
        self.segment_bar = FlowLayout(spacing=8, fill=True)

        self.banner = Banner()

        self.filter = QLineEdit()
        self.filter.setObjectName("rollCallFilter")
        self.filter.setPlaceholderText(self.tr("Filter by name or organisation (Ctrl+F)"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter the list"))
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.installEventFilter(self)

        self.tree = QTreeWidget()
        self.tree.setObjectName("rollCallList")
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.setAccessibleName(self.tr("Roll-call list"))

        self.hint = QLabel(
            self.tr(
                "Space ticks or unticks · ↑↓ move · Ctrl+1–3 part of the day · Ctrl+G pocket guide given"
                " · scan a badge to mark"
            )
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.counts)
        tools = QHBoxLayout()
        tools.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.segment_bar)
        layout.addWidget(self.banner)
        layout.addLayout(tools)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)

        within = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_filter, context=within)
        QShortcut(QKeySequence("Ctrl+G"), self, activated=self.give_guide_to_current, context=within)
        for number in range(1, 10):
            QShortcut(
                QKeySequence(f"Ctrl+{number}"),
                self,
                activated=lambda n=number: self._choose_by_number(n),
                context=within,
            )

        context.attendance_changed.connect(self._changed)
        context.roster_changed.connect(self._changed)
        context.session_changed.connect(self._session_changed)

    # -- loading ------------------------------------------------------------------------------------

    def _session_changed(self, _code: str) -> None:
        self.segment_id = None
        self.filter.clear()
        self.banner.show_idle()
        self._changed()

    def _changed(self) -> None:
        if self._announcing:
            return
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's signature
        super().showEvent(event)
        if self._dirty:
            self.reload()
        self.tree.setFocus()

    def reload(self) -> None:
        self._dirty = False
        with self.context.database.session() as db:
            session = self.context.session(db)
            self.call = load_roll_call(db, session) if session is not None else None
            title = session.code if session is not None else ""
        self.title.setText(self.tr("Roll-call · {0}").format(title) if title else self.tr("Roll-call"))
        segments = self.call.segments if self.call else ()
        if self.segment_id not in {s.id for s in segments}:
            chosen = current_segment(segments, self.clock())
            self.segment_id = chosen.id if chosen else None
        self._build_segment_buttons()
        if self._same_rows():
            self._repaint_rows()  # keeps the scroll position, the selection and any item being edited
        else:
            self._fill_tree()
        self._paint_header()
        self._show_counts()

    def _shape(self) -> list[tuple[int, bool]]:
        entries = self.call.entries if self.call else ()
        arrived = [(e.registration_id, True) for e in entries if e.checked_in_at is not None]
        return arrived + [(e.registration_id, False) for e in entries if e.checked_in_at is None]

    def _same_rows(self) -> bool:
        shown = [
            (item.data(0, REGISTRATION), item.parent() is self.checked_in_group)
            for item in self._all_people()
        ]
        return self.tree.topLevelItemCount() == 2 and shown == self._shape()

    def _repaint_rows(self) -> None:
        entries = {e.registration_id: e for e in (self.call.entries if self.call else ())}
        self.tree.blockSignals(True)
        for item in self._all_people():
            entry = entries[item.data(0, REGISTRATION)]
            self._paint_marks(item, entry.marked)
            self._paint_guide(item, entry.guide)
        self.tree.blockSignals(False)

    def _build_segment_buttons(self) -> None:
        segments = self.call.segments if self.call else ()
        ids = [s.id for s in segments]
        if ids != [self.segment_buttons.id(b) for b in self.segment_buttons.buttons()]:
            for button in self.segment_buttons.buttons():
                self.segment_buttons.removeButton(button)
                self.segment_bar.removeWidget(button)
                button.deleteLater()
            for number, segment in enumerate(segments, start=1):
                button = QPushButton()
                button.setObjectName("segmentButton")
                button.setCheckable(True)
                button.setMinimumHeight(54)
                button.setToolTip(self.tr("Ctrl+{0}").format(number))
                self.segment_buttons.addButton(button, segment.id)
                self.segment_bar.addWidget(button)
        for segment in segments:
            button = self.segment_buttons.button(segment.id)
            hours = _hours(segment.starts_at, segment.ends_at)
            button.setText(
                f"{segment.name}\n{hours + ' · ' if hours else ''}"
                + self.tr("{0} present").format(segment.marked)
            )
            button.setChecked(segment.id == self.segment_id)

    def _fill_tree(self) -> None:
        current = self.tree.currentItem()
        keep = current.data(0, REGISTRATION) if current is not None else None
        scroll = self.tree.verticalScrollBar().value()
        segments = self.call.segments if self.call else ()
        self.tree.blockSignals(True)
        self.tree.clear()
        self.tree.setColumnCount(FIXED_COLUMNS + len(segments))
        self.tree.setHeaderLabels(
            [self._name_heading(), self.tr("Organisation"), self.tr("At the desk"), self.tr("Guide")]
            + [s.name for s in segments]
        )
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(GUIDE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(FIXED_COLUMNS, FIXED_COLUMNS + len(segments)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.tree.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
        entries = self.call.entries if self.call else ()
        arrived = [e for e in entries if e.checked_in_at is not None]
        not_arrived = [e for e in entries if e.checked_in_at is None]
        self.checked_in_group = self._group(self.tr("Checked in at the desk"), arrived)
        self.not_checked_in_group = self._group(
            self.tr("Not checked in at the desk — tick if they are in the room"), not_arrived
        )
        restore = self._item_for(keep) if keep is not None else None
        self.tree.blockSignals(False)
        self._apply_filter()
        self.tree.verticalScrollBar().setValue(scroll)
        if restore is not None:
            self.tree.setCurrentItem(restore, 0, self.tree.selectionModel().SelectionFlag.ClearAndSelect)
        elif self._all_people():
            self.tree.setCurrentItem(self._all_people()[0])

    def _group(self, title: str, entries: list[RollCallEntry]) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.tree)
        group.setData(0, Qt.ItemDataRole.UserRole + 2, title)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        group.setBackground(0, self.palette().window())
        self.tree.setFirstColumnSpanned(self.tree.indexOfTopLevelItem(group), self.tree.rootIndex(), True)
        now = self.clock()
        for entry in entries:
            item = QTreeWidgetItem(group)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setData(0, REGISTRATION, entry.registration_id)
            item.setData(
                0,
                FILTER_KEY,
                fold(f"{entry.first_name} {entry.last_name} {entry.display_name} {entry.organisation}"),
            )
            item.setText(0, entry.display_name)
            item.setText(1, entry.organisation)
            item.setText(2, time_for_people(entry.checked_in_at, now) if entry.checked_in_at else "—")
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
            self._paint_marks(item, entry.marked)
            self._paint_guide(item, entry.guide)
        group.setExpanded(True)
        return group

    def _name_heading(self) -> str:
        part = self._segment_name()
        return self.tr("Present for {0}").format(part) if part else self.tr("Name")

    def _paint_header(self) -> None:
        segments = self.call.segments if self.call else ()
        header = self.tree.headerItem()
        header.setText(0, self._name_heading())
        for column, segment in enumerate(segments, start=FIXED_COLUMNS):
            font = header.font(column)
            font.setBold(segment.id == self.segment_id)
            header.setFont(column, font)

    def _paint_marks(self, item: QTreeWidgetItem, marked: frozenset[int] | set[int]) -> None:
        segments = self.call.segments if self.call else ()
        item.setCheckState(0, Qt.CheckState.Checked if self.segment_id in marked else Qt.CheckState.Unchecked)
        for column, segment in enumerate(segments, start=FIXED_COLUMNS):
            item.setText(column, "✔" if segment.id in marked else "·")
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
            font = item.font(column)
            font.setBold(segment.id == self.segment_id)
            item.setFont(column, font)

    def _paint_guide(self, item: QTreeWidgetItem, given: bool) -> None:
        item.setCheckState(GUIDE_COLUMN, Qt.CheckState.Checked if given else Qt.CheckState.Unchecked)
        item.setText(GUIDE_COLUMN, self.tr("given") if given else "")

    def _item_for(self, registration_id: int) -> QTreeWidgetItem | None:
        return next((i for i in self._all_people() if i.data(0, REGISTRATION) == registration_id), None)

    def _show_counts(self) -> None:
        if self.call is None:
            self.counts.setText(self.tr("No session"))
            return
        parts = " · ".join(f"{s.name} {s.marked}" for s in self.call.segments)
        self.counts.setText(
            self.tr("Present: {0} — of {1} checked in at the desk").format(parts, self.call.checked_in)
        )

    # -- filtering ----------------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        words = fold(self.filter.text()).split()
        for group in self._groups():
            shown = 0
            for row in range(group.childCount()):
                item = group.child(row)
                visible = all(word in item.data(0, FILTER_KEY) for word in words)
                item.setHidden(not visible)
                shown += visible
            title = group.data(0, Qt.ItemDataRole.UserRole + 2)
            total = group.childCount()
            group.setText(0, f"{title}  ({shown} of {total})" if words else f"{title}  ({total})")
            group.setHidden(bool(words) and not shown)
        current = self.tree.currentItem()
        if words and (current is None or current.isHidden() or current.parent() is None):
            first = self._visible_people()
            if first:
                self.tree.setCurrentItem(first[0])

    def _visible_people(self) -> list[QTreeWidgetItem]:
        return [item for item in self._all_people() if not item.isHidden()]

    def focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.tree.setFocus()
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
        return super().eventFilter(watched, event)

    # -- marking ------------------------------------------------------------------------------------

    def choose_segment(self, segment_id: int) -> None:
        if segment_id != self.segment_id:  # the last mark was for the part before: not this one's
            self.segment_id = segment_id
            self.banner.show_idle(self._segment_name())
        self._build_segment_buttons()
        self.tree.blockSignals(True)
        marks = {e.registration_id: e.marked for e in (self.call.entries if self.call else ())}
        for item in self._all_people():
            self._paint_marks(item, marks.get(item.data(0, REGISTRATION), frozenset()))
        self.tree.blockSignals(False)
        self._paint_header()
        self.tree.setFocus()

    def _choose_by_number(self, number: int) -> None:
        segments = self.call.segments if self.call else ()
        if 1 <= number <= len(segments):
            self.choose_segment(segments[number - 1].id)

    def _groups(self) -> list[QTreeWidgetItem]:
        return [g for g in (self.checked_in_group, self.not_checked_in_group) if g is not None]

    def _all_people(self) -> list[QTreeWidgetItem]:
        return [group.child(row) for group in self._groups() for row in range(group.childCount())]

    def _segment_name(self) -> str:
        segments = self.call.segments if self.call else ()
        return next((s.name for s in segments if s.id == self.segment_id), "")

    def give_guide_to_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, REGISTRATION) is not None:
            self.give_guide(item)

    def give_guide(self, item: QTreeWidgetItem) -> None:
        """Record that the person in this row was given the pocket guide (once; a guide given stays given)."""
        registration_id = item.data(0, REGISTRATION)
        try:
            with self.context.database.session() as db:
                hand_out_guide(db, registration_id, desk=self.context.desk)
        except UserError as error:
            self.banner.show_message("refused", "✖", self.tr("Not recorded"), str(error))
            return
        self.banner.show_message(
            "admitted", "✔", self.tr("Pocket guide given — {0}").format(item.text(0)), ""
        )
        self._after_change()

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        registration_id = item.data(0, REGISTRATION)
        if column == GUIDE_COLUMN and registration_id is not None:
            if item.checkState(GUIDE_COLUMN) == Qt.CheckState.Checked:
                QTimer.singleShot(
                    0, lambda: self.give_guide(item)
                )  # not now: the tree is inside its own signal
            else:  # a guide given is on record: the tick stays
                QTimer.singleShot(0, self.reload)
            return
        if column != 0 or registration_id is None or self.segment_id is None:
            return
        present = item.checkState(0) == Qt.CheckState.Checked
        record = mark_segment if present else unmark_segment
        try:
            with self.context.database.session() as db:
                record(db, registration_id, self.segment_id, desk=self.context.desk, method=Method.ROLL_CALL)
        except UserError as error:
            self.banner.show_message("refused", "✖", self.tr("Not marked"), str(error))
            QTimer.singleShot(0, self.reload)  # not now: the tree is inside its own signal
            return
        name, part = item.text(0), self._segment_name()
        if present:
            self.banner.show_message("admitted", "✔", self.tr("Marked present — {0}").format(name), part)
        else:
            self.banner.show_message("neutral", "↶", self.tr("Unmarked — {0}").format(name), part)
        self._after_change()

    def scan(self, text: str, method: Method = Method.SCANNER) -> MarkOutcome | None:
        """A badge scanned while the roll-call is in front marks the chosen part of the day."""
        if self._dirty or self.call is None:
            self.reload()
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None or self.segment_id is None:
                self.banner.show_message("refused", "!", self.tr("Choose a session first"), "")
                return None
            outcome = mark_by_scan(
                db, text, session, self.segment_id, desk=self.context.desk, method=method, clock=self.clock
            )
        detail = outcome.reason
        if outcome.marked and outcome.checked_in_at is None:
            detail += " " + self.tr("Not checked in at the desk: listed under “not checked in”.")
        self.banner.show_mark(outcome, detail)
        if outcome.code is MarkCode.MARKED:
            self._after_change()
        if outcome.marked and outcome.registration_id is not None:
            self._select(outcome.registration_id)
        self.marked.emit(outcome)
        return outcome

    def _select(self, registration_id: int) -> None:
        item = self._item_for(registration_id)
        if item is None:
            return
        if item.isHidden():
            self.filter.clear()
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def _after_change(self) -> None:
        """Our own mark: reload (for the counts and the row), then tell the other views."""
        self.reload()
        self._announcing = True
        try:
            self.context.attendance_changed.emit()
        finally:
            self._announcing = False
