"""Changes between desks: the outbox's rows as changes any desk can apply, and merging other desks' changes.

A change is a plain dict:

    {"uuid": change id, "entity": "delegate", "entity_uuid": ..., "op": "create" | "update" | "event",
     "fields": {name: value}, "hlc": "...", "origin": replica id}

- ``create`` brings a new row with all its fields; applying it where the row exists changes nothing.
- ``update`` brings some fields; each is taken only if its HLC is later than the one that set the local
  value, so two desks editing different fields of one delegate both keep their edits, and the same field
  ends with the later edit everywhere.
- ``event`` brings an immutable row (a check-in event, an external code, a revoked code); applying it twice
  changes nothing. A revoked code removes its live external code here as well.

A change from a newer version of the desk may carry what this one does not know: a table, a field, a
booking status, a check-in event's kind or method. Values are kept as the text they came as, unknown
fields and tables are left out, everything else is applied, and the report says so (`MergeReport.newer`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.hlc import ZERO
from checkin.domain.person import search_key, surname_key
from checkin.domain.vocabulary import KNOWN_EVENT_KINDS, KNOWN_METHODS, KNOWN_STATUSES, UPDATE_THIS_DESK
from checkin.store.models import (
    FieldClock,
    UuidAlias,
)
from checkin.store.outbox import APPLYING, ORDER, SPECS, EntitySpec, observe_hlc, upsert_clocks

# ---- turning rows into changes --------------------------------------------------------------------


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        assert isinstance(value, datetime)
        return value.isoformat()
    if kind == "bytes":
        return bytes(value).hex()
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "bytes":
        return bytes.fromhex(value)
    return value


class _Uuids:
    """Local id <-> key for the synced tables, looked up in batches and remembered (aliases included)."""

    def __init__(self, db: OrmSession) -> None:
        self.db = db
        self.to_uuid: dict[tuple[str, int], str] = {}
        self.to_id: dict[tuple[str, str], int] = {}

    def uuids(self, entity: str, ids: set[int]) -> None:
        table = SPECS[entity].table
        missing = [i for i in ids if (entity, i) not in self.to_uuid]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for id_, key in self.db.connection().execute(
                select(table.c.id, table.c.uuid).where(table.c.id.in_(chunk))
            ):
                self.to_uuid[(entity, id_)] = key
                self.to_id[(entity, key)] = id_

    def resolve(self, entity: str, keys: set[str]) -> None:
        """Look up many keys at once (their own rows, then aliases of rows here)."""
        spec = SPECS[entity]
        column = spec.table.c[spec.key]
        connection = self.db.connection()
        missing = [k for k in keys if (entity, k) not in self.to_id]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for id_, key in connection.execute(select(spec.table.c.id, column).where(column.in_(chunk))):
                self.to_id[(entity, key)] = id_
        missing = [k for k in missing if (entity, k) not in self.to_id]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            aliases = dict(
                connection.execute(
                    select(UuidAlias.alias, UuidAlias.target).where(
                        UuidAlias.entity == entity, UuidAlias.alias.in_(chunk)
                    )
                ).all()
            )
            if aliases:
                targets = dict(
                    connection.execute(
                        select(column, spec.table.c.id).where(column.in_(list(set(aliases.values()))))
                    ).all()
                )
                for alias, target in aliases.items():
                    if target in targets:
                        self.to_id[(entity, alias)] = targets[target]

    def local_id(self, entity: str, key: str) -> int | None:
        if (entity, key) not in self.to_id:
            self.resolve(entity, {key})
        return self.to_id.get((entity, key))


def rows_as_changes(db: OrmSession, outbox: Sequence[Any], origin: str) -> list[dict[str, Any]]:
    """The changes for outbox rows (Outbox objects or rows of its table), with values as they are now.
    Rows since removed are left out."""
    uuids = _Uuids(db)
    by_entity: dict[str, set[int]] = {}
    for row in outbox:
        if row.relayed is None:
            by_entity.setdefault(row.entity, set()).add(row.row_id)
    current: dict[tuple[str, int], dict[str, Any]] = {}
    for entity, ids in by_entity.items():
        spec = SPECS[entity]
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            for row in (
                db.connection().execute(select(spec.table).where(spec.table.c.id.in_(chunk))).mappings()
            ):
                current[(entity, row["id"])] = dict(row)
        for ref, target in spec.refs.items():
            uuids.uuids(
                target, {r[ref] for (e, _), r in current.items() if e == entity and r[ref] is not None}
            )
    changes = []
    for row in outbox:
        if row.relayed is not None:
            changes.append(row.relayed)
            continue
        values = current.get((row.entity, row.row_id))
        if values is None:
            continue
        spec = SPECS[row.entity]
        wanted = row.fields if row.op == "update" else [*spec.fields, *spec.refs]
        fields: dict[str, Any] = {}
        for name in wanted:
            if name in spec.refs:
                ref = values[name]
                fields[name] = uuids.to_uuid.get((spec.refs[name], ref)) if ref is not None else None
            else:
                fields[name] = _encode(spec.fields[name], values[name])
        if spec.key != "uuid":
            fields[spec.key] = values[spec.key]
        changes.append(
            {
                "uuid": row.change_uuid,
                "entity": row.entity,
                "entity_uuid": values[spec.key],
                "op": row.op,
                "fields": fields,
                "hlc": row.hlc,
                "origin": origin,
            }
        )
    return changes


# ---- merging changes from elsewhere ---------------------------------------------------------------


#: What sync says, once, when changes from a newer version of the desk arrived.
NEWER_CHANGES = f"Some changes were made by {UPDATE_THIS_DESK}. The rest were applied."

_OPS = ("create", "update", "event")
# The synced fields whose values are words of the domain: a value outside these came from a newer desk.
_KNOWN_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "registration": {"status": KNOWN_STATUSES},
    "checkin_event": {"kind": KNOWN_EVENT_KINDS, "method": KNOWN_METHODS},
}


# The names a change of each entity may carry (every change of a pull is checked: sets, not loops).
_NAMES = {name: frozenset((*spec.fields, *spec.refs, spec.key)) for name, spec in SPECS.items()}


def from_newer_version(change: dict[str, Any]) -> bool:
    """Whether a change carries a table, an operation, a field or a value this version does not know."""
    names = _NAMES.get(change.get("entity", ""))
    if names is None or change.get("op") not in _OPS:
        return True
    fields = change.get("fields") or {}
    if fields.keys() - names:
        return True
    return any(
        fields.get(name) is not None and (not isinstance(fields[name], str) or fields[name] not in known)
        for name, known in _KNOWN_VALUES.get(change["entity"], {}).items()
    )


def _synced(spec: EntitySpec, name: str) -> bool:
    return name in spec.fields or name in spec.refs


@dataclass
class MergeReport:
    applied: int = 0
    unchanged: int = 0
    deferred: int = 0
    warnings: list[str] = field(default_factory=list)
    #: The changes that changed something here, in order.
    applied_changes: list[dict[str, Any]] = field(default_factory=list)
    #: The changes carrying something only a newer version knows (`from_newer_version`), as they came:
    #: what this desk understood of them was applied, and a desk passing changes on keeps them whole.
    newer: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def _row_values(spec: EntitySpec, fields: dict[str, Any], uuids: _Uuids) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in spec.refs:
            if value is None:
                values[name] = None
                continue
            local = uuids.local_id(spec.refs[name], value)
            if local is None:
                return None  # what it refers to has not arrived
            values[name] = local
        elif name in spec.fields:
            values[name] = _decode(spec.fields[name], value)
        elif name == spec.key:
            values[name] = value
    return values


def apply_changes(db: OrmSession, changes: Iterable[dict[str, Any]]) -> MergeReport:
    """Merge changes from other desks into this database (the caller commits). Idempotent.

    New rows go in entity by entity in bulk; updates are decided field by field against the local field
    clocks; anything that clashes with a row here falls back to one-by-one handling."""
    changes = list(changes)
    report = MergeReport(newer=[c for c in changes if from_newer_version(c)])
    changes = [c for c in changes if c.get("entity") in SPECS]
    if not changes:
        return report
    uuids = _Uuids(db)
    db.info[APPLYING] = True
    try:
        observe_hlc(db, max(c["hlc"] for c in changes))
        creations = [c for c in changes if c["op"] in ("create", "event")]
        updates = [c for c in changes if c["op"] == "update"]
        pending: list[dict[str, Any]] = []
        for entity in ORDER:
            batch = [c for c in creations if c["entity"] == entity]
            if batch:
                pending += _create_batch(db, SPECS[entity], batch, uuids, report)
        pending += _update_batch(db, updates, uuids, report)
        connection = db.connection()
        for _round in range(2):  # whatever waited for a reference that came later in the batch
            retry = []
            for change in pending:
                outcome = _apply_one(db, connection, uuids, change, report)
                if outcome == "deferred":
                    retry.append(change)
                elif outcome == "applied":
                    report.applied_changes.append(change)
            pending = retry
        report.deferred = len(pending)
        for change in pending:
            report.warn(
                f"{change['entity']} {change['entity_uuid']}: refers to something this desk does not have"
            )
        _retire_replaced_codes(connection, report.applied_changes)
        db.flush()
    finally:
        db.info.pop(APPLYING, None)
    return report


def _retire_replaced_codes(connection: Any, applied: list[dict[str, Any]]) -> None:
    """A code revoked on another desk stops admitting here: its live copy (an external code that
    arrived earlier, or in the same pull) is removed, so a scan finds it among the revoked only."""
    lookups = {c["fields"].get("lookup") for c in applied if c["entity"] == "revoked_code"}
    lookups |= {c["entity_uuid"] for c in applied if c["entity"] == "external_code"}
    lookups.discard(None)
    if not lookups:
        return
    live, revoked = SPECS["external_code"].table, SPECS["revoked_code"].table
    wanted = sorted(lookups)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        connection.execute(
            delete(live).where(
                live.c.lookup.in_(chunk),
                live.c.lookup.in_(select(revoked.c.lookup).where(revoked.c.lookup.in_(chunk))),
            )
        )


def _refs_of(spec: EntitySpec, changes: list[dict[str, Any]], uuids: _Uuids) -> None:
    for ref, target in spec.refs.items():
        keys = {c["fields"].get(ref) for c in changes} - {None}
        if keys:
            uuids.resolve(target, keys)


def _create_batch(
    db: OrmSession, spec: EntitySpec, changes: list[dict[str, Any]], uuids: _Uuids, report: MergeReport
) -> list[dict[str, Any]]:
    """Insert the rows that are new here in one go; returns the changes left for one-by-one handling."""
    uuids.resolve(spec.name, {c["entity_uuid"] for c in changes})
    fresh: dict[str, dict[str, Any]] = {}
    for change in changes:
        if (spec.name, change["entity_uuid"]) in uuids.to_id:
            report.unchanged += 1
        else:
            fresh.setdefault(change["entity_uuid"], change)
    if not fresh:
        return []
    _refs_of(spec, list(fresh.values()), uuids)
    rows, inserted, left = [], [], []
    for key, change in fresh.items():
        values = _row_values(spec, change["fields"], uuids)
        if values is None:
            left.append(change)
            continue
        if spec.key == "uuid":
            values["uuid"] = key
        if spec.name == "delegate":
            values.update(_derived_keys(values))
        rows.append(values)
        inserted.append(change)
    if rows:
        columns = sorted({name for row in rows for name in row})
        rows = [{name: row.get(name) for name in columns} for row in rows]
        try:
            with db.begin_nested():
                db.connection().execute(insert(spec.table), rows)
        except IntegrityError:
            return left + inserted  # a clash with a row here: sort it out one by one
        if spec.name in _REFERENCED:  # later changes in this pull may refer to the new rows
            uuids.resolve(spec.name, set(fresh))
        report.applied += len(inserted)
        report.applied_changes += inserted
    return left


# Entities other entities refer to (check-in events and logs are referred to by nothing).
_REFERENCED = {target for spec in SPECS.values() for target in spec.refs.values()}


def _derived_keys(values: dict[str, Any]) -> dict[str, str]:
    """A delegate's search and surname keys, made on each desk rather than sent."""
    return {
        "search_key": search_key(values),
        "surname_key": surname_key(values.get("last_name") or "", values.get("first_name") or ""),
    }


