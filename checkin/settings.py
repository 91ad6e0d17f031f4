"""This desk's settings: each declared once (type, default, title), read and written through one accessor.

They live in a small JSON file in the user's config folder (`CHECKIN_SETTINGS` names another file), so a
desk keeps them across database changes. A file from an older version is upgraded by the functions in
`_UPGRADES`, each taking the stored dict of one version to the next.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkin.domain.admission import DEFAULT_HOURS_BEFORE
from checkin.files import written_beside

VERSION = 1


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    title: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("desk_name", str, "", "Desk name"),
        Setting("last_session", str, "", "Session last opened"),
        Setting("wizard_done", bool, False, "First-run set-up finished"),
        Setting("scanner_max_gap_ms", int, 40, "Longest pause between a scanner's keys (ms)"),
        Setting("scanner_min_length", int, 6, "Shortest scan (characters)"),
        Setting("scanner_suffix", str, "enter-or-tab", "Key that ends a scan"),
        Setting("camera_id", str, "", "Camera"),
        Setting("sounds", bool, True, "Play a sound for each outcome"),
        Setting("high_contrast", bool, False, "High-contrast theme"),
        Setting("idle_lock_minutes", int, 5, "Hide the roster after this many idle minutes"),
        Setting(
            "admit_hours_before",
            int,
            DEFAULT_HOURS_BEFORE,
            "Codes admit from this many hours before a session starts",
        ),
        Setting("pin_hash", str, "", "Organiser PIN (hashed)"),
        Setting("pin_failures", int, 0, "Wrong PIN attempts in a row"),
        Setting("pin_locked_until", str, "", "PIN locked until"),
        Setting("default_stock", str, "avery-l4785", "Label stock"),
        Setting("printer_offsets", dict, {}, "Printer offsets (mm) by printer name"),
        Setting("last_printer", str, "", "Printer last printed on"),
        Setting("next_labels", dict, {}, "Next free label of a part-used sheet, by stock"),
        Setting("hub_url", str, "", "Hub address"),
        # Desk-level: the erasure a purge makes travels by sync, so the policy itself need not.
        Setting("retention_days", int, 90, "Keep personal data this many days after a session ends"),
    )
}

_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def default_settings_path() -> Path:
    override = os.environ.get("CHECKIN_SETTINGS")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("CheckinDesk", appauthor=False) / "settings.json"


class Settings:
    """The one accessor: `settings.get("desk_name")`, `settings.set("sounds", False)`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_settings_path()
        self._values: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no file yet, or a damaged one: the defaults serve, and the next save repairs it
        if not isinstance(loaded, dict):
            return {}
        stored: dict[str, Any] = loaded
        version = stored.pop("version", VERSION)
        while version < VERSION:
            stored = _UPGRADES[version](stored)
            version += 1
        return stored

    def get(self, key: str) -> Any:
        setting = SETTINGS[key]
        value = self._values.get(key, setting.default)
        if not isinstance(value, setting.type):
            return setting.default
        return value.copy() if isinstance(value, dict) else value

    def set(self, key: str, value: Any) -> None:
        setting = SETTINGS[key]
        if not isinstance(value, setting.type):
            raise TypeError(f"{key} takes {setting.type.__name__}, not {type(value).__name__}")
        self._values[key] = value
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"version": VERSION, **self._values}
        with (
            written_beside(self.path, prefix=".settings-", suffix="") as temporary,
            open(temporary, "w", encoding="utf-8") as stream,
        ):
            json.dump(document, stream, indent=2)
