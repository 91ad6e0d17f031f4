"""The look: a calm, large-text theme that works at 1366×768 and a high-contrast one, from the palette."""

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ui.base.palette import NORMAL, Palette, palette_for

BASE_TEMPLATE = """
QListWidget#nav { background: $nav; color: $nav_ink; border: none; font-size: 12pt; padding-top: 6px; }
QListWidget#nav::item { padding: 10px 14px; border-left: 4px solid transparent; }
QListWidget#nav::item:selected { background: $nav_chosen; border-left: 4px solid $accent_light;
    color: $nav_chosen_ink; }
QLabel#counts { font-size: 15pt; font-weight: bold; color: $ink; }
QLabel#hint { color: $ink_muted; font-size: 10pt; }
QLineEdit#deskInput { border: 2px solid $accent; border-radius: 8px; padding: 6px 10px; }
QPushButton { padding: 6px 14px; border-radius: 6px; }
QPushButton#amberAction { background: $warning_fill; font-weight: bold; border: 1px solid $warning; }
QComboBox#sessionPicker { padding: 4px 8px; font-size: 12pt; }
"""

HIGH_CONTRAST_TEMPLATE = """
QWidget { color: $ink; background: $surface; }
QListWidget#nav { background: $nav; color: $nav_ink; border: none; font-size: 14pt; }
QListWidget#nav::item:selected { background: $nav_chosen; color: $nav_chosen_ink; }
QLabel#counts { font-size: 17pt; font-weight: bold; color: $ink; }
QLineEdit#deskInput { border: 3px solid $accent; padding: 6px 10px; }
QPushButton { border: 2px solid $border; padding: 6px 14px; font-weight: bold; }
QPushButton:focus { background: $focus_fill; }
"""

BASE = NORMAL.sheet(BASE_TEMPLATE)
HIGH_CONTRAST = palette_for(True).sheet(HIGH_CONTRAST_TEMPLATE)


def apply_theme(app: QApplication, *, high_contrast: bool = False) -> None:
    sheet = HIGH_CONTRAST if high_contrast else BASE
    app.setProperty("checkinHighContrast", high_contrast)
    if app.property("checkinTheme") == sheet:
        return  # restyling every widget again is slow and changes nothing
    app.setProperty("checkinTheme", sheet)
    app.setStyle("Fusion")
    colours = palette_for(high_contrast)
    palette = QPalette()
    if high_contrast:
        palette.setColor(QPalette.ColorRole.Window, QColor(colours.window))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colours.ink))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(colours.selection))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor(colours.selection_ink))
    else:  # Qt's own text colours
        palette.setColor(QPalette.ColorRole.Window, QColor(colours.window))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(colours.selection))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(13 if high_contrast else 11)
    app.setFont(font)
    app.setStyleSheet(sheet)


def palette_in_use() -> Palette:
    """The colours of the theme applied to the application; the normal ones before any is applied. A view
    that styles itself takes them when it is made."""
    app = QApplication.instance()
    return palette_for(bool(app is not None and app.property("checkinHighContrast")))


def focus_rule(colours: Palette, *selectors: str) -> str:
    """In high contrast, buttons a view styles itself fill with the focus colour like the theme's own (a
    view's own rules win over the theme's); a chosen one keeps its fill inside a focus-coloured edge. The
    normal theme marks focus its own way: nothing to add."""
    if not colours.high_contrast or not selectors:
        return ""
    focused = ", ".join(f"{selector}:focus" for selector in selectors)
    chosen = ", ".join(f"{selector}:checked:focus" for selector in selectors)
    return colours.sheet(
        f"{focused} {{ background: $focus_fill; color: $focus_fill_ink; }}\n"
        f"{chosen} {{ background: $accent; color: $on_colour; border: 3px solid $focus_fill; }}\n"
    )


def choice_buttons(selector: str) -> str:
    """A style-sheet template for a row of buttons of which one is chosen (what to print, the part of the
    day): plain when not chosen, in the accent when chosen. The view adds its own size and padding."""
    return (
        f"{selector} {{ background: $surface; color: $ink; border: 1px solid $border;"
        " border-radius: 8px; }\n"
        f"{selector}:checked {{ background: $accent; color: $on_colour; border: 1px solid $accent_edge;"
        " font-weight: bold; }\n"
        f"{selector}:hover:!checked {{ background: $hover; }}\n"
    )


def error_style() -> str:
    """The style of a message saying what went wrong: bold, in the refusal colour of the theme in use."""
    return palette_in_use().sheet("color: $refused; font-weight: bold;")


BUTTON_TEMPLATE = """
QPushButton { background: $surface; border: 1px solid $border; }
QPushButton:hover { border-color: $accent; }
QPushButton:focus { border: 2px solid $focus; }
QPushButton:disabled { color: $disabled; border-color: $disabled_border; background: $window; }
QPushButton#importButton, QPushButton#applyImport { background: $accent; color: $on_colour;
    border-color: $accent_deep; font-weight: bold; }
QPushButton#applyImport:disabled { background: $accent_disabled; color: $on_colour;
    border-color: $accent_disabled; }
"""
#: Buttons that look like buttons (the base theme's are flat), the import one in the accent colour. Normal
#: theme only: in high contrast the theme's own bordered buttons are clearer.
BUTTON_STYLE = NORMAL.sheet(BUTTON_TEMPLATE)
