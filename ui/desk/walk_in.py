"""The walk-in form: the person's details, a capacity check, then the person is booked, badged and admitted.

The form either saves or says why not: Enter in any field presses "Register and check in" (never
Cancel); a refusal or a fault is said on the form, which stays open with everything typed; closing a
form with details typed in asks first.
"""

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.delegate_edits import EDITABLE_FIELDS
from checkin.desk.scanning import ScanResult
from checkin.desk.walkins import OverCapacity, WalkIn, places_taken, register_walk_in
from checkin.errors import UserError
from ui.base.context import DeskContext
from ui.base.dialogs import error_line, person_fields
from ui.base.fit import scrolled

log = logging.getLogger(__name__)

#: The fields of the Edit dialog, in its order: everything the desk may know about a person.
WALK_IN_FIELDS = EDITABLE_FIELDS


class WalkInDialog(QDialog):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result_of_walk_in: ScanResult | None = None
        self.setWindowTitle(self.tr("Register a walk-in"))
        self.setMinimumWidth(760)  # a long organisation ("… Integrated Care Board — Population Health") whole
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = person_fields(form)
        self.first_name = self.fields["first_name"]
        self.last_name = self.fields["last_name"]
        self.organisation = self.fields["organisation"]
        self.email = self.fields["email"]
        self.dietary_needs = self.fields["dietary_needs"]
        self.capacity = QLabel()
        self.capacity.setObjectName("capacity")
        self.error = error_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.admit_button = buttons.addButton(
            self.tr("Register and check in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.capacity)
        layout.addWidget(scrolled(form), 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # Only now, inside the dialog: a default set before would be lost, and on showing Qt would make
        # the first button, Cancel, the one Enter presses — the form closed, nothing saved, nothing said.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.admit_button.setDefault(True)
        self._show_capacity()
        self.first_name.setFocus()

    def _show_capacity(self) -> None:
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return
            taken = places_taken(db, session)
            if session.capacity:
                left = session.capacity - taken
                text = self.tr("{0} of {1} places taken — {2} left").format(
                    taken, session.capacity, max(left, 0)
                )
            else:
                text = self.tr("{0} booked (no capacity set)").format(taken)
        self.capacity.setText(text)

    def person(self) -> WalkIn:
        return WalkIn(**{name: field.text() for name, field in self.fields.items()})

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def submit(self, over_capacity_ok: bool = False) -> bool:
        """Register and admit, then close; or say on the form why not, and keep what was typed."""
        try:
            with self.context.database.session() as db:
                session = self.context.session(db)
                if session is None:
                    self._say(self.tr("Choose a session first: the walk-in is booked on the session open."))
                    return False
                try:
                    self.result_of_walk_in = register_walk_in(
                        db,
                        session,
                        self.person(),
                        desk=self.context.desk,
                        over_capacity_ok=over_capacity_ok,
                        hours_before=self.context.settings.get("admit_hours_before"),
                    )
                except UserError:
                    db.rollback()
                    raise
        except OverCapacity as full:
            answer = QMessageBox.question(
                self,
                self.tr("Session full"),
                self.tr("{0} Admit one more anyway?").format(full),
            )
            if answer == QMessageBox.StandardButton.Yes:
                return self.submit(over_capacity_ok=True)
            self._say(self.tr("Not registered: the session is full. Admit one more anyway, or Cancel."))
            return False
        except UserError as problem:
            self._say(str(problem))
            return False
        except Exception as fault:  # a fault of ours or of the database: said here, never a silent close
            log.error("registering a walk-in failed", exc_info=fault)
            self._say(
                self.tr("The walk-in could not be saved (a fault in the program; it is logged). "
                        "Nothing was saved: try again, or note the details on paper.")
            )  # fmt: skip
            return False
        self.accept()
        return True

    def has_typing(self) -> bool:
        return any(field.text().strip() for field in self.fields.values())

    def reject(self) -> None:
        """Cancel or Escape: a form with details typed in asks before they are thrown away."""
        if self.result_of_walk_in is None and self.has_typing():
            answer = QMessageBox.question(
                self,
                self.tr("Close without registering?"),
                self.tr("The details typed for this walk-in will be lost; they are not registered."),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
