"""Sync with a PostgreSQL hub: publish a programme, push this desk's outbox, pull everyone else's changes.

The hub is an append-only change log (`checkin.sync.hub_schema`). Pushing inserts changes by their uuid, so a
resend after a lost connection changes nothing; pushes hold a transaction-level advisory lock, so the log's
ids commit in order and a desk that pulls "everything after id N" never skips a change that commits late.
A desk applies pulled changes and moves its cursor in one local transaction: a round cut anywhere is
simply repeated. The desk never waits on the hub for anything else: scans go to the local database.
"""

import json
import os
import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, delete, func, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.vocabulary import UPDATE_THIS_DESK
from checkin.errors import UserError
from checkin.store.database import Database
from checkin.store.models import FieldClock, Outbox, Programme
from checkin.store.outbox import ORDER, SPECS, read_state, replica_id, write_state
from checkin.sync.hub_schema import VERSION_TABLE, hub_change, hub_meta
from checkin.sync.merge import NEWER_CHANGES, apply_changes, rows_as_changes

if TYPE_CHECKING:
    from alembic.config import Config

HUB_MIGRATIONS = Path(__file__).with_name("hub_migrations")
BATCH = 2000
_PUSH_LOCK = 74_251_903  # any fixed number: the advisory lock every pusher takes
KEYRING_SERVICE = "Check-in Desk hub"


class HubError(UserError):
    """The hub cannot be used (unreachable, wrong password, another programme); the message is for users."""


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    warnings: list[str] = field(default_factory=list)
    #: The hub's process id for the connection this round pushed on (None when nothing was pushed): the
    #: hub's notice of that push comes from it, and the desk need not pull its own changes back.
    pushed_by: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "applied": self.applied,
            "warnings": self.warnings,
        }


# ---- connecting -----------------------------------------------------------------------------------


def password_for_hub(url: str) -> str:
    """Fill in the password from the OS keyring when the URL has none (it is never stored in settings)."""
    parsed = make_url(url)
    if parsed.password or parsed.get_backend_name() != "postgresql":
        return url
    secret = os.environ.get("CHECKIN_HUB_PASSWORD")
    if not secret:
        try:
            import keyring

            secret = keyring.get_password(
                KEYRING_SERVICE, f"{parsed.username}@{parsed.host}:{parsed.port or 5432}"
            )
        except Exception:  # no keyring back end on this machine: connect without a password
            secret = None
    return parsed.set(password=secret).render_as_string(hide_password=False) if secret else url


