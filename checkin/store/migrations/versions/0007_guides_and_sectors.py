"""guide_handout (the pocket guide given to a delegate) and organisation_sector (the organiser's sector
for everyone from an organisation), both synced

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guide_handout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("desk", sa.String(length=100), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"], name="fk_guide_handout_registration_id_registration"
        ),
        sa.ForeignKeyConstraint(["session_id"], ["session.id"], name="fk_guide_handout_session_id_session"),
        sa.PrimaryKeyConstraint("id", name="pk_guide_handout"),
        sa.UniqueConstraint("uuid", name="uq_guide_handout_uuid"),
        sa.UniqueConstraint("registration_id", name="uq_guide_handout_registration_id"),
    )
    op.create_index("ix_guide_handout_session_id", "guide_handout", ["session_id"])
    op.create_table(
        "organisation_sector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("organisation_key", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisation_sector"),
        sa.UniqueConstraint("uuid", name="uq_organisation_sector_uuid"),
        sa.UniqueConstraint("organisation_key", name="uq_organisation_sector_organisation_key"),
    )


def downgrade() -> None:
    op.drop_table("organisation_sector")
    op.drop_index("ix_guide_handout_session_id", table_name="guide_handout")
    op.drop_table("guide_handout")
