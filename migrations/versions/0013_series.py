"""Series and the home page: an index on events.ends_at (upcoming/past on the home page)

Revision ID: 0013_series
Revises: 0009_notices
"""

from alembic import op

revision = "0013_series"
down_revision = "0009_notices"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_ends_at"), ["ends_at"], unique=False)


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_ends_at"))