def hub_engine(url: str, connect_timeout: int = 5) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise HubError(
            f"The hub must be a PostgreSQL URL (postgresql://user@host/database), not {parsed.drivername}."
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    full = make_url(password_for_hub(parsed.render_as_string(hide_password=False)))
    return create_engine(full, connect_args={"connect_timeout": connect_timeout}, pool_pre_ping=True)


_UNREACHABLE = (
    "connection refused",
    "timeout",
    "could not connect",
    "closed the connection",
    "connection socket closed",
    "connection is lost",
    "connection reset",
    "broken pipe",
    "eof detected",
)


def _dropped(error: BaseException) -> bool:
    """Whether the connection was lost (Wi-Fi gone, a router restarted): passing trouble, like a refused
    connection. The error that escapes may be a later one, such as the rollback on leaving a `with`
    block failing with "another command is already in progress", so the errors it arose from count too."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if getattr(current, "connection_invalidated", False):
            return True
        # The driver's own words only: SQLAlchemy's text adds the statement and its parameters.
        words = str(getattr(current, "orig", None) or current).strip().splitlines()
        if words and any(sign in words[0].lower() for sign in _UNREACHABLE):
            return True
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return False


def hub_error_for(error: Exception, url: str) -> HubError:
    """The HubError that says, in the user's words, why using the hub at `url` failed with `error`."""
    where = make_url(url).render_as_string(hide_password=True)
    message = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    lowered = message.lower()
    if "password" in lowered:
        return HubError(f"The hub {where} refused the password. Check it (stored in the system keyring).")
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return HubError(f"The hub's host in {where} is unknown. Check the address.")
    if _dropped(error):
        return HubError(
            f"The hub {where} cannot be reached now; this desk keeps working and will sync later."
        )
    if "does not exist" in lowered:
        return HubError(f"The hub {where} does not exist: {message}")
    return HubError(f"The hub {where} cannot be used: {message}")


def _hub_config() -> "Config":
    from alembic.config import Config  # only when a hub is used: alembic is slow to import

    config = Config()
    config.set_main_option("script_location", str(HUB_MIGRATIONS))
    return config


def _upgrade_hub(engine: Engine) -> None:
    from alembic import command

    config = _hub_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@cache
def _known_hub_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(
        script.revision for script in ScriptDirectory.from_config(_hub_config()).walk_revisions()
    )


def _check_hub_version(connection: Connection) -> None:
    """HubError when a newer desk has upgraded the hub's tables past what this desk knows: refused before
    anything is read or written, rather than failing halfway through a round."""
    if not connection.dialect.has_table(connection, VERSION_TABLE):
        return
    stamped = set(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    if stamped - _known_hub_revisions():
        raise HubError(f"This hub was upgraded by {UPDATE_THIS_DESK}. Nothing was changed.")


def _hub_programme(connection: Connection) -> str | None:
    programme: str | None = connection.execute(
        select(hub_meta.c.value).where(hub_meta.c.key == "programme")
    ).scalar()
    return programme


def _local_programmes(db: OrmSession) -> list[str]:
    return list(db.scalars(select(Programme.uuid)))


#: The hub's programme and schema versions in one statement: a desk that is live runs a round on every
#: notification, so each round trip saved counts once per desk per change. Fails on a database that is
#: not (fully) a hub, and then the questions are asked one by one.
_HUB_AT_ONCE = text(
    f"SELECT (SELECT value FROM hub_meta WHERE key = 'programme'), ARRAY(SELECT version_num FROM {VERSION_TABLE})"
)


def _set_up_hub_programme(connection: Any, url: str) -> str | None:
    """The programme the hub carries; HubError when the database was never set up as a hub."""
    try:
        programme, stamped = connection.execute(_HUB_AT_ONCE).one()
    except sa_exc.ProgrammingError:
        connection.rollback()  # a table missing: find out which below, with the right message
    else:
        if set(stamped) - _known_hub_revisions():
            raise HubError(f"This hub was upgraded by {UPDATE_THIS_DESK}. Nothing was changed.")
        return str(programme) if programme is not None else None
    if not connection.dialect.has_table(connection, "hub_meta"):
        raise HubError(
            f"{make_url(url).render_as_string(hide_password=True)} is not set up as a hub: "
            "run `checkin hub init URL` from the desk that holds the programme."
        )
    _check_hub_version(connection)
    return _hub_programme(connection)


def _check_programme(db: OrmSession, hub_programme: str | None, url: str) -> None:
    local = _local_programmes(db)
    if hub_programme is None:
        raise HubError(
            f"{make_url(url).render_as_string(hide_password=True)} is not set up as a hub: run `checkin hub init URL`."
        )
    if local and hub_programme not in local:
        raise HubError("This hub carries another programme than this desk's; nothing was changed.")


# ---- what a desk holds, as changes (publishing, bundles) ------------------------------------------


def snapshot_changes(db: OrmSession) -> list[dict[str, Any]]:
    """Everything this desk holds, as changes with ids made from their content: applying a snapshot
    twice, or alongside the changes it summarises, changes nothing."""
    origin = replica_id(db)
    fake_rows: list[Outbox] = []
    for entity in ORDER:
        spec = SPECS[entity]
        op = "event" if spec.immutable else "create"
        for row_id, key in db.execute(
            select(spec.table.c.id, spec.table.c[spec.key]).order_by(spec.table.c.id)
        ):
            fake_rows.append(
                Outbox(
                    change_uuid=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"{entity}/{key}/{op}")),
                    entity=entity,
                    row_id=row_id,
                    op=op,
                    fields=[],
                    hlc="0000000000000.00000.00000000",
                    relayed=None,
                )
            )
    for clock in db.scalars(select(FieldClock).order_by(FieldClock.id)):
        clocked = SPECS.get(clock.entity)
        # Clocks of fields only a newer version has (kept by desks before they left such fields out).
        if clocked is None or (clock.field not in clocked.fields and clock.field not in clocked.refs):
            continue
        table = clocked.table
        row_id = db.execute(select(table.c.id).where(table.c.uuid == clock.entity_uuid)).scalar()
        if row_id is None:
            continue
        change_id = uuid_module.uuid5(
            uuid_module.NAMESPACE_URL, f"{clock.entity}/{clock.entity_uuid}/{clock.field}/{clock.hlc}"
        )
        fake_rows.append(
            Outbox(
                change_uuid=str(change_id),
                entity=clock.entity,
                row_id=row_id,
                op="update",
                fields=[clock.field],
                hlc=clock.hlc,
                relayed=None,
            )
        )
    return rows_as_changes(db, fake_rows, origin)


