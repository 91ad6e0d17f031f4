"""Draws the app icon (a white badge with a check mark on a teal rounded square) as PNG and ICO.

Run once when the icon changes: `.venv/bin/python packaging/make_icon.py`. Writes
resources/images/icon.png (256×256, the window and Linux desktop icon) and packaging/windows/icon.ico.
macOS wants an .icns: see the README's "Building the bundle" (iconutil from this PNG).
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SIZE = 1024  # drawn large, then scaled down, so the curves come out smooth
TEAL = (0, 121, 107, 255)  # the theme's accent, #00796b
TEAL_DARK = (0, 84, 74, 255)
WHITE = (255, 255, 255, 255)


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((32, 32, SIZE - 32, SIZE - 32), radius=200, fill=TEAL)
    badge = (252, 236, 772, 880)
    pen.rounded_rectangle(
        tuple(v + d for v, d in zip(badge, (14, 18, 14, 18), strict=True)), radius=70, fill=TEAL_DARK
    )
    pen.rounded_rectangle(badge, radius=70, fill=WHITE)
    pen.rounded_rectangle((432, 290, 592, 326), radius=18, fill=TEAL)  # the slot the clip goes through
    pen.rounded_rectangle((462, 130, 562, 310), radius=36, fill=WHITE)  # the lanyard clip
    pen.rounded_rectangle((490, 160, 534, 240), radius=18, fill=TEAL)
    tick = [(366, 590), (474, 700), (668, 448)]
    pen.line(tick, fill=TEAL, width=78, joint="curve")
    for x, y in (tick[0], tick[-1]):  # round the stroke's ends
        pen.ellipse((x - 39, y - 39, x + 39, y + 39), fill=TEAL)
    return image


def main() -> None:
    icon = draw().resize((256, 256), Image.Resampling.LANCZOS)
    icon.save(ROOT / "resources" / "images" / "icon.png", optimize=True)
    sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    icon.save(ROOT / "packaging" / "windows" / "icon.ico", sizes=sizes)


if __name__ == "__main__":
    main()
