"""The outbox: every local write recorded as a change to send, with the replica's clock and id.

Every synced row has a uuid. Local writes are captured by a flush hook on the database's sessions (ORM
writes, registered by `checkin.store.database` when it opens a database) and by `record_bulk` (bulk
inserts and updates that bypass the ORM, such as the import). Values are read from the row when the
change is sent (`checkin.sync.merge.rows_as_changes`)."""

import json
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, inspect, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

from checkin.domain.clock import utc_now
from checkin.domain.hlc import ZERO, tick
from checkin.domain.person import DELEGATE_FIELDS
from checkin.store.models import (
    CheckinEvent,
    Delegate,
    ExternalCode,
    GuideHandout,
    OrganisationSector,
    Programme,
    Registration,
    RevokedCode,
    Segment,
    Session,
    SyncState,
    Venue,
)

APPLYING = "applying_sync"  # session.info flag: writes made while merging are not captured again


@dataclass(frozen=True)
class EntitySpec:
    name: str
    table: Table
    #: Plain fields and how they travel: "text", "int", "bool", "datetime", "bytes", "json".
    fields: dict[str, str]
    #: Foreign keys as (local column, entity it refers to), sent as that row's uuid.
    refs: dict[str, str]
    immutable: bool = False
    #: The column that identifies a row across desks ("uuid", or a natural key for tables without one).
    key: str = "uuid"
    #: Columns that are unique locally besides the key: a row arriving with the same values is the same row.
    natural: tuple[str, ...] = ()


SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "programme",
            Programme.__table__,
            {
                "title": "text",
                "organiser": "text",
                "delivered_by": "text",
                "signing_key": "bytes",
                "created_at": "datetime",
                "demo": "bool",
                "logo": "bytes",
                "colour": "text",
                "accent_colour": "text",
            },
            {},
        ),
        EntitySpec(
            "venue",
            Venue.__table__,
            {"name": "text", "address": "text", "town": "text", "local_contacts": "text"},
            {},
            natural=("name",),
        ),
        EntitySpec(
            "session",
            Session.__table__,
            {
                "code": "text",
                "title": "text",
                "starts_at": "datetime",
                "ends_at": "datetime",
                "capacity": "int",
                "trainers": "text",
                "admit_from": "datetime",
                "admit_until": "datetime",
                "created_at": "datetime",
                "archived": "bool",
                "demo": "bool",
            },
            {"programme_id": "programme", "venue_id": "venue"},
            natural=("code",),
        ),
        EntitySpec(
            "segment",
            Segment.__table__,
            {
                "position": "int",
                "name": "text",
                "starts_at": "datetime",
                "ends_at": "datetime",
                "required": "bool",
            },
            {"session_id": "session"},
            natural=("session_id", "position"),
        ),
        EntitySpec(
            "delegate",
            Delegate.__table__,
            {
                **dict.fromkeys(DELEGATE_FIELDS, "text"),
                "consent": "bool",
                "created_at": "datetime",
                "updated_at": "datetime",
            },
            {},
        ),
        EntitySpec(
            "registration",
            Registration.__table__,
            {
                "status": "text",
                "status_reason": "text",
                "source": "text",
                "badge_code": "text",
                "answers": "json",
                "created_at": "datetime",
                "updated_at": "datetime",
            },
            {"delegate_id": "delegate", "session_id": "session"},
            natural=("delegate_id", "session_id"),
        ),
        EntitySpec(
            "external_code",
            ExternalCode.__table__,
            {"kind": "text", "code": "text"},
            {"registration_id": "registration"},
            immutable=True,
            key="lookup",
        ),
        # After external_code: a code replaced on one desk arrives after the live code it retires.
        EntitySpec(
            "revoked_code",
            RevokedCode.__table__,
            {
                "kind": "text",
                "code": "text",
                "lookup": "text",
                "revoked_at": "datetime",
                "desk": "text",
                "reason": "text",
            },
            {"registration_id": "registration"},
            immutable=True,
            natural=("lookup",),
        ),
        EntitySpec(
            "checkin_event",
            CheckinEvent.__table__,
            {
                "kind": "text",
                "undoes": "text",
                "at": "datetime",
                "desk": "text",
                "operator": "text",
                "method": "text",
            },
            {"registration_id": "registration", "session_id": "session", "segment_id": "segment"},
            immutable=True,
        ),
        EntitySpec(
            "guide_handout",
            GuideHandout.__table__,
            {"at": "datetime", "desk": "text", "operator": "text"},
            {"registration_id": "registration", "session_id": "session"},
            immutable=True,
            natural=("registration_id",),
        ),
        EntitySpec(
            "organisation_sector",
            OrganisationSector.__table__,
            {"organisation_key": "text", "organisation": "text", "sector": "text", "updated_at": "datetime"},
            {},
            natural=("organisation_key",),
        ),
    )
}
ORDER = list(SPECS)  # creation order: a row's references come before it
_BY_CLASS = {
    Programme: "programme",
    Venue: "venue",
    Session: "session",
    Segment: "segment",
    Delegate: "delegate",
    Registration: "registration",
    ExternalCode: "external_code",
    RevokedCode: "revoked_code",
    CheckinEvent: "checkin_event",
    GuideHandout: "guide_handout",
    OrganisationSector: "organisation_sector",
}
# Fields recomputed from others on each desk rather than sent.
_DERIVED = {"search_key", "surname_key", "id", "uuid"}


# ---- replica state --------------------------------------------------------------------------------


def read_state(db: OrmSession, key: str) -> str | None:
    return db.execute(_READ_STATE, {"key": key}).scalar()


