"""Events, series, organisations (hosts and partners) and related publications."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import UTCDateTime, db, new_uid, str_enum, utcnow

if TYPE_CHECKING:
    from conference.auth.models import User
    from conference.sessions.models import Room, Session


class EventKind(enum.StrEnum):
    CONFERENCE = "conference"
    SYMPOSIUM = "symposium"
    CONGRESS = "congress"
    PANEL_DISCUSSION = "panel_discussion"
    ROUNDTABLE = "roundtable"
    LECTURE = "lecture"
    WORKSHOP = "workshop"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class AttendanceMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class OrganisationRole(enum.StrEnum):
    HOST = "host"
    PARTNER = "partner"


class Series(db.Model):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.starts_at")


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(60))
    url: Mapped[str | None] = mapped_column(sa.String(500))
    country: Mapped[str | None] = mapped_column(sa.String(100))


class EventOrganisation(db.Model):
    """An organisation's part in an event: host or partner, in display order."""

    __tablename__ = "event_organisations"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id", name="event_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[OrganisationRole] = mapped_column(str_enum(OrganisationRole))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="organisation_links")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Publication(db.Model):
    """A publication related to an event (report, analysis, essay...)."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(400))
    kind: Mapped[str] = mapped_column(sa.String(60), default="")
    published_on: Mapped[date | None] = mapped_column(sa.Date)
    authors: Mapped[str] = mapped_column(sa.String(400), default="")
    url: Mapped[str | None] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(default=0)
    # Its title in other languages than the event's: {"ja": {"title": "..."}} (conference/translations.py).
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    event: Mapped[Event] = relationship(back_populates="publications")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "capacity_in_person IS NULL OR seats_taken_in_person <= capacity_in_person",
            name="in_person_capacity",
        ),
        sa.CheckConstraint(
            "capacity_online IS NULL OR seats_taken_online <= capacity_online", name="online_capacity"
        ),
        sa.CheckConstraint(
            "seats_taken_in_person >= 0 AND seats_taken_online >= 0", name="seats_not_negative"
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # upcoming or past (home page)
    venue_name: Mapped[str] = mapped_column(sa.String(300), default="")
    venue_address: Mapped[str] = mapped_column(sa.String(500), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    country: Mapped[str] = mapped_column(sa.String(120), default="")
    attendance_mode: Mapped[AttendanceMode] = mapped_column(
        str_enum(AttendanceMode), default=AttendanceMode.IN_PERSON
    )
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    hashtag: Mapped[str] = mapped_column(sa.String(100), default="")
    # Where replies to the event's mail go (Reply-To, set by the sender at sending time); None: the sender.
    reply_to: Mapped[str | None] = mapped_column(sa.String(320))
    # The language the event's own text is written in, and its translations into others:
    # {"ja": {"title": "...", ...}} (which fields, validation and fallback: conference/translations.py).
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT, index=True)
    # Set the first time the event is published (see `_remember_publication`); a draft that was never
    # published stays private even when it is cancelled.
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    # The schedule (frab/pretalx conference acronym) this event was imported from, if any: importing that
    # schedule again updates this event (conference.feeds.schedule_matching); no other event is touched.
    import_source: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by conference.sessions.changes whenever the event or anything in its programme changes.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Registration settings (rules live in conference.registrations).
    registration_enabled: Mapped[bool] = mapped_column(default=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity_in_person: Mapped[int | None] = mapped_column()
    capacity_online: Mapped[int | None] = mapped_column()
    seats_taken_in_person: Mapped[int] = mapped_column(default=0, server_default="0")
    seats_taken_online: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    approval_required: Mapped[bool] = mapped_column(default=False)

    series: Mapped[Series | None] = relationship(back_populates="events")
    organisation_links: Mapped[list[EventOrganisation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventOrganisation.position"
    )
    publications: Mapped[list[Publication]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(Publication.position, Publication.published_on.desc())",
    )
    sessions: Mapped[list[Session]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Session.starts_at, Session.id)"
    )
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Room.position, Room.id)"
    )

    @hybrid_property
    def is_published(self) -> bool:
        """Publicly visible: published, or cancelled after having been published. The one rule for every
        public page, feed and API response (`Event.is_published` in a query, `event.is_published` in code)."""
        return self.status == EventStatus.PUBLISHED or (
            self.status == EventStatus.CANCELLED and self.first_published_at is not None
        )

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls) -> sa.ColumnElement[bool]:
        return sa.or_(
            cls.status == EventStatus.PUBLISHED,
            sa.and_(cls.status == EventStatus.CANCELLED, cls.first_published_at.is_not(None)),
        )

    def is_visible_to(self, user: User | None) -> bool:
        """Whether `user` may see the event's own public pages (the event page, its session pages, its
        speakers): everyone when it is public (`is_published`); a draft (or a cancelled draft) only to the
        event's team, in any role, and to admins, who see it marked "Draft — not public". Everything else
        (the list of events, feeds, the API, speaker pages across events) keeps to `is_published` alone."""
        if self.is_published:
            return True
        # The team rule lives with the permissions, which import this module.
        from conference.auth.permissions import EVERYONE, may_access

        return may_access(user, self, EVERYONE)

    @property
    def hosts(self) -> list[Organisation]:
        return [link.organisation for link in self.organisation_links if link.role == OrganisationRole.HOST]

    @property
    def partners(self) -> list[Organisation]:
        return [
            link.organisation for link in self.organisation_links if link.role == OrganisationRole.PARTNER
        ]

    @property
    def has_venue(self) -> bool:
        return self.attendance_mode != AttendanceMode.ONLINE and bool(self.venue_name or self.city)

    @property
    def has_ended(self) -> bool:
        """Over: the online join link is no longer shown or sent (`Registration.join_url`)."""
        return self.ends_at <= utcnow()

    @property
    def is_online(self) -> bool:
        return self.attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


@sa.event.listens_for(Event.status, "set")
def _remember_publication(event: Event, value: EventStatus, _old: object, _initiator: object) -> None:
    """Whatever publishes an event (organiser, import, demo) records that it was public once."""
    if value == EventStatus.PUBLISHED and event.first_published_at is None:
        event.first_published_at = utcnow()


class SeriesFollower(db.Model):
    """An e-mail address that follows a series (conference/events/follow.py), stored only for that.

    Pending until its owner opens the confirmation link (double opt-in); the link's token is stored only as
    its SHA-256 (`confirm_hash`). The unsubscribe link carries an HMAC of the row's id and `salt` with
    SECRET_KEY, so nothing in the table opens it either. Unsubscribing deletes the row."""

    __tablename__ = "series_followers"
    __table_args__ = (sa.UniqueConstraint("series_id", "email", name="series_follower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    confirm_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    salt: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship()


class SeriesNotice(db.Model):
    """A mail to a series' followers about one of its events: "published" (sent once, at its first
    publication) or "opens" (its registration opening, waiting in the outbox until then)."""

    __tablename__ = "series_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id", ondelete="SET NULL"), index=True)
