"""The Print view and printing at exact scale: previews, printer geometry, QR codes read back from what a
printer was sent, the calibration page, and a walk-in's badge in two clicks."""

import math
from pathlib import Path

import pdfplumber
import pytest
from pdf_checks import decode_qrs, page_images, pixels_per_mm
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from checkin.desk.bookings import session_by_code
from checkin.desk.roster import session_roster
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.printing.badges import render_badges
from checkin.printing.calibration import write_calibration_page
from checkin.printing.stocks import stock_named
from checkin.settings import Settings
from checkin.store.models import PrintLog
from ui.delegates.roster_model import BADGE
from ui.printing.printer import mm_to_device, offset_for, place_page, print_document, save_offset

POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def wide_demo_window(open_demo_window):
    """A 1366×768 main window on the demo programme: (window, database, session code)."""
    window, _scanner, database, code, _settings = open_demo_window(size=(1366, 768))
    return window, database, code


def pdf_printer(path: Path, dpi: int = 600) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return printer


def to_pdf(printer: QPrinter, folder: Path) -> bool:
    """The print dialog answered with Print into a PDF file in `folder` (coarse: only counts matter)."""
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(folder / "printed.pdf"))
    printer.setResolution(72)
    return True


def active_people(database, code):
    with database.session() as db:
        return [e for e in session_roster(db, session_by_code(db, code)) if e.status in ACTIVE_STATUSES]


def test_badges_made_in_the_view_show_in_the_preview_page_by_page(
    wide_demo_window, qtbot, tmp_path, monkeypatch
):
    from ui.printing.view import PrintView

    window, database, code = wide_demo_window
    monkeypatch.setattr(PrintView, "choose_printer", lambda _view, printer, _pages: to_pdf(printer, tmp_path))
    window.show_view("Print")
    view = window.views["Print"]
    assert view.current_kind() == "badges" and view.current_stock().name == "avery-l4785"
    view.sheet.start_chosen.emit(3)  # a click on the third label of the diagram
    assert view.start_spin.value() == 3
    people = len(active_people(database, code))
    with qtbot.waitSignal(view.document_ready, timeout=30000) as made:
        view.make_preview()
    job = made.args[0]
    assert view.document.pageCount() == math.ceil((people + 2) / 10)
    assert view.page_label.text() == f"Page 1 of {view.document.pageCount()}"
    assert job.summary.startswith(f"{people} badges on ")
    assert job.next_label == (2 + people) % 10 + 1
    assert view.print_button.isEnabled() and view.save_button.isEnabled()
    view.go_to_page(1)
    qtbot.waitUntil(lambda: view.current_page() == 1)

    # A preview is not a print, nor is a saved PDF: until it is printed, no one counts as having a badge.
    view.unprinted_radio.setChecked(True)
    with qtbot.waitSignal(view.document_ready, timeout=30000) as again:
        view.make_preview()
    assert again.args[0].summary.startswith(f"{people} badges on ")
    assert view.save_pdf(tmp_path / "everyone.pdf") is not None
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(PrintLog)) == 0
    with qtbot.waitSignal(view.printed, timeout=60000):
        view.print_job()  # the print dialog answered with a PDF printer
    with database.session() as db:
        assert db.scalars(select(PrintLog.reprint)).all() == [False] * people
    # Now everyone has one: "only those without one" has nothing to do.
    view.make_preview()
    qtbot.waitUntil(lambda: view.operation is None, timeout=30000)
    assert view.job is None and "No badges to print" in view.message.text()


def badge_column(window, qtbot) -> dict[int, str]:
    """What the Delegates view's Badge column says, by booking, once the list read in the background is in."""
    model = window.views["Delegates"].model
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.loading)
    return {
        model.row_at(row).registration_id: model.index(row, BADGE).data() for row in range(model.rowCount())
    }


