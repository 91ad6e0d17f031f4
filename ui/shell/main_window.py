"""The main window: the session bar, the views down the side, and scans routed to the view in front."""

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.roster import SessionSummary, session_summaries
from checkin.domain.clock import day_for_people
from checkin.domain.vocabulary import Method
from checkin.store.database import address_of
from ui.base.context import DeskContext
from ui.base.fit import FittingLabel, WrappingLabel, scrolling
from ui.base.operations import LatestReader
from ui.base.pin import require_organiser
from ui.base.processes import call_in_process
from ui.base.scans import TakesScans
from ui.base.theme import palette_in_use
from ui.base.worker_reads import count_session_in_process
from ui.desk.view import DeskView
from ui.input.scanner import ScannerFilter
from ui.input.sounds import OutcomeSounds
from ui.settings.backups import SnapshotTimer
from ui.shell.idle_lock import IdleLock
from ui.sync.service import SyncService
from ui.sync.status import DuplicatesBadge, SyncIndicator


def database_in_words(context: DeskContext) -> str:
    """Where this desk keeps its data, as the status bar says it: the file's name, or the server's."""
    url = context.database.engine.url
    if context.database.is_sqlite:
        name = Path(url.database).name if url.database and url.database != ":memory:" else ""
        return f"this computer's database ({name})" if name else "a database in memory"
    return f"the database on {url.host or 'this computer'}"


def database_location(context: DeskContext) -> str:
    """The full path or address (for the tooltip, and for support), without any password."""
    url = context.database.engine.url
    if context.database.is_sqlite and url.database:
        return str(Path(url.database).resolve()) if url.database != ":memory:" else ":memory:"
    return context.database.url


#: (title, shortcut, factory). Each view takes the context; one that is `TakesScans` takes scans.
ViewFactory = Callable[[DeskContext], QWidget]


def _views() -> list[tuple[str, str, ViewFactory]]:
    views: list[tuple[str, str, ViewFactory]] = [("Desk", "F5", DeskView)]
    from ui.shell import views as registry

    views += registry.more_views()
    return views


class Views(Mapping[str, QWidget]):
    """The views by title, in side-bar order. The Desk is made with the window; each other view the first
    time it is shown or asked for, so a desk opening with a queue waiting does not first build the
    roster, the dashboard and the print preview. Every view loads what it shows when it is first shown."""

    def __init__(
        self,
        titles: list[str],
        make: Callable[[str], QWidget],
        on_made: Callable[[str, QWidget], None],
    ) -> None:
        self._titles = titles
        self._make = make
        self._on_made = on_made
        #: The views made so far.
        self.made: dict[str, QWidget] = {}

    def __getitem__(self, title: str) -> QWidget:
        view = self.made.get(title)
        if view is None:
            if title not in self._titles:
                raise KeyError(title)
            view = self.made[title] = self._make(title)
            self._on_made(title, view)
        return view

    def __contains__(self, title: object) -> bool:  # without making the view
        return title in self._titles

    def __iter__(self) -> Iterator[str]:
        return iter(self._titles)

    def __len__(self) -> int:
        return len(self._titles)


def side_bar_width() -> int:
    """190 pixels, or wider when the system's text is larger, so that the longest view name fits."""
    font = QFont(QApplication.font())
    font.setPointSize(14)  # the side bar's largest text (high contrast)
    return max(190, QFontMetrics(font).horizontalAdvance("Duplicates") + 56)


#: Item data of the session picker: shorter ways to say the session, for when the whole line does not fit.
SHORTER = Qt.ItemDataRole.UserRole + 1


class SessionPicker(QComboBox):
    """The session picker. A session is said in full (code, title, venue, day) when that fits, else by its
    code and title, else by its code: never cut off mid-word. The list that drops down says each in full."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)  # "DEMO · LAN-0410", the shortest way to say a session

    def shown_text(self) -> str:
        """The words on the box now."""
        forms = [self.currentText(), *(self.currentData(SHORTER) or [])]
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        metrics = self.fontMetrics()
        return next((form for form in forms if metrics.horizontalAdvance(form) <= room.width()), forms[-1])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class ViewStack(QStackedWidget):
    """The views, one in front. Sized by the view in front only: in the scroll area around it, a view
    needing more room than the window (large text) scrolls, and the others do not scroll because of it."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        current = self.currentWidget()
        if current is None:
            return super().minimumSizeHint()
        return current.minimumSizeHint().expandedTo(current.minimumSize())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        current = self.currentWidget()
        return current is not None and current.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        current = self.currentWidget()
        return current.heightForWidth(width) if current is not None else -1


