"""The large outcome panel: colour, symbol, words and the person, so no one needs to see colour to read it."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from checkin.domain.decide import Outcome, OutcomeCode
from ui.base.accessibility import announce
from ui.base.palette import palette_for

# (colour role, symbol, headline). Amber and red differ in symbol and words as well as colour.
LOOKS = {
    OutcomeCode.ADMITTED: ("admitted", "✔", "Welcome"),
    OutcomeCode.ALREADY_CHECKED_IN: ("warning", "⚠", "Already checked in"),
    OutcomeCode.WRONG_SESSION: ("warning", "⇄", "Booked on another session"),
    OutcomeCode.NOT_TODAY: ("warning", "▦", "Not today"),  # a calendar page: the day is wrong
    OutcomeCode.CANCELLED: ("refused", "✖", "Booking cancelled"),
    OutcomeCode.NOT_FOUND: ("refused", "?", "Code not known at this desk"),
    OutcomeCode.INVALID_CODE: ("refused", "✖", "Not a valid badge"),
    OutcomeCode.NEEDS_UPDATE: ("refused", "↻", "Update this desk"),
    OutcomeCode.NOT_CONFIRMED: ("warning", "◷", "Booking not confirmed yet"),
    OutcomeCode.REVOKED: ("refused", "⊘", "Replaced code: does not admit"),
}


def _label(size: int, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class ResultPanel(QFrame):
    def __init__(self, parent: QWidget | None = None, *, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setObjectName("resultPanel")
        # A screen reader finds the outcome here; each new one is also said as it appears (announce).
        self.setAccessibleName(self.tr("Scan outcome"))
        self.high_contrast = False
        self.symbol = _label(int(56 * scale), bold=True)
        self.headline = _label(int(28 * scale), bold=True)
        self.name = _label(int(30 * scale), bold=True)
        self.organisation = _label(int(17 * scale))
        self.reason = _label(int(14 * scale))
        self.needs = _label(int(16 * scale), bold=True)
        self.needs.setObjectName("needs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addStretch(1)
        for widget in (self.symbol, self.headline, self.name, self.organisation, self.needs, self.reason):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.show_ready()

    def show_ready(self, text: str = "Ready to scan") -> None:
        self.code: OutcomeCode | None = None
        self._paint("neutral")
        self.symbol.setText("▣")
        self.headline.setText(self.tr(text))
        for label in (self.name, self.organisation, self.reason, self.needs):
            label.clear()
        self.needs.hide()

    def show_outcome(self, outcome: Outcome, *, overridden: bool = False) -> None:
        """An outcome; `overridden` when the organiser admitted a refusal anyway (the refusal is shown too)."""
        self.code = outcome.code
        role, symbol, headline = LOOKS[outcome.code]
        self._paint(role)
        self.symbol.setText(symbol)
        self.headline.setText(self.tr("Admitted anyway") if overridden else self.tr(headline))
        delegate = outcome.delegate
        self.name.setText(delegate.display_name if delegate else "")
        self.organisation.setText(delegate.organisation if delegate else "")
        self.reason.setText(outcome.reason if overridden or not outcome.admitted else "")
        needs = []
        if delegate is not None and delegate.access_needs:
            needs.append(self.tr("Access: {0}").format(delegate.access_needs))
        if delegate is not None and delegate.dietary_needs:
            needs.append(self.tr("Dietary: {0}").format(delegate.dietary_needs))
        self.needs.setText("\n".join(needs))
        self.needs.setVisible(bool(needs))

    def show_message(self, symbol: str, headline: str, detail: str = "") -> None:
        self.code = None
        self._paint("neutral")
        self.symbol.setText(symbol)
        self.headline.setText(headline)
        self.name.clear()
        self.organisation.clear()
        self.needs.hide()
        self.reason.setText(detail)
        announce(self, self.words())

    def words(self) -> str:
        """What the panel shows, as a screen reader says it: the outcome, the person, their needs, why."""
        parts = [self.headline.text(), self.name.text(), self.organisation.text(), self.reason.text()]
        if not self.needs.isHidden():
            parts.insert(3, self.needs.text())
        return ". ".join(part.replace("\n", ". ") for part in parts if part.strip())

    def _paint(self, role: str) -> None:
        colours = palette_for(self.high_contrast)
        self.setStyleSheet(
            colours.sheet(
                f"#resultPanel {{ background: ${role}; border-radius: 14px; }}"
                "#resultPanel QLabel { color: $on_colour; background: transparent; }"
                "#resultPanel QLabel#needs { background: $needs_wash; border-radius: 8px; padding: 6px; }"
            )
        )
