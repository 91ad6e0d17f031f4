"""The third-party software the program ships, each with its version and the licence it declares.

The list is walked from this package's own requirements (and theirs, with the extras asked for), so it
is whatever is really installed: in a checkout, the virtual environment; in a PyInstaller bundle, the
distributions whose metadata the spec copied in (it uses this same walk to decide what to copy).
The licence is what each distribution's metadata says (PEP 639 `License-Expression`, else a short
`License` field, else its licence classifiers), never a list typed in by hand.
"""

import re
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageMetadata, PackageNotFoundError, distribution

PACKAGE = "checkin-desk"

#: Qt's own libraries come inside the PySide6 wheels, with no distribution metadata of their own.
QT_SOURCE = "https://download.qt.io/official_releases/qt/"
PYSIDE_SOURCE = "https://download.qt.io/official_releases/QtForPython/"
#: Qt Multimedia (in PySide6-Addons) ships FFmpeg's libraries, built LGPL-only.
FFMPEG_SOURCE = "https://ffmpeg.org/download.html"

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class ShippedLibrary:
    name: str
    version: str
    licence: str
    homepage: str


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _field(meta: PackageMetadata, name: str) -> str | None:
    """The first value of a metadata field, or None, as the email Message behind `meta` would `get` it:
    Python 3.11's PackageMetadata protocol declares no `get`, only `get_all`."""
    values: list[str] = meta.get_all(name) or []
    return values[0] if values else None


def _licence_of(dist: Distribution) -> str:
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return expression.strip()
    text = (_field(meta, "License") or "").strip()
    # Some projects paste the whole licence text (or a sentence) here; only a short name is useful.
    if text and "\n" not in text and len(text) <= 40 and text.upper() != "UNKNOWN":
        return text
    declared: list[str] = meta.get_all("Classifier") or []
    classifiers = [
        c.split("::")[-1].strip() for c in declared if c.startswith("License ::") and "Proprietary" not in c
    ]
    if classifiers:
        return "; ".join(classifiers)
    return text.split("\n", 1)[0][:60] or "see its metadata"


def _homepage(dist: Distribution) -> str:
    meta = dist.metadata
    homepage = _field(meta, "Home-page")
    if homepage:
        return homepage
    urls: list[str] = meta.get_all("Project-URL") or []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "source code", "repository"):
            return url.strip()
    return ""


def _requirements(dist: Distribution, extras: set[str]) -> list[tuple[str, set[str]]]:
    """The distributions `dist` needs, with the extras asked of each. Platform markers are not
    evaluated: a requirement for another platform is simply not installed, and is skipped."""
    wanted = []
    for line in dist.requires or []:
        requirement, _, marker = line.partition(";")
        extra = _EXTRA_MARKER.search(marker)
        if extra and extra.group(1) not in extras:
            continue
        match = _REQUIREMENT.match(requirement)
        if match:
            asked = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
            wanted.append((match.group(1), asked))
    return wanted


def shipped_distributions(root: str = PACKAGE) -> list[str]:
    """The names of the installed distributions `root` depends on, directly or not, sorted."""
    seen: dict[str, str] = {}
    queue: list[tuple[str, set[str]]] = [(root, set())]
    while queue:
        name, extras = queue.pop()
        key = _normalised(name)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        if key in seen and not extras:
            continue
        seen[key] = dist.metadata["Name"]
        queue.extend(_requirements(dist, extras))
    seen.pop(_normalised(root), None)
    return sorted(seen.values(), key=str.lower)


def shipped_libraries() -> list[ShippedLibrary]:
    """Every library the program ships, with the licence its metadata declares."""
    libraries = []
    for name in shipped_distributions():
        dist = distribution(name)
        libraries.append(
            ShippedLibrary(dist.metadata["Name"], dist.version, _licence_of(dist), _homepage(dist))
        )
    return libraries
