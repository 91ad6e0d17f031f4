"""What a reader of large text would notice in a window as laid out: words cut off, and controls drawn
over one another. Each finding names the widget and says what does not fit, in pixels.

A control is measured against what its own text needs in its own font (Qt's font metrics, and the style's
room for the text inside a button, box or field); a word-wrapped label may wrap but not lose lines. Table
cells and column headers may elide (they say so with "…", and the whole text is a column resize away; not
measured here). Controls Qt draws inside another control (a combo box's list, a spin box's field, a table's
viewport) are the other control's business; two siblings a layout placed may not overlap, nor reach past
their container's edge (a scroll area's contents may: that is what scrolling is for).
"""

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

#: Controls that draw their own parts as child widgets: what is inside them is theirs to lay out.
COMPOUND = (QComboBox, QAbstractSpinBox, QAbstractItemView, QTabBar, QMenu, QMenuBar, QScrollBar, QHeaderView)
SLACK = 1  # a pixel of rounding
FRAME = 2  # a button's edge, where its words would be cut


def name_of(widget: QWidget) -> str:
    text = ""
    for getter in ("text", "title", "placeholderText", "currentText"):
        if hasattr(widget, getter):
            value = getattr(widget, getter)()
            if isinstance(value, str) and value.strip():
                text = value
                break
    name = widget.objectName() or widget.accessibleName()
    words = " ".join(text.split())
    words = words if len(words) <= 48 else words[:47] + "…"
    return f"{type(widget).__name__}{'#' + name if name else ''} {words!r}"


