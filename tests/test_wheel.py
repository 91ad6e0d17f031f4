"""The wheel: built from the sdist as `python -m build` builds it, installed into a fresh virtualenv outside
the checkout, and run from there as a user would run it (stocks, a demo, badges and the guide to PDF)."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pdf_checks import decode_qrs, page_images

from checkin.resources import shipped_resources

ROOT = Path(__file__).resolve().parent.parent
# Generous: only a hung build or command should ever reach them.
BUILD_TIMEOUT_S = 600
COMMAND_TIMEOUT_S = 300


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    checkin: Path
    site_packages: Path
    home: Path  # the working folder, and the user's home, config and data folders


def run_checked(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", **kwargs)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """sdist and wheel, the wheel built from the unpacked sdist; without an isolated environment (offline)."""
    leftovers = [ROOT / "build", ROOT / "checkin_desk.egg-info"]
    existed = {path: path.exists() for path in leftovers}
    out = tmp_path_factory.mktemp("dist")
    try:
        run_checked(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
            timeout=BUILD_TIMEOUT_S,
        )
        (sdist,) = out.glob("checkin_desk-*.tar.gz")
        (wheel,) = out.glob("checkin_desk-*.whl")
        yield Built(sdist, wheel)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        for path, was_there in existed.items():
            if not was_there:
                shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """A fresh virtualenv holding the wheel; its third-party packages come from this test's own environment."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    try:
        run_checked([sys.executable, "-m", "venv", "--without-pip", str(venv)], timeout=BUILD_TIMEOUT_S)
        python = venv / "bin" / "python"
        run_checked(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index"]
            + ["--disable-pip-version-check", str(built.wheel)],
            timeout=BUILD_TIMEOUT_S,
        )
        paths = json.loads(
            run_checked(
                [str(python), "-c", "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"],
                timeout=COMMAND_TIMEOUT_S,
            ).stdout
        )
        site_packages = Path(paths["purelib"])
        # Downloading PySide6 and the rest for every run would be slow and need the network. A path line in a
        # .pth only extends sys.path: the .pth files over there (among them the editable install's finder,
        # which would import the checkout) are not run.
        (site_packages / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        home = base / "home"
        home.mkdir()
        yield Installed(venv, python, Path(paths["scripts"]) / "checkin", site_packages, home)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def user_environment(home: Path) -> dict[str, str]:
    """The environment of a user outside the checkout: nothing of the test's interpreter, own folders."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        CHECKIN_SETTINGS=str(home / "settings.json"),
        CHECKIN_DESK="wheel-test",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def checkin(installed: Installed, *args: str) -> subprocess.CompletedProcess:
    """The installed `checkin` console script, run from the user's folder."""
    return run_checked(
        [str(installed.checkin), *args],
        cwd=installed.home,
        env=user_environment(installed.home),
        timeout=COMMAND_TIMEOUT_S,
    )


def test_sdist_carries_resources_and_the_wheel_carries_them_as_package_data(built: Built):
    shipped = [
        path.relative_to(ROOT / "resources").as_posix() for path in shipped_resources(ROOT / "resources")
    ]
    assert "stocks/avery-l4785.json" in shipped and "fonts/NotoSans-Regular.ttf" in shipped
    assert "help/guide.html" in shipped  # Help ▸ Using Check-in Desk, offline
    with tarfile.open(built.sdist) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"resources/{name}" for name in shipped} <= in_sdist
    assert "setup.py" in in_sdist

    with zipfile.ZipFile(built.wheel) as wheel:
        in_wheel = set(wheel.namelist())
        entry_points = next(wheel.read(n) for n in in_wheel if n.endswith(".dist-info/entry_points.txt"))
    assert {f"checkin/_resources/{name}" for name in shipped} == {
        name for name in in_wheel if name.startswith("checkin/_resources/")
    }
    assert not any(name.startswith("resources/") for name in in_wheel)
    for folder in ("checkin/store/migrations", "checkin/sync/hub_migrations"):
        assert {f"{folder}/env.py", f"{folder}/script.py.mako"} <= in_wheel
        versions = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder / "versions").glob("*.py")}
        assert versions and versions <= in_wheel
    assert "checkin = ui.entry:main" in entry_points.decode()


def test_building_leaves_no_copy_of_the_resources_in_the_checkout(built: Built):
    assert not (ROOT / "checkin" / "_resources").exists()


