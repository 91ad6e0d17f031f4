"""What a screen reader hears: names for controls, news said the moment it appears, and a survey of a
window's controls as assistive technology sees them (for the tests and the accessibility statement)."""

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

#: The kinds of widget a person operates; labels, frames and pictures only show.
INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
)


def describe(widget: QWidget, name: str, description: str = "") -> None:
    """Gives a control the name a screen reader says, and what it does when the name alone is not enough."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)


def announce(source: QObject, message: str, *, urgent: bool = False) -> None:
    """Says `message` through the screen reader now, without taking the keyboard focus from where it is.

    The message also becomes the source's description (so it can be read again by moving to it), and the
    change is signalled too, for screen readers that do not yet speak announcements (Qt 6.8's event)."""
    if isinstance(source, QWidget):
        source.setAccessibleDescription(message)
    if not QAccessible.isActive():
        return  # no assistive technology listening: nothing to build
    QAccessible.updateAccessibility(QAccessibleEvent(source, QAccessible.Event.DescriptionChanged))
    announcement = QAccessibleAnnouncementEvent(source, message)
    announcement.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive if urgent else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(announcement)


@dataclass(frozen=True)
class Control:
    """One control as assistive technology sees it."""

    widget: QWidget
    role: str
    name: str
    description: str

    @property
    def job(self) -> str:
        """What the control does, when it says so (the `job` property); else its kind and object name:
        two controls with one name are fine only when they do one job."""
        declared = self.widget.property("job")
        return str(declared) if declared else f"{type(self.widget).__name__}#{self.widget.objectName()}"


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader says for a control: its accessible name, else a button's words or the
    label that is the field's buddy. On Linux Qt gives a combo box its current choice as its name and says
    what it is for through the label it is labelled by (even when it has an accessible name of its own,
    which Qt does not pass on there); that label is its name here."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    if isinstance(widget, QComboBox):
        labels = [
            other.text(QAccessible.Text.Name)
            for other, relation in interface.relations(QAccessible.RelationFlag.Label)
            if other is not None
        ]
        return next((label.replace("&", "").strip() for label in labels if label.strip()), "")
    return interface.text(QAccessible.Text.Name).strip()


def controls(root: QWidget, *, visible_only: bool = True) -> list[Control]:
    """Every control a person can operate inside `root` (itself too), in creation order."""
    found = [root] if isinstance(root, INTERACTIVE) else []
    found += [
        w for w in root.findChildren(QWidget) if isinstance(w, INTERACTIVE) and not isinstance(w, QScrollBar)
    ]
    result = []
    for widget in found:
        if visible_only and not widget.isVisibleTo(root.window()):
            continue
        if _inside_another_control(widget, root):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        role = interface.role().name if interface is not None else ""
        description = interface.text(QAccessible.Text.Description) if interface is not None else ""
        result.append(Control(widget, role, spoken_name(widget), description))
    return result


def _inside_another_control(widget: QWidget, root: QWidget) -> bool:
    """Parts of a control (a combo box's list, a spin box's or a field's buttons, a table's headers and
    corner) are spoken as the control itself; a control placed in a table's cell is a control of its own."""
    if isinstance(widget, QHeaderView):
        return True
    child, parent = widget, widget.parentWidget()
    while parent is not None and child is not root:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QLineEdit, QTabBar)):
            return True
        if isinstance(parent, QAbstractItemView) and child is not parent.viewport():
            return True
        child, parent = parent, parent.parentWidget()
    return False


def unnamed(root: QWidget, *, visible_only: bool = True) -> list[Control]:
    """Controls a screen reader could only call by their kind, or by the name of a symbol ("black
    left-pointing triangle"): a name needs a word."""
    return [
        control
        for control in controls(root, visible_only=visible_only)
        if not any(character.isalnum() for character in control.name)
    ]


def same_name_different_jobs(root: QWidget, *, visible_only: bool = True) -> dict[str, list[Control]]:
    """Names shared by controls that do different things: a screen-reader user cannot tell them apart."""
    by_name: dict[str, list[Control]] = {}
    for control in controls(root, visible_only=visible_only):
        if control.name:
            by_name.setdefault(control.name.casefold(), []).append(control)
    return {name: group for name, group in by_name.items() if len({control.job for control in group}) > 1}
