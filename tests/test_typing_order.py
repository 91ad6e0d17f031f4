"""A person's keys reach the field they typed into, exactly and in order, whatever the scanner filter holds:
with completer popups opening mid-word, in a file dialog, and interleaved with scanner bursts."""

import string
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from tests_support import key_at

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QApplication, QCompleter, QFileDialog, QLineEdit, QVBoxLayout, QWidget

from ui.input.scanner import ScannerFilter

WORDS = ["guide", "guided walk", "guard", "walk-in", "walkers", "wild garden", "Nowak-Kowalska"]


class Form(QWidget):
    """Two fields, as in a dialog: a plain one and one whose completer pops up a list as you type."""

    def __init__(self) -> None:
        super().__init__()
        self.plain = QLineEdit()
        self.completing = QLineEdit()
        self.completer = QCompleter(WORDS)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completing.setCompleter(self.completer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plain)
        layout.addWidget(self.completing)
        self.fields = (self.plain, self.completing)


def installed_filter(qtbot, scans: list[str]) -> ScannerFilter:
    scanner = ScannerFilter()
    scanner.scanned.connect(scans.append)
    QApplication.instance().installEventFilter(scanner)
    return scanner


def shown_form(qtbot) -> Form:
    form = Form()
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    form.completing.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.completing)
    return form


def test_a_popup_opening_while_a_key_is_held_does_not_reorder_the_word(qtbot):
    """The reported case: "guide" typed at 80 ms a key came out "giude" — the "u" was held, the completer's
    list opened (a file dialog's list arrives late), and "i" went to the list, which hands keys straight to
    the field, ahead of the held "u". The flush timer is late (the program was busy showing the list)."""
    scans: list[str] = []
    scanner = installed_filter(qtbot, scans)
    try:
        form = shown_form(qtbot)
        names = QStringListModel([])  # the folder's names, not read yet
        form.completer.setModel(names)
        key_at(1000, "g")
        scanner.flush()  # the timer, on time
        assert form.completing.text() == "g"
        key_at(1080, "u")
        assert scanner.holding and QApplication.activePopupWidget() is None
        names.setStringList(WORDS)  # the names arrive while "u" is held, and the list opens
        form.completer.complete()
        assert QApplication.activePopupWidget() is form.completer.popup()
        for at, ch in ((1160, "i"), (1240, "d"), (1320, "e")):
            key_at(at, ch)
        qtbot.waitUntil(lambda: not scanner.holding)
        assert form.completing.text() == "guide"
        assert scans == []
    finally:
        QApplication.instance().removeEventFilter(scanner)


def test_a_scan_while_a_completer_list_is_open_is_a_scan_and_leaves_the_field_alone(qtbot):
    scans: list[str] = []
    scanner = installed_filter(qtbot, scans)
    try:
        form = shown_form(qtbot)
        form.completing.setText("wa")
        form.completer.complete()
        assert QApplication.activePopupWidget() is not None
        for i, ch in enumerate("PRS-4K7Q2"):
            key_at(5000 + 8 * i, ch)
        key_at(5000 + 8 * 9, key=Qt.Key.Key_Return)
        assert scans == ["PRS-4K7Q2"]
        assert form.completing.text() == "wa"
    finally:
        QApplication.instance().removeEventFilter(scanner)


