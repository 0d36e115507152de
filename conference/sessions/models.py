"""Sessions of an event's programme, and the rooms they take place in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import UTCDateTime, db, new_uid, str_enum, utcnow

if TYPE_CHECKING:
    from conference.events.models import Event
    from conference.speakers.models import Assignment


class SessionKind(enum.StrEnum):
    PANEL = "panel"
    KEYNOTE = "keynote"
    PAPER_SESSION = "paper_session"
    ROUNDTABLE = "roundtable"
    WORKSHOP = "workshop"
    TALK = "talk"
    BREAK = "break"
    RECEPTION = "reception"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("event_id", "name", name="event_room_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="rooms")


class Session(db.Model):
    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        sa.CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="seats_within_capacity"),
        sa.Index("ix_sessions_event_start", "event_id", "starts_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind), default=SessionKind.PANEL)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Title and description in other languages than the event's (conference/translations.py).
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus), default=SessionStatus.SCHEDULED)
    # Registration for this session: off for breaks and receptions; capacity NULL means no limit of its own.
    registration_enabled: Mapped[bool] = mapped_column(default=True)
    capacity: Mapped[int | None] = mapped_column()
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    # Change tracking for calendar feeds (SEQUENCE / LAST-MODIFIED), maintained by conference.sessions.changes.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the event: where to watch it again and read its slides, and other links ({"title", "url"}).
    recording_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    slides_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    links: Mapped[list] = mapped_column(sa.JSON, default=list)

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(Assignment.position, Assignment.id)",
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def has_materials(self) -> bool:
        return bool(self.recording_url or self.slides_url or self.links)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.title!r}>"
