"""revoked_code: codes replaced by newer ones, kept so a scan of one is refused with the reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("lookup", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.Column("desk", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_revoked_code_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revoked_code")),
        sa.UniqueConstraint("lookup", name=op.f("uq_revoked_code_lookup")),
        sa.UniqueConstraint("uuid", name=op.f("uq_revoked_code_uuid")),
    )
    op.create_index(op.f("ix_revoked_code_registration_id"), "revoked_code", ["registration_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_revoked_code_registration_id"), "revoked_code")
    op.drop_table("revoked_code")
