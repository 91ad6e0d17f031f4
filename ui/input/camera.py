"""The desk's camera: a small live preview that reads QR badges held up to it and hands each code on once.

Frames arrive on the GUI thread; a `QrReader` decodes them on its own thread, one at a time, and drops
every frame that arrives while it is busy (a queue of frames would only make the desk lag behind the
badge). A `RepeatFilter` turns a badge held in front of the camera for a while into one scan.
"""

import contextlib
import logging
import time
from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCamera, QCameraDevice, QMediaCaptureSession, QMediaDevices, QVideoFrame
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from checkin.settings import Settings
from ui.input.qr_decoding import decode_frame

log = logging.getLogger(__name__)

#: A code seen again within this many seconds of its last sighting is the same badge still held up.
REPEAT_HOLD_SECONDS = 3.0
PREVIEW_WIDTH = 360

NO_CAMERA = "No camera found: plug one in, or scan badges with the scanner."
PERMISSION_OFF = (
    "Camera access is turned off for Check-in Desk: allow it in System Settings → Privacy & Security → Camera"
)


class RepeatFilter:
    """Passes a code on unless the same code was read less than `hold` seconds ago.

    Every sighting renews the hold, so a badge left in view stays one scan however long it stays there;
    once it has been out of view for `hold` seconds, showing it again is a new scan (the desk then says
    "already checked in", which is what the person at the desk needs to hear).
    """

    def __init__(
        self, hold: float = REPEAT_HOLD_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.hold = hold
        self.clock = clock
        self._last_seen: dict[str, float] = {}

    def accept(self, text: str) -> bool:
        now = self.clock()
        self._last_seen = {t: at for t, at in self._last_seen.items() if now - at < self.hold}
        fresh = text not in self._last_seen
        self._last_seen[text] = now
        return fresh


class _Delivery(QObject):
    """Carries a read frame's codes from the pool's thread back to the reader on the GUI thread."""

    read = Signal(list)


class _ReadFrame(QRunnable):
    def __init__(
        self,
        frame: QVideoFrame | QImage,
        decode: Callable[[QVideoFrame | QImage], list[str]],
        delivery: _Delivery,
    ) -> None:
        super().__init__()
        self.frame: QVideoFrame | QImage | None = frame
        self.decode = decode
        self.delivery = delivery

    def run(self) -> None:
        frame, self.frame = self.frame, None  # let the camera's buffer go once read, not when collected
        try:
            texts = self.decode(frame) if frame is not None else []
        except Exception:  # a frame we could not read is our bug, but the next frame deserves a try
            log.exception("could not read a camera frame")
            texts = []
        with contextlib.suppress(RuntimeError):  # the reader went away while this frame was being read
            self.delivery.read.emit(texts)


class QrReader(QObject):
    """Reads QR codes from frames on its own one-thread pool, at most one frame at a time.

    `offer(frame)` is called on the GUI thread for every frame; while a frame is being read, new ones are
    counted in `frames_dropped` and let go, so nothing ever queues up. `decoded` carries each new code
    (after the repeat filter) on the GUI thread.
    """

    decoded = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        decode: Callable[[QVideoFrame | QImage], list[str]] = decode_frame,
        repeats: RepeatFilter | None = None,
    ) -> None:
        super().__init__(parent)
        self.repeats = repeats or RepeatFilter()
        self.frames_offered = 0
        self.frames_dropped = 0
        self.frames_read = 0
        #: The most frames ever handed to the worker and not yet read back: 1 by design, never more.
        self.most_in_flight = 0
        self._in_flight = 0
        self._decode = decode
        # Its own pool, not the global one: a long import must not starve the camera, and the pool's
        # destructor waits for the frame in hand, so the reader can go at any moment.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._delivery = _Delivery(self)
        self._delivery.read.connect(self._frame_read, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._in_flight > 0

    def offer(self, frame: QVideoFrame | QImage) -> bool:
        """Hand a frame to the worker if it is free; False when the frame was dropped."""
        self.frames_offered += 1
        if self._in_flight:
            self.frames_dropped += 1
            return False
        self._in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self._in_flight)
        # A copy of the frame handle shares its pixels and keeps them alive until the worker is done.
        held = QVideoFrame(frame) if isinstance(frame, QVideoFrame) else frame
        self._pool.start(_ReadFrame(held, self._decode, self._delivery))
        return True

    @Slot(list)
    def _frame_read(self, texts: list[str]) -> None:
        self._in_flight = max(self._in_flight - 1, 0)
        self.frames_read += 1
        for text in texts:
            if self.repeats.accept(text):
                self.decoded.emit(text)

    def stop(self) -> None:
        """Wait for the frame in hand (one decode, a few milliseconds)."""
        self._pool.waitForDone()


def available_cameras() -> list[QCameraDevice]:
    return list(QMediaDevices.videoInputs())


def camera_key(device: QCameraDevice) -> str:
    """What the `camera_id` setting stores for a camera."""
    return bytes(device.id().data()).decode("utf-8", "replace")


def choose_camera(devices: list[QCameraDevice], camera_id: str) -> QCameraDevice | None:
    """The camera the setting names (by id, or by its description), else the system's default, else the first."""
    if not devices:
        return None
    if camera_id:
        for device in devices:
            if camera_id in (camera_key(device), device.description()):
                return device
    default = QMediaDevices.defaultVideoInput()
    if not default.isNull():
        for device in devices:
            if device.id() == default.id():
                return device
    return devices[0]


