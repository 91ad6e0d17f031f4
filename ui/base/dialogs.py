"""What the app's dialogs share: the line that says why something was not done, and saving or saying why."""

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel

from checkin.errors import UserError
from ui.base.theme import error_style


def error_line(name: str = "dialogError") -> QLabel:
    """A dialog's error line: bold in the theme's refusal colour, wrapped, hidden until there is something
    to say. `name` is its object name (tests and the accessibility walk find it by it)."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(error_style())
    label.setWordWrap(True)
    label.hide()
    return label


def save_or_say(dialog: QDialog, line: QLabel, write: Callable[[], Any]) -> bool:
    """Save or say why not: `write` saves and returns what was saved. A UserError is shown on `line` and the
    dialog stays open with everything as typed (False); otherwise the result is kept in
    `dialog.result_details`, sent with `dialog.saved` and the dialog accepted (True)."""
    try:
        details = write()
    except UserError as error:
        line.setText(str(error))
        line.show()
        return False
    dialog.result_details = details
    dialog.saved.emit(details)
    dialog.accept()
    return True
