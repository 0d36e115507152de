"""Reading people and their schedules for public pages."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Session
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person


def public_person(slug: str) -> Person | None:
    """A person with at least one role in a published event; others are not public."""
    return db.session.scalars(
        sa.select(Person).where(
            Person.slug == slug,
            sa.exists()
            .where(Assignment.person_id == Person.id)
            .where(Assignment.session_id == Session.id)
            .where(Session.event_id == Event.id)
            .where(Event.is_published)
            .where(public_condition(Session.event_id)),
        )
    ).first()


def speaker_schedule(person: Person) -> Sequence[Assignment]:
    """The person's assignments in published events, in time order, with session, event and room loaded."""
    return db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.session)
        .join(Session.event)
        .where(Assignment.person_id == person.id, Event.is_published, public_condition(Session.event_id))
        .options(
            contains_eager(Assignment.session).contains_eager(Session.event),
            contains_eager(Assignment.session).joinedload(Session.room),
            contains_eager(Assignment.session)
            .selectinload(Session.assignments)
            .joinedload(Assignment.person),
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
