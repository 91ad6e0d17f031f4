"""search index: a folded surname key for ordering, and a trigram full-text index on SQLite

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Kept in step with the delegate table by triggers, so every way of writing a delegate (the ORM, the
# import's bulk inserts, sync) updates it.
FTS_TRIGGERS = (
    """CREATE TRIGGER delegate_fts_insert AFTER INSERT ON delegate BEGIN
         INSERT INTO delegate_fts(rowid, search_key) VALUES (new.id, new.search_key);
       END""",
    """CREATE TRIGGER delegate_fts_delete AFTER DELETE ON delegate BEGIN
         INSERT INTO delegate_fts(delegate_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
       END""",
    """CREATE TRIGGER delegate_fts_update AFTER UPDATE OF search_key ON delegate BEGIN
         INSERT INTO delegate_fts(delegate_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
         INSERT INTO delegate_fts(rowid, search_key) VALUES (new.id, new.search_key);
       END""",
)


def upgrade() -> None:
    with op.batch_alter_table("delegate") as batch:
        batch.add_column(sa.Column("surname_key", sa.String(400), nullable=False, server_default=""))
    op.create_index("ix_delegate_surname_key", "delegate", ["surname_key"])
    bind = op.get_bind()
    from checkin.text import fold

    rows = bind.execute(sa.text("SELECT id, last_name, first_name FROM delegate")).all()
    if rows:
        bind.execute(
            sa.text("UPDATE delegate SET surname_key = :key WHERE id = :id"),
            [{"id": id_, "key": fold(f"{last} {first}")} for id_, last, first in rows],
        )
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE delegate_fts USING fts5(search_key, content='delegate', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute("INSERT INTO delegate_fts(delegate_fts) VALUES ('rebuild')")
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("delegate_fts_insert", "delegate_fts_delete", "delegate_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS delegate_fts")
    op.drop_index("ix_delegate_surname_key", "delegate")
    with op.batch_alter_table("delegate") as batch:
        batch.drop_column("surname_key")
