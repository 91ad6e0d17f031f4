"""The Print view acts on the document shown: every document type × preview, save as PDF and print, each
started from a preview of another type; what each writes is read back; only a real print counts badges
and uses labels; saving delegates' names needs the organiser PIN."""

import pdfplumber
import pytest
from pdf_checks import decode_qrs, label_at, page_images
from PIL import ImageChops, ImageFilter, ImageStat
from sqlalchemy import func, select
from tests_support import pin_dialog_enters

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from checkin.desk.attendance import mark_segment
from checkin.desk.bookings import session_by_code
from checkin.desk.pin import set_pin
from checkin.desk.roster import session_roster
from checkin.domain.vocabulary import ACTIVE_STATUSES
from checkin.printing.stocks import stock_named
from checkin.store.models import PrintLog

KINDS = ("badges", "guide", "register", "signin", "certificates")
#: What the file Save as PDF offers starts with, by document type.
FILE_NAMES = {
    "badges": "badges-",
    "guide": "pocket-guide-",
    "register": "attendance-register-",
    "signin": "sign-in-sheet-",
    "certificates": "certificates-",
}
PRESENT = 3  # people marked present all day, so there are certificates
LOW_DPI = 40  # enough to tell one document from another
SAME = 6  # grey levels: a document and its print at 150 dpi differ by about 3 (the edges of the pixels)
QR_DPI = 150
PIN = "246810"


def active_people(database, code):
    with database.session() as db:
        return [e for e in session_roster(db, session_by_code(db, code)) if e.status in ACTIVE_STATUSES]


def printed_count(database) -> int:
    with database.session() as db:
        return db.scalar(select(func.count()).select_from(PrintLog))


@pytest.fixture
def print_window(open_demo_window, qtbot):
    """The main window on the Print view at 1280×720, a few people marked present in every part of the
    day: (window, view, database, session code, settings)."""
    window, _scanner, database, code, settings = open_demo_window(size=(1280, 720))
    with database.session() as db:
        session = session_by_code(db, code)
        segments = [segment.id for segment in session.segments]
        for person in active_people(database, code)[:PRESENT]:
            for segment_id in segments:
                mark_segment(db, person.registration_id, segment_id, desk="room")
    window.show_view("Print")
    return window, window.views["Print"], database, code, settings


class PrintToFile:
    """The print dialog, answered with Print into a PDF file (the printer a test can read back); keeps the
    titles it was shown."""

    def __init__(self, monkeypatch, path):
        self.path = path
        self.titles: list[str] = []
        fake = self

        def exec_(dialog: QPrintDialog) -> int:
            fake.titles.append(dialog.windowTitle())
            printer = dialog.printer()
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(fake.path))
            printer.setResolution(QR_DPI)
            return QDialog.DialogCode.Accepted.value

        monkeypatch.setattr(QPrintDialog, "exec", exec_)


class SaveAs:
    """The Save dialog, answered with `path`; keeps the file names it offered."""

    def __init__(self, monkeypatch, path):
        self.offered: list[str] = []
        fake = self

        def get_save_file_name(_parent, _caption, suggested, _filter):
            fake.offered.append(suggested)
            return str(path), "PDF files (*.pdf)"

        monkeypatch.setattr("ui.printing.view.QFileDialog.getSaveFileName", get_save_file_name)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def preview_of(qtbot, view, kind):
    click(qtbot, view.kind_buttons[kind])
    with qtbot.waitSignal(view.document_ready, timeout=60000) as made:
        click(qtbot, view.make_button)
    return made.args[0]


def looks(path):
    """The pages as a person glancing at them sees them: small, blurred (a print is pixels, a preview is
    lines: their edges differ, their pages do not)."""
    return [image.filter(ImageFilter.GaussianBlur(2)) for image in page_images(path, dpi=LOW_DPI)]


def difference(pages, reference) -> float:
    """The largest mean grey-level difference between two documents' pages; 255 when their pages differ
    in number, size or orientation."""
    if len(pages) != len(reference):
        return 255.0
    worst = 0.0
    for page, wanted in zip(pages, reference, strict=True):
        if any(abs(a - b) > 2 for a, b in zip(page.size, wanted.size, strict=True)):
            return 255.0
        page = page.resize(wanted.size)
        worst = max(worst, ImageStat.Stat(ImageChops.difference(page, wanted)).mean[0])
    return worst


