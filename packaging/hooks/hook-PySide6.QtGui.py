"""PyInstaller hook for PySide6.QtGui: the stock hook, minus plugins a desk laptop never loads.

It replaces the stock hook (hookspath wins), so what is dropped here never reaches the binary-dependency
analysis, and the system libraries only those plugins need (GTK's cairo, pango, atk for the GTK 3 theme)
stay out of the bundle. A later TOC filter in checkin.spec cannot do that: by then they are collected.

Dropped: the GTK 3 platform theme (a bundled half of GTK next to the system's other half is a classic
crash; Qt's own dialogs and the XDG portal theme remain), the embedded-device platforms (eglfs, linuxfb,
vnc, vkkhrdisplay, minimalegl) with their device integrations and evdev input plugins, and the virtual
keyboard input context (it pulls in Qt Quick and QML).
"""

import re

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

_UNWANTED = re.compile(
    r"/plugins/platformthemes/[^/]*gtk3"
    r"|/plugins/platforms/[^/]*(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)"
    r"|/plugins/(egldeviceintegrations|generic)/"
    r"|/plugins/platforminputcontexts/[^/]*virtualkeyboard"
)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if not _UNWANTED.search(entry[0].replace("\\", "/").lower())]
