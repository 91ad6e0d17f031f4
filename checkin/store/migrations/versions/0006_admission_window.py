"""session: its own admission window (admit_from, admit_until), empty for the default around its dates

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("admit_from", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("admit_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("admit_until")
        batch.drop_column("admit_from")