def test_chosen_delegates_and_save_as_pdf(wide_demo_window, qtbot, tmp_path):
    window, database, code = wide_demo_window
    window.show_view("Delegates")
    assert set(badge_column(window, qtbot).values()) == {"Not printed"}
    window.show_view("Print")
    view = window.views["Print"]
    people = active_people(database, code)[:3]
    view.set_chosen([p.registration_id for p in people])
    assert view.chosen_radio.isChecked() and "3 chosen" in view.choose_button.text()
    view.start_spin.setValue(1)
    with qtbot.waitSignal(view.document_ready, timeout=30000):
        view.make_preview()
    assert view.document.pageCount() == 1
    target = view.save_pdf(tmp_path / "three.pdf")
    assert target is not None and target.read_bytes() == view.job.path.read_bytes()
    found = sorted(qr.text for qr in decode_qrs(page_images(target)[0]))
    assert found == sorted(p.badge_code for p in people)
    # Saved is not printed (it may be printed later, elsewhere, or never): no label used, no one counted...
    assert window.context.settings.get("next_labels") == {}
    assert set(badge_column(window, qtbot).values()) == {"Not printed"}
    # ...until the organiser says the saved badges were printed; the Delegates view (open since the start)
    # says so, and this desk's sheet is untouched.
    with qtbot.waitSignal(view.badges_logged):  # logged in the background
        qtbot.mouseClick(view.count_saved_button, Qt.MouseButton.LeftButton)
    assert window.context.settings.get("next_labels") == {}
    window.show_view("Delegates")
    qtbot.waitUntil(lambda: {badge_column(window, qtbot)[p.registration_id] for p in people} == {"Printed"})
    assert list(badge_column(window, qtbot).values()).count("Printed") == 3


def test_the_guide_and_registers_are_made_too(wide_demo_window, qtbot):
    window, _database, _code = wide_demo_window
    view = window.views["Print"]
    view.set_kind("guide")
    view.layout_picker.setCurrentIndex(view.layout_picker.findData("a6-booklet"))
    with qtbot.waitSignal(view.document_ready, timeout=30000) as made:
        view.make_preview()
    assert made.args[0].duplex == "short-edge" and view.document.pageCount() == 2
    for kind in ("register", "signin"):
        view.set_kind(kind)
        with qtbot.waitSignal(view.document_ready, timeout=30000):
            view.make_preview()
        assert view.document.pageCount() >= 1


def test_a_cancelled_document_never_shows(wide_demo_window, qtbot):
    window, _database, _code = wide_demo_window
    view = window.views["Print"]
    view.make_preview()
    view.cancel()
    assert view.make_button.isEnabled() and not view.busy_row.isVisible()
    qtbot.wait(2500)  # long enough for the badges to be finished in the background
    assert view.job is None and view.message.text() == "Cancelled."


def test_millimetres_become_device_pixels_with_the_offset():
    assert mm_to_device(25.4, 300) == pytest.approx(300)
    placement = place_page(595.2756, 841.8898, 300, (1.5, -2.0))
    assert placement.x == pytest.approx(17.7165, abs=1e-3)  # +1.5 mm at 300 dpi
    assert placement.y == pytest.approx(-23.622, abs=1e-3)
    assert placement.width == pytest.approx(2480.315, abs=1e-2)  # 210 mm
    assert placement.height == pytest.approx(3507.874, abs=1e-2)  # 297 mm
    assert place_page(175.748, 283.465, 203).x == 0


