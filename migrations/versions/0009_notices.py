"""session_notices: notices of moved and cancelled sessions waiting in the outbox, to fold later changes in

Revision ID: 0009_notices
Revises: 0008_audit_log
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_notices"
down_revision = "0008_audit_log"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_starts_at", sa.DateTime(), nullable=False),
        sa.Column("old_ends_at", sa.DateTime(), nullable=False),
        sa.Column("old_timezone", sa.String(length=64), nullable=False),
        sa.Column("old_room", sa.String(length=200), nullable=True),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_session_notices_outbox_id_outbox"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_notices_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_notices")),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_session_notices_outbox_id")),
    )
    with op.batch_alter_table("session_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_notices_session_id"), ["session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("session_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_notices_session_id"))
    op.drop_table("session_notices")
