"""Shows every outcome state as people with protanopia, deuteranopia and tritanopia see it (not shipped).

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python tools/colour_vision.py [FOLDER]` (default
/tmp/checkin-colour-vision). It draws the desk's outcome panel in every state, the roll-call banner, the
sync indicator and the roster's labels, in both themes, saves them as `outcomes-*.png`, and saves each
again through the Machado, Oliveira & Fernandes (2009) simulation at full severity, applied in linear
light. Look at the results: every state must still be told apart by its symbol and words.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402

from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QToolButton, QWidget  # noqa: E402

from ui.base.palette import palette_for  # noqa: E402
from ui.base.theme import apply_theme  # noqa: E402
from ui.delegates.view import PILLS  # noqa: E402
from ui.desk.result_panel import LOOKS, ResultPanel  # noqa: E402
from ui.rollcall.view import LOOKS as MARK_LOOKS  # noqa: E402
from ui.rollcall.view import Banner  # noqa: E402
from ui.sync.status import CONNECTING, NO_HUB, OFFLINE, ONLINE  # noqa: E402

#: Machado et al. 2009, severity 1.0: linear RGB in, linear RGB out.
DEFICIENCIES = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
TO_LINEAR = [
    (v / 255 / 12.92) if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in range(256)
]


def _to_srgb(linear: float) -> int:
    linear = min(max(linear, 0.0), 1.0)
    value = linear * 12.92 if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055
    return round(value * 255)


def simulate(image: Image.Image, matrix: tuple[tuple[float, float, float], ...]) -> Image.Image:
    """The image as seen with the deficiency: each distinct colour converted once."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    seen: dict[tuple[int, int, int], bytes] = {}
    out = bytearray()
    for pixel in zip(data[0::3], data[1::3], data[2::3], strict=True):
        converted = seen.get(pixel)
        if converted is None:
            linear = [TO_LINEAR[channel] for channel in pixel]
            converted = seen[pixel] = bytes(
                _to_srgb(sum(weight * value for weight, value in zip(row, linear, strict=True)))
                for row in matrix
            )
        out += converted
    return Image.frombytes("RGB", rgb.size, bytes(out))


def outcome_sheet(high_contrast: bool) -> QWidget:
    """Every state that carries a colour, side by side."""
    apply_theme(QApplication.instance(), high_contrast=high_contrast)  # type: ignore[arg-type]
    colours = palette_for(high_contrast)
    sheet = QWidget()
    sheet.setStyleSheet(f"background: {colours.window};")
    grid = QGridLayout(sheet)
    for index, (_code, (role, symbol, headline)) in enumerate(LOOKS.items()):
        panel = ResultPanel(scale=0.45)
        panel.high_contrast = high_contrast
        panel._paint(role)  # noqa: SLF001 - a look without an Outcome to show
        panel.symbol.setText(symbol)
        panel.headline.setText(headline)
        panel.name.setText("Aoife Byrne")
        panel.setFixedSize(260, 190)
        grid.addWidget(panel, index // 5, index % 5)
    for index, (role, symbol, headline) in enumerate(MARK_LOOKS.values()):
        banner = Banner()
        banner.show_message(role, symbol, headline, "Morning")
        banner.setFixedSize(260, 70)
        grid.addWidget(banner, 2 + index // 5, index % 5)
    for index, (symbol, ink, background) in enumerate((ONLINE, OFFLINE, CONNECTING, NO_HUB)):
        button = QToolButton()
        words = ("Online — synced", "Offline — 3 waiting", "Connecting…", "No hub")[index]
        button.setText(f"{symbol} {words}")
        fill = colours.role(background) if background else "transparent"
        button.setStyleSheet(
            f"color: {colours.role(ink)}; background: {fill}; border-radius: 10px; padding: 3px 10px;"
            " font-weight: bold;"
        )
        grid.addWidget(button, 4, index)
    for index, (kind, (fill, ink)) in enumerate(PILLS.items()):
        pill = QLabel(str(kind))
        background = colours.role(fill) if fill else colours.surface
        pill.setStyleSheet(
            f"color: {colours.role(ink)}; background: {background}; border-radius: 8px; padding: 3px 8px;"
        )
        grid.addWidget(pill, 5 + index // 5, index % 5)
    return sheet


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkin-colour-vision")
    folder.mkdir(parents=True, exist_ok=True)
    for high_contrast in (False, True):
        theme = "high-contrast" if high_contrast else "normal"
        sheet = outcome_sheet(high_contrast)
        sheet.resize(1400, 760)
        sheet.show()
        for _ in range(5):
            app.processEvents()
        path = folder / f"outcomes-{theme}.png"
        sheet.grab().save(str(path))
        original = Image.open(path)
        for name, matrix in DEFICIENCIES.items():
            simulate(original, matrix).save(folder / f"outcomes-{theme}-{name}.png")
        sheet.close()
        print(f"{path} and its three simulations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
