"""The Qt binding must survive a desk's day: PySide6 6.12.0 on CPython 3.11 drops a reference to None on
every Qt call that returns nothing, and the interpreter aborts ("deallocating None") after some tens of
thousands of such calls — clicks, repaints and refreshes of one busy morning. This guards the pin."""

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
for _ in range(300_000):
    widget.setEnabled(True)
print("survived")
"""


def test_a_long_day_of_qt_calls_does_not_crash_the_interpreter():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "survived"
