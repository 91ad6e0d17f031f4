"""The desk's camera and sounds: QR reading from frames, dropping frames while busy, one scan per badge
held up, the panel without a camera, and a distinct sound for each kind of outcome."""

import threading
import time
import wave

import pytest
import qrcode
from PIL import Image
from tests_support import booked_people

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices, QVideoFrame, QVideoFrameFormat
from PySide6.QtWidgets import QApplication

from checkin.domain.decide import OutcomeCode
from checkin.domain.vocabulary import Method
from checkin.settings import Settings
from checkin.store.models import ScanLog
from ui.input.camera import PERMISSION_OFF, CameraPanel, QrReader, RepeatFilter, choose_camera
from ui.input.qr_decoding import decode_frame, decode_greyscale, decode_qr, greyscale_bytes
from ui.input.sounds import FAMILY_OF, EffectPlayer, OutcomeSounds, SoundFamily, sound_file

BADGE = "K7Q2M9X4PZ3R8TQW"


def camera_frame(text: str | None = BADGE, scale: float = 1.13) -> QImage:
    """1280×720, grey like a room, with the badge's QR slightly scaled (not a whole number of pixels per module)."""
    frame = Image.new("RGB", (1280, 720), (121, 126, 119))
    if text is not None:
        badge = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
        badge.add_data(text)
        badge.make(fit=True)
        picture = badge.make_image().get_image().convert("RGB")
        size = round(picture.width * scale)
        frame.paste(picture.resize((size, size), Image.Resampling.BILINEAR), (700, 180))
    image = QImage(frame.tobytes(), 1280, 720, 3 * 1280, QImage.Format.Format_RGB888).copy()
    # What `QVideoFrame.toImage()` gives.
    return image.convertToFormat(QImage.Format.Format_RGB32)


def video_frame(image: QImage, pixel_format: QVideoFrameFormat.PixelFormat) -> QVideoFrame:
    """The picture as a webcam delivers it: NV12 (brightness plane, then colour) or packed YUYV."""
    grey, width, height, row_stride = greyscale_bytes(image)
    frame = QVideoFrame(QVideoFrameFormat(QSize(width, height), pixel_format))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    first, stride = frame.bits(0), frame.bytesPerLine(0)
    for row in range(height):
        luma = grey[row * row_stride : row * row_stride + width]
        if pixel_format == QVideoFrameFormat.PixelFormat.Format_YUYV:
            packed = bytearray(b"\x80" * (2 * width))
            packed[0::2] = luma
            first[row * stride : row * stride + 2 * width] = bytes(packed)
        else:
            first[row * stride : row * stride + width] = luma
    if frame.planeCount() > 1:
        chroma = frame.bits(1)
        chroma[:] = b"\x80" * len(chroma)
    frame.unmap()
    return frame


# -- decoding -----------------------------------------------------------------------------------------


def test_decode_qr_finds_the_badge_in_a_camera_frame(qapp):
    assert decode_qr(camera_frame()) == [BADGE]


def test_decode_qr_finds_nothing_in_a_blank_frame(qapp):
    assert decode_qr(camera_frame(None)) == []
    assert decode_qr(QImage()) == []


def test_decode_qr_reads_any_image_format(qapp):
    image = camera_frame()
    for image_format in (
        QImage.Format.Format_RGB888,
        QImage.Format.Format_ARGB32_Premultiplied,
        QImage.Format.Format_RGBX8888,
        QImage.Format.Format_Grayscale8,
    ):
        assert decode_qr(image.convertToFormat(image_format)) == [BADGE], image_format


def test_the_greyscale_copy_outlives_the_image_it_came_from(qapp):
    pixels, width, height, row_stride = greyscale_bytes(camera_frame())
    # The converted image is gone by now; the bytes are our own.
    assert isinstance(pixels, bytes) and len(pixels) == row_stride * height
    assert decode_greyscale(pixels, width, height, row_stride) == [BADGE]


@pytest.mark.parametrize(
    "pixel_format",
    [QVideoFrameFormat.PixelFormat.Format_NV12, QVideoFrameFormat.PixelFormat.Format_YUYV],
)
def test_a_yuv_camera_frame_is_read_from_its_brightness(qapp, pixel_format):
    assert decode_frame(video_frame(camera_frame(), pixel_format)) == [BADGE]
    assert decode_frame(video_frame(camera_frame(None), pixel_format)) == []


def test_an_rgb_camera_frame_is_read_through_to_image(qapp):
    assert decode_frame(QVideoFrame(camera_frame())) == [BADGE]


# -- the reader on its worker --------------------------------------------------------------------------


