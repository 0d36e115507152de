"""People (speakers, panelists, moderators...) and their assignments to sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import UTCDateTime, db, new_uid, str_enum, utcnow

if TYPE_CHECKING:
    from conference.sessions.models import Session


class Role(enum.StrEnum):
    KEYNOTE = "keynote"
    SPEAKER = "speaker"
    PANELIST = "panelist"
    MODERATOR = "moderator"
    CHAIR = "chair"
    DISCUSSANT = "discussant"


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    affiliation: Mapped[str] = mapped_column(sa.String(300), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    # The language position and bio are written in, and their translations (conference/translations.py).
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    # Private: never shown on public pages, feeds or exports.
    email: Mapped[str | None] = mapped_column(sa.String(320))
    # [{"label": "...", "url": "https://..."}]
    links: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def title_line(self) -> str:
        """'Position, Affiliation' as one line for listings."""
        return ", ".join(part for part in (self.position, self.affiliation) if part)

    def __repr__(self) -> str:
        return f"<Person {self.slug}>"


class Assignment(db.Model):
    """A person's part in a session: their role and their place in the listing."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id", name="session_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.SPEAKER)
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[Session] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship(back_populates="assignments")
