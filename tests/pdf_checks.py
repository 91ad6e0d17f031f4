"""Reading printed badges back the way a person would: pages as pixels, QR codes decoded, ink located."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw

from checkin.printing.stocks import Rect, Stock

DPI = 300
POINTS_PER_MM = 72 / 25.4


def pixels_per_mm(dpi: int = DPI) -> float:
    return dpi / 25.4


def page_images(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    """Every page rendered by poppler (an independent renderer), greyscale."""
    prefix = pdf.parent / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
    paths = sorted(pdf.parent.glob(f"{pdf.stem}-page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    images = []
    for path in paths:
        with Image.open(path) as image:
            images.append(image.convert("L"))
    for path in paths:
        path.unlink()
    return images


@dataclass(frozen=True)
class FoundQR:
    text: str
    x_mm: float  # centre, from the page's left edge
    y_mm: float  # centre, from the page's top edge
    side_mm: float


def decode_qrs(image: Image.Image, dpi: int = DPI) -> list[FoundQR]:
    found = []
    scale = pixels_per_mm(dpi)
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = result.position
        xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
        ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
        found.append(
            FoundQR(
                result.text,
                sum(xs) / 4 / scale,
                sum(ys) / 4 / scale,
                (max(xs) - min(xs)) / scale,
            )
        )
    return found


def label_at(stock: Stock, x_mm: float, y_mm: float) -> int | None:
    """The position of the label on the page that contains the point, if any."""
    for position in range(stock.labels_per_page):
        rect = stock.label_rect(position)
        if rect.x <= x_mm <= rect.right and rect.y <= y_mm <= rect.bottom:
            return position
    return None


def ink_outside(image: Image.Image, rects: list[Rect], dpi: int = DPI, tolerance_px: int = 2) -> int:
    """How many pixels outside the rectangles are darker than paper (anti-aliasing allowed for)."""
    scale = pixels_per_mm(dpi)
    masked = image.copy()
    draw = ImageDraw.Draw(masked)
    for rect in rects:
        draw.rectangle(
            [
                rect.x * scale - tolerance_px,
                rect.y * scale - tolerance_px,
                rect.right * scale + tolerance_px,
                rect.bottom * scale + tolerance_px,
            ],
            fill=255,
        )
    return sum(masked.point(lambda value: 255 if value < 230 else 0).histogram()[255:])


def ink_inside(image: Image.Image, rect: Rect, dpi: int = DPI) -> int:
    scale = pixels_per_mm(dpi)
    crop = image.crop((rect.x * scale, rect.y * scale, rect.right * scale, rect.bottom * scale))
    return sum(crop.point(lambda value: 255 if value < 230 else 0).histogram()[255:])


def rect_in_points(rect: Rect) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) in PDF points from the page's top-left, as pdfplumber measures."""
    return (
        rect.x * POINTS_PER_MM,
        rect.y * POINTS_PER_MM,
        rect.right * POINTS_PER_MM,
        rect.bottom * POINTS_PER_MM,
    )
