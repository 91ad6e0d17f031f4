"""The organiser's PIN at the desk: `require_organiser(parent, context)` guards import, edit, delete, export,
settings and leaving kiosk mode. Scanning, search, walk-ins and printing one badge never ask for it.

Once the PIN is entered, the next PIN-protected action within `PIN_GRACE` (five minutes since the last
one) goes ahead without asking again, so an organiser fixing three bookings types it once. The grace
ends early when the idle lock locks the desk (`end_pin_grace`), and a kiosk never has one: leaving a kiosk
always asks.
"""

from datetime import timedelta
from math import ceil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.pin import FAILURES_BEFORE_LOCK, check_pin, has_pin, locked_until
from checkin.domain.clock import Clock, time_for_people, utc_now
from ui.base.context import DeskContext
from ui.base.theme import error_style

NO_PIN_MESSAGE = "No organiser PIN protects this desk — set one in Settings (F10)."
#: How long after the last PIN-protected action the next one goes ahead without the PIN.
PIN_GRACE = timedelta(minutes=5)


class PinDialog(QDialog):
    """A small modal: one masked field, OK and Cancel, and a plain message after a wrong PIN."""

    def __init__(
        self,
        context: DeskContext,
        parent: QWidget | None = None,
        *,
        reason: str = "",
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        #: True once the right PIN was entered (what require_organiser returns).
        self.unlocked = False
        self.setWindowTitle(self.tr("Organiser PIN"))
        self.setModal(True)
        self.setMinimumWidth(380)

        prompt = QLabel(reason or self.tr("Enter the organiser PIN to continue."))
        prompt.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(self.tr("Organiser PIN"))
        self.field.setMinimumHeight(40)
        font = self.field.font()
        font.setPointSize(16)
        self.field.setFont(font)
        self.message = QLabel()
        self.message.setObjectName("pinMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(lambda: self.submit(self.field.text()))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_lock()

    def submit(self, pin: str) -> bool:
        """Try a PIN: accept the dialog when it is right, otherwise say what happened and what to do."""
        result = check_pin(self.context.settings, pin, self.clock())
        self.field.clear()
        if result.ok:
            self.unlocked = True
            self.accept()
            return True
        if result.locked_until is not None:
            self._show_lock()
        else:
            tries = (
                self.tr("1 try")
                if result.attempts_left == 1
                else self.tr("{0} tries").format(result.attempts_left)
            )
            self.message.setText(
                self.tr("That PIN is not right. {0} left before the PIN locks for a while.").format(tries)
            )
        self.field.setFocus()
        return False

    def _show_lock(self) -> None:
        until = locked_until(self.context.settings, self.clock())
        locked = until is not None
        self.field.setEnabled(not locked)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not locked)
        if until is not None:
            minutes = max(1, ceil((until - self.clock()).total_seconds() / 60))
            self.message.setText(
                self.tr("Locked for {0} minutes after {1} wrong PINs. Try again at {2}.").format(
                    minutes,
                    self.tr("five") if FAILURES_BEFORE_LOCK == 5 else FAILURES_BEFORE_LOCK,
                    time_for_people(until, self.clock()),
                )
            )


def tell_status(parent: QWidget | None, text: str) -> None:
    """A line in the window's status bar, when the window has one."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 8000)


def end_pin_grace(context: DeskContext) -> None:
    """The next PIN-protected action asks for the PIN again (the desk locked, or turned into a kiosk)."""
    context.organiser_until = None


def require_organiser(
    parent: QWidget | None,
    context: DeskContext,
    reason: str = "",
    *,
    clock: Clock = utc_now,
) -> bool:
    """True when the organiser may go on: no PIN is set (and the status line says so), the PIN was entered
    for an action less than `PIN_GRACE` ago, or the right PIN was entered in the dialog now. False when
    the dialog was cancelled or the PIN is locked."""
    if not has_pin(context.settings):
        tell_status(parent, parent.tr(NO_PIN_MESSAGE) if parent is not None else NO_PIN_MESSAGE)
        return True
    now = clock()
    if context.kiosk:
        end_pin_grace(context)
    elif context.organiser_until is not None and now < context.organiser_until:
        context.organiser_until = now + PIN_GRACE
        return True
    dialog = PinDialog(context, parent, reason=reason, clock=clock)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.exec()
    if dialog.unlocked and not context.kiosk:
        context.organiser_until = clock() + PIN_GRACE
    return dialog.unlocked
