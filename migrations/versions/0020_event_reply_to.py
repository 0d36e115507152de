"""events.reply_to: where replies to an event's mail go (the Reply-To its organisers set)

Revision ID: 0020_event_reply_to
Revises: 0019_announcements
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_event_reply_to"
down_revision = "0019_announcements"
branch_labels = None
depends_on = None


def upgrade():
    # Every event made before had none: replies went to the sender.
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