def write_state(db: OrmSession, key: str, value: str) -> None:
    db.connection().execute(_WRITE_STATE, {"key": key, "value": value})


# Built once: next_hlc runs on every local write (every scan). The upsert is the same SQL in SQLite and
# PostgreSQL.
_READ_STATE = select(SyncState.value).where(SyncState.key == bindparam("key"))
_READ_CLOCK = select(SyncState.key, SyncState.value).where(SyncState.key.in_(("hlc", "replica")))
_WRITE_STATE = text(
    'INSERT INTO sync_state ("key", value) VALUES (:key, :value) '
    'ON CONFLICT ("key") DO UPDATE SET value = excluded.value'
)


def replica_id(db: OrmSession) -> str:
    """This database's own id, made on first use."""
    value = read_state(db, "replica")
    if value is None:
        value = uuid_module.uuid4().hex
        write_state(db, "replica", value)
    return value


def next_hlc(db: OrmSession) -> str:
    clock = db.info.get("clock", utc_now)
    wall_ms = int(clock().timestamp() * 1000)
    state = dict(db.execute(_READ_CLOCK).all())
    replica = state.get("replica") or replica_id(db)
    value = tick(state.get("hlc") or ZERO, wall_ms, replica)
    write_state(db, "hlc", value)
    return value


def observe_hlc(db: OrmSession, seen: str) -> None:
    """Remember a clock seen from another desk, so this desk's next edits come after it."""
    current = read_state(db, "hlc") or ZERO
    if seen > current:
        write_state(db, "hlc", seen)


# ---- capturing local writes -----------------------------------------------------------------------


def upsert_clocks(db: OrmSession, rows: list[dict[str, str]]) -> None:
    if rows:
        db.connection().execute(_UPSERT_CLOCK, rows)


# Plain SQL that SQLite and PostgreSQL both take (and the PostgreSQL dialect is not imported at start).
_UPSERT_CLOCK = text(
    "INSERT INTO field_clock (entity, entity_uuid, field, hlc) VALUES (:entity, :entity_uuid, :field, :hlc) "
    "ON CONFLICT (entity, entity_uuid, field) DO UPDATE SET hlc = excluded.hlc"
)


# The driver's own placeholders (qmark for sqlite3, format for psycopg): rows go to the driver as tuples.
_INSERT_OUTBOX = "INSERT INTO outbox (change_uuid, entity, row_id, op, fields, hlc, relayed) VALUES ({0}, {0}, {0}, {0}, {0}, {0}, NULL)"


def _write_outbox(
    db: OrmSession, entity: str, op: str, row_ids: Iterable[int], fields: Sequence[str], hlc: str
) -> None:
    """One outbox row per changed row. Written straight through the driver with the JSON made once: an
    import of 100,000 people writes 100,000 of these, and SQLAlchemy's per-row parameter work would cost
    seconds."""
    batch = uuid_module.uuid4().hex[:27]  # ids unique across batches by the random part, within by the count
    encoded = json.dumps(list(fields))
    rows = [(f"{batch}-{n:08x}", entity, row_id, op, encoded, hlc) for n, row_id in enumerate(row_ids)]
    if rows:
        connection = db.connection()
        placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(_INSERT_OUTBOX.format(placeholder), rows)


def record_bulk(
    db: OrmSession, entity: str, row_ids: Sequence[int], fields: Sequence[str] | None = None
) -> None:
    """Record rows written in bulk (not through the ORM): created rows when `fields` is None, else the
    fields updated."""
    if not row_ids or db.info.get(APPLYING):
        return
    spec = SPECS[entity]
    hlc = next_hlc(db)
    if fields is None:
        op = "event" if spec.immutable else "create"
        _write_outbox(db, entity, op, row_ids, [], hlc)
        return
    synced = [f for f in fields if f in spec.fields or f in spec.refs]
    if not synced:
        return
    _write_outbox(db, entity, "update", row_ids, synced, hlc)
    uuids = db.connection().execute(
        select(spec.table.c.id, spec.table.c.uuid).where(spec.table.c.id.in_(row_ids))
    )
    upsert_clocks(
        db, [{"entity": entity, "entity_uuid": u, "field": f, "hlc": hlc} for _id, u in uuids for f in synced]
    )


def capture_local_writes(db: OrmSession, _flush: UOWTransaction) -> None:
    """The after-flush hook: what this flush created or changed in a synced table goes to the outbox."""
    if db.info.get(APPLYING):
        return
    created: dict[str, list[int]] = {}
    updated: list[tuple[str, Any, list[str]]] = []
    for instance in db.new:
        entity = _BY_CLASS.get(type(instance))
        if entity is not None:
            created.setdefault(entity, []).append(instance.id)
    for instance in db.dirty:
        entity = _BY_CLASS.get(type(instance))
        if entity is None or SPECS[entity].immutable:
            continue
        spec = SPECS[entity]
        state = inspect(instance)
        changed = [
            name
            for name in (*spec.fields, *spec.refs)
            if name in state.attrs and state.attrs[name].history.has_changes()
        ]
        if changed:
            updated.append((entity, instance, changed))
    if not created and not updated:
        return
    hlc = next_hlc(db)
    for entity in ORDER:
        if entity in created:
            op = "event" if SPECS[entity].immutable else "create"
            _write_outbox(db, entity, op, created[entity], [], hlc)
    clocks = []
    for entity, instance, changed in updated:
        _write_outbox(db, entity, "update", [instance.id], changed, hlc)
        clocks += [{"entity": entity, "entity_uuid": instance.uuid, "field": f, "hlc": hlc} for f in changed]
    upsert_clocks(db, clocks)
