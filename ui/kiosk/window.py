"""Kiosk mode (`checkin app --kiosk`): delegates check themselves in, full screen, with nothing else reachable.

Scan your badge, or find yourself by surname and confirm with the first three letters of your email.
A kiosk never starts without an organiser PIN (the app asks for one first), because the PIN is the only
way out: the window is full screen without a frame, closing (Alt+F4, the window manager) is refused,
Escape only starts again, and no shortcut reaches anything else. The discreet Staff button (or
Ctrl+Shift+Q) asks for the PIN and, when it is right, ends the program. Nothing on screen tells
delegates how to leave. Ending — rather than opening the full desk window — is deliberate: a kiosk
usually stands where delegates queue, and an organiser who leaves it must not leave the roster and the
organiser actions open on a public screen. Run `checkin app` to use the desk afterwards.
"""

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.kiosk import EMAIL_LETTERS, EmailCheck, KioskHit, check_email_letters, find_by_surname
from checkin.desk.pin import has_pin, pin_problem, set_pin
from checkin.desk.roster import session_summaries
from checkin.desk.scanning import ScanResult, admit_registration, record_scan
from checkin.domain.vocabulary import Method
from checkin.errors import UsageError
from checkin.settings import Settings
from checkin.store.database import Database
from ui.base.accessibility import announce
from ui.base.context import DeskContext
from ui.base.dialogs import error_line
from ui.base.fit import scrolling
from ui.base.pin import PinDialog
from ui.base.theme import apply_theme, focus_rule, palette_in_use
from ui.desk.result_panel import ResultPanel
from ui.input.scanner import ScannerFilter, configure_scanner
from ui.settings.backups import SnapshotTimer
from ui.sync.service import SyncService

RETURN_AFTER_MS = 6000
ABANDONED_AFTER_MS = 60_000
WRONG_LETTERS_ALLOWED = 3

STYLE = """
#kiosk { background: $display_backdrop; }
#kiosk QLabel#kioskTitle { font-size: 40pt; font-weight: bold; color: $display_ink; }
#kiosk QLabel#kioskSubtitle { font-size: 18pt; color: $display_ink_soft; }
#kiosk QLabel#kioskSession { font-size: 14pt; color: $display_ink_faint; }
#kiosk QLabel#kioskPrompt { font-size: 24pt; font-weight: bold; color: $display_ink; }
#kiosk QLabel#kioskMessage { font-size: 17pt; color: $refused_deep; font-weight: bold; }
#kiosk QFrame#scanCard { background: $surface; border-radius: 24px; border: 2px solid $display_border; }
#kiosk QLineEdit { font-size: 26pt; padding: 10px 16px; border: 3px solid $accent; border-radius: 12px;
                   background: $surface; }
#kiosk QListWidget { font-size: 24pt; background: $surface; border: 2px solid $display_border;
                     border-radius: 12px; }
#kiosk QListWidget::item { padding: 14px 18px; border-bottom: 1px solid $rule; }
#kiosk QListWidget::item:selected { background: $accent; color: $on_colour; }
#kiosk QPushButton#bigButton { font-size: 20pt; padding: 18px 36px; border-radius: 14px;
                               background: $accent; color: $on_colour; border: none; }
#kiosk QPushButton#bigButton:focus { background: $focus_fill; color: $focus_fill_ink; }
#kiosk QPushButton#quietButton { font-size: 17pt; padding: 12px 28px; border-radius: 12px;
                                 background: $surface; color: $display_ink; border: 2px solid $field_border; }
#kiosk QPushButton#staffButton { font-size: 9pt; color: $discreet_ink; background: transparent; border: none;
                                 padding: 4px 8px; }
"""


