"""The large outcome panel: colour, symbol, words and the person, so no one needs to see colour to read it."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from checkin.domain.decide import Outcome, OutcomeCode

# (background, symbol, headline). Amber and red differ in symbol and words as well as colour.
LOOKS = {
    OutcomeCode.ADMITTED: ("#1b6e3a", "✔", "Welcome"),
    OutcomeCode.ALREADY_CHECKED_IN: ("#9a5b00", "⚠", "Already checked in"),
    OutcomeCode.WRONG_SESSION: ("#9a5b00", "⇄", "Booked on another session"),
    OutcomeCode.CANCELLED: ("#a32019", "✖", "Booking cancelled"),
    OutcomeCode.NOT_FOUND: ("#a32019", "?", "Code not known at this desk"),
    OutcomeCode.INVALID_CODE: ("#a32019", "✖", "Not a valid badge"),
}
HIGH_CONTRAST_LOOKS = {
    OutcomeCode.ADMITTED: "#004d1a",
    OutcomeCode.ALREADY_CHECKED_IN: "#000000",
    OutcomeCode.WRONG_SESSION: "#000000",
    OutcomeCode.CANCELLED: "#7a0000",
    OutcomeCode.NOT_FOUND: "#7a0000",
    OutcomeCode.INVALID_CODE: "#7a0000",
}
READY_COLOUR = "#37474f"


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
        self._paint(READY_COLOUR)
        self.symbol.setText("▣")
        self.headline.setText(self.tr(text))
        for label in (self.name, self.organisation, self.reason, self.needs):
            label.clear()
        self.needs.hide()

    def show_outcome(self, outcome: Outcome) -> None:
        self.code = outcome.code
        colour, symbol, headline = LOOKS[outcome.code]
        self._paint(HIGH_CONTRAST_LOOKS[outcome.code] if self.high_contrast else colour)
        self.symbol.setText(symbol)
        self.headline.setText(self.tr(headline))
        delegate = outcome.delegate
        self.name.setText(delegate.display_name if delegate else "")
        self.organisation.setText(delegate.organisation if delegate else "")
        self.reason.setText("" if outcome.admitted else outcome.reason)
        needs = []
        if delegate is not None and delegate.access_needs:
            needs.append(self.tr("Access: {0}").format(delegate.access_needs))
        if delegate is not None and delegate.dietary_needs:
            needs.append(self.tr("Dietary: {0}").format(delegate.dietary_needs))
        self.needs.setText("\n".join(needs))
        self.needs.setVisible(bool(needs))

    def show_message(self, symbol: str, headline: str, detail: str = "") -> None:
        self.code = None
        self._paint(READY_COLOUR)
        self.symbol.setText(symbol)
        self.headline.setText(headline)
        self.name.clear()
        self.organisation.clear()
        self.needs.hide()
        self.reason.setText(detail)

    def _paint(self, colour: str) -> None:
        self.setStyleSheet(
            f"#resultPanel {{ background: {colour}; border-radius: 14px; }}"
            "#resultPanel QLabel { color: white; background: transparent; }"
            "#resultPanel QLabel#needs { background: rgba(255,255,255,0.16); border-radius: 8px; padding: 6px; }"
        )
