"""Alembic environment for the hub's schema (PostgreSQL), run on the connection `checkin.sync.hub` hands over."""

from alembic import context

from checkin.sync.hub_schema import HUB_METADATA, VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=HUB_METADATA, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
