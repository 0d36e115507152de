"""Series: followers of a series by e-mail and the notices they got; an index on events.ends_at (home page)

Revision ID: 0013_series
Revises: 0009_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_series"
down_revision = "0012_speakers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "series_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("confirm_hash", sa.String(length=64), nullable=True),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_series_followers_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_followers")),
        sa.UniqueConstraint("confirm_hash", name=op.f("uq_series_followers_confirm_hash")),
        sa.UniqueConstraint("series_id", "email", name="series_follower"),
    )
    with op.batch_alter_table("series_followers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_followers_series_id"), ["series_id"], unique=False)
    op.create_table(
        "series_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_series_notices_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_series_notices_outbox_id_outbox"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_notices")),
    )
    with op.batch_alter_table("series_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_notices_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_series_notices_outbox_id"), ["outbox_id"], unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_ends_at"), ["ends_at"], unique=False)


def downgrade():
    with op.batch_alter_table("series_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_notices_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_series_notices_event_id"))
    op.drop_table("series_notices")
    with op.batch_alter_table("series_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_followers_series_id"))
    op.drop_table("series_followers")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_ends_at"))
