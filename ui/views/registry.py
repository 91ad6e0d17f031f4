"""The views after the desk, in the order the side bar lists them (title, shortcut, factory)."""

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.context import DeskContext


def more_views() -> list[tuple[str, str, Callable[[DeskContext], QWidget]]]:
    return []
