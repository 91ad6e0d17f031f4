"""session: archived and demo marks; programme: demo mark, logo and colours for badges and the guide

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 07:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("colour", sa.String(length=7), nullable=False, server_default=""))
        batch.add_column(sa.Column("accent_colour", sa.String(length=7), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("accent_colour")
        batch.drop_column("colour")
        batch.drop_column("logo")
        batch.drop_column("demo")
    with op.batch_alter_table("session") as batch:
        batch.drop_column("demo")
        batch.drop_column("archived")
