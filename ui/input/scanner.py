"""USB keyboard-wedge scanners: catch a scan wherever keyboard focus is, and tell it from a person typing.

A scanner "types" its code a few milliseconds a key and ends with Enter or Tab; people type a key every
100 ms or more. The filter holds each printable key for at most the largest scanner gap: if the next key
comes quickly, the keys form a burst; a burst of at least `min_length` characters ending in the suffix is
a scan, delivered by the `scanned` signal and never typed into any field. Anything else is replayed,
unchanged and in order, to the widget it was meant for, so typing works as usual (a few ms later).

Order is the promise: held keys are replayed before anything that comes after them reaches any widget —
a key that is not part of the burst (wherever it goes: a field, a completer's popup, a shortcut), a
click or a touch. The gap between keys is measured with the key events' own times (when the key was
pressed, as the window system tells), not when the program got round to them, so a busy moment that
delivers a person's keys all at once does not turn them into a burst.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from checkin.settings import Settings

SUFFIXES = {
    "enter": {Qt.Key.Key_Return, Qt.Key.Key_Enter},
    "tab": {Qt.Key.Key_Tab},
    "enter-or-tab": {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab},
}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}
# A person acting: whatever was held before it happened goes first.
_PRESSES = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
}


def key_time(event: QKeyEvent) -> float:
    """When the key was pressed, in seconds: the window system's time stamp; keys made up by the program
    (and by tests) have none, and are timed when they arrive."""
    stamp = event.timestamp()
    return stamp / 1000 if stamp else time.monotonic()


@dataclass
class _HeldKey:
    target: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScannerFilter(QObject):
    """Install once on the application: `app.installEventFilter(ScannerFilter(...))`."""

    scanned = Signal(str)

    def __init__(
        self,
        max_gap_ms: int = 40,
        min_length: int = 6,
        suffix: str = "enter-or-tab",
        parent: QObject | None = None,
        *,
        clock: Callable[[QKeyEvent], float] = key_time,
    ) -> None:
        super().__init__(parent)
        self.configure(max_gap_ms, min_length, suffix)
        self.clock = clock
        self._held: list[_HeldKey] = []
        self._last_key_at = 0.0
        self._replaying = False
        self.enabled = True
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)

    def configure(self, max_gap_ms: int, min_length: int, suffix: str) -> None:
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self.suffix_keys = SUFFIXES.get(suffix, SUFFIXES["enter-or-tab"])
        self._flush_interval_ms = max_gap_ms + 5

    @property
    def holding(self) -> bool:
        """Keys are held, waiting to be told apart (a scan, or a person's typing to replay)."""
        return bool(self._held)

    # -- the filter ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or not self.enabled:
            return False
        kind = event.type()
        if kind in _PRESSES or (kind == QEvent.Type.FocusAboutToChange and self._held):
            # A click, or focus about to move (a click gives focus before the press reaches a filter):
            # the held keys go to their field now, while it still has the focus they were typed into.
            self.flush()
            return False
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in _MODIFIER_KEYS:
            # Shift on its own, pressed before each capital letter by a scanner as by a person: part of the
            # next key, not a key that ends a burst (its shortcut check used to, and split every scan
            # with two capitals into typing).
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Asked before a key press, and a shortcut answered here never becomes one: a key that does
            # not continue the burst must not act before the keys held ahead of it.
            if self._held and not self._continues_burst(event, self.clock(event)):
                self.flush()
            return False
        if not isinstance(watched, QWidget):
            return False
        if not self._is_first_receiver(watched):
            # The same key travelling up to a parent (nothing is held then), or a key some widget sent
            # on to another: either way, what was held goes first.
            self.flush()
            return False
        now = self.clock(event)
        continues = self._continues_burst(event, now)
        if event.key() in self.suffix_keys:
            if continues:
                text = "".join(held.text for held in self._held)
                self._held.clear()
                self._flush_timer.stop()
                self.scanned.emit(text)
                return True
            self.flush()
            return False
        if not self._holdable(event):
            self.flush()
            return False
        if not continues:
            self.flush()
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(), event.text()))
        self._last_key_at = now
        self._flush_timer.start(self._flush_interval_ms)
        return True

    def _holdable(self, event: QKeyEvent) -> bool:
        text = event.text()
        control = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        return len(text) == 1 and text.isprintable() and not control

    def _continues_burst(self, event: QKeyEvent, now: float) -> bool:
        """This key comes quickly after held ones and belongs with them: one more character of the
        burst, or the suffix that ends a burst long enough to be a scan."""
        if not self._held or not 0 <= now - self._last_key_at <= self.max_gap:
            return False
        if event.key() in self.suffix_keys:
            return len(self._held) >= self.min_length
        return self._holdable(event)

    def _is_first_receiver(self, widget: QWidget) -> bool:
        """A key event travels up to parents when a widget ignores it; handle it once, where Qt first
        delivers it: an open popup (a completer's list, a menu) before the field that has focus."""
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return widget is (popup.focusWidget() or popup)
        first = QWidget.keyboardGrabber() or QApplication.focusWidget()
        return first is None or widget is first

    def flush(self) -> None:
        """Replay held keys, in order, to the widgets they were meant for: it was a person typing."""
        self._flush_timer.stop()
        if not self._held:
            return
        held, self._held = self._held, []
        self._replaying = True
        try:
            for key in held:
                if not shiboken6.isValid(key.target):
                    continue  # the field closed while its keys were held
                replay = QKeyEvent(QEvent.Type.KeyPress, key.key, key.modifiers, key.text)
                QApplication.sendEvent(key.target, replay)
        finally:
            self._replaying = False


def configure_scanner(scanner: ScannerFilter, settings: Settings) -> None:
    scanner.configure(
        settings.get("scanner_max_gap_ms"),
        settings.get("scanner_min_length"),
        settings.get("scanner_suffix"),
    )
