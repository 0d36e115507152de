"""registrations.withdrawn and session_seats.withdrawn: what an organiser's cancellation took away

Revision ID: 0006_ops
Revises: 0005_event_first_published

A seat (or registration) cancelled because its session (or event) was cancelled is marked, so that it is
shown as cancelled with its session instead of disappearing, and is given back if the session or event is
restored. Existing cancelled rows were cancelled by their registrants: false.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_ops"
down_revision = "0005_event_first_published"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("session_seats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("session_seats", schema=None) as batch_op:
        batch_op.drop_column("withdrawn")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("withdrawn")