def test_the_bundle_ships_the_resources_and_migrations_the_wheel_ships(built: Built):
    # The spec's data lists, without the PyInstaller build below them.
    source = (ROOT / "packaging" / "checkin.spec").read_text(encoding="utf-8")
    top = source.split("\n# Imported here, not at the top", 1)[0]
    namespace: dict = {"SPECPATH": str(ROOT / "packaging")}
    exec(compile(top, "checkin.spec", "exec"), namespace)  # noqa: S102 - our own file
    bundled_resources = {f"{folder}/{Path(path).name}" for path, folder in namespace["resources"]()}
    bundled_migrations = {
        f"{folder}/{Path(path).name}"
        for package in ("store/migrations", "sync/hub_migrations")
        for path, folder in namespace["migrations"](package)
    }
    with zipfile.ZipFile(built.wheel) as wheel:
        in_wheel = set(wheel.namelist())
    assert {
        name.replace("checkin/_resources/", "resources/", 1) for name in in_wheel if "/_resources/" in name
    } == (bundled_resources)
    assert bundled_migrations <= in_wheel
    assert any(name.endswith(".mako") for name in bundled_migrations)


def test_the_installed_program_is_the_one_that_runs(installed: Installed):
    probe = (
        "import importlib.metadata, sys, checkin, ui, ui.entry\n"
        "from checkin.resources import resources_root\n"
        "print(checkin.__file__); print(ui.__file__); print(resources_root())\n"
        "print(importlib.metadata.distribution('checkin-desk').locate_file('checkin/__init__.py'))\n"
        "print(any('__editable__' in name for name in sys.modules))\n"
    )
    done = subprocess.run(
        [str(installed.python), "-c", probe],
        capture_output=True,
        text=True,
        cwd=installed.home,
        env=user_environment(installed.home),
        timeout=COMMAND_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    checkin_file, ui_file, resources, metadata_file, editable = done.stdout.splitlines()
    for path in (checkin_file, ui_file, metadata_file):
        assert Path(path).resolve().is_relative_to(installed.site_packages.resolve()), path
    assert Path(resources) == installed.site_packages / "checkin" / "_resources"
    assert editable == "False"
    assert checkin(installed, "--version").stdout.strip() == "checkin 0.1.0"


def test_stocks_list_the_shipped_label_stocks(installed: Installed):
    stocks = {stock["name"]: stock for stock in json.loads(checkin(installed, "stocks", "--json").stdout)}
    assert {"avery-l4785", "a6-4up", "zebra-4x3", "brother-ql-62x100"} <= set(stocks)
    assert stocks["a6-4up"]["label_w"] == 105.0


def test_demo_badges_and_guide_print_from_the_installed_program(installed: Installed):
    db = installed.home / "desk.sqlite3"
    assert "Demo programme created" in checkin(installed, "--db", str(db), "demo").stdout
    session = json.loads(checkin(installed, "--db", str(db), "sessions", "--json").stdout)[0]["code"]
    delegates = json.loads(
        checkin(installed, "--db", str(db), "delegates", "--session", session, "--json").stdout
    )
    codes = {d["badge_code"] for d in delegates if d["badge_code"]}

    badges = installed.home / "badges.pdf"
    checkin(
        installed, "--db", str(db), "badges", "--session", session, "--stock", "a6-4up", "-o", str(badges)
    )
    assert badges.read_bytes()[:5] == b"%PDF-"
    with pdfplumber.open(badges) as pdf:
        assert len(pdf.pages) >= 1
        fonts = {char["fontname"] for char in pdf.pages[0].chars}
    assert any("NotoSans" in font for font in fonts), fonts  # the shipped font, read from the wheel
    # The first sheet's badges carry the codes of the session's delegates, readable by a scanner.
    found = {qr.text for qr in decode_qrs(page_images(badges, dpi=150)[0], dpi=150)}
    assert found and found <= codes

    guide = installed.home / "guide.pdf"
    checkin(installed, "--db", str(db), "guide", "--layout", "a7-zine", "-o", str(guide))
    assert guide.read_bytes()[:5] == b"%PDF-"
    with pdfplumber.open(guide) as pdf:
        assert len(pdf.pages) >= 1
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    # The shipped guide's cover, read from the wheel's copy of resources/guide.
    assert "A pocket guide for frontline staff" in text and "08000 121 700" in text
