"""search index: a folded surname key, indexed, for surname order and surname-first search

A trigram full-text index was tried and left out: keeping it current cost 0.1-0.2 ms a delegate on every
insert, which a 100,000-row import cannot afford, while the surname index already answers the search a
desk makes most (the first letters of a surname) at once.

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


def upgrade() -> None:
    with op.batch_alter_table("delegate") as batch:
        batch.add_column(sa.Column("surname_key", sa.String(400), nullable=False, server_default=""))
    op.create_index("ix_delegate_surname_key", "delegate", ["surname_key"])
    bind = op.get_bind()
    from checkin.domain.text import fold

    rows = bind.execute(sa.text("SELECT id, last_name, first_name FROM delegate")).all()
    if rows:
        bind.execute(
            sa.text("UPDATE delegate SET surname_key = :key WHERE id = :id"),
            [{"id": id_, "key": fold(f"{last} {first}")} for id_, last, first in rows],
        )


def downgrade() -> None:
    op.drop_index("ix_delegate_surname_key", "delegate")
    with op.batch_alter_table("delegate") as batch:
        batch.drop_column("surname_key")
