"""Who is told of a session moved or cancelled, and of what: the notice kinds, where and when a session is
(`Place`), the recipients and their counts.

Who: every registrant holding or waiting for a seat in the session (an active registration), and every
person assigned to it who has an e-mail address and has not declined it; one notice per address (a speaker
who also registered gets the registrant's). Only for events that were ever published (a draft's programme is
still being made).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from conference.db import db
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Session
from conference.speakers.models import Assignment, AssignmentStatus, Person

MOVED = "moved"
CANCELLED = "cancelled"
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
# A speaker who declined the session is no longer told of its changes.
_TOLD_SPEAKER = Assignment.status != AssignmentStatus.DECLINED


@dataclass(frozen=True)
class Place:
    """Where and when a session is, as a notice tells it."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    room: str | None


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    registration_id: int | None
    # A registrant's or speaker's language and zone (conference.zones); a speaker who gave none: the event's
    # language; empty: the site's default language, the event's zone.
    language: str = ""
    timezone: str = ""


def delay() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("NOTICE_DELAY_SECONDS", 120)))


def place(session: Session) -> Place:
    """Where and when the session is now."""
    return Place(
        session.starts_at,
        session.ends_at,
        session.event.timezone,
        session.room.name if session.room else None,
    )


def _seat_condition(session_id: int) -> sa.ColumnElement[bool]:
    """Seats that are held or waited for in the session, or were until its cancellation took them."""
    return sa.and_(
        SessionSeat.session_id == session_id,
        Registration.status.in_(ACTIVE),
        Registration.erased_at.is_(None),
        sa.or_(SessionSeat.status != SeatStatus.CANCELLED, SessionSeat.withdrawn.is_(True)),
    )


# What a registrant's Recipient is made of: address, name, registration, language and zone.
REGISTRANT_COLUMNS = (
    Registration.email,
    Registration.name,
    Registration.id,
    Registration.language,
    Registration.timezone,
)


def recipients(session: Session) -> list[Recipient]:
    """Everyone a notice about the session goes to, one per address (registrants first)."""
    rows = db.session.execute(
        sa.select(*REGISTRANT_COLUMNS)
        .join(SessionSeat, SessionSeat.registration_id == Registration.id)
        .where(_seat_condition(session.id))
        .order_by(Registration.id)
    ).all()
    people = db.session.execute(
        sa.select(Person.email, Person.name, Person.mail_language, Person.timezone)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.session_id == session.id, _TOLD_SPEAKER, Person.email.is_not(None), Person.email != ""
        )
        .order_by(Assignment.position, Assignment.id)
    ).all()
    found: dict[str, Recipient] = {}
    for email, name, registration_id, language, timezone in rows:
        found.setdefault(email.lower(), Recipient(email, name, registration_id, language, timezone))
    for email, name, language, timezone in people:
        found.setdefault(
            email.lower(), Recipient(email, name, None, language or session.event.language, timezone)
        )
    return list(found.values())


def counts(session: Session) -> tuple[int, int]:
    """(registrants, speakers) a notice about the session would reach, in one query."""
    registrants = (
        sa.select(sa.func.lower(Registration.email).label("address"), sa.literal(1).label("registrant"))
        .join(SessionSeat, SessionSeat.registration_id == Registration.id)
        .where(_seat_condition(session.id))
    )
    speakers = (
        sa.select(sa.func.lower(Person.email).label("address"), sa.literal(0).label("registrant"))
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.session_id == session.id, _TOLD_SPEAKER, Person.email.is_not(None), Person.email != ""
        )
    )
    union = sa.union_all(registrants, speakers).subquery()
    per_address = (
        sa.select(union.c.address, sa.func.max(union.c.registrant).label("registrant"))
        .group_by(union.c.address)
        .subquery()
    )
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(per_address.c.registrant), 0),
            sa.func.count() - sa.func.coalesce(sa.func.sum(per_address.c.registrant), 0),
        ).select_from(per_address)
    ).one()
    return int(row[0]), int(row[1])
