"""The About box (Help ▸ About): the version, where this desk keeps its data, and the licences of what we ship.

The library list is read from the installed distributions' metadata (checkin.licences), so it is
always the versions really running, in a checkout and in the PyInstaller bundle alike.
"""

import html
import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checkin import __version__
from checkin.licences import FFMPEG_SOURCE, PYSIDE_SOURCE, QT_SOURCE, shipped_libraries
from checkin.resources import resource_path
from ui.base.fit import scrolling

LGPL_NOTICE = (
    "Qt {qt} and PySide6 {pyside} are used under the GNU Lesser General Public License v3. They are "
    "dynamically linked: their libraries are separate files in the program's folder, which you may "
    "replace with your own build of the same version. The source code of Qt is at "
    '<a href="{qt_source}">{qt_source}</a> and of PySide6 at <a href="{pyside_source}">{pyside_source}</a>. '
    "Qt Multimedia's FFmpeg libraries (LGPL-2.1-or-later, source at "
    '<a href="{ffmpeg_source}">{ffmpeg_source}</a>), psycopg and python-bidi (LGPL) are likewise '
    "separate, replaceable files. The licence texts are in "
    "the program's <i>resources/licences</i> folder, and each library's own licence is in its "
    "<i>.dist-info</i> folder."
)


def _about_tab(database_url: str | None) -> QWidget:
    text = (
        f"<h2>Check-in Desk {html.escape(__version__)}</h2>"
        "<p>The registration desk of training events: scan badges, register walk-ins, print badges "
        "and take attendance, with or without a network.</p>"
        f"<p>Python {html.escape(platform.python_version())} · Qt {html.escape(qVersion())} · "
        f"PySide6 {html.escape(PySide6.__version__)} · {html.escape(platform.platform(terse=True))}</p>"
    )
    if database_url:
        text += f"<p>This desk's data: <code>{html.escape(database_url)}</code></p>"
    text += (
        "<p>"
        + LGPL_NOTICE.format(
            qt=html.escape(qVersion()),
            pyside=html.escape(PySide6.__version__),
            qt_source=QT_SOURCE,
            pyside_source=PYSIDE_SOURCE,
            ffmpeg_source=FFMPEG_SOURCE,
        )
        + "</p>"
    )
    label = QLabel(text)
    label.setWordWrap(True)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


def _libraries_tab() -> QWidget:
    rows = [("Qt", qVersion(), "LGPL-3.0-only (as used here)", QT_SOURCE)]
    rows += [("Python", platform.python_version(), "PSF-2.0", "https://www.python.org/")]
    rows += [(lib.name, lib.version, lib.licence, lib.homepage) for lib in shipped_libraries()]
    table = QTableWidget(len(rows), 4)
    table.setObjectName("licenceTable")
    table.setHorizontalHeaderLabels(["Library", "Version", "Licence", "Home page"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fonts_tab() -> QWidget:
    licence = resource_path("fonts", "OFL.txt")
    text = QPlainTextEdit()
    text.setObjectName("fontLicence")
    text.setReadOnly(True)
    try:
        text.setPlainText(licence.read_text(encoding="utf-8"))
    except OSError as error:  # a damaged installation: say so rather than show an empty page
        text.setPlainText(f"The font licence could not be read from {licence}: {error.strerror}.")
    return text


class AboutDialog(QDialog):
    def __init__(self, database_url: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Check-in Desk"))
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(_about_tab(database_url)), self.tr("About"))  # large text scrolls
        self.tabs.addTab(_libraries_tab(), self.tr("Libraries and licences"))
        self.tabs.addTab(_fonts_tab(), self.tr("Fonts (SIL OFL 1.1)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        # 760 × 560, or wider for the tabs' names in larger text.
        self.resize(
            max(760, self.tabs.tabBar().sizeHint().width() + 4 * self.fontMetrics().averageCharWidth()), 560
        )


def show_about(parent: QWidget, database_url: str | None = None) -> None:
    AboutDialog(database_url, parent).exec()
