"""Two fields with the desk's scanner filter on: run by tests/test_x11_scan.py under a real X server.

Usage: typing_form.py. Opens "Typing form" with a plain field and a field whose completer pops up a list of
names as you type (the words of tests/test_typing_order.py), the plain field focused. Prints "READY <x> <y>"
once shown: a point on the screen inside the plain field, right of any text a test types (a click there
puts the cursor at the end), "SCAN <text>" for each scan the filter catches and, on Ctrl+Return,
"TEXT <json list of the two fields' texts>", then ends.
"""

import json
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QCompleter, QLineEdit, QVBoxLayout, QWidget

from ui.input.scanner import ScannerFilter

WORDS = ["guide", "guided walk", "guard", "walk-in", "walkers", "wild garden", "Nowak-Kowalska"]


def main() -> int:
    app = QApplication(sys.argv)
    scanner = ScannerFilter()
    app.installEventFilter(scanner)
    scanner.scanned.connect(lambda text: print("SCAN", text, flush=True))
    form = QWidget()
    form.setWindowTitle("Typing form")
    plain, completing = QLineEdit(), QLineEdit()
    completer = QCompleter(WORDS, form)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completing.setCompleter(completer)
    layout = QVBoxLayout(form)
    layout.addWidget(plain)
    layout.addWidget(completing)

    def done() -> None:
        print("TEXT", json.dumps([plain.text(), completing.text()]), flush=True)
        app.quit()

    QShortcut(QKeySequence("Ctrl+Return"), form, done)
    form.resize(420, 120)
    form.show()
    form.activateWindow()
    plain.setFocus()

    def ready() -> None:
        end = plain.mapToGlobal(plain.rect().center())
        end.setX(plain.mapToGlobal(plain.rect().topRight()).x() - 8)
        print("READY", end.x(), end.y(), flush=True)

    QTimer.singleShot(300, ready)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
