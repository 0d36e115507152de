"""A sent announcement, the outbox messages it wrote, and the registrations that want no more of them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import UTCDateTime, db, utcnow


class Announcement(db.Model):
    """One message an organiser sent to an audience of an event's registrants, kept as sent: its text, the
    audience (as chosen, `audience`, and as described to the organiser when sending, `audience_label`), the
    author, the time and how many it went to. Each copy is an outbox message (`AnnouncementMessage`)."""

    __tablename__ = "announcements"
    __table_args__ = (sa.Index("ix_announcements_event_hash", "event_id", "content_hash", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    audience_label: Mapped[str] = mapped_column(sa.String(1000), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_email: Mapped[str] = mapped_column(sa.String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipient_count: Mapped[int] = mapped_column(default=0)
    # A repeated POST of the same composed announcement (a double click, a client retrying) finds it here
    # and sends nothing: the key of the compose form, or of the API's Idempotency-Key header.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The same subject, body and audience again within a few minutes is the same announcement too.
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")


class AnnouncementMessage(db.Model):
    """The outbox message of one recipient's copy (what 'sent so far' counts)."""

    __tablename__ = "announcement_messages"

    outbox_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )


class AnnouncementOptOut(db.Model):
    """A registration that unsubscribed from its event's announcements (transactional mail continues)."""

    __tablename__ = "announcement_opt_outs"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
