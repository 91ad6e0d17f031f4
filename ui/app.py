"""The desktop app's entry point and its first window: pick a session, scan or type a code, see the outcome."""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from checkin.database import Database, DatabaseError, open_database
from checkin.decide import OutcomeCode
from checkin.models import Method, Session
from checkin.registrations import session_by_code
from checkin.roster import session_summaries
from checkin.scanning import ScanResult, record_scan

# Colour is never alone: every outcome has its symbol and its words too.
OUTCOME_LOOK = {
    OutcomeCode.ADMITTED: ("#1b7f3b", "✔", "Welcome"),
    OutcomeCode.ALREADY_CHECKED_IN: ("#a86400", "⚠", "Already checked in"),
    OutcomeCode.WRONG_SESSION: ("#a86400", "⚠", "Wrong session"),
    OutcomeCode.CANCELLED: ("#b3261e", "✖", "Booking cancelled"),
    OutcomeCode.NOT_FOUND: ("#b3261e", "?", "Code not known here"),
    OutcomeCode.INVALID_CODE: ("#b3261e", "✖", "Not a valid badge"),
}


class DeskWindow(QMainWindow):
    def __init__(self, database: Database, desk: str, session_code: str | None = None) -> None:
        super().__init__()
        self.database = database
        self.desk = desk
        self.setWindowTitle(f"Check-in Desk — {desk}")
        self.resize(1100, 700)

        self.session_picker = QComboBox()
        self.session_picker.setMinimumWidth(420)
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.counts.setFont(QFont(self.font().family(), 14, QFont.Weight.Bold))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Session:")))
        top.addWidget(self.session_picker, 1)
        top.addWidget(self.counts)

        self.scan_input = QLineEdit()
        self.scan_input.setPlaceholderText(self.tr("Scan a badge, or type its code and press Enter"))
        self.scan_input.setFont(QFont(self.font().family(), 18))
        self.scan_input.returnPressed.connect(self._scan_entered)

        self.panel = QFrame()
        self.panel.setObjectName("resultPanel")
        self.panel.setMinimumHeight(320)
        self.symbol = QLabel()
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.symbol.setFont(QFont(self.font().family(), 64))
        self.headline = QLabel(self.tr("Ready to scan"))
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline.setFont(QFont(self.font().family(), 30, QFont.Weight.Bold))
        self.name = QLabel()
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name.setFont(QFont(self.font().family(), 26))
        self.detail = QLabel()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setFont(QFont(self.font().family(), 15))
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addStretch(1)
        for widget in (self.symbol, self.headline, self.name, self.detail):
            panel_layout.addWidget(widget)
        panel_layout.addStretch(1)

        layout = QVBoxLayout()
        layout.addLayout(top)
        layout.addWidget(self.scan_input)
        layout.addWidget(self.panel, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self._paint_panel("#455a64")

        self._load_sessions(session_code)
        self.session_picker.currentIndexChanged.connect(lambda _index: self._refresh_counts())
        self.scan_input.setFocus()

    def _load_sessions(self, session_code: str | None) -> None:
        with self.database.session() as db:
            summaries = session_summaries(db)
        for summary in summaries:
            when = summary.starts_at.astimezone().strftime("%a %d %b %Y")
            self.session_picker.addItem(
                f"{summary.code} — {summary.title}, {summary.venue}, {when}", summary.code
            )
        if session_code:
            index = self.session_picker.findData(session_code.upper(), flags=Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                self.session_picker.setCurrentIndex(index)
        self._refresh_counts()

    def current_session(self, db) -> Session | None:  # noqa: ANN001 - an ORM session
        code = self.session_picker.currentData()
        return session_by_code(db, code) if code else None

    def _refresh_counts(self) -> None:
        code = self.session_picker.currentData()
        with self.database.session() as db:
            summary = next((s for s in session_summaries(db) if s.code == code), None)
        if summary is None:
            self.counts.setText("")
            return
        expected = summary.booked
        self.counts.setText(self.tr("Checked in: {0} / {1}").format(summary.checked_in, expected))

    def _scan_entered(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        if not text.strip():
            return
        self.scan(text, Method.SCANNER)

    def scan(self, text: str, method: Method) -> ScanResult | None:
        with self.database.session() as db:
            session = self.current_session(db)
            if session is None:
                QMessageBox.information(self, self.tr("No session"), self.tr("Choose a session first."))
                return None
            result = record_scan(db, text, session, desk=self.desk, method=method)
        self.show_result(result)
        self._refresh_counts()
        return result

    def show_result(self, result: ScanResult) -> None:
        outcome = result.outcome
        colour, symbol, headline = OUTCOME_LOOK[outcome.code]
        self._paint_panel(colour)
        self.symbol.setText(symbol)
        self.headline.setText(self.tr(headline))
        delegate = outcome.delegate
        self.name.setText(delegate.display_name if delegate else "")
        lines = [] if outcome.admitted else [outcome.reason]
        if delegate is not None:
            if delegate.organisation:
                lines.insert(0, delegate.organisation)
            if delegate.access_needs:
                lines.append(self.tr("Access needs: {0}").format(delegate.access_needs))
            if delegate.dietary_needs:
                lines.append(self.tr("Dietary needs: {0}").format(delegate.dietary_needs))
        self.detail.setText("\n".join(lines))

    def _paint_panel(self, colour: str) -> None:
        self.panel.setStyleSheet(
            f"#resultPanel {{ background: {colour}; border-radius: 12px; }} #resultPanel QLabel {{ color: white; }}"
        )


def run_app(db_target: str | None, desk: str, session_code: str | None = None, kiosk: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Check-in Desk")
    try:
        database = open_database(db_target)
    except DatabaseError as error:
        QMessageBox.critical(None, "Check-in Desk", str(error))
        return 2
    fill_with_demo_when_empty(database)
    window = DeskWindow(database, desk, session_code)
    if kiosk:
        window.showFullScreen()
    else:
        window.show()
    return app.exec()


def fill_with_demo_when_empty(database: Database) -> None:
    from checkin.demo import create_demo

    with database.session() as db:
        if session_summaries(db):
            return
        create_demo(db)
        db.commit()
