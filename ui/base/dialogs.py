"""What the app's dialogs share: the line that says why something was not done, and saving or saying why."""

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit

from checkin.desk.delegate_edits import EDITABLE_FIELDS
from checkin.domain.person import DELEGATE_FIELDS
from checkin.errors import UserError
from ui.base.fit import fit_placeholder
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


def person_fields(form: QFormLayout, values: Mapping[str, str] | None = None) -> dict[str, QLineEdit]:
    """A person's editable details (name, name on the badge, organisation, …) as rows of `form`, as the
    walk-in form and the edit dialog both show them: each field named for what it holds, never lower than
    its text, filled from `values` where given; the badge name says what an empty one prints."""
    fields: dict[str, QLineEdit] = {}
    for name in EDITABLE_FIELDS:
        field = QLineEdit(values[name] if values else "")
        field.setObjectName(name)
        field.setMinimumHeight(max(32, field.minimumSizeHint().height()))  # never below its text
        fields[name] = field
        form.addRow(QCoreApplication.translate("PersonFields", DELEGATE_FIELDS[name]), field)
    fit_placeholder(
        fields["badge_name"],
        QCoreApplication.translate("PersonFields", "Leave empty to print the first name"),
        QCoreApplication.translate("PersonFields", "The first name"),
    )
    return fields


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
