"""Room for large text: a row of controls that wraps onto more lines, a scroll area that lets a page be
bigger than the window, and placeholders that say less when the whole sentence does not fit."""

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QWidget,
)


class FlowLayout(QLayout):
    """Controls side by side, wrapping onto another line when the width runs out (larger text, a narrower
    window) instead of squeezing their words. An `addStretch()` takes the spare room of its line, as in a
    QHBoxLayout, so the row looks the same when it fits on one line; with `fill`, the controls of a line
    share its spare room instead (like widgets added with a stretch)."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6, fill: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: dict[int, int] = {}  # id of an item: its share of its line's spare room
        self._fill = fill
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ------------------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def add(self, widget: QWidget, stretch: int) -> None:
        """A control that takes `stretch` shares of its line's spare room, as in QBoxLayout.addWidget."""
        self.addWidget(widget)
        self._stretch[id(self._items[-1])] = stretch

    def addStretch(self) -> None:  # noqa: N802 - as QBoxLayout's
        self.addItem(_Stretch())

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All on one line."""
        shown = self._shown()
        margins = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """The widest control alone on a line."""
        margins = self.contentsMargins()
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing ------------------------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty() or isinstance(item, _Stretch)]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            wide = item.sizeHint().width()
            if isinstance(item, _Stretch):
                lines[-1].append(item)
                continue
            if [i for i in lines[-1] if not isinstance(i, _Stretch)] and used + self.spacing() + wide > width:
                lines.append([])
                used = 0
            used += (self.spacing() if used else 0) + wide
            lines[-1].append(item)
        return [line for line in lines if any(not isinstance(i, _Stretch) for i in line)]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            controls = [item for item in line if not isinstance(item, _Stretch)]
            stretches = [item for item in line if isinstance(item, _Stretch)]
            used = sum(item.sizeHint().width() for item in controls) + self.spacing() * (len(controls) - 1)
            spare = max(area.width() - used, 0)
            shares = [self._stretch.get(id(item), 1 if self._fill else 0) for item in controls]
            gap = spare // len(stretches) if stretches and not any(shares) else 0
            widths = [
                min(
                    item.sizeHint().width() + (spare * share // sum(shares) if share else 0),
                    item.maximumSize().width(),
                    area.width(),
                )
                for item, share in zip(controls, shares, strict=True)
            ]
            height = max(
                item.heightForWidth(wide) if item.hasHeightForWidth() else item.sizeHint().height()
                for item, wide in zip(controls, widths, strict=True)
            )
            if place:
                x = area.x()
                sizes = iter(widths)
                for item in line:
                    if isinstance(item, _Stretch):
                        x += gap
                        continue
                    wide = next(sizes)
                    item.setGeometry(QRect(QPoint(x, y), QSize(wide, height)))
                    x += wide + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - area.y() + margins.top() + margins.bottom() if y > area.y() else 0


class _Stretch(QLayoutItem):
    """Where a FlowLayout line puts its spare room."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, 0)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, 0)

    def maximumSize(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, 0)

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation.Horizontal

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def geometry(self) -> QRect:
        return QRect()

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        pass


def scrolling(page: QWidget, *, horizontal: bool = True) -> QScrollArea:
    """The page in a scroll area without a frame: it looks the same while it fits, and scrolls, rather than
    squeezing its words, when larger text makes it bigger than the window."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.setSizePolicy(QSizePolicy.Policy.Ignored, page.sizePolicy().verticalPolicy())
    area.setWidget(page)
    area.viewport().setAutoFillBackground(False)
    page.setAutoFillBackground(False)
    return area


class WrappingLabel(QLabel):
    """A label on one line while there is room for it, as a plain label, and wrapped onto more lines (never
    cut) when larger text or a narrower window leaves less. Plain text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        lines = self.text().split("\n")
        width = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        extra = 2 * max(self.margin(), 0) + max(self.indent(), 0)
        return QSize(
            width + margins.left() + margins.right() + extra + 1,
            metrics.lineSpacing() * len(lines) + margins.top() + margins.bottom() + extra,
        )


class FittingLabel(QLabel):
    """A label that says the first of its `forms` (longest first) that fits its width, so that a narrow
    window or large text shortens what it says rather than cutting it; the tooltip can keep the rest."""

    def __init__(self, *forms: str, parent: QWidget | None = None) -> None:
        super().__init__(forms[0], parent)
        self.forms = forms

    def _size_of(self, text: str) -> QSize:
        margins = self.contentsMargins()
        extra = 2 * max(self.margin(), 0) + max(self.indent(), 0)
        metrics = self.fontMetrics()
        return QSize(
            metrics.horizontalAdvance(text) + margins.left() + margins.right() + extra + 1,
            metrics.height() + margins.top() + margins.bottom() + extra,
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._size_of(self.forms[0])

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._size_of(self.forms[-1])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        fitting = [form for form in self.forms if self._size_of(form).width() <= self.width()]
        self.setText(fitting[0] if fitting else self.forms[-1])


def scrolled(layout: QLayout) -> QScrollArea:
    """A dialog's form in a scroll area: as it was while it fits, scrolling when larger text makes it
    taller than the screen (a window is opened no taller than the screen; its fields are not squeezed)."""
    page = QWidget()
    page.setLayout(layout)
    layout.setContentsMargins(0, 0, 0, 0)
    return scrolling(page)


class _Placeholders(QObject):
    def __init__(self, field: QLineEdit, texts: tuple[str, ...]) -> None:
        super().__init__(field)
        self.field = field
        self.texts = texts
        field.installEventFilter(self)
        self.choose()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.choose()
        return False

    def choose(self) -> None:
        margins = self.field.textMargins()
        room = self.field.contentsRect().width() - margins.left() - margins.right() - 8
        metrics = self.field.fontMetrics()
        fitting = [text for text in self.texts if metrics.horizontalAdvance(text) <= room]
        self.field.setPlaceholderText(fitting[0] if fitting else self.texts[-1])


def fit_placeholder(field: QLineEdit, *texts: str) -> None:
    """Show the first of `texts` (longest first) that fits in the field as its placeholder; the last one
    is short enough to fit anywhere the field is usable."""
    field.setPlaceholderText(texts[0])
    _Placeholders(field, texts)
