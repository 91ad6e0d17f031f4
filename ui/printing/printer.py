"""Printing a PDF at exact scale: the page size of the PDF, no margins, no fit-to-page, this printer's offset.

Each PDF page is rendered by QtPdf at (up to) the printer's resolution in bands, each band painted onto
white (QtPdf renders ARGB on transparent) and drawn at its exact size in millimetres from the paper's
corner, moved by the printer's calibration offset. The page itself is the PDF page's size: a standard
paper when it is one (so the printer picks the right tray), a custom size for a label printer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from checkin.errors import UserError
from checkin.settings import Settings

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0
#: Rendering finer than this adds memory and time, not sharpness anyone can see on a badge.
MAX_RENDER_DPI = 600
#: Rows rendered at a time, so an A4 page at 600 dpi never needs 140 MB at once.
BAND_ROWS = 1024
#: A page within this many points of a standard paper is that paper.
_PAPER_SLACK_PT = 1.5


class PrintingError(UserError):
    """A document that cannot be printed, or a printer that refused it; the message says what to do."""


# ---- the geometry (pure: no Qt) -------------------------------------------------------------------


def mm_to_device(millimetres: float, dpi: float) -> float:
    """Millimetres as device pixels at `dpi`."""
    return millimetres / MM_PER_INCH * dpi


def points_to_device(points: float, dpi: float) -> float:
    return points / POINTS_PER_INCH * dpi


@dataclass(frozen=True)
class PagePlacement:
    """Where a PDF page goes on the printer's paper, in device pixels from the paper's top-left corner."""

    x: float
    y: float
    width: float
    height: float


def place_page(
    page_w_pt: float, page_h_pt: float, dpi: float, offset_mm: tuple[float, float] = (0.0, 0.0)
) -> PagePlacement:
    """A page of `page_w_pt` × `page_h_pt` points at exact scale, moved right and down by `offset_mm`."""
    return PagePlacement(
        x=mm_to_device(offset_mm[0], dpi),
        y=mm_to_device(offset_mm[1], dpi),
        width=points_to_device(page_w_pt, dpi),
        height=points_to_device(page_h_pt, dpi),
    )


def render_dpi(printer_dpi: int) -> int:
    return max(72, min(printer_dpi, MAX_RENDER_DPI))


# ---- the printer ----------------------------------------------------------------------------------


def page_layout_for(size_pt: QSizeF) -> QPageLayout:
    """A full-page, zero-margin layout of exactly this size: a named paper when it is one, else custom."""
    width, height = size_pt.width(), size_pt.height()
    portrait = QSizeF(min(width, height), max(width, height))
    paper = QPageSize.id(portrait, QPageSize.Unit.Point, QPageSize.SizeMatchPolicy.FuzzyMatch)
    if paper != QPageSize.PageSizeId.Custom:
        named = QPageSize(paper).definitionSize()
        named_pt = QPageSize(paper).size(QPageSize.Unit.Point)
        close = (
            abs(named_pt.width() - portrait.width()) <= _PAPER_SLACK_PT
            and abs(named_pt.height() - portrait.height()) <= _PAPER_SLACK_PT
        )
        if close and not named.isEmpty():
            orientation = (
                QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
            )
            layout = QPageLayout(QPageSize(paper), orientation, QMarginsF(0, 0, 0, 0))
            layout.setMode(QPageLayout.Mode.FullPageMode)
            return layout
    # A label: the size as the label feeds, never turned, so the driver gets the media it is loaded with.
    custom = QPageSize(size_pt, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
    layout = QPageLayout(custom, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def prepare_printer(printer: QPrinter, first_page_pt: QSizeF, duplex: str | None = None) -> None:
    """Set the printer up for exact scale: full page, no margins, the document's page size, and the
    duplex the document asks for ("short-edge" / "long-edge") when the printer can do it."""
    printer.setFullPage(True)
    printer.setPageLayout(page_layout_for(first_page_pt))
    if duplex is None:
        printer.setDuplex(QPrinter.DuplexMode.DuplexNone)
        return
    wanted = (
        QPrinter.DuplexMode.DuplexShortSide if duplex == "short-edge" else QPrinter.DuplexMode.DuplexLongSide
    )
    info = QPrinterInfo.printerInfo(printer.printerName()) if printer.printerName() else QPrinterInfo()
    if not info.isNull() and wanted in info.supportedDuplexModes():
        printer.setDuplex(wanted)


def offset_for(settings: Settings, printer_name: str) -> tuple[float, float]:
    """This printer's calibration offset in mm (right, down); (0, 0) when it was never calibrated."""
    stored = settings.get("printer_offsets").get(printer_name)
    try:
        x, y = stored  # type: ignore[misc]
        return float(x), float(y)
    except (TypeError, ValueError):
        return 0.0, 0.0


