"""The desk: scan a badge or type a few letters of a name; see the outcome large; undo; register walk-ins."""

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.bookings import transfer
from checkin.desk.guides import hand_out_guide
from checkin.desk.scanning import (
    UNDO_WINDOW,
    ScanResult,
    admit_registration,
    can_override,
    record_scan,
    undo_last_admission,
)
from checkin.desk.search import SearchHit, search
from checkin.desk.walkins import can_rebook, rebook_and_admit
from checkin.domain.clock import time_for_people, utc_now
from checkin.domain.decide import Outcome, OutcomeCode
from checkin.domain.vocabulary import Method
from checkin.errors import UserError
from ui.base.accessibility import announce
from ui.base.context import DeskContext
from ui.base.fit import FlowLayout, fit_placeholder
from ui.base.pin import require_organiser, tell_status
from ui.base.theme import palette_in_use
from ui.desk.result_panel import ResultPanel
from ui.input.camera import NO_CAMERA, CameraPanel

SEARCH_DELAY_MS = 120


class DeskView(QWidget):
    """One always-ready input for scans and searches, the outcome panel, and the desk's actions."""

    #: Every outcome shown, for sounds and tests.
    outcome_shown = Signal(object)
    #: A walk-in was admitted (registration id): the window offers to print their badge.
    walk_in_admitted = Signal(int)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_result: ScanResult | None = None
        #: The last outcome is a cancelled booking with a place free: F2 books it again (organiser PIN).
        self._rebook_offered = False
        self._last_admission_at: datetime | None = None

        self.input = QLineEdit()
        self.input.setObjectName("deskInput")
        # Large text: said shorter rather than cut (the accessible description says it in full).
        fit_placeholder(
            self.input,
            self.tr("Scan a badge — or type a name, organisation or email to search"),
            self.tr("Scan a badge or type a name"),
            self.tr("Scan or type a name"),
        )
        self.input.setClearButtonEnabled(True)
        self.input.setAccessibleName(self.tr("Scan or search"))
        self.input.setAccessibleDescription(
            self.tr("Scan a badge, or type a few letters of a name, organisation or email and press Enter")
        )
        font = self.input.font()
        font.setPointSize(17)
        self.input.setFont(font)
        # 48 pixels, or more when the system's text is larger: the words are never cut.
        self.input.setMinimumHeight(max(48, self.input.fontMetrics().height() + 20))
        self.input.textEdited.connect(self._text_edited)
        self.input.returnPressed.connect(self._enter_pressed)
        self.input.installEventFilter(self)

        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName(self.tr("People found"))
        self.results.setMaximumHeight(230)
        self.results.setFont(font)
        self.results.itemActivated.connect(
            lambda item: self.check_in_hit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.results.hide()

        self.panel = ResultPanel()
        self.panel.high_contrast = palette_in_use().high_contrast
        self.camera = CameraPanel(context.settings)
        self.camera.decoded.connect(lambda text: self.scan(text, Method.CAMERA))

        self.action_button = QPushButton()
        self.action_button.setObjectName("amberAction")
        self.action_button.hide()
        self.action_button.clicked.connect(self._amber_action)
        # For a refusal that has an action of its own on F2 (show the earlier check-in, open today's session).
        self.override_button = QPushButton(self.tr("Admit anyway (Shift+F2)"))
        self.override_button.setObjectName("amberAction")
        self.override_button.hide()
        self.override_button.setAccessibleName(self.tr("Admit anyway (Shift+F2)"))
        self.override_button.clicked.connect(self.admit_anyway)
        self.undo_button = QPushButton(self.tr("Undo last check-in (Ctrl+Z)"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        self.walk_in_button = QPushButton(self.tr("Walk-in… (Ctrl+N)"))
        self.walk_in_button.clicked.connect(self.open_walk_in)
        #: Prints one badge by registration id; the window sets it when it has a Print view.
        self.badge_printer: Callable[[int], object] | None = None
        self._badge_to_print: int | None = None
        self.print_badge_button = QPushButton(self.tr("Print badge (Ctrl+P)"))
        self.print_badge_button.setObjectName("amberAction")
        self.print_badge_button.hide()
        self.print_badge_button.setAccessibleName(self.tr("Print the walk-in's badge (Ctrl+P)"))
        self.print_badge_button.clicked.connect(self.print_walk_in_badge)
        #: The booking of the person on screen, who can be given the pocket guide (F3).
        self._guide_for: int | None = None
        self.guide_button = QPushButton(self.tr("Pocket guide given (F3)"))
        self.guide_button.setObjectName("guideButton")
        self.guide_button.hide()
        self.guide_button.clicked.connect(self.give_guide)
        buttons = (
            self.guide_button,
            self.action_button,
            self.override_button,
            self.print_badge_button,
            self.undo_button,
            self.walk_in_button,
        )
        for button in buttons:
            button.setMinimumHeight(40)

        actions = FlowLayout()  # onto two lines when larger text makes them wider than the view
        actions.addWidget(self.action_button)
        actions.addWidget(self.override_button)
        actions.addWidget(self.print_badge_button)
        actions.addStretch()
        actions.addWidget(self.guide_button)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.camera.toggle_button)
        actions.addWidget(self.walk_in_button)

        self.hint = QLabel(
            self.tr(
                "Enter checks in the highlighted person · ↑↓ choose · Esc clears · F2 runs the offered action"
                " · Shift+F2 admits anyway (organiser PIN) · F3 pocket guide given"
            )
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)  # large text wraps instead of running off the edge

        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.results)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(self.panel, 1)
        outcome_row.addWidget(self.camera)
        layout.addLayout(outcome_row, 1)
        layout.addLayout(actions)
        layout.addWidget(self.hint)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self._run_search)
        self._undo_timer = QTimer(self)
        self._undo_timer.setInterval(1000)
        self._undo_timer.timeout.connect(self._refresh_undo)

        QShortcut(
            QKeySequence.StandardKey.Undo,
            self,
            activated=self.undo,
            context=Qt.ShortcutContext.WindowShortcut,
        )
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.open_walk_in)
        QShortcut(QKeySequence("F2"), self, activated=self._amber_action)
        QShortcut(QKeySequence("Shift+F2"), self, activated=self.admit_anyway)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_walk_in_badge)
        QShortcut(QKeySequence("F4"), self, activated=self.toggle_camera)
        QShortcut(QKeySequence("F3"), self, activated=self.give_guide)
        self.walk_in_admitted.connect(self._offer_badge)
        QShortcut(QKeySequence("Escape"), self, activated=self.clear)
        context.session_changed.connect(lambda _code: self.clear())

    # -- scanning -----------------------------------------------------------------------------------

    def scan(self, text: str, method: Method = Method.SCANNER) -> ScanResult | None:
        """A scan from the scanner filter, the camera, or a code typed in and Enter."""
        self._reset_input()
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                self.panel.show_message("!", self.tr("Choose a session first"))
                return None
            result = record_scan(
                db, text, session, desk=self.context.desk, method=method, hours_before=self._hours_before()
            )
        self._show(result)
        return result

    def _hours_before(self) -> int:
        """The desk's setting: how long before a session starts its codes admit."""
        return int(self.context.settings.get("admit_hours_before"))

    def check_in_hit(self, hit: SearchHit | None) -> ScanResult | None:
        if hit is None:
            return None
        self._reset_input()
        return self._admit(hit.registration_id)

    def _admit(
        self, registration_id: int, *, operator: str = "", override: bool = False
    ) -> ScanResult | None:
        """Check in a booking at the session open, as a scan of its badge would, and show the outcome."""
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return None
            result = admit_registration(
                db,
                registration_id,
                session,
                desk=self.context.desk,
                operator=operator,
                hours_before=self._hours_before(),
                override=override,
            )
        self._show(result)
        return result

    def _show(self, result: ScanResult) -> None:
        self.last_result = result
        self._offer_badge(None)
        outcome = result.outcome
        self._rebook_offered = False
        if outcome.code is OutcomeCode.CANCELLED and outcome.registration_id is not None:
            with self.context.database.session() as db:
                self._rebook_offered = can_rebook(db, outcome.registration_id)
        self.panel.show_outcome(outcome, overridden=result.method == Method.OVERRIDE)
        self._offer_action(outcome)
        in_now = outcome.admitted or outcome.code is OutcomeCode.ALREADY_CHECKED_IN
        self._offer_guide(outcome.registration_id if in_now else None)
        # Said at once, while the focus stays in the scan field for the next badge.
        offered = [
            b.text()
            for b in (self.action_button, self.override_button, self.guide_button)
            if not b.isHidden()
        ]
        announce(self.panel, ". ".join([self.panel.words(), *offered]), urgent=not outcome.admitted)
        if outcome.admitted:
            self._last_admission_at = utc_now()
            self._undo_timer.start()
            self._refresh_undo()
            self.context.attendance_changed.emit()
        self.outcome_shown.emit(outcome)
        self.input.setFocus()

    def _own_action(self, outcome: Outcome) -> str | None:
        """The words of the action an outcome offers on F2 besides admitting anyway, if it has one."""
        if outcome.code is OutcomeCode.WRONG_SESSION and outcome.booked_session is not None:
            return self.tr("Transfer to this session (F2)")
        if outcome.code is OutcomeCode.NOT_TODAY and outcome.open_session is not None:
            return self.tr("Check in at {0} (F2)").format(outcome.open_session.code)
        if outcome.code is OutcomeCode.ALREADY_CHECKED_IN:
            return self.tr("Show the earlier check-in (F2)")
        if outcome.code is OutcomeCode.CANCELLED and self._rebook_offered:
            return self.tr("Book again and check in, with the PIN (F2)")
        if outcome.code in (OutcomeCode.NOT_FOUND, OutcomeCode.INVALID_CODE, OutcomeCode.REVOKED):
            return self.tr("Search by name (F2)")
        return None

    def _offer_action(self, outcome: Outcome) -> None:
        """F2 runs the outcome's own action; a refusal without one offers admitting anyway on F2 instead,
        and one with one offers it beside, on Shift+F2."""
        own = self._own_action(outcome)
        overridable = can_override(outcome)
        offered = own or (self.tr("Admit anyway with the PIN (F2)") if overridable else None)
        self.action_button.setText(offered or "")
        # Never nameless, even hidden: a screen reader may still hold it from the last outcome.
        self.action_button.setAccessibleName(offered or self.tr("The outcome's action (F2)"))
        today = outcome.open_session if outcome.code is OutcomeCode.NOT_TODAY else None
        self.action_button.setToolTip(
            self.tr("Open {0}, their session today, and check them in there").format(today.code)
            if today
            else ""
        )
        self.action_button.setVisible(offered is not None)
        self.override_button.setVisible(overridable and own is not None)

    def _amber_action(self) -> None:
        if self.last_result is None or not self.action_button.isVisible():
            return
        outcome = self.last_result.outcome
        if outcome.code is OutcomeCode.WRONG_SESSION:
            self.transfer_here(outcome)
        elif outcome.code is OutcomeCode.NOT_TODAY and outcome.open_session is not None:
            self.open_today_session(outcome)
        elif outcome.code is OutcomeCode.ALREADY_CHECKED_IN and outcome.earlier is not None:
            earlier = outcome.earlier
            QMessageBox.information(
                self,
                self.tr("Earlier check-in"),
                self.tr("{0} was checked in at {1} by desk {2} ({3}).").format(
                    outcome.delegate.display_name if outcome.delegate else "",
                    time_for_people(earlier.at, utc_now(), seconds=True),
                    earlier.desk,
                    earlier.method,
                ),
            )
        elif outcome.code is OutcomeCode.CANCELLED and self._rebook_offered:
            self.rebook()
        elif outcome.code in (OutcomeCode.NOT_FOUND, OutcomeCode.INVALID_CODE):
            self.input.setFocus()
            self.panel.show_message("⌕", self.tr("Type a few letters of their name"))
        else:
            self.admit_anyway()

    def admit_anyway(self) -> ScanResult | None:
        """Admit the refused person anyway, once the organiser PIN is entered: recorded as an override, with
        who and why in the audit log."""
        outcome = self.last_result.outcome if self.last_result is not None else None
        if outcome is None or not can_override(outcome) or outcome.registration_id is None:
            return None
        name = outcome.delegate.display_name if outcome.delegate else ""
        reason = self.tr("Enter the organiser PIN to admit {0} anyway. {1}").format(name, outcome.reason)
        if not require_organiser(self, self.context, reason):
            self.input.setFocus()
            return None
        return self._admit(outcome.registration_id, operator="organiser", override=True)

    def rebook(self) -> ScanResult | None:
        """Book a cancelled booking again and check the person in, once the organiser PIN is entered (a
        place is free: the session counts them as booked again)."""
        outcome = self.last_result.outcome if self.last_result is not None else None
        if outcome is None or outcome.code is not OutcomeCode.CANCELLED or outcome.registration_id is None:
            return None
        name = outcome.delegate.display_name if outcome.delegate else ""
        reason = self.tr("Enter the organiser PIN to book {0} again and check them in. {1}").format(
            name, outcome.reason
        )
        if not require_organiser(self, self.context, reason):
            self.input.setFocus()
            return None
        try:
            with self.context.database.session() as db:
                session = self.context.session(db)
                if session is None:
                    return None
                result = rebook_and_admit(
                    db,
                    outcome.registration_id,
                    session,
                    desk=self.context.desk,
                    operator="organiser",
                    hours_before=self._hours_before(),
                )
        except UserError as error:  # the last place went meanwhile: say so, the override is still there
            self.panel.show_message("!", self.tr("Not booked again"), str(error))
            self.action_button.hide()
            return None
        self.context.roster_changed.emit()
        self._show(result)
        return result

    def open_today_session(self, outcome: Outcome) -> ScanResult | None:
        """Open the person's session that admits now, and check them in there (one key at the desk)."""
        if outcome.open_session is None or outcome.registration_id is None:
            return None
        self.context.set_session(outcome.open_session.code)
        return self._admit(outcome.registration_id)

    def transfer_here(self, outcome: Outcome) -> ScanResult | None:
        """Move the person's booking to this session and admit them (one key at the desk)."""
        if outcome.registration_id is None:
            return None
        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return None
            moved = transfer(db, outcome.registration_id, session, desk=self.context.desk)
            db.commit()
            result = admit_registration(
                db,
                moved.to_registration_id,
                session,
                desk=self.context.desk,
                hours_before=self._hours_before(),
            )
        self.context.roster_changed.emit()
        self._show(result)
        return result

    # -- the pocket guide --------------------------------------------------------------------------

    def _offer_guide(self, registration_id: int | None) -> None:
        self._guide_for = registration_id
        self.guide_button.setEnabled(True)
        self._name_guide_button(self.tr("Pocket guide given (F3)"))
        self.guide_button.setVisible(registration_id is not None)

    def _name_guide_button(self, words: str) -> None:
        # Named as well as labelled: a button made hidden reaches a screen reader with no name otherwise.
        self.guide_button.setText(words)
        self.guide_button.setAccessibleName(words)

    def give_guide(self) -> bool:
        """Record that the person on screen was given the pocket guide; a second press changes nothing."""
        if self._guide_for is None:
            return False
        with self.context.database.session() as db:
            recorded = hand_out_guide(db, self._guide_for, desk=self.context.desk)
        self._name_guide_button(
            self.tr("✔ Pocket guide recorded") if recorded else self.tr("✔ Pocket guide given already")
        )
        self.guide_button.setEnabled(False)
        self.context.attendance_changed.emit()
        self.input.setFocus()
        return recorded

    # -- undo ---------------------------------------------------------------------------------------

    def _refresh_undo(self) -> None:
        fresh = self._last_admission_at is not None and utc_now() - self._last_admission_at <= UNDO_WINDOW
        self.undo_button.setEnabled(fresh)
        if not fresh:
            self._undo_timer.stop()

    def undo(self) -> None:
        if not self.undo_button.isEnabled():
            return
        with self.context.database.session() as db:
            session = self.context.session(db)
            undone = undo_last_admission(db, session, desk=self.context.desk) if session else None
        self._last_admission_at = None
        self._refresh_undo()
        self.action_button.hide()
        self.override_button.hide()
        if undone is None:
            self.panel.show_message("↶", self.tr("Nothing to undo"), self.tr("Undo works for two minutes."))
            return
        self.panel.show_message("↶", self.tr("Check-in undone"), undone.display_name)
        self.context.attendance_changed.emit()

    # -- search -------------------------------------------------------------------------------------

    def _text_edited(self, text: str) -> None:
        self._search_timer.start(SEARCH_DELAY_MS if text.strip() else 0)

    def _run_search(self) -> None:
        text = self.input.text()
        hits: list[SearchHit] = []
        if len(text.strip()) >= 2:
            with self.context.database.session() as db:
                session = self.context.session(db)
                if session is not None:
                    hits = search(db, text, session.id, limit=12)
        self.results.clear()
        for hit in hits:
            state = self._hit_state(hit)
            item = QListWidgetItem(f"{hit.display_name}  —  {hit.organisation or hit.email}{state}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        elif text.strip():
            self.results.addItem(self.tr("No one found. Check the spelling, or register a walk-in (Ctrl+N)."))
        self.results.setVisible(bool(text.strip()))
        if text.strip() and (self.last_result is not None or self.panel.code is not None):
            self._forget_outcome()  # the outcome was for someone else: not under the new results

    def _hit_state(self, hit: SearchHit) -> str:
        if hit.checked_in_at is not None:
            return self.tr("   ✔ in since {0}").format(time_for_people(hit.checked_in_at, utc_now()))
        if hit.status not in ("booked", "walk_in"):
            return f"   ✖ {hit.status}"
        return ""

    def _enter_pressed(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self._search_timer.stop()
        if self.results.isHidden() or self.results.count() == 0:
            self._run_search()
        item = self.results.currentItem()
        hit = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if hit is not None:
            self.check_in_hit(hit)
        else:
            self.scan(text, Method.SCANNER)  # a code typed by hand

    def eventFilter(self, watched, event) -> bool:  # noqa: N802, ANN001 - Qt's signature
        if watched is not self.input or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        # An empty field has nothing of its own to undo: Ctrl+Z undoes the last check-in.
        if not self.input.text() and event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            return True
        rows = self.results.count() if self.results.isVisible() else 0
        if event.key() == Qt.Key.Key_Down and rows:
            self.results.setCurrentRow(min(self.results.currentRow() + 1, rows - 1))
            return True
        if event.key() == Qt.Key.Key_Up and rows:
            self.results.setCurrentRow(max(self.results.currentRow() - 1, 0))
            return True
        return super().eventFilter(watched, event)

    def clear(self) -> None:
        self._reset_input()
        self._forget_outcome()

    def _forget_outcome(self) -> None:
        """Back to ready: the last outcome, and the actions it offered, no longer show or answer F2 or F3."""
        self.last_result = None
        self._offer_guide(None)
        self.action_button.hide()
        self.override_button.hide()
        self.panel.show_ready()

    def _reset_input(self) -> None:
        self._search_timer.stop()
        self.input.clear()
        self.results.clear()
        self.results.hide()
        self.input.setFocus()

    # -- camera -------------------------------------------------------------------------------------

    def toggle_camera(self) -> None:
        """F4: show or hide the camera; without one, say so where the desk can see it."""
        if self.camera.has_camera:
            self.camera.toggle_button.toggle()
            return
        tell_status(self, self.tr(NO_CAMERA))

    # -- walk-ins -----------------------------------------------------------------------------------

    def open_walk_in(self) -> None:
        from ui.desk.walk_in import WalkInDialog

        with self.context.database.session() as db:
            session = self.context.session(db)
            if session is None:
                return
        dialog = WalkInDialog(self.context, self)
        if dialog.exec() and dialog.result_of_walk_in is not None:
            self.context.roster_changed.emit()
            self._show(dialog.result_of_walk_in)
            if dialog.result_of_walk_in.outcome.registration_id is not None:
                self.walk_in_admitted.emit(dialog.result_of_walk_in.outcome.registration_id)

    def _offer_badge(self, registration_id: int | None) -> None:
        """After a walk-in is admitted, one click prints their badge (until the next outcome shows)."""
        self._badge_to_print = registration_id if self.badge_printer is not None else None
        self.print_badge_button.setVisible(self._badge_to_print is not None)

    def print_walk_in_badge(self) -> None:
        if self._badge_to_print is None or self.badge_printer is None:
            return
        self.badge_printer(self._badge_to_print)
        self.print_badge_button.hide()
        self._badge_to_print = None
