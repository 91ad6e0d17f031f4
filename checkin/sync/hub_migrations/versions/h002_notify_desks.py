"""the hub tells listening desks at once when changes arrive

Revision ID: h002
Revises: h001
Create Date: 2026-12-02 07:40:00

A trigger, not a NOTIFY sent by the pushing desk: every writer of the change log (any desk version from
this one on, `hub init`'s snapshot, a repair by hand) wakes the desks, and the notification goes out
only when the rows it announces are committed and visible. It fires once per statement, and only when
the statement added rows: a resend of changes the hub already holds wakes nobody.
"""

from alembic import op

revision = "h002"
down_revision = "h001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The channel is named after the programme the hub carries; desks ask the hub for it (hub_channel())
    # so the name is made in one place.
    op.execute(
        """
        CREATE FUNCTION hub_channel() RETURNS text LANGUAGE sql STABLE AS $$
            SELECT 'checkin_' || coalesce((SELECT value FROM hub_meta WHERE key = 'programme'), 'hub')
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION hub_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM arrived) THEN
                PERFORM pg_notify(hub_channel(), '');
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER hub_change_notify AFTER INSERT ON hub_change
        REFERENCING NEW TABLE AS arrived
        FOR EACH STATEMENT EXECUTE FUNCTION hub_change_notify()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER hub_change_notify ON hub_change")
    op.execute("DROP FUNCTION hub_change_notify()")
    op.execute("DROP FUNCTION hub_channel()")