def test_offsets_are_kept_per_printer(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    assert offset_for(settings, "Brother_QL-820NWB") == (0.0, 0.0)
    save_offset(settings, "Brother_QL-820NWB", (0.8, -1.25))
    assert offset_for(Settings(tmp_path / "settings.json"), "Brother_QL-820NWB") == (0.8, -1.25)
    assert offset_for(settings, "Office laser") == (0.0, 0.0)


@pytest.mark.parametrize("stock_name", ["brother-ql-62x100", "avery-l4785"])
def test_printing_keeps_the_page_size_and_moves_the_qr_by_the_offset(wide_demo_window, tmp_path, stock_name):
    _window, database, code = wide_demo_window
    stock = stock_named(stock_name)
    person = active_people(database, code)[0]
    source = tmp_path / "badge.pdf"
    with database.session() as db:
        render_badges(db, session_by_code(db, code), stock, source, registration_ids=[person.registration_id])
    (original,) = decode_qrs(page_images(source)[0])

    for offset in ((0.0, 0.0), (2.0, 1.0)):
        printed = tmp_path / f"printed-{offset[0]:g}.pdf"
        assert print_document(source, pdf_printer(printed), offset) == 1
        with pdfplumber.open(printed) as pdf:
            assert len(pdf.pages) == 1
            # Qt writes the page box in whole points: within half a point of the stock's page.
            assert pdf.pages[0].width == pytest.approx(stock.page_w * POINTS_PER_MM, abs=0.5)
            assert pdf.pages[0].height == pytest.approx(stock.page_h * POINTS_PER_MM, abs=0.5)
        (qr,) = decode_qrs(page_images(printed)[0])
        assert qr.text == person.badge_code
        assert qr.x_mm - original.x_mm == pytest.approx(offset[0], abs=0.3)
        assert qr.y_mm - original.y_mm == pytest.approx(offset[1], abs=0.3)
        assert qr.side_mm == pytest.approx(original.side_mm, abs=0.3)  # exact scale, never fitted


def _line_at(image, centre_mm: tuple[float, float], half_mm: float, vertical: bool) -> float:
    """Where the darkest line across a window around `centre_mm` lies (mm from the page's edge)."""
    scale = pixels_per_mm()
    x0, y0 = (round((c - half_mm) * scale) for c in centre_mm)
    size = round(2 * half_mm * scale)
    window = image.crop((x0, y0, x0 + size, y0 + size))
    pixels = window.load()
    sums = [sum(255 - pixels[(i, j) if vertical else (j, i)] for j in range(size)) for i in range(size)]
    best = max(range(size), key=sums.__getitem__)
    return ((x0 if vertical else y0) + best) / scale


@pytest.mark.parametrize("stock_name", ["avery-l4785", "brother-ql-62x100", "zebra-4x3"])
def test_the_calibration_page_puts_its_cross_where_it_says(tmp_path, stock_name):
    stock = stock_named(stock_name)
    page = write_calibration_page(stock, tmp_path / "calibration.pdf")
    with pdfplumber.open(page.path) as pdf:
        assert pdf.pages[0].width == pytest.approx(stock.page_w * POINTS_PER_MM, abs=0.01)
        assert pdf.pages[0].height == pytest.approx(stock.page_h * POINTS_PER_MM, abs=0.01)
        words = " ".join(w["text"] for w in pdf.pages[0].extract_words())
    assert f"{page.crosses[0][0]:g} mm across, {page.crosses[0][1]:g} mm down" in words
    image = page_images(page.path)[0]
    for x, y in page.crosses:
        assert _line_at(image, (x, y), 2.5, vertical=True) == pytest.approx(x, abs=0.15)
        assert _line_at(image, (x, y), 2.5, vertical=False) == pytest.approx(y, abs=0.15)


def test_the_calibration_dialog_prints_its_page_with_the_offset_in_the_boxes(
    wide_demo_window, qtbot, tmp_path, monkeypatch
):
    from ui.printing.calibration_dialog import CalibrationDialog

    window, _database, _code = wide_demo_window
    view = window.views["Print"]
    dialog = CalibrationDialog(window.context, view.printer, "brother-ql-62x100", view)
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 1 and dialog.page is not None
    dialog.x_offset.setValue(1.5)
    dialog.y_offset.setValue(-0.8)
    assert dialog.x_offset.maximum() == 10 and dialog.x_offset.singleStep() == pytest.approx(0.1)
    printed = tmp_path / "test-page.pdf"

    def to_file(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(dialog, "choose_printer", to_file)
    sent = []
    dialog.print_test_page(then=sent.append)
    qtbot.waitUntil(lambda: sent == [1], timeout=30000)
    image = page_images(printed)[0]
    x, y = dialog.page.crosses[0]
    assert _line_at(image, (x + 1.5, y - 0.8), 2.5, vertical=True) == pytest.approx(x + 1.5, abs=0.2)
    assert _line_at(image, (x + 1.5, y - 0.8), 2.5, vertical=False) == pytest.approx(y - 0.8, abs=0.2)


def test_a_walk_in_badge_prints_in_two_clicks(wide_demo_window, qtbot, tmp_path, monkeypatch):
    from ui.desk.walk_in import WalkInDialog
    from ui.printing.view import PrintView

    window, database, code = wide_demo_window
    desk_view, view = window.desk_view, window.views["Print"]

    def fill_and_submit(dialog: WalkInDialog) -> int:
        dialog.first_name.setText("Ngozi")
        dialog.last_name.setText("Okafor")
        dialog.organisation.setText("Preston Foodbank")
        dialog.submit(over_capacity_ok=True)
        return dialog.result()

    printed = tmp_path / "walk-in.pdf"
    dialogs = []

    def print_dialog(self: PrintView, printer: QPrinter, pages: int) -> bool:  # the second click: Print
        dialogs.append(pages)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(WalkInDialog, "exec", fill_and_submit)
    monkeypatch.setattr(PrintView, "choose_printer", print_dialog)
    with qtbot.waitSignal(desk_view.walk_in_admitted) as admitted:
        qtbot.keyClick(desk_view.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    registration_id = admitted.args[0]
    assert desk_view.print_badge_button.isVisible()
    with qtbot.waitSignal(view.printed, timeout=30000):
        qtbot.mouseClick(desk_view.print_badge_button, Qt.MouseButton.LeftButton)  # the first click
    assert dialogs == [1] and not desk_view.print_badge_button.isVisible()
    assert window.stack.currentWidget() is desk_view  # the desk stays in front
    walk_in = next(e for e in active_people(database, code) if e.registration_id == registration_id)
    (qr,) = decode_qrs(page_images(printed)[0])
    assert qr.text == walk_in.badge_code
    with database.session() as db:
        logged = db.scalars(select(PrintLog).where(PrintLog.registration_id == registration_id)).all()
    assert [(row.stock, row.reprint, row.desk) for row in logged] == [("avery-l4785", False, "door-1")]
    assert window.context.settings.get("next_labels") == {"avery-l4785": 2}


def test_the_print_view_at_1366_by_768(wide_demo_window, qtbot, tmp_path):
    window, _database, _code = wide_demo_window
    window.show_view("Print")
    view = window.views["Print"]
    with qtbot.waitSignal(view.document_ready, timeout=30000):
        view.make_preview()
    qtbot.wait(300)
    shot = tmp_path / "print.png"
    assert window.grab().save(str(shot))
    assert view.print_button.isVisible() and view.pdf_view.isVisible()


def test_the_calibration_dialog_settles_once_shown(wide_demo_window, qtbot):
    """Its one-page preview is fitted once: a scroll bar coming and going refitted it for ever and froze the
    dialog (each refit slower than the last)."""
    from PySide6.QtCore import QEvent, QObject

    from ui.printing.calibration_dialog import CalibrationDialog

    window, _database, _code = wide_demo_window
    view = window.views["Print"]
    dialog = CalibrationDialog(window.context, view.printer, None, view)
    qtbot.addWidget(dialog)

    class Resizes(QObject):
        count = 0

        def eventFilter(self, _watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Resize:
                self.count += 1
            return False

    resizes = Resizes()
    dialog.preview.viewport().installEventFilter(resizes)
    dialog.show()
    qtbot.waitExposed(dialog)
    for _turn in range(20):
        qtbot.wait(20)
        if resizes.count > 2:
            break  # each refit is slower than the last: stop here rather than wait for the freeze
    assert resizes.count <= 2, f"the preview was resized {resizes.count} times with nothing changing"
    assert dialog.isVisible() and dialog.document.pageCount() == 1
