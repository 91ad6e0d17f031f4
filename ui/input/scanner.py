"""USB keyboard-wedge scanners: catch a scan wherever keyboard focus is, and tell it from a person typing.

A scanner "types" its code a few milliseconds a key and ends with Enter or Tab; people type a key every
100 ms or more. The filter holds each printable key for at most the largest scanner gap: if the next key
comes quickly, the keys form a burst; a burst of at least `min_length` characters ending in the suffix is
a scan, delivered by the `scanned` signal and never typed into any field. Anything else is replayed,
unchanged and in order, to the widget it was meant for, so typing works as usual (a few ms later).
"""

import time
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
    ) -> None:
        super().__init__(parent)
        self.configure(max_gap_ms, min_length, suffix)
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

    # -- the filter ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or not self.enabled or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWidget) or not self._is_first_receiver(watched):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        now = time.monotonic()
        quick = bool(self._held) and now - self._last_key_at <= self.max_gap
        if key in self.suffix_keys:
            if quick and len(self._held) >= self.min_length:
                text = "".join(held.text for held in self._held)
                self._held.clear()
                self._flush_timer.stop()
                self.scanned.emit(text)
                return True
            self.flush()
            return False
        text = event.text()
        printable = len(text) == 1 and text.isprintable()
        control = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if not printable or control:
            self.flush()
            return False
        if not quick:
            self.flush()
        self._held.append(_HeldKey(watched, key, event.modifiers(), text))
        self._last_key_at = now
        self._flush_timer.start(self._flush_interval_ms)
        return True

    def _is_first_receiver(self, widget: QWidget) -> bool:
        """A key event travels up to parents when a widget ignores it; handle it once, at the start."""
        focus = QApplication.focusWidget()
        return focus is None or widget is focus

    def flush(self) -> None:
        """Replay held keys to the widgets they were meant for: it was a person typing."""
        self._flush_timer.stop()
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