def words(path) -> str:
    with pdfplumber.open(path) as pdf:
        return " ".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.parametrize("action", ["preview", "save", "print"])
def test_each_action_acts_on_the_document_type_shown(print_window, qtbot, tmp_path, monkeypatch, action):
    window, view, database, code, settings = print_window
    people = active_people(database, code)
    # What each document type looks like, made in the view one by one.
    references = {kind: looks(preview_of(qtbot, view, kind).path) for kind in KINDS}
    assert min(difference(references[a], references[b]) for a in KINDS for b in KINDS if a != b) > 4 * SAME, (
        "the documents must be told apart"
    )
    view.show_job(None)
    badges_logged = 0
    for number, kind in enumerate(KINDS):
        # The finding: a preview of one document on screen, the type switched, then the action.
        other = KINDS[(number + 1) % len(KINDS)]
        preview_of(qtbot, view, other)
        click(qtbot, view.kind_buttons[kind])
        assert view.job is None and view.preview_stack.currentWidget() is view.empty
        before = (printed_count(database), settings.get("next_labels"))
        target = tmp_path / f"{action}-{kind}.pdf"
        if action == "preview":
            with qtbot.waitSignal(view.document_ready, timeout=60000) as made:
                click(qtbot, view.make_button)
            written = made.args[0].path
        elif action == "save":
            save_as = SaveAs(monkeypatch, target)
            with qtbot.waitSignal(view.saved, timeout=60000):
                click(qtbot, view.save_button)
            written = target
            (offered,) = save_as.offered
            assert offered.rsplit("/", 1)[-1].startswith(FILE_NAMES[kind]), offered
        else:
            print_to_file = PrintToFile(monkeypatch, target)
            with qtbot.waitSignal(view.printed, timeout=120000):
                click(qtbot, view.print_button)
            written = target
            (title,) = print_to_file.titles
            assert title.startswith("Print ")
        assert view.current_kind() == kind
        shown = looks(written)
        assert difference(shown, references[kind]) < SAME, f"{action} of {kind} wrote another document"
        assert all(difference(shown, references[k]) > 4 * SAME for k in KINDS if k != kind)
        if kind == "badges":
            found = {
                qr.text for image in page_images(written, dpi=QR_DPI) for qr in decode_qrs(image, QR_DPI)
            }
            assert found == {p.badge_code for p in people}
        elif action != "print":  # a print is pixels; the others keep their text
            text = words(written)
            if kind == "certificates":
                assert text.count("Certificate") >= PRESENT
            if kind in ("register", "signin"):
                assert people[0].last_name in text
        # Only printing badges counts them and moves the sheet on.
        if action == "print" and kind == "badges":
            badges_logged += len(people)
            assert printed_count(database) == badges_logged
            assert settings.get("next_labels") == {"avery-l4785": len(people) % 10 + 1}
        else:
            assert (printed_count(database), settings.get("next_labels")) == before


def test_changing_any_option_clears_the_preview_and_save_makes_what_is_shown(
    print_window, qtbot, tmp_path, monkeypatch
):
    window, view, database, code, settings = print_window
    preview_of(qtbot, view, "badges")
    view.start_spin.setFocus()
    qtbot.keyClick(view.start_spin, Qt.Key.Key_Up)  # start at label 2
    assert view.job is None
    preview_of(qtbot, view, "badges")
    qtbot.mouseClick(view.outlines, Qt.MouseButton.LeftButton)
    assert view.job is None
    preview_of(qtbot, view, "badges")
    view.stock_picker.setCurrentIndex(view.stock_picker.findData("brother-ql-62x100"))
    assert view.job is None
    preview_of(qtbot, view, "badges")
    click(qtbot, view.unprinted_radio)
    assert view.job is None
    preview_of(qtbot, view, "guide")
    view.layout_picker.setCurrentIndex(1)
    assert view.job is None

    # Back on the sheet, from label 3: Save with no preview makes the badges shown, and saves those.
    view.stock_picker.setCurrentIndex(view.stock_picker.findData("avery-l4785"))
    click(qtbot, view.kind_buttons["badges"])
    click(qtbot, view.all_radio)
    if view.outlines.isChecked():
        qtbot.mouseClick(view.outlines, Qt.MouseButton.LeftButton)
    view.sheet.start_chosen.emit(3)
    target = tmp_path / "from-three.pdf"
    SaveAs(monkeypatch, target)
    with qtbot.waitSignal(view.saved, timeout=60000):
        click(qtbot, view.save_button)
    stock = stock_named("avery-l4785")
    first_page = decode_qrs(page_images(target, dpi=QR_DPI)[0], QR_DPI)
    assert min(label_at(stock, qr.x_mm, qr.y_mm) for qr in first_page) == 2  # the third label


