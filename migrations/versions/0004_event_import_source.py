"""events.import_source: the schedule an event was imported from (re-imports update only that event)

Revision ID: 0004_event_import_source
Revises: 0003_user_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_event_import_source"
down_revision = "0003_user_session_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_source", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_events_import_source"), ["import_source"])


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_events_import_source"), type_="unique")
        batch_op.drop_column("import_source")
