"""People (speakers, panelists, moderators...) and their assignments to sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from conference.db import UTCDateTime, db, new_uid, str_enum, utcnow

if TYPE_CHECKING:
    from conference.events.models import Event
    from conference.sessions.models import Session


class Role(enum.StrEnum):
    KEYNOTE = "keynote"
    SPEAKER = "speaker"
    PANELIST = "panelist"
    MODERATOR = "moderator"
    CHAIR = "chair"
    DISCUSSANT = "discussant"


class AssignmentStatus(enum.StrEnum):
    """Where a person's invitation to a session stands (conference/speakers/assignment_states.py)."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# What a speaker may show or hide on the public pages (their name is always shown: it is in the programme).
PUBLIC_FIELDS = ("position", "affiliation", "bio", "links", "pronouns", "photo")


def shows(person: object, field: str) -> bool:
    """Whether a person (or a plain row with `public_fields`) shows `field` on public pages."""
    chosen = getattr(person, "public_fields", None)
    return field in (chosen if chosen is not None else PUBLIC_FIELDS)


def public_title_line(person: object) -> str:
    parts = (getattr(person, "position", ""), getattr(person, "affiliation", ""))
    return ", ".join(
        p for p, f in zip(parts, ("position", "affiliation"), strict=True) if p and shows(person, f)
    )


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
    pronouns: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # Private: the language (one of LANGUAGES) and IANA zone of the mails to this person (invitations,
    # change notices); empty: the site's default language, and the event's zone alone.
    mail_language: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # The fields of PUBLIC_FIELDS the person shows on public pages (the speaker chooses on their page);
    # None (people from before this choice existed): all of them.
    public_fields: Mapped[list | None] = mapped_column(sa.JSON, default=lambda: list(PUBLIC_FIELDS))
    # The speaker's private link /speaking/<selector><secret>/: found by the selector, the secret compared
    # in constant time (conference/speakers/tokens.py). Both None until the first invitation.
    speaker_selector: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    speaker_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # SHA-256 of the re-encoded photo (its URLs carry it); None: no photo. The variants are PersonPhoto rows.
    photo_digest: Mapped[str | None] = mapped_column(sa.String(64))
    # [[width, height, "webp"|"jpeg"], ...] of those rows, so that listings build srcset without a query.
    photo_sizes: Mapped[list | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def title_line(self) -> str:
        """'Position, Affiliation' as one line for listings."""
        return ", ".join(part for part in (self.position, self.affiliation) if part)

    @property
    def public_title_line(self) -> str:
        """'Position, Affiliation' as public pages show it: only the parts the person made public."""
        return public_title_line(self)

    def shows(self, field: str) -> bool:
        """Whether the person shows `field` (one of PUBLIC_FIELDS) on public pages."""
        return shows(self, field)

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
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus), default=AssignmentStatus.NOT_INVITED, server_default="not_invited"
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The speaker's note with their answer (a decline's reason); shown to the organisers only.
    answer_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Accepted on the speaker's behalf by an organiser (by phone, in person) rather than on the speaker page.
    confirmed_by_organiser: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    session: Mapped[Session] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship(back_populates="assignments")


class PersonPhoto(db.Model):
    """One re-encoded size of a person's photo (conference/speakers/photos.py). The bytes live in the
    database: one backup holds everything and every app server sees them (docs/speakers.md)."""

    __tablename__ = "person_photos"
    __table_args__ = (sa.UniqueConstraint("person_id", "digest", "width", "format", name="photo_variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    format: Mapped[str] = mapped_column(sa.String(8))  # "webp" or "jpeg"
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class SpeakerSettings(db.Model):
    """An event's settings for its speakers (the organiser's Speakers page); no row: the defaults."""

    __tablename__ = "speaker_settings"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    # The organiser's own words at the top of every invitation.
    invitation_message: Mapped[str] = mapped_column(sa.Text, default="")
    # Markdown shown on each speaker's private page for this event.
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    # True: only accepted (or organiser-confirmed) assignments are public; False: everyone assigned.
    confirmed_only: Mapped[bool] = mapped_column(default=False)
    # While held, assigning someone queues no invitation (the organiser sends them later).
    hold_invitations: Mapped[bool] = mapped_column(default=False)
    # "No reply after N days" (None: the site's SPEAKER_REPLY_DAYS).
    reply_days: Mapped[int | None] = mapped_column()
    # Speakers are asked to arrive this many minutes before their session (None: not said).
    arrival_minutes: Mapped[int | None] = mapped_column()

    # `event.speaker_settings`: loaded once per event object (None is remembered too), so deciding what is
    # public for every assignment of a programme costs one query, not one per assignment.
    event: Mapped[Event] = relationship(
        backref=backref("speaker_settings", uselist=False, passive_deletes=True, cascade="all, delete-orphan")
    )


class Invitation(db.Model):
    """An invitation to one person for one event, in the outbox. While its message waits unsent (until
    `not_before`), further assignments of the person at the event fold into it (as change notices do)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox.id", ondelete="SET NULL"), unique=True
    )
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
