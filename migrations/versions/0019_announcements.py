"""announcements: organisers' messages to an audience of registrants, their outbox messages, opt-outs

Revision ID: 0019_announcements
Revises: 0018_search_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_announcements"
down_revision = "0018_search_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("audience_label", sa.String(length=1000), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index("ix_announcements_event_id", ["event_id"], unique=False)
        batch_op.create_index(
            "ix_announcements_event_hash", ["event_id", "content_hash", "created_at"], unique=False
        )
    op.create_table(
        "announcement_messages",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outbox_id"),
    )
    with op.batch_alter_table("announcement_messages", schema=None) as batch_op:
        batch_op.create_index("ix_announcement_messages_announcement_id", ["announcement_id"], unique=False)
    op.create_table(
        "announcement_opt_outs",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id"),
    )


def downgrade():
    op.drop_table("announcement_opt_outs")
    op.drop_table("announcement_messages")
    op.drop_table("announcements")
