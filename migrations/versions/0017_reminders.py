"""Reminders: each event's schedule (event_reminders) and what was planned per registration
(reminder_deliveries). Existing events get the defaults: 1 day before, and 1 hour before when online or
hybrid (an event already over never sends any).

Revision ID: 0017_reminders
Revises: 0016_outbox_headers
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_reminders"
down_revision = "0016_outbox_headers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_reminders_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_reminders")),
        sa.UniqueConstraint("event_id", "minutes_before", name="event_reminder"),
    )
    with op.batch_alter_table("event_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_reminders_event_id"), ["event_id"], unique=False)
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=False),
        sa.Column("target_at", sa.DateTime(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_reminder_deliveries_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_reminder_deliveries_outbox_id_outbox"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_reminder_deliveries_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint("registration_id", "minutes_before", "target_at", name="reminder_delivery"),
    )
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_deliveries_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_deliveries_outbox_id"), ["outbox_id"], unique=False)
    # The defaults for the events there are (new events get them when they are created).
    op.execute("INSERT INTO event_reminders (event_id, minutes_before) SELECT id, 1440 FROM events")
    op.execute(
        "INSERT INTO event_reminders (event_id, minutes_before) SELECT id, 60 FROM events "
        "WHERE attendance_mode IN ('online', 'hybrid')"
    )


def downgrade():
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_deliveries_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_deliveries_event_id"))
    op.drop_table("reminder_deliveries")
    with op.batch_alter_table("event_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_reminders_event_id"))
    op.drop_table("event_reminders")
