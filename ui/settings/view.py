"""Settings (F10): this desk's name, scanner, sounds, theme, idle lock, camera, when sessions admit and the
organiser PIN.

Anyone may look at the settings; saving them needs the organiser PIN, and so does changing the PIN (the
current PIN is typed in the form; Enter in the last PIN field sets it). Saved settings apply at once —
`context.settings_changed` tells the window to reconfigure the scanner filter and the theme.
"""

import socket

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.pin import check_pin, clear_pin, has_pin, pin_problem, set_pin
from checkin.domain.clock import utc_now
from ui.base.context import DeskContext
from ui.base.pin import require_organiser
from ui.base.theme import focus_rule, palette_in_use
from ui.settings.data_box import DataBox
from ui.settings.hub_settings import HubSettingsBox

SUFFIX_CHOICES = [("Enter", "enter"), ("Tab", "tab"), ("Enter or Tab", "enter-or-tab")]


def computer_name() -> str:
    return socket.gethostname().split(".")[0] or "desk-1"


def video_inputs() -> list[tuple[str, str]]:
    """(description, id) of each camera Qt can see; empty when there is none (or no multimedia backend)."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    return [
        (device.description(), bytes(device.id()).decode("utf-8", "replace"))
        for device in QMediaDevices.videoInputs()
    ]


def fill_camera_choice(combo: QComboBox, chosen: str) -> None:
    combo.clear()
    cameras = video_inputs()
    if not cameras:
        combo.addItem(combo.tr("No camera found"), "")
        combo.setEnabled(False)
        return
    combo.setEnabled(True)
    combo.addItem(combo.tr("The system's default camera"), "")
    for description, device_id in cameras:
        combo.addItem(description, device_id)
    index = combo.findData(chosen)
    combo.setCurrentIndex(max(index, 0))


def _pin_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaximumWidth(260)
    return field


class SettingsView(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("settingsView")
        colours = self.colours = palette_in_use()
        self.setStyleSheet(
            colours.sheet(
                "#settingsView QPushButton { border: 1px solid $strong_border; background: $surface;"
                " padding: 7px 18px; }"
                "#settingsView QPushButton#saveSettings { background: $accent; color: $on_colour;"
                " border: none; font-weight: bold; padding: 8px 26px; }"
                "#settingsView QGroupBox { font-weight: bold; }"
                "#settingsView QLabel#savedMessage { color: $admitted; font-weight: bold; }"
            )
            + focus_rule(colours, "#settingsView QPushButton", "#settingsView QPushButton#saveSettings")
        )

        title = QLabel(self.tr("Settings for this desk"))
        title.setObjectName("viewTitle")
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        intro = QLabel(
            self.tr("Anyone can look. Changes are used once saved, and saving needs the organiser PIN.")
        )
        intro.setObjectName("hint")

        # -- desk and screen
        self.desk_name = QLineEdit()
        self.desk_name.setObjectName("deskName")
        self.desk_name.setPlaceholderText(computer_name())
        self.desk_name.setMaximumWidth(320)
        self.sounds = QCheckBox(self.tr("Play a sound for each outcome"))
        self.high_contrast = QCheckBox(self.tr("High contrast, larger text"))
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, 240)
        self.idle_minutes.setSuffix(self.tr(" minutes"))
        self.idle_minutes.setSpecialValueText(self.tr("Never"))
        self.camera = QComboBox()
        self.camera.setMinimumWidth(320)
        desk_box = QGroupBox(self.tr("Desk and screen"))
        desk_form = QFormLayout(desk_box)
        desk_form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapLongRows
        )  # a narrow window: field under label
        desk_form.addRow(self.tr("Desk &name"), self.desk_name)
        desk_form.addRow(self.tr("Sounds"), self.sounds)
        desk_form.addRow(self.tr("Theme"), self.high_contrast)
        desk_form.addRow(self.tr("Hide the lists when idle for"), self.idle_minutes)
        desk_form.addRow(self.tr("&Camera"), self.camera)

        # -- scanner
        self.max_gap = QSpinBox()
        self.max_gap.setObjectName("scannerMaxGap")
        self.max_gap.setRange(10, 250)
        self.max_gap.setSuffix(" ms")
        self.min_length = QSpinBox()
        self.min_length.setRange(3, 64)
        self.min_length.setSuffix(self.tr(" characters"))
        self.suffix = QComboBox()
        for label, value in SUFFIX_CHOICES:
            self.suffix.addItem(self.tr(label), value)
        scanner_box = QGroupBox(self.tr("USB scanner"))
        scanner_form = QFormLayout(scanner_box)
        scanner_form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapLongRows
        )  # a narrow window: field under label
        scanner_form.addRow(self.tr("Longest pause between keys"), self.max_gap)
        scanner_form.addRow(self.tr("Shortest scan"), self.min_length)
        scanner_form.addRow(self.tr("A scan ends with"), self.suffix)
        scanner_hint = QLabel(
            self.tr(
                "Scanners type a key every few milliseconds; people are far slower. Raise the pause if a slow "
                "scanner's codes land in the search box."
            )
        )
        scanner_hint.setObjectName("hint")
        scanner_hint.setWordWrap(True)
        scanner_form.addRow(scanner_hint)

        # -- when a session's codes admit
        self.admit_hours = QSpinBox()
        self.admit_hours.setObjectName("admitHoursBefore")
        self.admit_hours.setRange(0, 72)
        self.admit_hours.setSuffix(self.tr(" hours before it starts"))
        admission_box = QGroupBox(self.tr("Admission"))
        admission_form = QFormLayout(admission_box)
        admission_form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapLongRows
        )  # a narrow window: field under label
        admission_form.addRow(self.tr("Codes admit from"), self.admit_hours)
        admission_hint = QLabel(
            self.tr(
                "…until the end of the session's last day. Outside those hours a scan says which day the session "
                "is on and admits no one, unless the organiser admits them anyway (Shift+F2 at the desk)."
            )
        )
        admission_hint.setObjectName("hint")
        admission_hint.setWordWrap(True)
        admission_form.addRow(admission_hint)

        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.setObjectName("saveSettings")
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Undo my changes"))
        self.revert_button.clicked.connect(self.load)
        self.saved_message = QLabel()
        self.saved_message.setObjectName("savedMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.saved_message, 1)

        # -- PIN
        self.pin_state = QLabel()
        self.pin_state.setWordWrap(True)
        self.current_pin = _pin_field("currentPin")
        self.new_pin = _pin_field("newPin")
        self.new_pin_again = _pin_field("newPinAgain")
        self.set_pin_button = QPushButton(self.tr("Set PIN"))
        self.set_pin_button.clicked.connect(self.change_pin)
        for field in (self.current_pin, self.new_pin, self.new_pin_again):
            field.returnPressed.connect(lambda f=field: self._pin_entered(f))
        self.remove_pin_button = QPushButton(self.tr("Remove PIN"))
        self.remove_pin_button.clicked.connect(self.remove_pin)
        self.pin_message = QLabel()
        self.pin_message.setObjectName("pinMessage")
        self.pin_message.setWordWrap(True)
        pin_box = QGroupBox(self.tr("Organiser PIN"))
        pin_form = QFormLayout(pin_box)
        pin_form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapLongRows
        )  # a narrow window: field under label
        pin_form.addRow(self.pin_state)
        self.current_pin_label = QLabel(self.tr("Current PIN"))
        pin_form.addRow(self.current_pin_label, self.current_pin)
        pin_form.addRow(self.tr("New PIN (6 or more)"), self.new_pin)
        pin_form.addRow(self.tr("New PIN again"), self.new_pin_again)
        pin_buttons = QHBoxLayout()
        pin_buttons.addWidget(self.set_pin_button)
        pin_buttons.addWidget(self.remove_pin_button)
        pin_buttons.addStretch(1)
        pin_form.addRow(pin_buttons)
        pin_form.addRow(self.pin_message)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(desk_box)
        left.addWidget(scanner_box)
        left.addWidget(admission_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(pin_box)
        self.hub_box = HubSettingsBox(context)
        right.addWidget(self.hub_box)
        self.data_box = DataBox(context)
        right.addWidget(self.data_box)
        right.addStretch(1)
        columns.addLayout(left, 3)
        columns.addSpacing(12)
        columns.addLayout(right, 2)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addSpacing(6)
        inner.addLayout(columns, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        buttons.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(buttons)  # below the scrolling part: Save is always in sight
        self.load()

    def load(self) -> None:
        """Fill the form from the stored settings (also 'Undo my changes')."""
        settings = self.context.settings
        self.desk_name.setText(settings.get("desk_name") or self.context.desk)
        self.sounds.setChecked(settings.get("sounds"))
        self.high_contrast.setChecked(settings.get("high_contrast"))
        self.idle_minutes.setValue(settings.get("idle_lock_minutes"))
        self.max_gap.setValue(settings.get("scanner_max_gap_ms"))
        self.min_length.setValue(settings.get("scanner_min_length"))
        self.suffix.setCurrentIndex(max(self.suffix.findData(settings.get("scanner_suffix")), 0))
        self.admit_hours.setValue(settings.get("admit_hours_before"))
        fill_camera_choice(self.camera, settings.get("camera_id"))
        self.hub_box.load()
        self.data_box.load()
        self.saved_message.clear()
        self._show_pin_state()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        self._show_pin_state()
        super().showEvent(event)

    def save(self) -> bool:
        hub_problem = self.hub_box.problem()
        if hub_problem is not None:
            self.saved_message.setText(self.tr("Not saved: {0}").format(hub_problem))
            return False
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to save the settings.")
        ):
            self.saved_message.setText(self.tr("Not saved: the organiser PIN is needed."))
            return False
        settings = self.context.settings
        name = self.desk_name.text().strip() or computer_name()
        settings.set("desk_name", name)
        settings.set("sounds", self.sounds.isChecked())
        settings.set("high_contrast", self.high_contrast.isChecked())
        settings.set("idle_lock_minutes", self.idle_minutes.value())
        settings.set("scanner_max_gap_ms", self.max_gap.value())
        settings.set("scanner_min_length", self.min_length.value())
        settings.set("scanner_suffix", self.suffix.currentData())
        settings.set("admit_hours_before", self.admit_hours.value())
        settings.set("camera_id", self.camera.currentData() or "")
        self.hub_box.save()
        self.data_box.save()
        self.context.desk = name
        self.context.settings_changed.emit()
        self.saved_message.setText(self.tr("✔ Saved — in use now."))
        return True

    # -- the PIN ------------------------------------------------------------------------------------

    def _show_pin_state(self) -> None:
        protected = has_pin(self.context.settings)
        self.pin_state.setText(
            self.tr("A PIN protects import, edits, exports, settings and leaving the kiosk.")
            if protected
            else self.tr("No PIN is set: anyone at this laptop can change settings or leave the kiosk.")
        )
        self.current_pin.setVisible(protected)
        self.current_pin_label.setVisible(protected)
        self.remove_pin_button.setVisible(protected)
        self.set_pin_button.setText(self.tr("Change PIN") if protected else self.tr("Set PIN"))

    def _tell_pin(self, text: str, role: str = "refused_deep") -> None:
        """What the PIN buttons did, in the colour of how it went: red is kept for what went wrong."""
        self.pin_message.setStyleSheet(self.colours.sheet(f"color: ${role}; font-weight: bold;"))
        self.pin_message.setText(text)

    def _pin_entered(self, field: QLineEdit) -> None:
        """Enter in a PIN field: on to the next empty one, or, with all filled in, set the PIN."""
        fields = [f for f in (self.current_pin, self.new_pin, self.new_pin_again) if f.isVisible()]
        following = fields[fields.index(field) + 1 :] if field in fields else []
        empty = next((f for f in following if not f.text()), None)
        if empty is not None:
            empty.setFocus()
        else:
            self.change_pin()

    def _current_pin_right(self) -> bool:
        if not has_pin(self.context.settings):
            return True
        result = check_pin(self.context.settings, self.current_pin.text(), utc_now())
        self.current_pin.clear()
        if result.ok:
            return True
        if result.locked_until is not None:
            minutes = max(1, round((result.locked_until - utc_now()).total_seconds() / 60))
            self._tell_pin(self.tr("Locked for {0} minutes after five wrong PINs.").format(minutes))
        else:
            self._tell_pin(
                self.tr("The current PIN is not right ({0} tries left).").format(result.attempts_left)
            )
        return False

    def change_pin(self) -> bool:
        new, again = self.new_pin.text(), self.new_pin_again.text()
        problem = pin_problem(new)
        if problem is None and new != again:
            problem = self.tr("The two new PINs are different: type the same PIN twice.")
        if problem is not None:
            self._tell_pin(problem)
            return False
        if not self._current_pin_right():
            return False
        set_pin(self.context.settings, new)
        for field in (self.new_pin, self.new_pin_again):
            field.clear()
        self._tell_pin(self.tr("✔ The new PIN is set. Keep it with the organiser."), "admitted")
        self._show_pin_state()
        return True

    def remove_pin(self) -> bool:
        if not self._current_pin_right():
            return False
        clear_pin(self.context.settings)
        self._tell_pin(self.tr("The PIN is removed; this desk is unprotected."), "warning_note")
        self._show_pin_state()
        return True
