"""Registrations for events and sessions, and the organiser's own questions."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import UTCDateTime, db, str_enum, utcnow

if TYPE_CHECKING:
    from conference.events.models import Event
    from conference.sessions.models import Session


def new_token() -> str:
    """A 256-bit URL-safe secret: a registration's manage token or calendar feed token."""
    return secrets.token_urlsafe(32)


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class SeatStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class RegistrationMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    CHECKBOX = "checkbox"
    COUNTRY = "country"


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(300))
    help_text: Mapped[str] = mapped_column(sa.String(500), default="")
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # Choices for single/multiple choice questions.
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Retired questions keep their answers but are no longer asked.
    archived: Mapped[bool] = mapped_column(default=False)
    # Label, help text and choices in other languages than the event's: {"ja": {"label": "...",
    # "options": [...]}}; the choices are stored and answered in the event's language (conference/translations.py).
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    event: Mapped[Event] = relationship()

    @property
    def answerable(self) -> bool:
        """False for a choice question without choices (stored before the form refused them): such a
        question is not asked, so it cannot block registrations."""
        return self.kind not in CHOICE_KINDS or bool(self.options)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email", name="event_email"),
        # The organiser list pages through an event's registrations oldest first, and counts them by status,
        # from these indexes alone (never a sort or a scan of the whole table).
        sa.Index("ix_registrations_event_created", "event_id", "created_at", "id"),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
        # The check-in desk counts the confirmed registrations checked in (per mode, and their seats per
        # session) from this index alone: a range of the arrivals, never the whole event.
        sa.Index(
            "ix_registrations_event_arrivals",
            "event_id",
            "status",
            "checked_in_at",
            "attendance_mode",
            "erased_at",
        ),
        # The search of the list and the check-in desk (name or email contains the words typed): trigram
        # indexes on PostgreSQL (pg_trgm, created by the migration; ILIKE '%...%' uses them), plain indexes
        # on SQLite. A check-in code is found by its unique index.
        sa.Index(
            "ix_registrations_name_search",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        sa.Index(
            "ix_registrations_email_search",
            "email",
            postgresql_using="gin",
            postgresql_ops={"email": "gin_trgm_ops"},
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Secret manage token: opens the manage page and the API's GET/DELETE; can be renewed.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Secret key of the personal calendar feed only (handed to calendar apps); can be renewed on its own.
    feed_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    # Short code printed in the confirmation's QR code, for check-in.
    checkin_code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    affiliation: Mapped[str] = mapped_column(sa.String(300), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    attendance_mode: Mapped[RegistrationMode] = mapped_column(str_enum(RegistrationMode))
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="")
    # The language of the page the registration was made on (one of LANGUAGES; empty: the site's default)
    # and the registrant's IANA time zone (empty: the event's): every mail to them is written in these.
    language: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus), index=True)
    # Whether this registration holds one of the event's seats for its attendance mode.
    holds_event_seat: Mapped[bool] = mapped_column(default=False)
    # Cancelled because the organiser cancelled the event, not by the registrant: shown as cancelled with the
    # event (manage page, API, personal feed) and put back on the waiting list if the event is restored.
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    seats: Mapped[list[SessionSeat]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="SessionSeat.id"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="registration", cascade="all, delete-orphan")

    @property
    def attends_in_person(self) -> bool:
        """Checks in at the door (the check-in code and its wording are for these attendees only)."""
        return self.attendance_mode == RegistrationMode.IN_PERSON

    @property
    def join_url(self) -> str | None:
        """The event's online join link: only for a confirmed registration attending online (mail, manage
        page and personal agenda alike), and only until the event has ended."""
        event = self.event
        if (
            not event.has_ended
            and self.status == RegistrationStatus.CONFIRMED
            and self.attendance_mode == RegistrationMode.ONLINE
            and event.is_online
            and event.online_url
        ):
            return event.online_url
        return None


class SessionSeat(db.Model):
    """A registration's choice of one session, with its own status (confirmed / waitlisted / cancelled)."""

    __tablename__ = "session_seats"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "session_id", name="registration_session"),
        sa.Index("ix_session_seats_session_status", "session_id", "status", "created_at"),
        # A registration's confirmed seats without reading the seats (the check-in desk's counts per session).
        sa.Index("ix_session_seats_registration_status", "registration_id", "status", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    status: Mapped[SeatStatus] = mapped_column(str_enum(SeatStatus))
    # Cancelled because the organiser cancelled the session or the event, not by the registrant: shown as
    # cancelled with its session, and put back on the session's waiting list (in its original place, by
    # created_at) when the session or event is restored (conference.registrations.reactions).
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="seats")
    session: Mapped[Session] = relationship()


class Answer(db.Model):
    """An answer to an organiser's question. The question's label is kept as asked."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id", name="registration_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    question_label: Mapped[str] = mapped_column(sa.String(300))
    # A string, a list of strings (multiple choice) or a boolean (checkbox).
    value: Mapped[object] = mapped_column(sa.JSON)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question | None] = relationship()