def _update_batch(
    db: OrmSession, changes: list[dict[str, Any]], uuids: _Uuids, report: MergeReport
) -> list[dict[str, Any]]:
    """Field by field, the later clock wins; returns updates whose row is not here (yet)."""
    connection = db.connection()
    left = []
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        by_entity.setdefault(change["entity"], []).append(change)
    for entity, batch in by_entity.items():
        spec = SPECS[entity]
        if spec.immutable:
            continue
        uuids.resolve(entity, {c["entity_uuid"] for c in batch})
        _refs_of(spec, batch, uuids)
        ids = {c["entity_uuid"]: uuids.to_id.get((entity, c["entity_uuid"])) for c in batch}
        here = {i for i in ids.values() if i is not None}
        local_uuid: dict[int, str] = {}
        for start in range(0, len(here), 500):
            id_chunk = sorted(here)[start : start + 500]
            local_uuid.update(
                connection.execute(
                    select(spec.table.c.id, spec.table.c.uuid).where(spec.table.c.id.in_(id_chunk))
                ).all()
            )
        clocks: dict[tuple[str, str], str] = {}
        wanted = list(set(local_uuid.values()))
        for start in range(0, len(wanted), 500):
            uuid_chunk = wanted[start : start + 500]
            for key, name, hlc in connection.execute(
                select(FieldClock.entity_uuid, FieldClock.field, FieldClock.hlc).where(
                    FieldClock.entity == entity, FieldClock.entity_uuid.in_(uuid_chunk)
                )
            ):
                clocks[(key, name)] = hlc
        winners: dict[int, dict[str, tuple[str, Any]]] = {}
        for change in batch:
            row_id = ids[change["entity_uuid"]]
            if row_id is None:
                left.append(change)
                continue
            key = local_uuid[row_id]
            took = False
            for name, value in change["fields"].items():
                if not _synced(spec, name):
                    continue  # a field only a newer version has: left out, the rest applied
                if change["hlc"] > clocks.get((key, name), ZERO):
                    clocks[(key, name)] = change["hlc"]
                    winners.setdefault(row_id, {})[name] = (change["hlc"], value)
                    took = True
            if took:
                report.applied += 1
                report.applied_changes.append(change)
            else:
                report.unchanged += 1
        clock_rows = []
        for row_id, fields in winners.items():
            values = _row_values(spec, {name: value for name, (_hlc, value) in fields.items()}, uuids)
            if values is None:
                continue
            connection.execute(update(spec.table).where(spec.table.c.id == row_id).values(**values))
            clock_rows += [
                {"entity": entity, "entity_uuid": local_uuid[row_id], "field": name, "hlc": hlc}
                for name, (hlc, _value) in fields.items()
            ]
        upsert_clocks(db, clock_rows)
        if entity == "delegate" and winners:
            table = spec.table
            for row in connection.execute(select(table).where(table.c.id.in_(list(winners)))).mappings():
                connection.execute(
                    update(table).where(table.c.id == row["id"]).values(**_derived_keys(dict(row)))
                )
    return left


