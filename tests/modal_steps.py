"""Answering modal dialogs the way a person does: a dialog opened with exec() blocks the test until it
closes, so what to do in it is arranged first and done when it appears."""

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

POLL_MS = 30


def when_modal(kind: type, act: Callable[[QWidget], None], *, timeout_ms: int = 30_000) -> list[QWidget]:
    """Once a modal widget of `kind` is in front, run `act` on it (once). Returns a list that holds the
    widget once it was seen, so the test can check the dialog appeared at all."""
    seen: list[QWidget] = []
    waited = [0]

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            seen.append(widget)
            try:
                act(widget)
            except BaseException:
                # A step that failed must not leave its dialog blocking the test for ever: close it, and
                # the failure is reported when the test's own call returns.
                if isinstance(widget, QDialog):
                    widget.reject()
                else:
                    widget.close()
                raise
            return
        waited[0] += POLL_MS
        if waited[0] < timeout_ms:
            QTimer.singleShot(POLL_MS, poll)

    QTimer.singleShot(0, poll)
    return seen
