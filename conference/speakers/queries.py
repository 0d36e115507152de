"""Reading people and their schedules for public pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Session
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person


@dataclass
class SpeakerEntry:
    """A person and their assignments within one event."""

    person: Person
    assignments: list[Assignment] = field(default_factory=list)


def event_speakers(event: Event) -> list[SpeakerEntry]:
    """Everyone with a public role in the event's sessions (`public_condition`), by name, each with their sessions."""
    rows = db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.session)
        .join(Assignment.person)
        .where(Session.event_id == event.id, public_condition(Session.event_id))
        .options(
            contains_eager(Assignment.session).selectinload(Session.room), contains_eager(Assignment.person)
        )
        .order_by(Person.name, Session.starts_at)
    ).all()
    entries: dict[int, SpeakerEntry] = {}
    for assignment in rows:
        if "event" not in assignment.session.__dict__:  # its texts' language is the event's
            set_committed_value(assignment.session, "event", event)
        entries.setdefault(assignment.person_id, SpeakerEntry(assignment.person)).assignments.append(
            assignment
        )
    return list(entries.values())


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