def _apply_one(
    db: OrmSession, connection: Any, uuids: _Uuids, change: dict[str, Any], report: MergeReport
) -> str:
    spec = SPECS.get(change["entity"])
    if spec is None:
        report.unchanged += 1
        return "unknown"
    table = spec.table
    key = change["entity_uuid"]
    local_id = (
        uuids.local_id(spec.name, key)
        if spec.key == "uuid"
        else connection.execute(select(table.c.id).where(table.c[spec.key] == key)).scalar()
    )
    if change["op"] in ("create", "event"):
        if local_id is not None:
            report.unchanged += 1
            return "unchanged"
        values = _row_values(spec, change["fields"], uuids)
        if values is None:
            return "deferred"
        if spec.key == "uuid":
            values["uuid"] = key
        if spec.name == "delegate":
            values.update(_derived_keys(values))
        try:
            with db.begin_nested():
                new_id = connection.execute(insert(table).values(**values)).inserted_primary_key[0]
        except IntegrityError:
            return _adopt_twin(db, connection, spec, key, values, report)
        uuids.to_id[(spec.name, key)] = new_id
        report.applied += 1
        return "applied"
    # An update: field by field, the later clock wins.
    if local_id is None:
        return "deferred"
    local_uuid = connection.execute(select(table.c.uuid).where(table.c.id == local_id)).scalar()
    clocks = dict(
        connection.execute(
            select(FieldClock.field, FieldClock.hlc).where(
                FieldClock.entity == spec.name, FieldClock.entity_uuid == local_uuid
            )
        ).all()
    )
    newer = {
        name: value
        for name, value in change["fields"].items()
        if _synced(spec, name) and change["hlc"] > clocks.get(name, ZERO)
    }
    if not newer:
        report.unchanged += 1
        return "unchanged"
    values = _row_values(spec, newer, uuids)
    if values is None:
        return "deferred"
    connection.execute(update(table).where(table.c.id == local_id).values(**values))
    upsert_clocks(
        db,
        [{"entity": spec.name, "entity_uuid": local_uuid, "field": f, "hlc": change["hlc"]} for f in newer],
    )
    if spec.name == "delegate":
        row = connection.execute(select(table).where(table.c.id == local_id)).mappings().one()
        connection.execute(update(table).where(table.c.id == local_id).values(**_derived_keys(dict(row))))
    report.applied += 1
    return "applied"


def _adopt_twin(
    db: OrmSession, connection: Any, spec: EntitySpec, key: str, values: dict[str, Any], report: MergeReport
) -> str:
    """A row created apart on two desks with the same natural key: theirs becomes an alias of ours."""
    table = spec.table
    if not spec.natural or any(name not in values for name in spec.natural):
        report.warn(f"{spec.name} {key}: could not be added (it clashes with a row here)")
        report.unchanged += 1
        return "unchanged"
    ours = connection.execute(
        select(table.c.uuid).where(*(table.c[name] == values[name] for name in spec.natural))
    ).scalar()
    if ours is None:
        report.warn(f"{spec.name} {key}: could not be added (it clashes with a row here)")
        report.unchanged += 1
        return "unchanged"
    connection.execute(insert(UuidAlias.__table__).values(entity=spec.name, alias=key, target=ours))
    report.applied += 1
    return "applied"
