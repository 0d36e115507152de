"""colocations and registration_bundles: co-located events (one gathering) and registrations made together

Revision ID: 0021_colocated
Revises: 0020_event_reply_to
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_colocated"
down_revision = "0020_event_reply_to"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "colocations",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("gathering", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_colocations_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_colocations")),
    )
    with op.batch_alter_table("colocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_colocations_gathering"), ["gathering"], unique=False)
    op.create_table(
        "registration_bundles",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("bundle", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_bundles_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_registration_bundles")),
    )
    with op.batch_alter_table("registration_bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_bundles_bundle"), ["bundle"], unique=False)


def downgrade():
    with op.batch_alter_table("registration_bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_bundles_bundle"))
    op.drop_table("registration_bundles")
    with op.batch_alter_table("colocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_colocations_gathering"))
    op.drop_table("colocations")