def test_the_reader_drops_frames_while_it_is_busy(qtbot):
    """A worker held busy: every frame offered meanwhile is dropped, none waits in a queue."""
    gate = threading.Event()
    seen: list[QImage] = []

    def slow_decode(frame):
        seen.append(frame)
        gate.wait(5)
        return [BADGE]

    reader = QrReader(decode=slow_decode)
    with qtbot.waitSignal(reader.decoded) as decoded:
        assert reader.offer(camera_frame(None))
        for _ in range(50):
            assert not reader.offer(camera_frame(None))
        assert reader.busy and reader.frames_dropped == 50
        gate.set()
    assert decoded.args == [BADGE]
    qtbot.waitUntil(lambda: not reader.busy)
    assert len(seen) == 1 and reader.frames_read == 1  # the 50 dropped frames were never read
    assert reader.offer(camera_frame(None))  # free again: the next frame is taken
    qtbot.waitUntil(lambda: reader.frames_read == 2)
    assert reader.most_in_flight == 1
    reader.stop()


def test_frames_faster_than_the_decoder_are_dropped_not_queued(qtbot):
    """The real decoder fed far faster than any camera: it reads what it can, the rest is let go."""
    reader = QrReader()
    codes: list[str] = []
    reader.decoded.connect(codes.append)
    frame = camera_frame()
    offered = 300
    for _ in range(offered):
        reader.offer(frame)
        QApplication.processEvents()
        time.sleep(0.0002)
    # Nothing was waiting: the reader is free again within one decode.
    qtbot.waitUntil(lambda: not reader.busy, timeout=500)
    assert reader.frames_offered == offered
    assert reader.frames_read + reader.frames_dropped == offered
    assert reader.frames_read < offered / 3
    assert reader.most_in_flight == 1
    assert codes == [BADGE]  # the badge held in view for the whole burst is one scan
    reader.stop()


def test_the_same_code_is_ignored_for_three_seconds():
    now = [100.0]
    repeats = RepeatFilter(clock=lambda: now[0])
    assert repeats.accept("A")
    now[0] = 101.0
    assert not repeats.accept("A")
    assert repeats.accept("B")  # another badge is another scan
    now[0] = 102.9
    assert not repeats.accept("A")
    now[0] = 106.0  # 3.1 s since A was last in view
    assert repeats.accept("A")


def test_a_badge_kept_in_view_stays_one_scan():
    now = [0.0]
    repeats = RepeatFilter(clock=lambda: now[0])
    accepted = []
    for tick in range(40):  # ten seconds, seen every quarter second
        now[0] = tick * 0.25
        accepted.append(repeats.accept("A"))
    assert accepted.count(True) == 1


def test_the_reader_applies_the_repeat_filter(qtbot):
    now = [0.0]
    reader = QrReader(decode=lambda _frame: [BADGE], repeats=RepeatFilter(clock=lambda: now[0]))
    codes: list[str] = []
    reader.decoded.connect(codes.append)
    for moment in (0.0, 1.0, 2.5, 6.0):
        now[0] = moment
        reader.offer(camera_frame(None))
        qtbot.waitUntil(lambda: not reader.busy)
    assert codes == [BADGE, BADGE]  # at 0 s, and again at 6 s (3.5 s after it was last seen)
    reader.stop()


# -- the panel in the desk ----------------------------------------------------------------------------


def test_the_desk_admits_a_badge_the_camera_read(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    person = booked_people(database, code)[0]
    view = window.desk_view
    view.camera.decoded.emit(person.badge_code)
    qtbot.waitUntil(lambda: view.panel.code is OutcomeCode.ADMITTED)
    assert person.last_name in view.panel.name.text()
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))
    with database.session() as db:
        methods = [log.method for log in db.query(ScanLog).all()]
    assert methods == [Method.CAMERA.value]


def test_without_a_camera_the_panel_and_its_button_stay_out_of_the_way(scan_desk, qtbot):
    window, *_ = scan_desk
    if QMediaDevices.videoInputs():
        pytest.skip("this machine has a camera")
    camera = window.desk_view.camera
    assert not camera.isVisible() and camera.preview is None
    assert not camera.toggle_button.isEnabled()
    assert camera.toggle_button.toolTip() == "No camera found"
    camera.toggle_button.click()
    assert not camera.isVisible()


