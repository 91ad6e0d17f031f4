"""Help ▸ Using Check-in Desk (F1): the short guide shipped with the program, shown offline."""

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from checkin.resources import resource_path

GUIDE = ("help", "guide.html")


class GuideDialog(QDialog):
    """The guide in a browser that follows only the guide's own links (nothing reaches the network)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Using Check-in Desk"))
        self.resize(760, 620)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)  # the contents' links jump within the guide
        self.browser.setSource(QUrl.fromLocalFile(str(resource_path(*GUIDE))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)


def show_guide(parent: QWidget) -> GuideDialog:
    """Open the guide beside the window (not modal: it can stay open while the desk works)."""
    dialog = parent.findChild(GuideDialog)
    if dialog is None:
        dialog = GuideDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
