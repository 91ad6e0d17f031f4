"""Large text: with the system's text at 200% on a 1280×720 screen, and at the normal size, no view, outcome,
dialog, kiosk page or wizard step cuts off words or draws one control over another (a view may scroll).

The text size is set for the whole process when Qt starts (QT_FONT_DPI=192 is what the desktop's 200% text
does: every point size doubles, the style sheets' too), so each size runs `large_text_scenes.py` in a
process of its own; doubling the application font inside this process would leave the style sheets' point
sizes as they are, and miss the words they make bigger.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from large_text_scenes import offscreen_screen
from layout_checks import layout_problems

SCENES = Path(__file__).with_name("large_text_scenes.py")


def findings(tmp_path: Path, dpi: int) -> dict[str, list[str]]:
    environment = dict(
        os.environ,
        QT_QPA_PLATFORM=offscreen_screen(tmp_path),
        QT_FONT_DPI=str(dpi),
        QT_ENABLE_HIGHDPI_SCALING="0",
        QT_SCALE_FACTOR="1",
    )
    run = subprocess.run(
        [sys.executable, str(SCENES)],
        env=environment,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize("dpi", [96, 192], ids=["normal text", "text at 200%"])
def test_no_words_cut_and_no_controls_overlap_at_normal_and_large_text(tmp_path, dpi):
    found = findings(tmp_path, dpi)
    # Every place a user goes was looked at: the views, the desk's outcomes, the dialogs, kiosk, wizard.
    assert {"desk-admitted", "desk-cancelled-rebook", "view-roll-call", "view-print-certificates"} <= set(
        found
    )
    assert {"dialog-sector", "dialog-programme", "dialog-guide", "kiosk-search", "wizard-step-4"} <= set(
        found
    )
    problems = {scene: lines for scene, lines in found.items() if lines}
    assert problems == {}, "\n".join(
        f"{scene}:\n  " + "\n  ".join(lines) for scene, lines in problems.items()
    )


def test_the_check_sees_words_cut_and_controls_drawn_over_each_other(qtbot):
    """The check itself: a button squeezed below its words, and two buttons placed on top of each other."""
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    squeezed = QPushButton("Book again and check in, with the PIN (F2)")
    squeezed.setFixedWidth(60)
    row.addWidget(squeezed)
    label = QLabel("Checked in 12 of 40")
    row.addWidget(label)
    window.resize(600, 80)
    window.show()
    qtbot.waitExposed(window)
    found = layout_problems(window)
    assert any("Book again" in line and "words cut" in line for line in found)
    assert not any("Checked in" in line for line in found)
    label.setGeometry(squeezed.geometry().translated(10, 0))  # as a layout squeezed too far places them
    assert any("overlap" in line for line in layout_problems(window))