def test_keys_clicked_into_a_file_dialog_at_80_ms_a_key_arrive_in_order(qtbot, tmp_path):
    """Qt's own file dialog (not the desktop's), its file-name field completing from the folder: a person
    types a new name at 80 ms a key, real time, while the folder's list comes and goes."""
    for name in ("guide-2025.pdf", "guard-rota.pdf", "walk-ins.pdf", "guided-walk.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4\n")
    scans: list[str] = []
    scanner = installed_filter(qtbot, scans)
    try:
        dialog = QFileDialog(None, "Save the guide", str(tmp_path), "PDF (*.pdf)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        field = dialog.findChild(QLineEdit, "fileNameEdit")
        field.setFocus()
        field.clear()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
        typed = "guide-2026 walkers.pdf"
        for ch in typed:
            popup = QApplication.activePopupWidget()
            target = (popup.focusWidget() or popup) if popup is not None else QApplication.focusWidget()
            qtbot.keyClick(target, ch)
            qtbot.wait(80)
        qtbot.waitUntil(lambda: not scanner.holding)
        assert field.text() == typed
        assert scans == []
        dialog.reject()
    finally:
        QApplication.instance().removeEventFilter(scanner)


# -- the property ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typing:
    """A person types `text` into field `field`, each key `gaps` ms after the one before; after a key,
    the filter's timer fires on time when `on_time` says so (a busy program makes it late)."""

    field: int
    text: str
    gaps: tuple[int, ...]
    on_time: tuple[bool, ...]
    list_arrives_after: int | None


@dataclass(frozen=True)
class Scan:
    code: str
    gaps: tuple[int, ...]
    suffix: Qt.Key
    pause_before: int


human_text = st.text(alphabet="gGuidewalkrnoNzsK- ", min_size=1, max_size=14)


@st.composite
def typing(draw) -> Typing:
    text = draw(human_text)
    n = len(text)
    gaps = tuple(draw(st.lists(st.integers(20, 300), min_size=n, max_size=n)))
    on_time = tuple(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    arrives = draw(st.one_of(st.none(), st.integers(0, n - 1)))
    return Typing(draw(st.integers(0, 1)), text, gaps, on_time, arrives)


@st.composite
def scan(draw) -> Scan:
    code = draw(st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=6, max_size=16))
    gaps = tuple(draw(st.lists(st.integers(1, 30), min_size=len(code) + 1, max_size=len(code) + 1)))
    suffix = draw(st.sampled_from([Qt.Key.Key_Return, Qt.Key.Key_Tab]))
    return Scan(code, gaps, suffix, draw(st.integers(60, 3000)))


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.one_of(typing(), scan()), min_size=1, max_size=8))
def test_people_and_scanners_interleaved_each_get_theirs(qtbot, steps):
    """Human text reaches its field exactly and in order, whatever the popups and the timer do; each burst
    becomes one scan and types nothing."""
    # One field an example: switching fields around an open completer list is not yet simulated faithfully
    # offscreen (see the issue 17 note); order within a field and scans between keys are what is checked.
    first = next((step.field for step in steps if isinstance(step, Typing)), 0)
    steps = [replace(step, field=first) if isinstance(step, Typing) else step for step in steps]
    scans: list[str] = []
    scanner = installed_filter(qtbot, scans)
    form = shown_form(qtbot)
    typed = ["", ""]
    expected_scans: list[str] = []
    now = 10_000
    field_in_use: int | None = None
    try:
        for step in steps:
            if isinstance(step, Scan):
                now += step.pause_before
                for ch, gap in zip(step.code, step.gaps, strict=False):
                    now += gap
                    key_at(now, ch)
                now += step.gaps[-1]
                key_at(now, key=step.suffix)
                expected_scans.append(step.code)
                continue
            if step.field != field_in_use:
                # A click on the other field: focus moves (held keys reach the first field before it goes),
                # and a list open on the first field closes, as a click outside it does.
                # Reaching for the mouse takes the person 400 ms: the flush timer has long fired by then.
                now += 400
                qtbot.waitUntil(lambda: not scanner.holding, timeout=2000)
                popup = QApplication.activePopupWidget()
                if popup is not None:
                    popup.hide()
                    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
                form.activateWindow()  # a click outside a list gives its window the keyboard back
                form.fields[step.field].setFocus()
                wanted = form.fields[step.field]
                qtbot.waitUntil(lambda w=wanted: QApplication.focusWidget() is w, timeout=2000)
                field_in_use = step.field
            for i, (ch, gap) in enumerate(zip(step.text, step.gaps, strict=True)):
                now += gap
                key_at(now, ch)
                if i == step.list_arrives_after and step.field == 1:
                    form.completer.complete()  # the list shows up late, while a key may be held
                next_gap = step.gaps[i + 1] if i + 1 < len(step.gaps) else 10_000
                if step.on_time[i] and next_gap > 45:
                    qtbot.waitUntil(lambda: not scanner.holding, timeout=2000)
            typed[step.field] += step.text
        qtbot.waitUntil(lambda: not scanner.holding, timeout=2000)
        assert [form.plain.text(), form.completing.text()] == typed
        assert scans == expected_scans
    finally:
        QApplication.instance().removeEventFilter(scanner)
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.hide()
        form.close()
