"""Sync by file when there is no network: a bundle carries everything a desk holds, as changes.

Importing a bundle merges it exactly as a hub pull would (nothing lost, nothing overwritten by an older
edit), so importing it twice changes nothing. What a bundle brought is passed on to the hub the next time
this desk syncs, so a desk that was never online still reaches everyone through one that is.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session as OrmSession

from checkin.errors import UsageError
from checkin.files import written_beside
from checkin.store.models import Outbox, Programme
from checkin.store.outbox import replica_id
from checkin.sync.hub import snapshot_changes
from checkin.sync.merge import NEWER_CHANGES, apply_changes

FORMAT = "checkin-desk-bundle"
VERSION = 1


@dataclass(frozen=True)
class BundleReport:
    changes: int
    applied: int
    warnings: list[str]


def export_bundle(db: OrmSession, path: Path) -> int:
    """Write everything this desk holds to `path` (gzip JSON); returns the number of changes."""
    changes = snapshot_changes(db)
    db.commit()
    document = {
        "format": FORMAT,
        "version": VERSION,
        "origin": replica_id(db),
        "programmes": list(db.scalars(select(Programme.uuid))),
        "changes": changes,
    }
    db.commit()
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name for the bundle.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        written_beside(path, prefix=".bundle-", suffix="") as temporary,
        open(temporary, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb") as stream,
    ):
        stream.write(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return len(changes)


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file.")
    try:
        with gzip.open(path, "rb") as stream:
            document = json.loads(stream.read().decode("utf-8"))
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        raise UsageError(f"{path} is not a Check-in Desk bundle (it could not be read).") from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("changes"), list)
    ):
        raise UsageError(f"{path} is not a Check-in Desk bundle.")
    if document.get("version", 0) > VERSION:
        raise UsageError(f"{path} was written by a newer Check-in Desk; update this desk first.")
    return document


def import_bundle(db: OrmSession, path: Path) -> BundleReport:
    """Merge a bundle; commits. A bundle of another programme is refused and nothing is written."""
    document = _read(path)
    local = set(db.scalars(select(Programme.uuid)))
    theirs = set(document.get("programmes") or [])
    if local and theirs and not local & theirs:
        raise UsageError(f"{path} carries another programme than this desk's; nothing was imported.")
    report = apply_changes(db, document["changes"])
    # Passed on whole, what this desk did not understand too: desks that know it get it through this one.
    passed_on = {c["uuid"]: c for c in [*(report.applied_changes), *(report.newer)]}
    relay = [
        {
            "change_uuid": c["uuid"],
            "entity": c["entity"],
            "row_id": 0,
            "op": c["op"],
            "fields": [],
            "hlc": c["hlc"],
            "relayed": c,
        }
        for c in passed_on.values()
    ]
    if relay:
        db.execute(
            insert(Outbox).prefix_with("OR IGNORE")
            if db.get_bind().dialect.name == "sqlite"
            else insert(Outbox),
            relay,
        )
    if relay:
        from checkin.records.privacy import scrub_relayed_of_erased

        scrub_relayed_of_erased(db)  # an erased person's old values are not kept to be passed on
    db.commit()
    warnings = [*(report.warnings), *([NEWER_CHANGES] if report.newer else [])]
    return BundleReport(len(document["changes"]), report.applied, warnings)