# ---- push and pull --------------------------------------------------------------------------------


#: A batch of changes in one statement (arrays unnested), not one statement a row: far fewer trips, and the
#: hub's notify trigger (once per statement) fires once a batch. In id order, as given; a change the hub
#: already holds (a resend) is skipped.
_INSERT_BATCH = text(
    "INSERT INTO hub_change (change_uuid, origin, entity, entity_uuid, op, fields, hlc)"
    " SELECT u, o, e, eu, op, f::jsonb, h FROM unnest("
    "CAST(:uuids AS text[]), CAST(:origins AS text[]), CAST(:entities AS text[]),"
    " CAST(:entity_uuids AS text[]), CAST(:ops AS text[]), CAST(:fields AS text[]), CAST(:hlcs AS text[])"
    ") WITH ORDINALITY AS batch(u, o, e, eu, op, f, h, n) ORDER BY n"
    " ON CONFLICT (change_uuid) DO NOTHING"
)


def _insert_changes(connection: Any, changes: list[dict[str, Any]]) -> None:
    if not changes:
        return
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PUSH_LOCK})
    for start in range(0, len(changes), BATCH):
        batch = changes[start : start + BATCH]
        connection.execute(
            _INSERT_BATCH,
            {
                "uuids": [c["uuid"] for c in batch],
                "origins": [c["origin"] for c in batch],
                "entities": [c["entity"] for c in batch],
                "entity_uuids": [c["entity_uuid"] for c in batch],
                "ops": [c["op"] for c in batch],
                "fields": [json.dumps(c["fields"]) for c in batch],
                "hlcs": [c["hlc"] for c in batch],
            },
        )


def push(db: OrmSession, hub: Engine, report: SyncReport | None = None) -> int:
    """Send the outbox; each batch is removed locally only after the hub has committed it."""
    origin = replica_id(db)
    db.commit()
    pushed = 0
    while True:
        # Plain rows, not ORM objects: thousands at a time, read once.
        batch = db.execute(select(Outbox.__table__).order_by(Outbox.id).limit(BATCH)).all()
        if not batch:
            return pushed
        changes = rows_as_changes(db, batch, origin)
        with hub.begin() as connection:
            _insert_changes(connection, changes)
            driver = connection.connection.driver_connection
            if report is not None and driver is not None:
                report.pushed_by = driver.info.backend_pid
        db.execute(delete(Outbox).where(Outbox.id <= batch[-1].id))
        db.commit()
        pushed += len(changes)


# The columns a pull reads (not received_at, which only the hub's own audit needs).
_PULLED = ("id", "change_uuid", "origin", "entity", "entity_uuid", "op", "fields", "hlc")


