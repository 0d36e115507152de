"""An event's reminder schedule, and the reminders that were planned for each registration."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import UTCDateTime, db, utcnow


class EventReminder(db.Model):
    """One reminder of an event's schedule: `minutes_before` the start (of the event, or of each day of the
    sessions a registrant chose, for an event over several days; see conference/reminders/planner.py)."""

    __tablename__ = "event_reminders"
    __table_args__ = (sa.UniqueConstraint("event_id", "minutes_before", name="event_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    minutes_before: Mapped[int] = mapped_column()


class ReminderDelivery(db.Model):
    """A reminder planned for one registration and one start (`target_at`): the message it wrote to the
    outbox, or none when a later reminder due in the same round went instead (`outbox_id` NULL). The unique
    key makes planning idempotent: two rounds, or two senders at once, plan it once."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "minutes_before", "target_at", name="reminder_delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    minutes_before: Mapped[int] = mapped_column()
    target_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id", ondelete="SET NULL"), index=True)
    # The message's not-before time as planned: while it still waits for exactly that, it is unclaimed.
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