def test_saving_badges_counts_nothing_and_uses_no_labels_printing_does(
    print_window, qtbot, tmp_path, monkeypatch
):
    window, view, database, code, settings = print_window
    person = active_people(database, code)[0]
    view.set_chosen([person.registration_id])
    assert view.start_note.text().startswith("A new sheet")
    SaveAs(monkeypatch, tmp_path / "one.pdf")
    with qtbot.waitSignal(view.saved, timeout=60000):
        click(qtbot, view.save_button)
    assert printed_count(database) == 0 and settings.get("next_labels") == {}
    assert view.start_spin.value() == 1 and view.start_note.text().startswith("A new sheet")
    assert "Not counted as printed" in view.message.text()
    # Printed at a print shop: the organiser counts them; the desk's own sheet stays as it was.
    assert view.count_saved_button.isVisible()
    with qtbot.waitSignal(view.badges_logged):  # logged in the background
        click(qtbot, view.count_saved_button)
    assert printed_count(database) == 1 and settings.get("next_labels") == {}
    assert "1 badge counted as printed" in view.message.text()

    # A real print on the sheet uses the label, and says so as people do.
    printer = PrintToFile(monkeypatch, tmp_path / "printed.pdf")
    with qtbot.waitSignal(view.printed, timeout=60000):
        click(qtbot, view.print_button)
    assert printer.titles == [f"Print Badge {code}"]  # one badge: singular
    assert printed_count(database) == 2 and settings.get("next_labels") == {"avery-l4785": 2}
    assert view.start_note.text() == "Label 1 used: printing starts at 2."
    view.start_spin.setValue(13)  # beyond the sheet: clamped to its last label
    view.start_spin.setValue(10)
    assert view.start_note.text() == "Labels 1 to 9 used: printing starts at 10."

    # On a roll each badge is its own label: nothing to remember.
    view.stock_picker.setCurrentIndex(view.stock_picker.findData("brother-ql-62x100"))
    with qtbot.waitSignal(view.printed, timeout=60000):
        click(qtbot, view.print_button)
    assert settings.get("next_labels") == {"avery-l4785": 2}


def test_headings_say_the_stock_as_people_do(print_window, qtbot):
    window, view, database, code, settings = print_window
    job = preview_of(qtbot, view, "badges")
    people = len(active_people(database, code))
    assert view.summary.text() == (
        f"{people} badges on {job.badges.pages} sheets of Avery L4785 / HERMA 4412 name badges, 10 per sheet"
    )
    assert "avery-l4785" not in view.summary.text()
    view.stock_picker.setCurrentIndex(view.stock_picker.findData("brother-ql-62x100"))
    preview_of(qtbot, view, "badges")
    assert view.summary.text() == f"{people} badges on {people} labels of Brother QL die-cut labels DK-11202"


@pytest.mark.parametrize("kind", ["register", "badges"])
def test_exporting_delegates_names_asks_the_organiser_pin(print_window, qtbot, tmp_path, monkeypatch, kind):
    window, view, database, code, settings = print_window
    set_pin(settings, PIN)
    asked = []
    monkeypatch.setattr("ui.printing.view.require_organiser", _counting(asked))
    preview_of(qtbot, view, kind)
    target = tmp_path / "export.pdf"
    SaveAs(monkeypatch, target)

    pin_dialog_enters(monkeypatch, "135791")  # a wrong PIN: nothing leaves
    click(qtbot, view.save_button)
    assert not target.exists() and "organiser PIN" in view.message.text() and len(asked) == 1
    PrintToFile(monkeypatch, target)
    click(qtbot, view.print_button)  # "Print to file" is an export too
    assert not target.exists() and len(asked) == 2 and view.operation is None
    assert view.message.text() == "Not printed to a file: the organiser PIN is needed."

    pin_dialog_enters(monkeypatch, PIN)
    SaveAs(monkeypatch, target)
    with qtbot.waitSignal(view.saved, timeout=60000):
        click(qtbot, view.save_button)
    assert target.exists() and len(asked) == 3

    # The pocket guide holds no one's name: no PIN.
    preview_of(qtbot, view, "guide")
    SaveAs(monkeypatch, tmp_path / "guide.pdf")
    with qtbot.waitSignal(view.saved, timeout=60000):
        click(qtbot, view.save_button)
    assert len(asked) == 3


