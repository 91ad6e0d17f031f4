"""Packaging: the licence list the About box shows, the About box itself, and the spec's Qt trimming."""

import runpy
from pathlib import Path

import pytest

from checkin.licences import shipped_distributions, shipped_libraries

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_libraries_follow_the_requirements_with_their_extras():
    names = {name.lower().replace("_", "-") for name in shipped_distributions()}
    # direct requirements, a transitive one (Mako via Alembic), and an extra's (psycopg[binary])
    for expected in ("pyside6-essentials", "sqlalchemy", "alembic", "mako", "reportlab", "psycopg-binary"):
        assert expected in names
    assert "checkin-desk" not in names
    assert "pytest" not in names  # the test extra is not shipped


def test_every_shipped_library_declares_a_licence():
    libraries = {lib.name.lower().replace("_", "-"): lib for lib in shipped_libraries()}
    assert all(lib.licence and lib.version for lib in libraries.values())
    assert "LGPL-3.0" in libraries["pyside6-essentials"].licence
    assert libraries["sqlalchemy"].licence == "MIT"


def test_about_box_shows_version_libraries_and_font_licence(qtbot):
    from checkin import __version__
    from ui.shell.about import AboutDialog

    dialog = AboutDialog("sqlite:///desk.sqlite3")
    qtbot.addWidget(dialog)
    about = dialog.tabs.widget(0).widget().text()  # the About tab's words, in a scroll area for large text
    assert __version__ in about
    assert "dynamically linked" in about
    table = dialog.tabs.widget(1)
    listed = {table.item(row, 0).text() for row in range(table.rowCount())}
    assert {"Qt", "SQLAlchemy", "alembic"} <= listed
    assert "SIL OPEN FONT LICENSE" in dialog.tabs.widget(2).toPlainText().upper()


def test_licence_texts_ship_with_the_resources():
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        assert "GNU" in (ROOT / "resources" / "licences" / name).read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/lib/libQt6Quick3D.so.6", False),
        ("PySide6/Qt/lib/libQt6QuickControls2.so.6", False),
        ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", False),
        # linked by Qt Multimedia and its FFmpeg plugin: kept as libraries
        ("PySide6/Qt/lib/libQt6Quick.so.6", True),
        ("PySide6/Qt/lib/libQt6QmlModels.so.6", True),
        ("PySide6/Qt6Concurrent.dll", True),
        ("PySide6/Qt6WebEngineCore.dll", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/QtQuick.abi3.so", False),
        ("PySide6/Qt/lib/libQt6Charts.so.6", True),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt6Svg.dll", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/translations/qtbase_en.qm", True),
        ("resources/fonts/OFL.txt", True),
    ],
)
def test_spec_filter_drops_unused_qt_only(dest, kept, monkeypatch):
    # Run only the spec's top (names and the filter), not the PyInstaller build below it.
    source = (ROOT / "packaging" / "checkin.spec").read_text(encoding="utf-8")
    top = source.split("\ndef resources()", 1)[0]
    namespace: dict = {"SPECPATH": str(ROOT / "packaging")}
    exec(compile(top, "checkin.spec", "exec"), namespace)  # noqa: S102 - our own file
    assert namespace["wanted"]((dest, "src", "BINARY")) is kept


def test_entry_script_runs_the_cli(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["checkin", "--version"])
    with pytest.raises(SystemExit) as leaving:
        runpy.run_path(str(ROOT / "packaging" / "entry.py"), run_name="__main__")
    assert leaving.value.code == 0
    assert capsys.readouterr().out.startswith("checkin ")
