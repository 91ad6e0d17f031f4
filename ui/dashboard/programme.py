"""The Dashboard's Programme tab: the programme report's figures over every session, as they stand now."""

from datetime import date, time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin.records.report.tables import Label, ReportDocument, ReportTable

SHOWN_TABLES = ("sessions", "sectors", "organisations")


def _label(value: Label) -> str:
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, date):
        return f"{value:%a %d %b}"
    return value


class ProgrammePanel(QWidget):
    """Key figures of the whole programme, and its sessions, sectors and organisations."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: ReportDocument | None = None
        self.heading = QLabel()
        self.heading.setObjectName("panelTitle")
        self.figures: dict[str, QLabel] = {}
        self.figure_grid = QGridLayout()
        self.figure_grid.setHorizontalSpacing(18)
        self.tables: dict[str, QTableWidget] = {}
        self.hint = QLabel(
            self.tr("The same figures as `checkin report`; what each counts is in its method note.")
        )
        self.hint.setObjectName("hint")
        figures = QFrame()
        figures.setObjectName("card")
        figures.setLayout(self.figure_grid)
        left = QVBoxLayout()
        left.addWidget(figures)
        right = QVBoxLayout()
        for key in SHOWN_TABLES:
            table = QTableWidget()
            table.setObjectName(f"programme-{key}")
            table.verticalHeader().hide()
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setShowGrid(False)
            table.setAlternatingRowColors(True)
            table.setWordWrap(False)
            self.tables[key] = table
            (left if key == "sessions" else right).addWidget(table, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(columns, 1)
        layout.addWidget(self.hint)

    def show_document(self, document: ReportDocument) -> None:
        if document == self.document:
            return
        self.document = document
        self.heading.setText(
            self.tr("{0} · {1} sessions, {2}").format(document.title, document.sessions, document.period)
        )
        for number, (label, figure) in enumerate(document.summary):
            if label not in self.figures:
                value = QLabel()
                value.setObjectName("cardNumber")
                caption = QLabel(label)
                caption.setObjectName("cardDetail")
                caption.setWordWrap(True)
                row, column = divmod(number, 2)
                self.figure_grid.addWidget(value, row, column * 2)
                self.figure_grid.addWidget(caption, row, column * 2 + 1)
                self.figures[label] = value
            self.figures[label].setText(figure.shown)
        for key in SHOWN_TABLES:
            self._fill(self.tables[key], document.table(key))

    def figure(self, label: str) -> str:
        return self.figures[label].text()

    def _fill(self, widget: QTableWidget, table: ReportTable) -> None:
        labels = table.label_headings[:1] if table.key == "sessions" else table.label_headings
        headings = [*labels, *table.headings]
        widget.setColumnCount(len(headings))
        widget.setHorizontalHeaderLabels(headings)
        widget.setRowCount(len(table.rows))
        for row, line in enumerate(table.rows):
            for column, value in enumerate(line.labels[: len(labels)]):
                widget.setItem(row, column, self._cell(_label(value), line.is_total, number=False))
            for column, figure in enumerate(line.figures, start=len(labels)):
                widget.setItem(row, column, self._cell(figure.shown, line.is_total, number=True))
        header = widget.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headings)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    @staticmethod
    def _cell(text: str, bold: bool, *, number: bool) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if number:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        return item
