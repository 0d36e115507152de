"""outbox.headers: the extra headers of one message (List-Unsubscribe of announcements, an event's Reply-To)

Revision ID: 0016_outbox_headers
Revises: 0015_speaker_zone
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_outbox_headers"
down_revision = "0015_speaker_zone"
branch_labels = None
depends_on = None


def upgrade():
    # Every message written before had none.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("headers")
