"""Qt's own file dialog with the desk's scanner filter on: run by tests/test_x11_scan.py under a real X server.

Usage: typing_dialog.py FOLDER. Opens "Save the guide" in FOLDER (its file-name field completing from the
folder's names, as the Print view's Save dialog does), prints "SCAN <text>" for each scan the filter
catches and, when the dialog is accepted, "FILE <name typed>", then ends.
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog

from ui.input.scanner import ScannerFilter


def main(folder: str) -> int:
    app = QApplication(sys.argv)
    scanner = ScannerFilter()
    app.installEventFilter(scanner)
    scanner.scanned.connect(lambda text: print("SCAN", text, flush=True))
    dialog = QFileDialog(None, "Save the guide", folder, "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.fileSelected.connect(lambda path: print("FILE", Path(path).name, flush=True))
    dialog.show()
    dialog.activateWindow()
    return 0 if dialog.exec() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