def _label(text: str, name: str, centred: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    if centred:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class KioskWindow(QWidget):
    """Pages: welcome (scan or search), result, surname search, email confirmation."""

    #: Every outcome shown (for tests and sounds).
    outcome_shown = Signal(object)

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.may_close = False
        #: Full screen and kept so (see `lock_down`).
        self.locked_down = False
        self.context = context
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.colours = palette_in_use()
        self.setStyleSheet(
            self.colours.sheet(STYLE) + focus_rule(self.colours, "#kiosk QPushButton#quietButton")
        )
        self.setWindowTitle(self.tr("Check-in"))
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # What build_kiosk and the app install around the kiosk; None in a kiosk made on its own.
        self.scanner: ScannerFilter | None = None
        self.sync: SyncService | None = None
        self.snapshots: SnapshotTimer | None = None
        self.last_result: ScanResult | None = None
        self.chosen: KioskHit | None = None
        self.wrong_letters = 0

        self.pages = QStackedWidget()
        self.welcome = self._welcome_page()
        self.result_page, self.panel = self._result_page()
        self.search_page = self._search_page()
        self.confirm_page = self._confirm_page()
        for page in (self.welcome, self.result_page, self.search_page, self.confirm_page):
            self.pages.addWidget(page)

        self.staff_button = _button(self.tr("Staff"), "staffButton")
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_button.clicked.connect(self.leave)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.staff_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 24, 12)
        layout.addWidget(scrolling(self.pages), 1)  # larger text than the screen holds: a page scrolls
        layout.addLayout(footer)

        self.back_timer = QTimer(self)
        self.back_timer.setSingleShot(True)
        self.back_timer.timeout.connect(self.show_welcome)
        self.return_after_ms = RETURN_AFTER_MS
        self.abandoned_after_ms = ABANDONED_AFTER_MS

        leave_shortcut = QShortcut(QKeySequence("Ctrl+Shift+Q"), self)
        leave_shortcut.activated.connect(self.leave)
        context.session_changed.connect(lambda _code: self._show_session())
        self._show_session()
        self.show_welcome()

    # -- pages --------------------------------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        self.session_line = _label("", "kioskSession")
        symbol = _label("▣", "kioskTitle")
        symbol.setStyleSheet(self.colours.sheet("font-size: 72pt; color: $accent;"))
        title = _label(self.tr("Welcome — scan your badge"), "kioskTitle")
        subtitle = _label(self.tr("Hold the QR code on your badge under the scanner."), "kioskSubtitle")
        self.forgot_button = _button(self.tr("Forgot your badge? Find yourself by surname"), "bigButton")
        self.forgot_button.clicked.connect(self.show_search)
        layout = QVBoxLayout(page)
        layout.addWidget(self.session_line)
        layout.addStretch(2)
        layout.addWidget(symbol)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(subtitle)
        layout.addStretch(2)
        layout.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        return page

    def _result_page(self) -> tuple[QWidget, ResultPanel]:
        page = QWidget()
        panel = ResultPanel(scale=1.3)
        panel.high_contrast = self.colours.high_contrast
        self.result_hint = _label("", "kioskSubtitle")
        done = _button(self.tr("Done"), "quietButton")
        done.clicked.connect(self.show_welcome)
        layout = QVBoxLayout(page)
        layout.addWidget(panel, 1)
        layout.addSpacing(12)
        layout.addWidget(self.result_hint)
        layout.addWidget(done, 0, Qt.AlignmentFlag.AlignHCenter)
        return page, panel

    def _search_page(self) -> QWidget:
        page = QWidget()
        prompt = _label(self.tr("Type your surname"), "kioskPrompt")
        self.surname = QLineEdit()
        self.surname.setObjectName("kioskSurname")
        self.surname.setPlaceholderText(self.tr("Surname — the first few letters are enough"))
        self.surname.setAccessibleName(self.tr("Surname"))
        self.surname.textEdited.connect(self._surname_edited)
        self.surname.returnPressed.connect(self._choose_current)
        self.surname.installEventFilter(self)
        self.people = QListWidget()
        self.people.setObjectName("kioskPeople")
        self.people.setAccessibleName(self.tr("People with that surname"))
        self.people.itemActivated.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.people.itemClicked.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.search_message = _label("", "kioskSubtitle")
        back = _button(self.tr("← Back"), "quietButton")
        back.clicked.connect(self.show_welcome)
        layout = QVBoxLayout(page)
        layout.addWidget(prompt)
        layout.addSpacing(8)
        layout.addWidget(self.surname)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.search_message)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _confirm_page(self) -> QWidget:
        page = QWidget()
        self.confirm_prompt = _label("", "kioskPrompt")
        explain = _label(
            self.tr("To check it's you, type the first {0} letters of your email address.").format(
                EMAIL_LETTERS
            ),
            "kioskSubtitle",
        )
        self.letters = QLineEdit()
        self.letters.setObjectName("kioskLetters")
        self.letters.setMaxLength(EMAIL_LETTERS)
        self.letters.setMaximumWidth(280)
        self.letters.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.letters.setAccessibleName(self.tr("First letters of your email"))
        self.letters.returnPressed.connect(self.confirm)
        self.letters.textEdited.connect(lambda _t: self._keep_alive())
        self.confirm_message = _label("", "kioskMessage")
        check_in = _button(self.tr("Check me in"), "bigButton")
        check_in.clicked.connect(self.confirm)
        back = _button(self.tr("← Not me"), "quietButton")
        back.clicked.connect(self.show_search)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addSpacing(16)
        buttons.addWidget(check_in)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.confirm_prompt)
        layout.addWidget(explain)
        layout.addSpacing(16)
        layout.addWidget(self.letters, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.confirm_message)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    # -- moving between pages -----------------------------------------------------------------------

    def _show_session(self) -> None:
        code = self.context.session_code
        line = ""
        if code:
            with self.context.database.session() as db:
                summary = next((s for s in session_summaries(db) if s.code == code), None)
            if summary is not None:
                line = f"{summary.title} · {summary.venue}"
        self.session_line.setText(line)

    def show_welcome(self) -> None:
        self.back_timer.stop()
        self.chosen = None
        self.surname.clear()
        self.letters.clear()
        self.people.clear()
        self.pages.setCurrentWidget(self.welcome)
        self.setFocus()

    def show_search(self) -> None:
        self.chosen = None
        self.letters.clear()
        self.search_message.setText("")
        self.pages.setCurrentWidget(self.search_page)
        self.surname.setFocus()
        self._surname_edited(self.surname.text())

    def _keep_alive(self) -> None:
        """Someone is typing: go back to the welcome only if they walk away for a minute."""
        self.back_timer.start(self.abandoned_after_ms)

    # -- scanning -----------------------------------------------------------------------------------

    def scan(self, text: str) -> ScanResult | None:
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                self._message(
                    "!", self.tr("This kiosk is not open yet"), self.tr("Please see the desk staff.")
                )
                return None
            result = record_scan(
                db,
                text,
                session,
                desk=self.context.desk,
                method=Method.KIOSK,
                hours_before=self.context.settings.get("admit_hours_before"),
            )
        self._show(result)
        return result

    def _show(self, result: ScanResult) -> None:
        self.last_result = result
        outcome = result.outcome
        self.panel.show_outcome(outcome)
        self.panel.needs.hide()  # access and dietary needs are private: never on a public screen
        if outcome.admitted:
            self.result_hint.setText(self.tr("You're checked in. Enjoy the session."))
            self.context.attendance_changed.emit()
        else:
            self.result_hint.setText(self.tr("Please see the desk staff — they'll sort it out."))
        announce(self.panel, f"{self.panel.words()}. {self.result_hint.text()}", urgent=not outcome.admitted)
        self.pages.setCurrentWidget(self.result_page)
        self.back_timer.start(self.return_after_ms)
        self.outcome_shown.emit(outcome)

    def _message(self, symbol: str, headline: str, detail: str) -> None:
        self.panel.show_message(symbol, headline, detail)
        self.result_hint.setText("")
        self.pages.setCurrentWidget(self.result_page)
        self.back_timer.start(self.return_after_ms)

    # -- find yourself ------------------------------------------------------------------------------

    def _surname_edited(self, text: str) -> None:
        self._keep_alive()
        hits: list[KioskHit] = []
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is not None:
                hits = find_by_surname(db, text, session.id)
        self.people.clear()
        for hit in hits:
            item = QListWidgetItem(hit.shown_name)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.people.addItem(item)
        if hits:
            self.people.setCurrentRow(0)
            self.search_message.setText(self.tr("Touch your name, or choose it with ↑↓ and press Enter."))
        elif len(text.strip()) >= 2:
            self.search_message.setText(
                self.tr("No one with that surname is booked here. Check the spelling, or see the desk staff.")
            )
        else:
            self.search_message.setText("")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802, ANN001 - Qt's signature
        if watched is self.surname and event.type() == QEvent.Type.KeyPress and self.people.count():
            if event.key() == Qt.Key.Key_Down:
                self.people.setCurrentRow(min(self.people.currentRow() + 1, self.people.count() - 1))
                return True
            if event.key() == Qt.Key.Key_Up:
                self.people.setCurrentRow(max(self.people.currentRow() - 1, 0))
                return True
        return super().eventFilter(watched, event)

    def _choose_current(self) -> None:
        item = self.people.currentItem()
        if item is not None:
            self.choose(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, hit: KioskHit | None) -> None:
        if hit is None:
            return
        self.chosen = hit
        self.wrong_letters = 0
        self.confirm_prompt.setText(self.tr("Hello, {0}").format(hit.shown_name))
        self.confirm_message.setText("")
        self.letters.clear()
        self.pages.setCurrentWidget(self.confirm_page)
        self.letters.setFocus()
        self._keep_alive()

    def confirm(self) -> ScanResult | None:
        """Check the email letters; admit on a match (Method.KIOSK)."""
        if self.chosen is None:
            return None
        letters = self.letters.text()
        self.letters.clear()
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return None
            check = check_email_letters(db, self.chosen.registration_id, letters)
            if check is EmailCheck.NO_EMAIL:
                self._message(
                    "?",
                    self.tr("We don't have an email for you"),
                    self.tr("Please see the desk staff: they will check you in."),
                )
                return None
            if check is EmailCheck.WRONG:
                self.wrong_letters += 1
                if self.wrong_letters >= WRONG_LETTERS_ALLOWED:
                    self._message(
                        "?",
                        self.tr("Let's get you checked in at the desk"),
                        self.tr("Those letters didn't match. Please see the desk staff."),
                    )
                else:
                    self.confirm_message.setText(
                        self.tr("Those letters don't match the email we have. Please try again.")
                    )
                    self.letters.setFocus()
                    self._keep_alive()
                return None
            result = admit_registration(
                db,
                self.chosen.registration_id,
                session,
                desk=self.context.desk,
                method=Method.KIOSK,
                hours_before=self.context.settings.get("admit_hours_before"),
            )
        self._show(result)
        return result

    # -- staying put --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            if self.pages.currentWidget() is not self.welcome:
                self.show_welcome()  # Escape means "start again", never "leave"
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.may_close:
            event.accept()
        else:
            event.ignore()

    def lock_down(self) -> None:
        """Full screen, and back to full screen whenever something (the window manager, a key it owns)
        makes the window smaller or hides it."""
        self.locked_down = True
        self.showFullScreen()
        self.activateWindow()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if (
            self.locked_down
            and not self.may_close
            and event.type() == QEvent.Type.WindowStateChange
            and not self.isFullScreen()
        ):
            QTimer.singleShot(0, self.lock_down)

    def leave(self) -> bool:
        """Staff only: with the organiser PIN, end the kiosk (and the program). Without a PIN (removed at
        another desk window since the kiosk started) nobody can leave here: set one in Settings first."""
        self.back_timer.stop()
        if not has_pin(self.context.settings):
            self.show_welcome()
            return False
        dialog = PinDialog(self.context, self, reason=self.tr("Enter the organiser PIN to leave kiosk mode."))
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.exec()
        if not dialog.unlocked:
            self.show_welcome()
            return False
        self.may_close = True
        self.close()  # the last window: the program ends (quitOnLastWindowClosed)
        return True


