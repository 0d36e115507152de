"""Changing an event's programme: sessions, rooms and the people in them.

Revisions are not touched here: conference.sessions.changes bumps them on flush.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Room, Session, SessionKind, SessionStatus
from conference.speakers.models import Assignment, Person, Role
from conference.timeutil import from_local, local


def apply_session_form(session: Session, form, event: Event) -> str | None:  # noqa: ANN001
    """Copy the validated form into the session. Returns an error message for the capacity field, or None."""
    capacity = form.capacity.data
    if capacity is not None and capacity < (session.seats_taken or 0):
        return _(
            "%(taken)s seats are already taken; the capacity cannot be lower.", taken=session.seats_taken
        )
    session.title = form.title.data.strip()
    session.kind = SessionKind(form.kind.data)
    session.description = (form.description.data or "").strip()
    session.starts_at = from_local(form.starts_at.data, event.timezone)
    session.ends_at = from_local(form.ends_at.data, event.timezone)
    session.room_id = form.room_id.data or None
    session.registration_enabled = bool(form.registration_enabled.data)
    session.capacity = capacity
    return None


def fill_session_form(form, session: Session, event: Event) -> None:  # noqa: ANN001
    form.title.data = session.title
    form.kind.data = session.kind.value
    form.description.data = session.description
    form.starts_at.data = local(session.starts_at, event.timezone).replace(tzinfo=None)
    form.ends_at.data = local(session.ends_at, event.timezone).replace(tzinfo=None)
    form.room_id.data = session.room_id or 0
    form.registration_enabled.data = session.registration_enabled
    form.capacity.data = session.capacity


def event_session(event: Event, session_id: int) -> Session | None:
    return db.session.scalars(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id)
    ).first()


def event_room(event: Event, room_id: int) -> Room | None:
    return db.session.scalars(sa.select(Room).where(Room.id == room_id, Room.event_id == event.id)).first()


def may_delete_session(event: Event, session: Session) -> bool:
    """Only sessions of a draft event that nobody holds a seat in; published programmes cancel instead."""
    return event.status == EventStatus.DRAFT and not session.seats_taken


def set_session_status(session: Session, status: SessionStatus) -> None:
    session.status = status


def room_name_taken(event: Event, name: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Room.id).where(
        Room.event_id == event.id, sa.func.lower(Room.name) == name.strip().lower()
    )
    if exclude_id is not None:
        query = query.where(Room.id != exclude_id)
    return db.session.scalar(query) is not None


def assign(session: Session, person: Person, role: Role, position: int | None) -> bool:
    """Put the person in the session with a role. False when they are in it already."""
    if any(a.person_id == person.id for a in session.assignments):
        return False
    if position is None:
        position = max((a.position for a in session.assignments), default=-1) + 1
    session.assignments.append(Assignment(person=person, role=role, position=position))
    return True


def session_assignment(session: Session, assignment_id: int) -> Assignment | None:
    return next((a for a in session.assignments if a.id == assignment_id), None)