class CameraPanel(QFrame):
    """A small camera preview for the desk, shown with its `toggle_button` (F4) and hidden without a camera.

    The camera runs only while the panel is on screen. Codes read come out of `decoded`, once per badge.
    """

    decoded = Signal(str)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        cameras: Callable[[], list[QCameraDevice]] = available_cameras,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cameraPanel")
        self.settings = settings
        self._cameras = cameras
        self.camera: QCamera | None = None
        self._capture: QMediaCaptureSession | None = None
        self.preview: QWidget | None = None  # a QVideoWidget, made when a camera first starts
        self.setFixedWidth(PREVIEW_WIDTH + 24)

        self.toggle_button = QPushButton(self.tr("Camera (F4)"))
        self.toggle_button.setObjectName("cameraToggle")
        self.toggle_button.setCheckable(True)  # F4 is the desk's shortcut: it says so when there is no camera
        self.toggle_button.setMinimumHeight(40)
        self.toggle_button.toggled.connect(self.setVisible)

        self.title = QLabel(self.tr("Camera"))
        self.title.setObjectName("cameraTitle")
        self.message = QLabel()
        self.message.setObjectName("cameraMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self._layout.addWidget(self.title)
        self._layout.addStretch(1)
        self._layout.addWidget(self.message)
        self._layout.addStretch(1)

        self.reader = QrReader(self)
        self.reader.decoded.connect(self.decoded)

        self.hide()
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self.refresh_cameras)
        self.refresh_cameras()

    # -- which camera -------------------------------------------------------------------------------

    @property
    def has_camera(self) -> bool:
        return self.toggle_button.isEnabled()

    def refresh_cameras(self) -> None:
        """Offer the camera button only when there is a camera (one plugged in later appears here too)."""
        found = bool(self._cameras())
        self.toggle_button.setEnabled(found)
        if found:
            self.toggle_button.setToolTip(self.tr("Show the camera and scan badges held up to it (F4)"))
        else:
            self.toggle_button.setToolTip(self.tr("No camera found"))
            self.toggle_button.setChecked(False)
            self.hide()

    # -- running ------------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's signature
        super().showEvent(event)
        self.start()

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's signature
        # Also when the desk is switched away from or the window minimised: no camera nobody looks at.
        self.stop()
        super().hideEvent(event)

    def start(self) -> None:
        if self.camera is not None and self.camera.isActive():
            return
        app = QApplication.instance()
        permission_type = getattr(QtCore, "QCameraPermission", None)
        if permission_type is None or app is None or not hasattr(app, "checkPermission"):
            self._open_camera()
            return
        status = app.checkPermission(permission_type())
        if status == Qt.PermissionStatus.Granted:
            self._open_camera()
        elif status == Qt.PermissionStatus.Denied:
            self.show_message(self.tr(PERMISSION_OFF))
        else:
            self.show_message(self.tr("Waiting for permission to use the camera…"))
            app.requestPermission(permission_type(), self, lambda *_: self._permission_answered())

    def _permission_answered(self) -> None:
        app = QApplication.instance()
        permission_type = getattr(QtCore, "QCameraPermission", None)
        if app is None or permission_type is None:
            return
        if app.checkPermission(permission_type()) == Qt.PermissionStatus.Granted:
            if self.isVisible():
                self._open_camera()
        else:
            self.show_message(self.tr(PERMISSION_OFF))

    def _open_camera(self) -> None:
        device = choose_camera(self._cameras(), self.settings.get("camera_id"))
        if device is None:
            self.show_message(self.tr(NO_CAMERA))
            return
        if self.camera is None or self.camera.cameraDevice().id() != device.id():
            self._build_camera(device)
        assert self.camera is not None
        self.show_message("")
        self.camera.start()

    def _build_camera(self, device: QCameraDevice) -> None:
        from PySide6.QtMultimediaWidgets import QVideoWidget

        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
        self.camera = QCamera(device, self)
        self.camera.errorOccurred.connect(self._camera_failed)
        if self._capture is None:
            self._capture = QMediaCaptureSession(self)
            preview = QVideoWidget()
            preview.setObjectName("cameraPreview")
            preview.setFixedSize(PREVIEW_WIDTH, PREVIEW_WIDTH * 9 // 16)
            preview.setAccessibleName(self.tr("Camera preview"))
            self._layout.insertWidget(1, preview)
            self._capture.setVideoOutput(preview)
            preview.videoSink().videoFrameChanged.connect(self._frame_arrived)
            self.preview = preview
        self._capture.setCamera(self.camera)

    def _frame_arrived(self, frame: QVideoFrame) -> None:
        if frame.isValid() and self.isVisible():
            self.reader.offer(frame)

    def _camera_failed(self, _error: QCamera.Error, description: str) -> None:
        log.warning("camera error: %s", description)
        text = self.tr(
            "The camera could not be used ({0}). Close any other program using it, then press F4 twice."
        ).format(description or self.tr("no reason given"))
        self.show_message(text)

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        self.reader.stop()

    def show_message(self, text: str) -> None:
        """A sentence in place of the preview (empty: the preview again)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if self.preview is not None:
            self.preview.setVisible(not text)
