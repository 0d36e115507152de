"""Content in several languages: events.language and people.language (what their own text is written in),
and a `translations` JSON column on events, sessions, people, questions and publications

Revision ID: 0010_content_translations
Revises: 0009_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_content_translations"
down_revision = "0009_notices"
branch_labels = None
depends_on = None

TRANSLATED = ("events", "sessions", "people", "questions", "publications")
WITH_LANGUAGE = ("events", "people")


def upgrade():
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in WITH_LANGUAGE:
                batch_op.add_column(
                    sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
                )
            batch_op.add_column(sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
            if table in WITH_LANGUAGE:
                batch_op.drop_column("language")
