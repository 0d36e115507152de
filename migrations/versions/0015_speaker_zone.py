"""people.mail_language and people.timezone: a speaker's invitation and notices in their language and zone

Revision ID: 0015_speaker_zone
Revises: 0014_event_day
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_speaker_zone"
down_revision = "0014_event_day"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for everyone before: the site's default language and the event's zone.
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mail_language", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("mail_language")
