"""registrations.language and registrations.timezone: each registrant's mail in their language and zone

Revision ID: 0011_person_language_zone
Revises: 0009_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_person_language_zone"
down_revision = "0010_content_translations"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for the registrations made before: the site's default language and the event's zone.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("language")
