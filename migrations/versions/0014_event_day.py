"""sessions.recording_url, slides_url and links: what a session leaves behind (recording, slides, essays)

Revision ID: 0014_event_day
Revises: 0009_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_event_day"
down_revision = "0013_series"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recording_url", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("slides_url", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(sa.Column("links", sa.JSON(), nullable=True))
    op.execute("UPDATE sessions SET links = '[]'")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.alter_column("links", existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("links")
        batch_op.drop_column("slides_url")
        batch_op.drop_column("recording_url")
