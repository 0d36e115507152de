"""registrations: indexes for the check-in desk's counts of arrivals (per mode and per session)

Revision ID: 0022_registration_counters
Revises: 0021_colocated

The counts of confirmed registrations and seats come from the seat counters the capacity guarantee keeps
(events.seats_taken_*, sessions.seats_taken); what the counters do not hold, the arrivals, is counted from
these two covering indexes: a range of the registrations checked in and their confirmed seats.
"""

from alembic import op

revision = "0022_registration_counters"
down_revision = "0021_colocated"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_registrations_event_arrivals",
        "registrations",
        ["event_id", "status", "checked_in_at", "attendance_mode", "erased_at"],
    )
    op.create_index(
        "ix_session_seats_registration_status", "session_seats", ["registration_id", "status", "session_id"]
    )


def downgrade():
    op.drop_index("ix_session_seats_registration_status", table_name="session_seats")
    op.drop_index("ix_registrations_event_arrivals", table_name="registrations")
