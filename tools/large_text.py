"""Screenshots of every view, desk outcome, dialog, kiosk page and wizard step with text at 200% on a
1280×720 screen, with what the large-text check finds in each (not shipped; kept out of the README).

Run: `QT_FONT_DPI=192 QT_ENABLE_HIGHDPI_SCALING=0 .venv/bin/python tools/large_text.py [FOLDER]` (default
/tmp/checkin-large-text). QT_FONT_DPI=192 is what the system's text scaling at 200% does: every point
size doubles, the screen stays 1280×720. Without QT_FONT_DPI it photographs the normal size. With
QT_SCALE_FACTOR=2 instead, the whole interface scales (a 1280×720 screen is then 640×360 of room).
The scenes and the check are the test's (`tests/large_text_scenes.py`, `tests/layout_checks.py`); look at
each picture all the same: nothing may be cut off or drawn over something else.
"""

import runpy
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"

if __name__ == "__main__":
    sys.path.insert(0, str(TESTS))
    sys.argv = [sys.argv[0], sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkin-large-text"]
    runpy.run_path(str(TESTS / "large_text_scenes.py"), run_name="__main__")
