"""The core package `checkin` works without Qt: every module imports with PySide6 and `ui` unimportable."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "shiboken6", "ui")

# Run in a fresh interpreter, so nothing this test session already imported (pytest-qt loads PySide6)
# can satisfy an import. Argument: the package to check.
IMPORT_EVERY_MODULE = textwrap.dedent(
    """
    import importlib, pkgutil, sys, traceback

    FORBIDDEN = {forbidden!r}

    class RefuseQt:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in FORBIDDEN:
                raise ImportError(f"{{name}} is not importable here: the core must not import Qt or ui")
            return None

    sys.meta_path.insert(0, RefuseQt())

    def is_alembic_env(name):
        # A migrations env.py runs only inside Alembic; its imports are checked by reading the source.
        return name.endswith(".env") and ("migrations" in name.rsplit(".", 2)[-2])

    def walk(package, failures, imported):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if is_alembic_env(info.name):
                continue
            try:
                module = importlib.import_module(info.name)
            except BaseException:
                failures.append(info.name + ":\\n" + traceback.format_exc())
                continue
            imported.append(info.name)
            if info.ispkg:
                walk(module, failures, imported)

    top = sys.argv[1]
    failures, imported = [], []
    try:
        walk(importlib.import_module(top), failures, imported)
    except BaseException:
        failures.append(top + ":\\n" + traceback.format_exc())
    print("imported:", top, *imported)
    for failure in failures:
        print("FAILED", failure)
    sys.exit(1 if failures else 0)
    """
).format(forbidden=FORBIDDEN)


def import_every_module(package: str, search_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE, package],
        cwd=search_path,  # with -c, the working folder comes first on sys.path
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# No doorway at all: `checkin app` is wired from the UI side (ui/entry.py), so the core never names `ui`.
LAZY_UI_IMPORTS_ALLOWED: set[tuple[str, str]] = set()


def forbidden_imports(folder: Path) -> list[str]:
    """Imports of Qt or ui anywhere in the source, including ones inside functions that run late."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        where = path.relative_to(folder.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        in_functions = {
            inner
            for outer in ast.walk(tree)
            if isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(outer)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.partition(".")[0] not in FORBIDDEN:
                    continue
                if (where, name) in LAZY_UI_IMPORTS_ALLOWED and node in in_functions:
                    continue
                found.append(f"{where}:{node.lineno}: {name}")
    return found


def test_every_core_module_imports_without_qt() -> None:
    result = import_every_module("checkin", REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_source_imports_qt_or_ui() -> None:
    assert forbidden_imports(REPO / "checkin") == []


def test_the_checks_catch_a_core_module_that_imports_qt(tmp_path: Path) -> None:
    package = tmp_path / "fakecore"
    (package / "printing").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A stand-in core."""\n')
    (package / "models.py").write_text("import json\n")
    (package / "printing" / "__init__.py").write_text("")
    (package / "printing" / "preview.py").write_text("from PySide6.QtGui import QImage\n")
    (package / "desk.py").write_text("def show():\n    import ui.desk\n")

    result = import_every_module("fakecore", tmp_path)
    assert result.returncode == 1
    assert "FAILED fakecore.printing.preview" in result.stdout
    assert "fakecore.models" in result.stdout.splitlines()[0]

    assert forbidden_imports(package) == [
        "fakecore/desk.py:2: ui.desk",
        "fakecore/printing/preview.py:1: PySide6.QtGui",
    ]