class KioskPinDialog(QDialog):
    """Asked before a kiosk starts on a desk without an organiser PIN: the PIN, twice. It is the only way
    out of the kiosk, so there is no kiosk without it."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("An organiser PIN for the kiosk"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr("Kiosk mode needs an organiser PIN: staff leave the kiosk with it, and no one else can. "
                    "Choose one of 6 or more characters (digits are fine).")
        )  # fmt: skip
        intro.setWordWrap(True)
        self.pin = QLineEdit()
        self.pin_again = QLineEdit()
        for field, name, label in (
            (self.pin, "kioskNewPin", self.tr("Organiser PIN")),
            (self.pin_again, "kioskNewPinAgain", self.tr("The same PIN again")),
        ):
            field.setObjectName(name)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(label)
            field.setMinimumHeight(36)
        form = QFormLayout()
        form.addRow(self.tr("Organiser PIN"), self.pin)
        form.addRow(self.tr("The same PIN again"), self.pin_again)
        self.problem = error_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton(
            self.tr("Set the PIN and start the kiosk"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        # Only once inside the dialog: a default set before is lost, and Qt makes Cancel the default.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.start_button.setDefault(True)
        self.pin.setFocus()

    def submit(self) -> bool:
        """Set the PIN and close, or say why not and stay open."""
        pin, again = self.pin.text(), self.pin_again.text()
        problem = pin_problem(pin)
        if problem is None and pin != again:
            problem = "The two PINs are different: type the same PIN twice."
        if problem is not None:
            self.problem.setText(self.tr(problem))
            self.problem.show()
            self.pin_again.clear()
            self.pin.setFocus()
            return False
        set_pin(self.settings, pin)
        self.accept()
        return True


NO_KIOSK_WITHOUT_PIN = (
    "Kiosk mode was not started: it needs an organiser PIN, the only way to leave the kiosk. Start kiosk "
    "mode again and set one, or set one in Settings (F10) of the desk."
)


def ensure_kiosk_pin(settings: Settings, parent: QWidget | None = None) -> bool:
    """True when an organiser PIN is set, asking for one first if need be; False (after saying so) when
    the organiser would not set one."""
    if has_pin(settings):
        return True
    if KioskPinDialog(settings, parent).exec() and has_pin(settings):
        return True
    QMessageBox.warning(parent, QApplication.translate("kiosk", "No kiosk without a PIN"),
                        QApplication.translate("kiosk", NO_KIOSK_WITHOUT_PIN))  # fmt: skip
    return False


def remembered_session(database: Database, settings: Settings, preferred: str | None) -> str | None:
    """The session asked for, else the last one opened at this desk, else the first listed."""
    with database.session() as db:
        codes = [s.code for s in session_summaries(db)]
    for wanted in (preferred, settings.get("last_session")):
        if wanted:
            match = next((c for c in codes if c.upper() == wanted.upper()), None)
            if match:
                return match
    return codes[0] if codes else None


def build_kiosk(
    database: Database, settings: Settings, desk: str, session_code: str | None = None
) -> tuple[KioskWindow, ScannerFilter]:
    """The kiosk on a session, with a scanner filter installed on the application. Refused (UsageError)
    on a desk without an organiser PIN: see `ensure_kiosk_pin`."""
    if not has_pin(settings):
        raise UsageError(NO_KIOSK_WITHOUT_PIN)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    context = DeskContext(database, settings, settings.get("desk_name") or desk)
    context.kiosk = True
    apply_theme(app, high_contrast=settings.get("high_contrast"))
    code = remembered_session(database, settings, session_code)
    if code:
        context.set_session(code)
    kiosk = KioskWindow(context)
    scanner = ScannerFilter(parent=kiosk)
    configure_scanner(scanner, settings)
    app.installEventFilter(scanner)
    scanner.scanned.connect(kiosk.scan)
    kiosk.scanner = scanner
    # A kiosk's admissions reach the hub like any desk's (a no-op while no hub is set).
    sync = kiosk.sync = SyncService(context, kiosk)
    sync.start()
    return kiosk, scanner
