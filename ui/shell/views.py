"""The views after the desk, in the order the side bar lists them (title, shortcut, factory).

Each factory takes the DeskContext. A view that is `TakesScans` (ui.base.scans) receives scans caught
anywhere in the window while it is in front; otherwise scans go to the desk.
"""

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.base.context import DeskContext


def more_views() -> list[tuple[str, str, Callable[[DeskContext], QWidget]]]:
    views: list[tuple[str, str, Callable[[DeskContext], QWidget]]] = []
    # In the order of their keys: Delegates F6 ... Settings F10, Duplicates F11.
    from ui.delegates.view import DelegatesView

    views.append(("Delegates", "F6", DelegatesView))
    from ui.rollcall.view import RollCallView

    views.append(("Roll-call", "F7", RollCallView))
    from ui.printing.view import PrintView

    views.append(("Print", "F8", PrintView))
    from ui.dashboard.view import DashboardView

    views.append(("Dashboard", "F9", DashboardView))
    from ui.settings.view import SettingsView

    views.append(("Settings", "F10", SettingsView))
    from ui.conflicts.view import DuplicatesView

    views.append(("Duplicates", "F11", DuplicatesView))
    return views
