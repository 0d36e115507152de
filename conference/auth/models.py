"""Organiser accounts and event teams."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import UTCDateTime, db, str_enum, utcnow


class TeamRole(enum.StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    CHECKIN = "checkin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id kept in the session cookie: raising it ends every session of the account
    # (on logout and password change). See get_id() and conference/auth/loader.py.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[EventMember]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login's alternative id: "<user id>:<session version>"
        return f"{self.id}:{self.session_version or 0}"

    def end_all_sessions(self) -> None:
        """Every session cookie (and remember cookie) issued so far stops working (caller commits)."""
        self.session_version = (self.session_version or 0) + 1


class EventMember(db.Model):
    """A user's place on an event's team."""

    __tablename__ = "event_members"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", name="event_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[TeamRole] = mapped_column(str_enum(TeamRole))

    user: Mapped[User] = relationship(back_populates="memberships")


class ApiToken(db.Model):
    """A personal API token: `Authorization: Bearer <token>` acts as its user (conference/auth/api_tokens.py).

    Only the SHA-256 of the token is stored (the token is 256 random bits, so a fast hash is enough and a
    lookup by hash compares nothing secret); `prefix` (its first characters) tells tokens apart on the page.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
