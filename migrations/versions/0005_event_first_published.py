"""events.first_published_at: a draft that is cancelled stays private

Revision ID: 0005_event_first_published
Revises: 0004_event_import_source

Only an event that was published once is shown publicly when cancelled. Events published now get the
time of their last change; so do cancelled ones, since nobody knows whether they were public before, and
their public addresses must keep working.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_event_first_published"
down_revision = "0004_event_import_source"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_published_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE events SET first_published_at = updated_at WHERE status IN ('published', 'cancelled')")


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("first_published_at")