def save_offset(settings: Settings, printer_name: str, offset_mm: tuple[float, float]) -> None:
    offsets = settings.get("printer_offsets")
    offsets[printer_name] = [round(offset_mm[0], 2), round(offset_mm[1], 2)]
    settings.set("printer_offsets", offsets)


def pages_chosen(printer: QPrinter, page_count: int) -> list[int]:
    """The pages (from 0) the print dialog asked for: all, or a from–to range."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or page_count, page_count)
        return list(range(first - 1, last))
    return list(range(page_count))


def _band_on_white(document: QPdfDocument, page: int, full: QSize, top: int, rows: int) -> QImage:
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(full)
    options.setScaledClipRect(QRect(0, top, full.width(), rows))
    band = document.render(page, QSize(full.width(), rows), options)
    white = QImage(full.width(), rows, QImage.Format.Format_RGB32)
    white.fill(Qt.GlobalColor.white)
    painter = QPainter(white)
    painter.drawImage(0, 0, band)
    painter.end()
    return white


def print_document(
    pdf_path: Path | str,
    printer: QPrinter,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    *,
    pages: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Print the PDF's pages at exact scale on `printer` (set up by the caller: name, copies, range) and
    return how many pages went. `progress(done, total)` may raise to cancel: the job is then aborted.
    Safe on a worker thread: it opens its own QPdfDocument."""
    document = QPdfDocument()
    error = document.load(str(pdf_path))
    if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
        raise PrintingError(f"The document to print could not be opened ({error.name}): make it again.")
    wanted = list(pages) if pages is not None else list(range(document.pageCount()))
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    sequence = [page for _copy in range(copies) for page in wanted]
    printer.setFullPage(True)
    printer.setPageLayout(page_layout_for(document.pagePointSize(sequence[0])))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintingError(
            f"The printer {printer.printerName() or printer.outputFileName()!r} did not start the job: "
            "check that it is switched on and connected, then try again."
        )
    try:
        device_dpi = printer.resolution()
        dpi = render_dpi(device_dpi)
        for done, page in enumerate(sequence):
            if progress is not None:
                progress(done, len(sequence))
            size_pt = document.pagePointSize(page)
            if done:
                if size_pt != document.pagePointSize(sequence[done - 1]):
                    printer.setPageLayout(page_layout_for(size_pt))
                printer.newPage()
            _paint_page(painter, document, page, size_pt, device_dpi, dpi, offset_mm)
        if progress is not None:
            progress(len(sequence), len(sequence))
    except BaseException:
        printer.abort()
        painter.end()
        raise
    painter.end()
    return len(sequence)


def _paint_page(
    painter: QPainter,
    document: QPdfDocument,
    page: int,
    size_pt: QSizeF,
    device_dpi: int,
    dpi: int,
    offset_mm: tuple[float, float],
) -> None:
    target = place_page(size_pt.width(), size_pt.height(), device_dpi, offset_mm)
    full = QSize(
        round(points_to_device(size_pt.width(), dpi)), round(points_to_device(size_pt.height(), dpi))
    )
    # Rendered rows are whole pixels; each band is drawn where its rows fall on the exact-size page.
    scale_y = target.height / full.height()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, dpi != device_dpi)
    for top in range(0, full.height(), BAND_ROWS):
        rows = min(BAND_ROWS, full.height() - top)
        band = _band_on_white(document, page, full, top, rows)
        painter.drawImage(
            QRectF(QPointF(target.x, target.y + top * scale_y), QSizeF(target.width, rows * scale_y)), band
        )
