"""The idle lock: when no one has touched the desk for a while, cover every view but the Desk.

A laptop left alone at a town-hall desk should not show the roster (names, organisations, needs) to
whoever walks past, yet delegates arriving must still be able to scan in. So the lock switches to the
Desk view — scans keep being admitted there as usual — and lays a "Locked — enter PIN" panel over the
other views; unlocking needs the organiser PIN. Scans don't count as someone being there (a delegate
can scan at an empty desk); keys and clicks by a person do. `idle_lock_minutes` = 0 never locks.
"""

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.base.context import DeskContext
from ui.base.pin import end_pin_grace, require_organiser
from ui.base.theme import palette_in_use

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
CHECK_EVERY_MS = 5000


class LockCover(QWidget):
    """Laid over one view while the desk is locked."""

    def __init__(self, view: QWidget, unlock: Callable[[], None]) -> None:
        super().__init__(view)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            palette_in_use().sheet(
                "#lockCover { background: $quiet; }"
                "#lockCover QLabel#lockTitle { font-size: 22pt; font-weight: bold; color: $cover_ink; }"
                "#lockCover QLabel#lockDetail { font-size: 13pt; color: $cover_ink_soft; }"
            )
        )
        symbol = QLabel("🔒")
        symbol.setStyleSheet("font-size: 48pt;")
        title = QLabel(self.tr("Locked — enter PIN"))
        title.setObjectName("lockTitle")
        detail = QLabel(
            self.tr(
                "This desk was left alone, so the lists are hidden. Scanning at the Desk (F5) still works."
            )
        )
        detail.setObjectName("lockDetail")
        detail.setWordWrap(True)
        self.button = QPushButton(self.tr("Unlock with the organiser PIN…"))
        self.button.setMinimumHeight(44)
        self.button.clicked.connect(unlock)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (symbol, title, detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        view.installEventFilter(self)
        self.setGeometry(view.rect())
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False


class IdleLock(QObject):
    """Watch a window for a person's input; lock it after `idle_lock_minutes` without any."""

    locked_changed = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        context: DeskContext,
        views: Mapping[str, QWidget],
        *,
        show_desk: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.clock = clock
        self.show_desk = show_desk
        self.locked = False
        self.last_input = clock()
        self.covers: list[LockCover] = []
        for title, view in views.items():
            self.cover(title, view)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def cover(self, title: str, view: QWidget) -> None:
        """Cover a view (made now or later) while the desk is locked; the Desk stays open for scans."""
        if title == "Desk":
            return
        cover = LockCover(view, self.unlock)
        self.covers.append(cover)
        if self.locked:
            cover.show()
            cover.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        minutes = self.context.settings.get("idle_lock_minutes")
        if not self.locked and minutes > 0 and self.clock() - self.last_input >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return  # someone is in a dialog; lock when it closes and the idle time runs out again
        self.locked = True
        end_pin_grace(self.context)  # whoever walks up to a locked desk types the PIN
        self.show_desk()
        for cover in self.covers:
            cover.setGeometry(cover.parentWidget().rect())
            cover.show()
            cover.raise_()
        self.locked_changed.emit(True)

    def unlock(self) -> bool:
        if not require_organiser(
            self.window, self.context, self.tr("Enter the organiser PIN to unlock this desk.")
        ):
            return False
        self.locked = False
        self.last_input = self.clock()
        for cover in self.covers:
            cover.hide()
        self.locked_changed.emit(False)
        return True


def install_idle_lock(window, context: DeskContext) -> IdleLock:  # noqa: ANN001 - a MainWindow
    """Watch the whole application for input on behalf of the main window."""
    # The views made so far; the others are covered as they are made.
    lock = IdleLock(window, context, window.views.made, show_desk=lambda: window.show_view("Desk"))
    window.view_made.connect(lock.cover)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(lock)
    return lock