def _plain(text: str) -> str:
    """A button's text as drawn: the & of a mnemonic is not shown."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_size(widget: QWidget, text: str) -> QSize:
    metrics = widget.fontMetrics()
    return metrics.boundingRect(QRect(0, 0, 100_000, 100_000), Qt.TextFlag.TextShowMnemonic, text).size()


def _inside_compound(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root.parentWidget():
        if isinstance(parent, COMPOUND):
            return True
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QScrollArea):
            return True  # a text edit's or a PDF view's insides
        parent = parent.parentWidget()
    return False


def _label(label: QLabel) -> str | None:
    if not label.text().strip() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    width, height = label.width(), label.height()
    if label.wordWrap():
        needed = label.heightForWidth(width)
        if needed > height + SLACK:
            return f"loses lines: needs {needed} px high at {width} px wide, has {height}"
        if label.textFormat() != Qt.TextFormat.RichText and not GuiQt.mightBeRichText(label.text()):
            room = label.contentsRect().width() - 2 * max(label.margin(), 0) - max(label.indent(), 0)
            metrics = label.fontMetrics()
            longest = max((metrics.horizontalAdvance(word) for word in label.text().split()), default=0)
            if longest > room + SLACK:
                return f"a word is cut: it needs {longest} px, has {room}"
        return None
    hint = label.minimumSizeHint()
    if width + SLACK < hint.width() or height + SLACK < hint.height():
        return f"cut: needs {hint.width()}×{hint.height()}, has {width}×{height}"
    return None


def _button(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text.strip():
        return None
    element = QStyle.SubElement.SE_PushButtonContents
    if isinstance(button, QCheckBox):
        element = QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(button, QRadioButton):
        element = QStyle.SubElement.SE_RadioButtonContents
    elif not isinstance(button, QPushButton):
        hint = button.minimumSizeHint()
        if button.width() + SLACK < hint.width() or button.height() + SLACK < hint.height():
            return f"cut: needs {hint.width()}×{hint.height()}, has {button.width()}×{button.height()}"
        return None
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]  # each subclass has its own
    room = button.style().subElementRect(element, option, button)
    if isinstance(button, QPushButton):
        # Words are cut where the button's frame is, not where the style would like its padding to end.
        room = button.rect().adjusted(FRAME, FRAME, -FRAME, -FRAME)
    needed = _text_size(button, text)
    if not button.icon().isNull():
        needed.setWidth(needed.width() + button.iconSize().width() + 4)
    if needed.width() > room.width() + SLACK or needed.height() > room.height() + SLACK:
        return f"words cut: need {needed.width()}×{needed.height()}, room for {room.width()}×{room.height()}"
    return None


def _line_edit(field: QLineEdit) -> str | None:
    hint = field.minimumSizeHint()
    if field.height() + SLACK < hint.height():
        return f"too low for its text: needs {hint.height()} px, has {field.height()}"
    if not field.text() and field.placeholderText():
        margins = field.textMargins()
        room = field.contentsRect().width() - margins.left() - margins.right() - 8
        needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
        if needed > room + SLACK:
            return f"placeholder cut: needs {needed} px, has {room}"
    return None


def _combo(combo: QComboBox) -> str | None:
    hint = combo.minimumSizeHint()
    if combo.height() + SLACK < hint.height():
        return f"too low for its text: needs {hint.height()} px, has {combo.height()}"
    if combo.isEditable() or not combo.currentText():
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    shown = getattr(combo, "shown_text", combo.currentText)()  # a combo box may say less when narrow
    needed = combo.fontMetrics().horizontalAdvance(shown)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    if needed > room.width() + SLACK:
        return f"choice cut: needs {needed} px, has {room.width()}"
    return None


def _spin(box: QAbstractSpinBox) -> str | None:
    hint = box.minimumSizeHint()
    if box.width() + SLACK < hint.width() or box.height() + SLACK < hint.height():
        return f"cut: needs {hint.width()}×{hint.height()}, has {box.width()}×{box.height()}"
    return None


def _group(box: QGroupBox) -> str | None:
    if not box.title():
        return None
    needed = QFontMetrics(box.font()).horizontalAdvance(_plain(box.title())) + 16
    if box.isCheckable():
        needed += box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 6
    if needed > box.width() + SLACK:
        return f"title cut: needs {needed} px, has {box.width()}"
    return None


def _tabs(bar: QTabBar) -> str | None:
    needed = sum(bar.tabSizeHint(index).width() for index in range(bar.count()))
    if needed > bar.width() + SLACK:
        return f"tabs do not all show: need {needed} px, have {bar.width()}"
    for index in range(bar.count()):
        if bar.tabRect(index).height() + SLACK < bar.tabSizeHint(index).height():
            return f"tab {bar.tabText(index)!r} too low for its words"
    return None


def _measure(widget: QWidget) -> str | None:
    if isinstance(widget, QLabel):
        return _label(widget)
    if isinstance(widget, QAbstractButton):
        return _button(widget)
    if isinstance(widget, QLineEdit):
        return _line_edit(widget)
    if isinstance(widget, QComboBox):
        return _combo(widget)
    if isinstance(widget, QAbstractSpinBox):
        return _spin(widget)
    if isinstance(widget, QGroupBox):
        return _group(widget)
    if isinstance(widget, QTabBar):
        return _tabs(widget)
    return None


def _laid_out(layout: QLayout) -> list[QWidget]:
    """The widgets a layout places, through its nested layouts."""
    found = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found.extend(_laid_out(item.layout()))
    return found


def _arrangement(container: QWidget) -> list[str]:
    layout = container.layout()
    if layout is None or isinstance(container, COMPOUND):
        return []
    placed = [w for w in _laid_out(layout) if w.isVisible() and w.width() > 0 and w.height() > 0]
    found = []
    bounds = container.rect()
    for widget in placed:
        if not isinstance(container.parentWidget(), QScrollArea) and not bounds.contains(widget.geometry()):
            found.append(
                f"{name_of(widget)} runs past the edge of {name_of(container)}: "
                f"{_rect(widget.geometry())} in {bounds.width()}×{bounds.height()}"
            )
    for index, first in enumerate(placed):
        for second in placed[index + 1 :]:
            common = first.geometry().intersected(second.geometry())
            if common.width() > SLACK and common.height() > SLACK:
                found.append(
                    f"{name_of(first)} and {name_of(second)} overlap by {common.width()}×{common.height()}"
                )
    return found


def _rect(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()} at ({rect.x()}, {rect.y()})"


def layout_problems(root: QWidget) -> list[str]:
    """Everything cut off or drawn over something else in root, as shown now (root must be visible)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.isWindow() and widget is not root:
            continue
        if widget is not root and widget.window() is not root.window():
            continue
        if _inside_compound(widget, root):
            continue
        problem = _measure(widget)
        if problem:
            found.append(f"{name_of(widget)}: {problem}")
        found.extend(_arrangement(widget))
    if root.isWindow():
        needed = root.minimumSizeHint()
        if root.layout() is not None and (needed.width() > root.width() or needed.height() > root.height()):
            found.append(
                f"the window needs {needed.width()}×{needed.height()} and has {root.width()}×{root.height()}"
            )
    return found
