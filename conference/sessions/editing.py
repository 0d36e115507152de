"""Form helpers and look-ups for an event's programme: sessions, rooms and the people in them. The
changes themselves are `conference.sessions.operations`."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Room, Session, SessionKind
from conference.speakers.editing import format_links, parse_links
from conference.speakers.models import Assignment
from conference.timeutil import from_local, local


def session_values(form, event: Event) -> dict:  # noqa: ANN001
    """The validated session form as the values `conference.sessions.operations` takes (times in UTC)."""
    return {
        "title": form.title.data.strip(),
        "kind": SessionKind(form.kind.data),
        "description": (form.description.data or "").strip(),
        "starts_at": from_local(form.starts_at.data, event.timezone),
        "ends_at": from_local(form.ends_at.data, event.timezone),
        "room_id": form.room_id.data or None,
        "registration_enabled": bool(form.registration_enabled.data),
        "capacity": form.capacity.data,
        "recording_url": (form.recording_url.data or "").strip(),
        "slides_url": (form.slides_url.data or "").strip(),
        "links": parse_links(form.links.data or "")[0],
    }


def fill_session_form(form, session: Session, event: Event) -> None:  # noqa: ANN001
    form.title.data = session.title
    form.kind.data = session.kind.value
    form.description.data = session.description
    form.starts_at.data = local(session.starts_at, event.timezone).replace(tzinfo=None)
    form.ends_at.data = local(session.ends_at, event.timezone).replace(tzinfo=None)
    form.room_id.data = session.room_id or 0
    form.registration_enabled.data = session.registration_enabled
    form.capacity.data = session.capacity
    form.recording_url.data = session.recording_url
    form.slides_url.data = session.slides_url
    form.links.data = format_links(session.links)


def event_session(event: Event, session_id: int) -> Session | None:
    return db.session.scalars(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id)
    ).first()


def event_room(event: Event, room_id: int) -> Room | None:
    return db.session.scalars(sa.select(Room).where(Room.id == room_id, Room.event_id == event.id)).first()


def room_name_taken(event: Event, name: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Room.id).where(
        Room.event_id == event.id, sa.func.lower(Room.name) == name.strip().lower()
    )
    if exclude_id is not None:
        query = query.where(Room.id != exclude_id)
    return db.session.scalar(query) is not None


def session_assignment(session: Session, assignment_id: int) -> Assignment | None:
    return next((a for a in session.assignments if a.id == assignment_id), None)
