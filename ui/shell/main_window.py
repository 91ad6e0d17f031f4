"""The main window: the session bar, the views down the side, and scans routed to the view in front."""

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.roster import session_summaries
from checkin.domain.clock import day_for_people
from checkin.domain.vocabulary import Method
from ui.base.context import DeskContext
from ui.base.scans import TakesScans
from ui.desk.view import DeskView
from ui.input.scanner import ScannerFilter
from ui.input.sounds import OutcomeSounds
from ui.settings.backups import SnapshotTimer
from ui.shell.idle_lock import IdleLock
from ui.sync.service import SyncService
from ui.sync.status import DuplicatesBadge, SyncIndicator

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

        self.session_picker = QComboBox()
        self.session_picker.setObjectName("sessionPicker")
        self.session_picker.setMinimumWidth(460)
        self.session_picker.setAccessibleName(self.tr("Session"))
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        bar = QHBoxLayout()
        session_label = QLabel(self.tr("&Session"))
        session_label.setBuddy(self.session_picker)
        bar.addWidget(session_label)
        bar.addWidget(self.session_picker, 1)
        bar.addSpacing(16)
        bar.addWidget(self.counts)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName(self.tr("Views"))
        self.nav.setFixedWidth(side_bar_width())
        self.stack = QStackedWidget()
        self._factories: dict[str, ViewFactory] = {}
        for title, shortcut, factory in _views():
            self._factories[title] = factory
            self.stack.addWidget(QWidget())  # stands in for the view until it is first shown
            item = QListWidgetItem(f"{self.tr(title)}\n{shortcut}")
            item.setData(Qt.ItemDataRole.UserRole, title)
            self.nav.addItem(item)
            QShortcut(QKeySequence(shortcut), self, activated=lambda t=title: self.show_view(t))
        self.views = Views(list(self._factories), self._make_view, self.view_made.emit)
        desk = self.desk_view  # made now: it is what start-up waits for
        self.nav.currentRowChanged.connect(self._show_row)
        if "Print" in self.views:  # a walk-in's badge: one click on the desk, one in the print dialog
            desk.badge_printer = self._print_walk_in_badge
        self.nav.setCurrentRow(0)

        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addLayout(body, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("Desk {0} · {1}").format(context.desk, context.database.url))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = help_menu.addAction(self.tr("&About Check-in Desk"), QKeySequence("F1"), self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS moves it to the application menu

        self.session_picker.currentIndexChanged.connect(self._session_picked)
        context.attendance_changed.connect(self.refresh_counts)
        context.roster_changed.connect(self.refresh_counts)
        context.session_changed.connect(self._follow_session)

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
        stand_in = self.stack.widget(index)
        self.stack.insertWidget(index, view)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        return view

    def _print_walk_in_badge(self, registration_id: int) -> object:
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
            self.session_picker.addItem(f"{s.code} — {s.title} · {s.venue} · {when}", s.code)
        self.session_picker.blockSignals(False)
        wanted = preferred or self.context.settings.get("last_session")
        index = self.session_picker.findData(wanted) if wanted else -1
        if index < 0 and wanted:
            upper = [self.session_picker.itemData(i).upper() for i in range(self.session_picker.count())]
            index = upper.index(wanted.upper()) if wanted.upper() in upper else -1
        self.session_picker.setCurrentIndex(max(index, 0) if summaries else -1)
        self._session_picked()

    def _session_picked(self) -> None:
        code = self.session_picker.currentData()
        if code:
            self.context.set_session(code)
        self.refresh_counts()

    def _follow_session(self, code: str) -> None:
        """A view opened another session (the desk's offer of today's session): the picker shows it too."""
        index = self.session_picker.findData(code)
        if index >= 0:
            self.session_picker.setCurrentIndex(index)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        code = self.context.session_code
        if not code:
            self.counts.setText(self.tr("No session"))
            return
        with self.context.database.session() as db:
            summary = next(iter(session_summaries(db, code)), None)
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
