"""Calibrate printer: print the stock's test page, measure it, and keep the x/y offset for that printer."""

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checkin.printing.calibration import CalibrationPage, write_calibration_page
from checkin.printing.stocks import load_stocks
from ui.base.context import DeskContext
from ui.base.failure import is_users, show_failure
from ui.base.fit import scrolling
from ui.base.operations import Cancelled, Operation, run_op
from ui.base.pin import require_organiser
from ui.printing.printer import offset_for, prepare_printer, print_document, save_offset

OFFSET_LIMIT_MM = 10.0

INSTRUCTIONS = (
    "<ol>"
    "<li>Print the test page on plain paper.</li>"
    "<li>Measure from the paper's left and top edges to the centre of the red cross. The page says how "
    "far it should be; <b>offset = that minus what you measured</b>.</li>"
    "<li>Or hold it over a sheet of labels against the light: the number on each red scale at the real "
    "label edge is the offset.</li>"
    "<li>Enter the offsets, print again to check, and Save.</li></ol>"
    "If the 50 mm bar is not 50 mm, the printer is scaling the page: switch off “fit to page” in its "
    "settings."
)


class CalibrationDialog(QDialog):
    """The stock and printer to calibrate, the test page's preview, and two offsets in millimetres."""

    def __init__(
        self, context: DeskContext, printer: QPrinter, stock_name: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.printer = printer
        self.operation: Operation | None = None
        self.page: CalibrationPage | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="checkin-calibration-", ignore_cleanup_errors=True)
        self.setWindowTitle(self.tr("Calibrate printer"))
        self.resize(1000, 620)

        self.stocks = load_stocks().stocks
        self.stock_picker = QComboBox()
        for stock in self.stocks.values():
            self.stock_picker.addItem(stock.short_title, stock.name)
            self.stock_picker.setItemData(
                self.stock_picker.count() - 1, stock.title, Qt.ItemDataRole.ToolTipRole
            )
        self.stock_picker.setCurrentIndex(max(self.stock_picker.findData(stock_name), 0))
        self.stock_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.stock_picker.currentIndexChanged.connect(self.show_test_page)

        self.printer_picker = QComboBox()
        names = QPrinterInfo.availablePrinterNames()
        for name in names:
            self.printer_picker.addItem(name, name)
        if not names:
            self.printer_picker.addItem(self.tr("No printer found"), "")
        current = printer.printerName() or QPrinterInfo.defaultPrinterName()
        self.printer_picker.setCurrentIndex(max(self.printer_picker.findData(current), 0))
        self.printer_picker.currentIndexChanged.connect(self._printer_changed)

        self.x_offset = self._offset_box(self.tr("Across (+ moves right)"))
        self.y_offset = self._offset_box(self.tr("Down (+ moves down)"))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # fields under their names if need be
        form.addRow(self.tr("&Stock"), self.stock_picker)
        form.addRow(self.tr("&Printer"), self.printer_picker)
        form.addRow(self.tr("Offset &across"), self.x_offset)
        form.addRow(self.tr("Offset &down"), self.y_offset)
        instructions = QLabel(self.tr(INSTRUCTIONS))
        instructions.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("printHint")

        self.print_button = QPushButton(self.tr("Print test page…"))
        self.print_button.clicked.connect(self.print_test_page)
        self.save_button = QPushButton(self.tr("Save offset"))
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        for button in (self.print_button, close):
            button.setObjectName("secondaryButton")
            button.setMinimumHeight(36)
        self.save_button.setMinimumHeight(36)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)

        words = QVBoxLayout()
        words.addLayout(form)
        words.addWidget(instructions)
        words.addWidget(self.message)
        words.addStretch(1)
        left = QVBoxLayout()
        page = QWidget()
        page.setLayout(words)
        words.setContentsMargins(0, 0, 0, 0)
        left.addWidget(scrolling(page, horizontal=False), 1)  # scrolls down rather than squeeze large text
        left.addLayout(buttons)

        self.document = QPdfDocument(self)
        self.preview = QPdfView()
        self.preview.setDocument(self.document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        # One page fitted in the view needs no scroll bar; one that comes and goes as the page is fitted
        # narrows the view, refits, and so on for ever: the dialog froze.
        self.preview.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setDocumentMargins(QMargins(12, 12, 12, 12))
        self.preview.setMinimumWidth(360)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.preview, 2)
        self._printer_changed()
        self.show_test_page()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # QPdfView renders nothing of a document loaded before it was first shown: load it again.
        if self.page is not None:
            self.document.close()
            self.document.load(str(self.page.path))

    def _offset_box(self, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-OFFSET_LIMIT_MM, OFFSET_LIMIT_MM)
        box.setSingleStep(0.1)
        box.setDecimals(1)
        box.setSuffix(" mm")
        box.setToolTip(tip)
        box.setMinimumWidth(110)
        return box

    def printer_name(self) -> str:
        return self.printer_picker.currentData() or ""

    def offset(self) -> tuple[float, float]:
        return self.x_offset.value(), self.y_offset.value()

    def _printer_changed(self) -> None:
        x, y = offset_for(self.context.settings, self.printer_name())
        self.x_offset.setValue(x)
        self.y_offset.setValue(y)
        self.save_button.setEnabled(bool(self.printer_name()))

    def show_test_page(self) -> CalibrationPage:
        stock = self.stocks[self.stock_picker.currentData()]
        self.document.close()
        folder = Path(tempfile.mkdtemp(dir=self._folder.name))
        self.page = write_calibration_page(stock, folder / f"calibration-{stock.name}.pdf")
        self.document.load(str(self.page.path))
        return self.page

    def choose_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_test_page(self, then: Callable[[int], None] | None = None) -> Operation | None:
        """Print the test page with the offsets in the boxes (saved or not), on the printer chosen."""
        if self.page is None or self.operation is not None:
            return None
        printer = self.printer
        if self.printer_name():
            printer.setPrinterName(self.printer_name())
        prepare_printer(printer, self.document.pagePointSize(0))
        if not self.choose_printer(printer):
            return None
        if printer.printerName() and printer.printerName() != self.printer_name():
            offset = self.offset()
            index = self.printer_picker.findData(printer.printerName())
            if index < 0:
                self.printer_picker.addItem(printer.printerName(), printer.printerName())
                index = self.printer_picker.count() - 1
            self.printer_picker.blockSignals(True)
            self.printer_picker.setCurrentIndex(index)
            self.printer_picker.blockSignals(False)
            self.x_offset.setValue(offset[0])
            self.y_offset.setValue(offset[1])
        path, offset = self.page.path, self.offset()
        self.print_button.setEnabled(False)
        self.message.setText(self.tr("Printing the test page…"))

        def done(pages: int) -> None:
            self.operation = None
            self.print_button.setEnabled(True)
            self.message.setText(
                self.tr("Test page sent with offset {0:+.1f}, {1:+.1f} mm. Measure it.").format(*offset)
            )
            if then is not None:
                then(pages)

        def failed(error: Exception) -> None:
            self.operation = None
            self.print_button.setEnabled(True)
            if isinstance(error, Cancelled):
                return
            if is_users(error):
                self.message.setText(str(error))
            show_failure(
                self,
                self.tr("Test page not printed"),
                error,
                doing="printing the test page",
                fault=self.tr("Something went wrong (a fault in the program): {0}").format(error),
            )

        self.operation = run_op(
            self,
            lambda progress: print_document(path, printer, offset, progress=progress),
            on_success=done,
            on_failure=failed,
        )
        return self.operation

    def save(self) -> bool:
        name = self.printer_name()
        if not name:
            return False
        if not require_organiser(
            self, self.context, self.tr("Enter the organiser PIN to save the printer's offset.")
        ):
            return False
        save_offset(self.context.settings, name, self.offset())
        x, y = self.offset()
        self.message.setText(
            self.tr("Saved: {0} prints {1:+.1f} mm across and {2:+.1f} mm down.").format(name, x, y)
        )
        return True