class MainWindow(QMainWindow):
    #: A view was made (title, view): the idle lock covers it.
    view_made = Signal(str, QWidget)

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        # What build_window installs around the window; None in a window made on its own.
        self.scanner: ScannerFilter | None = None
        self.idle_lock: IdleLock | None = None
        self.sounds: OutcomeSounds | None = None
        self.sync: SyncService | None = None
        self.sync_indicator: SyncIndicator | None = None
        self.duplicates_badge: DuplicatesBadge | None = None
        self.snapshots: SnapshotTimer | None = None
        self.setWindowTitle(self.tr("Check-in Desk — {0}").format(context.desk))
        self.resize(1280, 760)
        self.setMinimumSize(1000, 640)

        self.session_picker = SessionPicker()
        self.session_picker.setObjectName("sessionPicker")
        self.session_picker.setAccessibleName(self.tr("Session"))
        self.counts = WrappingLabel()  # large text: two lines rather than the picker's room
        self.counts.setObjectName("counts")
        self.sessions_button = QPushButton(self.tr("Sessions…"))
        self.sessions_button.setObjectName("sessionsButton")
        self.sessions_button.setToolTip(
            self.tr("Create, edit, duplicate and archive sessions (Ctrl+Shift+S)")
        )
        self.sessions_button.clicked.connect(self.open_sessions)
        bar = QHBoxLayout()
        session_label = QLabel(self.tr("&Session"))
        session_label.setBuddy(self.session_picker)
        bar.addWidget(session_label)
        bar.addWidget(self.session_picker, 1)
        bar.addWidget(self.sessions_button)
        bar.addSpacing(16)
        bar.addWidget(self.counts)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName(self.tr("Views"))
        self.nav.setFixedWidth(side_bar_width())
        self.stack = ViewStack()
        self._factories: dict[str, ViewFactory] = {}
        for title, shortcut, factory in _views():
            self._factories[title] = factory
            self.stack.addWidget(QWidget())  # stands in for the view until it is first shown
            item = QListWidgetItem(f"{self.tr(title)}\n{shortcut}")
            item.setData(Qt.ItemDataRole.UserRole, title)
            self.nav.addItem(item)
            QShortcut(QKeySequence(shortcut), self, activated=lambda t=title: self.show_view(t))
        self.views = Views(list(self._factories), self._make_view, self.view_made.emit)
        self.views["Desk"]  # noqa: B018 - made now: it is what start-up waits for
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)

        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(scrolling(self.stack), 1)
        self.demo_banner = QLabel(
            self.tr(
                "DEMO — a demonstration programme of invented people, for trying things out. "
                "Programme ▸ Remove the demonstration programme… clears it."
            )
        )
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setStyleSheet(
            palette_in_use().sheet(
                "QLabel#demoBanner { background: $warning_wash; color: $warning_ink; font-weight: bold;"
                " padding: 6px 10px; border-radius: 6px; }"
            )
        )
        self.demo_banner.hide()
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addWidget(self.demo_banner)
        layout.addLayout(body, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        # A permanent line: passing messages cover it for a while, then it shows again.
        # Large text: "Desk door-1" alone, when the whole line would be cut (the tooltip has the rest).
        self.where = FittingLabel(
            self.tr("Desk {0} · {1}").format(context.desk, database_in_words(context)),
            self.tr("Desk {0}").format(context.desk),
        )
        self.where.setObjectName("deskAndDatabase")
        self.where.setContentsMargins(8, 0, 0, 0)
        self.where.setToolTip(database_location(context))
        self.statusBar().addWidget(self.where)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.quit_action = file_menu.addAction(self.tr("&Quit"), QKeySequence("Ctrl+Q"), self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)  # macOS: in the application menu, ⌘Q
        programme_menu = self.menuBar().addMenu(self.tr("&Programme"))
        programme_menu.addAction(self.tr("&Sessions…"), QKeySequence("Ctrl+Shift+S"), self.open_sessions)
        programme_menu.addAction(self.tr("&New session…"), QKeySequence("Ctrl+Shift+N"), self.new_session)
        programme_menu.addAction(self.tr("&Programme settings…"), self.open_programme)
        programme_menu.addSeparator()
        self.remove_demo_action = programme_menu.addAction(
            self.tr("&Remove the demonstration programme…"), self.remove_demo
        )
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_action = help_menu.addAction(
            self.tr("&Using Check-in Desk"), QKeySequence("F1"), self.show_guide
        )
        about = help_menu.addAction(self.tr("&About Check-in Desk"), self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS moves it to the application menu

        self.session_picker.currentIndexChanged.connect(self._session_picked)
        self._counting = LatestReader(self, self._show_counts)
        context.attendance_changed.connect(self.refresh_counts)
        context.roster_changed.connect(self.refresh_counts)
        context.session_changed.connect(self._follow_session)
        context.sessions_changed.connect(lambda code: self.load_sessions(code or None))

    def show_guide(self) -> None:
        from ui.shell.help import show_guide

        show_guide(self)

    def show_about(self) -> None:
        from ui.shell.about import show_about

        show_about(self, self.context.database.url)

    @property
    def desk_view(self) -> DeskView:
        view = self.views["Desk"]
        assert isinstance(view, DeskView)
        return view

    def _make_view(self, title: str) -> QWidget:
        """Make a view and put it in its place in the stack, instead of its stand-in."""
        index = list(self._factories).index(title)
        view = self._factories[title](self.context)
        if hasattr(view, "badge_printer") and "Print" in self._factories:
            # One person's badge (a walk-in at the desk, anyone from Delegates): made and sent to the
            # print dialog by the Print view, so it counts as printed only once it is really printed.
            view.badge_printer = self._print_one_badge
        stand_in = self.stack.widget(index)
        self.stack.insertWidget(index, view)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        return view

    def _print_one_badge(self, registration_id: int) -> object:
        from ui.printing.view import PrintView  # made when first asked for, like the view

        view = self.views["Print"]
        assert isinstance(view, PrintView)
        return view.print_walk_in_badge(registration_id)

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.views[list(self._factories)[row]]  # made on first show
        self.stack.setCurrentIndex(row)

    def show_view(self, title: str) -> None:
        index = list(self.views).index(title)
        self.nav.setCurrentRow(index)

    def load_sessions(self, preferred: str | None = None) -> None:
        with self.context.database.session() as db:
            summaries = session_summaries(db)
        self.session_picker.blockSignals(True)
        self.session_picker.clear()
        for s in summaries:
            when = day_for_people(s.starts_at)
            demo = self.tr("DEMO · ") if s.demo else ""
            self.session_picker.addItem(f"{demo}{s.code} — {s.title} · {s.venue} · {when}", s.code)
            index = self.session_picker.count() - 1
            self.session_picker.setItemData(
                index, [f"{demo}{s.code} — {s.title}", f"{demo}{s.code}"], SHORTER
            )
        self.demo_codes = {s.code for s in summaries if s.demo}
        self.remove_demo_action.setEnabled(bool(self.demo_codes) or self._has_demo())
        self.session_picker.blockSignals(False)
        wanted = preferred or self.context.settings.get("last_session")
        index = self.session_picker.findData(wanted) if wanted else -1
        if index < 0 and wanted:
            upper = [self.session_picker.itemData(i).upper() for i in range(self.session_picker.count())]
            index = upper.index(wanted.upper()) if wanted.upper() in upper else -1
        self.session_picker.setCurrentIndex(max(index, 0) if summaries else -1)
        if not summaries:
            self.context.session_code = None
            self.context.session_changed.emit("")
        self._session_picked()

    def _session_picked(self) -> None:
        code = self.session_picker.currentData()
        if code:
            self.context.set_session(code)
        self._show_demo_marks()
        self.refresh_counts()

    def _has_demo(self) -> bool:
        from checkin.desk.sessions import has_demo

        with self.context.database.session() as db:
            return has_demo(db)

    def _show_demo_marks(self) -> None:
        """DEMO in the window title and a banner over every view while a demo session is open."""
        demo = self.context.session_code in getattr(self, "demo_codes", set())
        title = self.tr("Check-in Desk — {0}").format(self.context.desk)
        self.setWindowTitle(self.tr("{0} — DEMO").format(title) if demo else title)
        self.demo_banner.setVisible(demo)

    # -- sessions and the programme ---------------------------------------------------------------

    def open_sessions(self) -> object:
        """The Sessions dialog (organiser PIN): create, edit, duplicate for the next venue, archive."""
        if not require_organiser(self, self.context, self.tr("Enter the organiser PIN to change sessions.")):
            return None
        from ui.sessions.dialogs import SessionsDialog

        dialog = SessionsDialog(self.context, self)
        dialog.changed.connect(self._sessions_edited)
        dialog.open_requested.connect(lambda code: self.load_sessions(code))
        dialog.open()
        self.sessions_dialog = dialog
        return dialog

    def new_session(self) -> object:
        """Straight to a new session's form (organiser PIN); the session opens once saved."""
        if not require_organiser(self, self.context, self.tr("Enter the organiser PIN to create a session.")):
            return None
        from ui.sessions.dialogs import SessionEditor

        editor = SessionEditor(self.context, None, self)
        editor.saved.connect(lambda details: self.load_sessions(details.code))
        editor.open()
        self.session_editor = editor
        return editor

    def _sessions_edited(self, code: str) -> None:
        current = self.context.session_code
        with self.context.database.session() as db:
            from checkin.desk.sessions import all_sessions

            known = {s.code: s for s in all_sessions(db)}
        # A session renamed or archived while open: the picker moves to what is there now.
        keep = current if current in known and not known[current].archived else code or None
        if current not in known or (current in known and known[current].archived):
            self.context.session_code = None
        self.load_sessions(keep)

    def open_programme(self) -> object:
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to change the programme.")
        ):
            return None
        from ui.sessions.programme_dialog import ProgrammeDialog

        dialog = ProgrammeDialog(self.context, self)
        dialog.open()
        self.programme_dialog = dialog
        return dialog

    def remove_demo(self) -> bool:
        """Remove the demonstration programme, after the PIN and a question; real data is untouched."""
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to remove the demonstration programme.")
        ):
            return False
        answer = QMessageBox.question(
            self,
            self.tr("Remove the demonstration programme"),
            self.tr(
                "Remove the demonstration sessions and their invented delegates from this desk? Your own "
                "sessions and delegates stay as they are."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        from checkin.desk.sessions import remove_demo

        with self.context.database.session() as db:
            removed = remove_demo(db, desk=self.context.desk)
            db.commit()
        if self.context.session_code in getattr(self, "demo_codes", set()):
            self.context.session_code = None
        self.load_sessions()
        self.context.roster_changed.emit()
        self.statusBar().showMessage(
            self.tr("The demonstration programme was removed ({0} sessions).").format(removed.sessions), 8000
        )
        return True

    def _follow_session(self, code: str) -> None:
        """A view opened another session (the desk's offer of today's session): the picker shows it too."""
        index = self.session_picker.findData(code)
        if index >= 0:
            self.session_picker.setCurrentIndex(index)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Count arrivals in the background (at 100,000 bookings the count takes longer than a frame)."""
        code = self.context.session_code
        if not code:
            self.counts.setText(self.tr("No session"))
            return
        address = address_of(self.context.database)

        def work() -> SessionSummary | None:  # on the thread pool, waiting for a worker process: no widgets
            summary: SessionSummary | None = call_in_process(count_session_in_process, address, code)
            return summary

        self._counting.read(work)

    @property
    def counting(self) -> bool:
        """Whether the arrivals in the bar are being counted (tests wait for it)."""
        return self._counting.reading

    def _show_counts(self, summary: SessionSummary | None) -> None:
        if summary is None:
            return
        capacity = self.tr(" · {0} places").format(summary.capacity) if summary.capacity else ""
        self.counts.setText(
            self.tr("Checked in {0} of {1}{2}").format(summary.checked_in, summary.booked, capacity)
        )

    def route_scan(self, text: str, method: Method = Method.SCANNER) -> None:
        """A scan caught anywhere in the window goes to the view in front, or the desk."""
        view = self.stack.currentWidget()
        target: TakesScans = view if isinstance(view, TakesScans) else self.desk_view
        if target is self.desk_view and view is not self.desk_view:
            self.show_view("Desk")
        target.scan(text, method)
