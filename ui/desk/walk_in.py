"""The walk-in form: a few fields, a capacity check, then the person is booked, badged and admitted."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.scanning import ScanResult
from checkin.desk.walkins import OverCapacity, WalkIn, places_taken, register_walk_in
from checkin.errors import UserError
from ui.base.context import DeskContext
from ui.base.theme import error_style


class WalkInDialog(QDialog):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result_of_walk_in: ScanResult | None = None
        self.setWindowTitle(self.tr("Register a walk-in"))
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.organisation = QLineEdit()
        self.email = QLineEdit()
        self.job_title = QLineEdit()
        self.access_needs = QLineEdit()
        self.dietary_needs = QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("First name"), self.first_name)
        form.addRow(self.tr("Last name"), self.last_name)
        form.addRow(self.tr("Organisation"), self.organisation)
        form.addRow(self.tr("Email"), self.email)
        form.addRow(self.tr("Job title"), self.job_title)
        form.addRow(self.tr("Access needs"), self.access_needs)
        form.addRow(self.tr("Dietary needs"), self.dietary_needs)
        self.capacity = QLabel()
        self.capacity.setObjectName("capacity")
        self.error = QLabel()
        self.error.setStyleSheet(error_style())
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.admit_button = buttons.addButton(
            self.tr("Register and check in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.admit_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.capacity)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
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
        return WalkIn(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            organisation=self.organisation.text(),
            email=self.email.text(),
            job_title=self.job_title.text(),
            access_needs=self.access_needs.text(),
            dietary_needs=self.dietary_needs.text(),
        )

    def submit(self, over_capacity_ok: bool = False) -> None:
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return
            try:
                self.result_of_walk_in = register_walk_in(
                    db,
                    session,
                    self.person(),
                    desk=self.context.desk,
                    over_capacity_ok=over_capacity_ok,
                    hours_before=self.context.settings.get("admit_hours_before"),
                )
            except OverCapacity as full:
                db.rollback()
                answer = QMessageBox.question(
                    self,
                    self.tr("Session full"),
                    self.tr("{0} Admit one more anyway?").format(full),
                )
                if answer == QMessageBox.StandardButton.Yes:
                    self.submit(over_capacity_ok=True)
                return
            except UserError as problem:
                db.rollback()
                self.error.setText(str(problem))
                self.error.show()
                return
        self.accept()