def pull(db: OrmSession, hub: Engine, report: SyncReport) -> None:
    """Apply everything after this desk's cursor; cursor and changes move together in one transaction."""
    origin = replica_id(db)
    while True:
        cursor = int(read_state(db, "hub_cursor") or 0)
        with hub.connect() as connection:
            rows = (
                connection.execute(
                    select(*(hub_change.c[name] for name in _PULLED))
                    .where(hub_change.c.id > cursor)
                    .order_by(hub_change.c.id)
                    .limit(BATCH)
                )
                .mappings()
                .all()
            )
        if not rows:
            return
        last_batch = len(rows) < BATCH
        changes = [
            {
                "uuid": r["change_uuid"],
                "entity": r["entity"],
                "entity_uuid": r["entity_uuid"],
                "op": r["op"],
                "fields": r["fields"],
                "hlc": r["hlc"],
                "origin": r["origin"],
            }
            for r in rows
            if r["origin"] != origin
        ]
        merged = apply_changes(db, changes)
        write_state(db, "hub_cursor", str(rows[-1]["id"]))
        db.commit()
        report.pulled += len(changes)
        report.applied += merged.applied
        report.warnings += merged.warnings
        if merged.newer and NEWER_CHANGES not in report.warnings:
            report.warnings.append(NEWER_CHANGES)
        if last_batch:
            return  # a short batch was everything: no second trip to hear "nothing more"


def init_hub(database: Database, url: str) -> SyncReport:
    """Create or upgrade the hub's schema and publish this desk's programme to it."""
    hub = hub_engine(url)
    report = SyncReport()
    try:
        with hub.connect() as connection:
            _check_hub_version(connection)
        _upgrade_hub(hub)
        with database.session() as db:
            local = _local_programmes(db)
            if len(local) != 1:
                raise HubError(
                    "This desk holds no programme to publish: add a session first, or sync from a hub."
                )
            with hub.begin() as connection:
                existing = _hub_programme(connection)
                if existing is not None and existing != local[0]:
                    raise HubError("This hub already carries another programme; nothing was changed.")
                if existing is None:
                    connection.execute(pg_insert(hub_meta).values(key="programme", value=local[0]))
            last_outbox = db.scalar(select(func.max(Outbox.id))) or 0
            snapshot = snapshot_changes(db)
            with hub.begin() as connection:
                _insert_changes(connection, snapshot)
                # Statistics now, not at autovacuum's next visit: without them the planner reads the whole
                # log for every desk's "changes after N" instead of using the index.
                connection.execute(text("ANALYZE hub_change"))
            # The snapshot carries everything the outbox held up to now.
            db.execute(delete(Outbox).where(Outbox.id <= last_outbox))
            db.commit()
            report.pushed = len(snapshot) + push(db, hub)
            pull(db, hub, report)
    except sa_exc.DBAPIError as error:
        raise hub_error_for(error, url) from None
    finally:
        hub.dispose()
    return report


def sync_round(
    database: Database,
    url: str,
    *,
    engine: Engine | None = None,
    progress: Callable[[str], None] | None = None,
) -> SyncReport:
    """One round: push the outbox, then pull and merge. Safe to cut at any point and run again."""
    hub = engine or hub_engine(url)
    report = SyncReport()
    try:
        with database.session() as db:
            with hub.connect() as connection:
                hub_programme = _set_up_hub_programme(connection, url)
            _check_programme(db, hub_programme, url)
            if progress:
                progress("push")
            report.pushed = push(db, hub, report)
            if progress:
                progress("pull")
            pull(db, hub, report)
    except sa_exc.DBAPIError as error:
        raise hub_error_for(error, url) from None
    finally:
        if engine is None:
            hub.dispose()
    return report


def check_hub(database: Database, url: str, *, engine: Engine | None = None) -> str:
    """Connect and check the hub serves this desk's programme, without changing anything: one line for
    users ("Test connection"); raises HubError as `sync_round` would."""
    hub = engine or hub_engine(url)
    try:
        with hub.connect() as connection:
            hub_programme = _set_up_hub_programme(connection, url)
            changes = connection.execute(select(func.count()).select_from(hub_change)).scalar() or 0
        with database.session() as db:
            _check_programme(db, hub_programme, url)
    except sa_exc.DBAPIError as error:
        raise hub_error_for(error, url) from None
    finally:
        if engine is None:
            hub.dispose()
    return f"Connected: the hub carries this desk's programme ({changes:,} changes)."


def pending_changes(db: OrmSession) -> int:
    return db.scalar(select(func.count()).select_from(Outbox)) or 0


__all__ = [
    "VERSION_TABLE",
    "HubError",
    "SyncReport",
    "check_hub",
    "init_hub",
    "password_for_hub",
    "pending_changes",
    "snapshot_changes",
    "sync_round",
]
