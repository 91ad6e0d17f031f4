"""Apply this desk's settings to what is running: the scanner's thresholds, the theme, the desk's name."""

from PySide6.QtWidgets import QApplication, QWidget

from checkin.settings import Settings
from ui.base.theme import apply_theme
from ui.desk.result_panel import ResultPanel
from ui.input.scanner import ScannerFilter, configure_scanner


def apply_live_settings(settings: Settings, scanner: ScannerFilter | None, window: QWidget | None) -> None:
    """Called when Settings saves: nothing needs a restart."""
    if scanner is not None:
        configure_scanner(scanner, settings)
    app = QApplication.instance()
    high_contrast = settings.get("high_contrast")
    if isinstance(app, QApplication):
        apply_theme(app, high_contrast=high_contrast)
    if window is None:
        return
    for panel in window.findChildren(ResultPanel):
        changed = panel.high_contrast != high_contrast
        panel.high_contrast = high_contrast
        if changed and panel.code is None:
            panel.show_ready()
