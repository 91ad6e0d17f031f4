"""Reading QR badge codes out of a camera frame with zxing-cpp: fast enough for every frame a worker gets.

`decode_greyscale` knows nothing of Qt (it takes plain bytes), so it can be tested and timed alone;
`decode_qr` turns a `QImage` into those bytes, and `decode_frame` takes a camera's `QVideoFrame` the
cheapest way there is. Only QR codes are looked for: a badge is a QR code, and asking for every format
costs time and invites misreads of whatever else is in view.
"""

import zxingcpp

from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

_Pixel = QVideoFrameFormat.PixelFormat
#: Camera formats whose first plane is already an 8-bit greyscale picture (the Y of YUV).
_LUMA_PLANE = {
    _Pixel.Format_Y8,
    _Pixel.Format_NV12,
    _Pixel.Format_NV21,
    _Pixel.Format_YUV420P,
    _Pixel.Format_YUV422P,
    _Pixel.Format_YV12,
    _Pixel.Format_IMC1,
    _Pixel.Format_IMC2,
    _Pixel.Format_IMC3,
    _Pixel.Format_IMC4,
}
#: Packed 4:2:2 formats: where the first Y byte sits in each two-byte pixel.
_PACKED_LUMA_OFFSET = {_Pixel.Format_YUYV: 0, _Pixel.Format_UYVY: 1}

# Qt 6 has a fast path to Grayscale8 from RGBX8888 but not from RGB32 (what `QVideoFrame.toImage()`
# gives): measured on a 1280×720 frame, RGB32 → Grayscale8 takes 8–15 ms, RGB32 → RGBX8888 → Grayscale8
# about 1 ms.
_SLOW_TO_GREY = {
    QImage.Format.Format_RGB32,
    QImage.Format.Format_ARGB32,
    QImage.Format.Format_ARGB32_Premultiplied,
}


def decode_greyscale(pixels: bytes, width: int, height: int, row_stride: int) -> list[str]:
    """The text of every QR code in an 8-bit greyscale picture whose rows start `row_stride` bytes apart."""
    if width <= 0 or height <= 0:
        return []
    view = zxingcpp.ImageView(pixels, width, height, zxingcpp.ImageFormat.Lum, row_stride)
    return [barcode.text for barcode in zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormat.QRCode)]


def greyscale_bytes(image: QImage) -> tuple[bytes, int, int, int]:
    """An own copy of the picture's pixels in greyscale: (pixels, width, height, bytes per row).

    The copy matters: a memoryview of `constBits()` does not keep the (temporary) converted image alive.
    """
    if image.format() in _SLOW_TO_GREY:
        image = image.convertToFormat(QImage.Format.Format_RGBX8888)
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    row_stride = grey.bytesPerLine()
    pixels = bytes(grey.constBits()[: row_stride * grey.height()])
    return pixels, grey.width(), grey.height(), row_stride


def decode_qr(image: QImage) -> list[str]:
    """The text of every QR code in the picture; empty when there is none (or no picture)."""
    if image.isNull():
        return []
    pixels, width, height, row_stride = greyscale_bytes(image)
    return decode_greyscale(pixels, width, height, row_stride)


def _luma_of(frame: QVideoFrame) -> tuple[bytes, int] | None:
    """The Y (brightness) plane of a YUV camera frame and its bytes per row, copied; None for other formats."""
    pixel_format = frame.pixelFormat()
    if pixel_format not in _LUMA_PLANE and pixel_format not in _PACKED_LUMA_OFFSET:
        return None
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        row_stride = frame.bytesPerLine(0)
        pixels = bytes(frame.bits(0)[: row_stride * frame.height()])
    finally:
        frame.unmap()
    offset = _PACKED_LUMA_OFFSET.get(pixel_format)
    if offset is not None:
        return pixels[offset::2], row_stride // 2
    return pixels, row_stride


def decode_frame(frame: QVideoFrame | QImage) -> list[str]:
    """The QR codes in a camera frame: straight from its brightness plane when it has one (most webcams
    deliver YUV), else through `toImage()`."""
    if isinstance(frame, QImage):
        return decode_qr(frame)
    if not frame.isValid():
        return []
    luma = _luma_of(frame)
    if luma is not None:
        return decode_greyscale(luma[0], frame.width(), frame.height(), luma[1])
    return decode_qr(frame.toImage())