def _counting(asked):
    from ui.base.pin import require_organiser

    def counted(parent, context, reason=""):
        asked.append(reason)
        return require_organiser(parent, context, reason)

    return counted


def cut_off(view) -> list[str]:
    """What a person would find cut off in the view: a control outside it, a control squeezed below the
    size its text needs, or two controls drawn over each other."""
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import (
        QAbstractButton,
        QCheckBox,
        QComboBox,
        QLabel,
        QRadioButton,
        QSpinBox,
        QWidget,
    )

    from ui.printing.view import SheetDiagram

    kinds = (QAbstractButton, QComboBox, QLabel, QSpinBox, SheetDiagram)
    shown = [
        w
        for w in view.findChildren(QWidget)
        if isinstance(w, kinds) and w.isVisibleTo(view) and w.width() > 0 and w.parent() is not view.empty
    ]
    shown = [w for w in shown if w is not view.empty and not w.objectName().startswith("qt_")]
    problems = []
    boxes = {}
    for widget in shown:
        top_left = widget.mapTo(view, widget.rect().topLeft())
        box = widget.rect().translated(top_left)
        boxes[widget] = box
        name = getattr(widget, "text", lambda: "")() or type(widget).__name__
        if not view.rect().contains(box):
            problems.append(f"{name!r} is outside the view")
        if isinstance(widget, QLabel) and widget.wordWrap():
            if widget.text() and widget.height() < widget.heightForWidth(widget.width()):
                problems.append(f"{name!r} is shorter than its lines")
        elif isinstance(widget, (QAbstractButton, QLabel)) and widget.text():
            font = QFont(widget.font())
            font.setBold(font.bold() or getattr(widget, "isChecked", lambda: False)())
            needs = QFontMetrics(font).horizontalAdvance(widget.text().replace("&", ""))
            if isinstance(widget, QAbstractButton):
                needs += 4  # its frame
            if isinstance(widget, (QCheckBox, QRadioButton)):
                needs += 20  # the box or the circle
            if widget.width() < needs:
                problems.append(f"{name!r} is narrower than its text")
        elif isinstance(widget, QComboBox):
            needs = widget.fontMetrics().horizontalAdvance(widget.currentText()) + 30  # and the arrow
            if widget.width() < needs:
                problems.append(f"{widget.currentText()!r} does not fit its list")
    for a, box_a in boxes.items():
        for b, box_b in boxes.items():
            if id(a) < id(b) and not a.isAncestorOf(b) and not b.isAncestorOf(a):
                overlap = box_a.intersected(box_b)
                if overlap.width() > 2 and overlap.height() > 2:
                    problems.append(f"{type(a).__name__} and {type(b).__name__} overlap at {overlap}")
    return problems


def test_nothing_is_cut_off_at_1280_by_720(print_window, qtbot, tmp_path, monkeypatch):
    window, view, database, code, settings = print_window
    assert window.size().width() == 1280 and window.size().height() == 720
    for kind in KINDS:
        preview_of(qtbot, view, kind)
        qtbot.wait(200)
        assert window.grab().save(str(tmp_path / f"print-{kind}.png"))
        assert cut_off(view) == [], kind
    # After a save the message and the count button take their room from the preview, not the options.
    click(qtbot, view.kind_buttons["badges"])
    SaveAs(monkeypatch, tmp_path / "saved.pdf")
    with qtbot.waitSignal(view.saved, timeout=60000):
        click(qtbot, view.save_button)
    assert view.count_saved_button.isVisible()
    assert cut_off(view) == []


def test_a_document_finished_after_the_options_changed_never_shows(print_window, qtbot):
    window, view, database, code, settings = print_window
    click(qtbot, view.make_button)  # the badges, being made in the background...
    assert view.operation is not None
    click(qtbot, view.kind_buttons["guide"])  # ...while the type changes
    qtbot.waitUntil(lambda: view.operation is None, timeout=60000)
    assert view.job is None and view.preview_stack.currentWidget() is view.empty
    assert view.message.text() == "The options changed: make the preview again."
    assert printed_count(database) == 0