def test_f4_without_a_camera_says_so_and_never_prints_a_badge(scan_desk, qtbot):
    window, *_ = scan_desk
    if QMediaDevices.videoInputs():
        pytest.skip("this machine has a camera")
    view = window.desk_view
    printed = []
    view.badge_printer = printed.append
    view._offer_badge(42)  # a walk-in's badge is on offer: its own key is Ctrl+P, not the camera's F4
    assert view.print_badge_button.text() == "Print badge (Ctrl+P)"
    qtbot.keyClick(view.input, Qt.Key.Key_F4)
    assert (
        window.statusBar().currentMessage()
        == "No camera found: plug one in, or scan badges with the scanner."
    )
    assert printed == [] and not view.camera.isVisible()
    qtbot.keyClick(view.input, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [42]


def test_a_panel_without_a_camera_device_can_still_pass_codes_on(qtbot, tmp_path):
    panel = CameraPanel(Settings(tmp_path / "settings.json"), cameras=list)
    qtbot.addWidget(panel)
    assert not panel.has_camera and panel.isHidden()
    with qtbot.waitSignal(panel.decoded) as decoded:
        panel.reader.offer(camera_frame())
    assert decoded.args == [BADGE]
    panel.stop()


def test_choosing_a_camera_without_any_gives_none(qapp):
    assert choose_camera([], "") is None
    assert choose_camera([], "some-camera") is None


# -- sounds -------------------------------------------------------------------------------------------


def test_each_kind_of_outcome_has_its_own_short_clean_sound():
    assert set(FAMILY_OF) == set(OutcomeCode)
    assert FAMILY_OF[OutcomeCode.ADMITTED] is SoundFamily.ADMITTED
    assert {FAMILY_OF[OutcomeCode.ALREADY_CHECKED_IN], FAMILY_OF[OutcomeCode.WRONG_SESSION]} == {
        SoundFamily.WARNING
    }
    assert {
        FAMILY_OF[c] for c in (OutcomeCode.CANCELLED, OutcomeCode.NOT_FOUND, OutcomeCode.INVALID_CODE)
    } == {SoundFamily.REFUSED}
    files = {family: sound_file(family) for family in SoundFamily}
    assert len({path.read_bytes() for path in files.values()}) == 3  # three different sounds
    for path in files.values():
        with wave.open(str(path)) as sound:
            assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 44_100)
            assert sound.getnframes() / sound.getframerate() <= 0.5
            samples = sound.readframes(sound.getnframes())
        assert samples[:2] == b"\x00\x00" and samples[-2:] == b"\x00\x00"  # starts and ends silent: no click


class RecordingPlayer:
    def __init__(self) -> None:
        self.played: list[SoundFamily] = []

    def play(self, family: SoundFamily) -> None:
        self.played.append(family)


def test_the_desk_plays_the_outcome_sound_only_when_sounds_are_on(scan_desk, qtbot):
    window, _scanner, database, code = scan_desk
    view = window.desk_view
    player = RecordingPlayer()
    window.sounds.player = player
    people = booked_people(database, code)
    view.scan(people[0].badge_code)
    view.scan(people[0].badge_code)
    view.scan("12345678901234567890")
    assert player.played == [SoundFamily.ADMITTED, SoundFamily.WARNING, SoundFamily.REFUSED]
    window.context.settings.set("sounds", False)
    view.scan(people[1].badge_code)
    assert view.panel.code is OutcomeCode.ADMITTED
    assert len(player.played) == 3


def test_a_player_that_fails_never_stops_the_desk(qapp, tmp_path):
    class BrokenPlayer:
        def play(self, family: SoundFamily) -> None:
            raise RuntimeError("no audio device")

    sounds = OutcomeSounds(Settings(tmp_path / "settings.json"), BrokenPlayer())
    outcome = type("Outcome", (), {"code": OutcomeCode.ADMITTED})()
    sounds.play_outcome(outcome)  # logged, not raised


def test_the_real_player_loads_each_sound_once_and_plays_without_a_device(qapp):
    player = EffectPlayer()
    assert set(player.effects) == set(SoundFamily)
    for family, effect in player.effects.items():
        assert effect.source().toLocalFile() == str(sound_file(family))
        player.play(family)  # no audio device here: silently nothing


def test_frames_reach_the_reader_only_while_the_panel_is_on_screen(qtbot, tmp_path):
    panel = CameraPanel(Settings(tmp_path / "settings.json"), cameras=list)
    qtbot.addWidget(panel)
    frame = video_frame(camera_frame(), QVideoFrameFormat.PixelFormat.Format_NV12)
    panel._frame_arrived(frame)
    assert panel.reader.frames_offered == 0  # hidden: no one is looking, nothing is read
    panel.show()
    assert "No camera found" in panel.message.text()  # the device went away between button and start
    with qtbot.waitSignal(panel.decoded) as decoded:
        panel._frame_arrived(frame)
    assert decoded.args == [BADGE]
    panel.hide()
    panel.stop()


def test_a_refused_camera_permission_says_where_to_allow_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QApplication, "checkPermission", lambda _app, _permission: Qt.PermissionStatus.Denied)
    panel = CameraPanel(Settings(tmp_path / "settings.json"), cameras=list)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.message.text() == PERMISSION_OFF
    assert "System Settings → Privacy & Security → Camera" in panel.message.text()
