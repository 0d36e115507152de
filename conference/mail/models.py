"""The outbox: every message is written here first, in the same transaction as the change, then sent."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import UTCDateTime, db, str_enum, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # The organisers' outbox page: an event's messages, newest first, a page at a time (and the event's
        # messages when it is deleted).
        sa.Index("ix_outbox_event_created", "event_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # [{"filename": ..., "content_type": ..., "data": <base64>}]
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Extra headers of this message only, {"Name": "value"} (List-Unsubscribe of an announcement, Reply-To of
    # an event's mail); the sender writes them as they are, one line each.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SessionNotice(db.Model):
    """A notice about a moved or cancelled session, waiting in the outbox (`conference.mail.notices`).

    One row per outbox message: the session it is about and how the session stood before the first change
    the notice reports, so that later changes within NOTICE_DELAY_SECONDS fold into the same message (the
    old time stays the one before the first change). `not_before` is the message's send time as the notice
    set it: while the message is still unsent and waits for exactly that time, it may be rewritten."""

    __tablename__ = "session_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox.id", ondelete="CASCADE"), unique=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # "moved" or "cancelled"
    old_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_timezone: Mapped[str] = mapped_column(sa.String(64))
    old_room: Mapped[str | None] = mapped_column(sa.String(200))
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
