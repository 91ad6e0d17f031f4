"""The look: a calm, large-text theme that works at 1366×768, and a high-contrast one."""

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE = """
QListWidget#nav { background: #263238; color: #eceff1; border: none; font-size: 12pt; padding-top: 6px; }
QListWidget#nav::item { padding: 10px 14px; border-left: 4px solid transparent; }
QListWidget#nav::item:selected { background: #37474f; border-left: 4px solid #80cbc4; color: white; }
QLabel#counts { font-size: 15pt; font-weight: bold; color: #1b3a4b; }
QLabel#hint { color: #546e7a; font-size: 10pt; }
QLineEdit#deskInput { border: 2px solid #00796b; border-radius: 8px; padding: 6px 10px; }
QPushButton { padding: 6px 14px; border-radius: 6px; }
QPushButton#amberAction { background: #ffcc80; font-weight: bold; border: 1px solid #9a5b00; }
QComboBox#sessionPicker { padding: 4px 8px; font-size: 12pt; }
"""

HIGH_CONTRAST = """
QWidget { color: black; background: white; }
QListWidget#nav { background: black; color: white; border: none; font-size: 14pt; }
QListWidget#nav::item:selected { background: #ffff00; color: black; }
QLabel#counts { font-size: 17pt; font-weight: bold; color: black; }
QLineEdit#deskInput { border: 3px solid black; padding: 6px 10px; }
QPushButton { border: 2px solid black; padding: 6px 14px; font-weight: bold; }
QPushButton:focus { background: #ffff00; }
"""


def apply_theme(app: QApplication, *, high_contrast: bool = False) -> None:
    sheet = HIGH_CONTRAST if high_contrast else BASE
    if app.property("checkinTheme") == sheet:
        return  # restyling every widget again is slow and changes nothing
    app.setProperty("checkinTheme", sheet)
    app.setStyle("Fusion")
    palette = QPalette()
    if high_contrast:
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#ffff00"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("black"))
    else:
        palette.setColor(QPalette.ColorRole.Window, QColor("#f5f7f8"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#00796b"))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(13 if high_contrast else 11)
    app.setFont(font)
    app.setStyleSheet(sheet)


#: Buttons that look like buttons (the base theme's are flat), the import one in the accent colour.
BUTTON_STYLE = """
QPushButton { background: white; border: 1px solid #b0bec5; }
QPushButton:hover { border-color: #00796b; }
QPushButton:focus { border: 2px solid #00796b; }
QPushButton:disabled { color: #b0bec5; border-color: #e3e8eb; background: #f5f7f8; }
QPushButton#importButton, QPushButton#applyImport { background: #00796b; color: white; border-color: #005b50;
    font-weight: bold; }
QPushButton#applyImport:disabled { background: #b2dfdb; color: white; border-color: #b2dfdb; }
"""
