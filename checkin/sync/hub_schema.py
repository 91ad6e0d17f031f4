"""The hub's tables in PostgreSQL: which programme it carries, and the log of every desk's changes."""

from sqlalchemy import BigInteger, Column, DateTime, Identity, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB

VERSION_TABLE = "hub_alembic_version"
HUB_METADATA = MetaData()

hub_meta = Table(
    "hub_meta",
    HUB_METADATA,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Append-only. `id` is the cursor desks pull by: pushes take a lock, so ids commit in order.
hub_change = Table(
    "hub_change",
    HUB_METADATA,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("change_uuid", String(36), nullable=False, unique=True),
    Column("origin", String(40), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("entity_uuid", String(200), nullable=False),
    Column("op", String(10), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("hlc", String(40), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
