"""Where the program's shipped data (fonts, icons, sounds, label stocks, templates, demo data) lives.

Every asset is found through `resource_path`, which works in three layouts:

- **PyInstaller bundle**: the spec copies the `resources/` folder into the bundle as `resources`
  (`datas=[("../resources", "resources")]`); at run time it is under `sys._MEIPASS`.
- **Source checkout** (and an editable install): `resources/` sits next to the `checkin/` package.
- **Installed wheel**: a wheel has no room outside its packages, so the build (`setup.py`) copies
  `resources/` into the package as `checkin/_resources/` (package data). That copy is looked for before
  the checkout folder; in a checkout it does not exist.

Both the bundle and the wheel ship the files `shipped_resources` picks, so the two cannot drift apart.

Nothing is read at import time; callers open the path they are given.
"""

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

# Kept in resources/ for the developers, not shipped: the script that makes the sounds, and the litter of
# Python and the Finder.
_DEVELOPERS_ONLY_SUFFIXES = {".py", ".pyc"}
_LITTER = {"__pycache__", ".DS_Store"}


@cache
def resources_root() -> Path:
    """The folder holding the shipped resources, whichever way the program was installed."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    candidates += [_PACKAGE / "_resources", _PACKAGE.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    # A broken installation is our bug, not the user's: say where we looked.
    raise FileNotFoundError("No resources folder found; looked in " + ", ".join(map(str, candidates)))


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. `resource_path("demo", "people.json")`. It may not exist."""
    return resources_root().joinpath(*parts)


def shipped_resources(folder: Path) -> list[Path]:
    """The files of a resources folder that the program ships (in the bundle and the wheel), sorted.

    Read by the build (`setup.py`) and the PyInstaller spec from the checkout, before anything is installed,
    so it uses nothing but the standard library.
    """
    return [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not _LITTER.intersection(path.relative_to(folder).parts)
        and path.suffix not in _DEVELOPERS_ONLY_SUFFIXES
    ]
