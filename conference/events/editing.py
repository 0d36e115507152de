"""Form helpers and building blocks for events (the values of the event form, the duplicate of an event,
organisations); the changes themselves are `conference.events.operations`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from wtforms import SelectChoice

from conference.auth.models import EventMember, TeamRole, User
from conference.db import db
from conference.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventOrganisation,
    EventStatus,
    Organisation,
    OrganisationRole,
    Series,
)
from conference.sessions.models import Room, Session, SessionStatus
from conference.slugs import unique_slug
from conference.speakers.models import Assignment
from conference.timeutil import from_local, local

EVENT_TEXT_FIELDS = (
    "title", "summary", "description", "venue_name", "venue_address", "city", "country", "hashtag",
)  # fmt: skip


def event_values(form) -> dict:  # noqa: ANN001
    """The validated EventForm as the values `conference.events.operations` takes (times converted from the
    event's zone to UTC)."""
    values = {name: (form[name].data or "").strip() for name in EVENT_TEXT_FIELDS}
    timezone = form.timezone.data
    values.update(
        kind=EventKind(form.kind.data),
        timezone=timezone,
        starts_at=from_local(form.starts_at.data, timezone),
        ends_at=from_local(form.ends_at.data, timezone),
        attendance_mode=AttendanceMode(form.attendance_mode.data),
        online_url=(form.online_url.data or "").strip() or None,
        series_id=form.series_id.data or None,
        language=form.language.data,
        reply_to=(form.reply_to.data or "").strip() or None,
    )
    return values


def fill_event_form(form, event: Event) -> None:  # noqa: ANN001
    for name in EVENT_TEXT_FIELDS:
        form[name].data = getattr(event, name)
    form.slug.data = event.slug
    form.kind.data = event.kind.value
    form.timezone.data = event.timezone
    form.starts_at.data = local(event.starts_at, event.timezone).replace(tzinfo=None)
    form.ends_at.data = local(event.ends_at, event.timezone).replace(tzinfo=None)
    form.attendance_mode.data = event.attendance_mode.value
    form.online_url.data = event.online_url or ""
    form.series_id.data = event.series_id or 0
    form.language.data = event.language
    form.reply_to.data = event.reply_to or ""


def series_choices() -> list[SelectChoice]:
    return [SelectChoice(s.id, s.title) for s in db.session.scalars(sa.select(Series).order_by(Series.title))]


def organisation_choices() -> list[SelectChoice]:
    return [
        SelectChoice(o.id, o.name)
        for o in db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    ]


def find_or_create_organisation(name: str) -> Organisation:
    name = name.strip()
    found = db.session.scalars(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.lower())
    ).first()
    if found is not None:
        return found
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def link_organisation(event: Event, organisation: Organisation, role: OrganisationRole) -> bool:
    """Add a host or partner (or change its part). False when it already had that part."""
    for link in event.organisation_links:
        if link.organisation_id == organisation.id:
            if link.role == role:
                return False
            link.role = role
            return True
    position = max((link.position for link in event.organisation_links), default=-1) + 1
    event.organisation_links.append(
        EventOrganisation(organisation=organisation, role=role, position=position)
    )
    return True


def duplicate_event(source: Event, *, title: str, slug: str, new_start_local: datetime, by: User) -> Event:
    """A draft copy as the start of the next event: rooms, sessions (not cancelled ones), people's roles,
    hosts/partners and the team copied; every time shifted so the event starts at `new_start_local`
    (the local time of day of each session is kept); new uids. The caller commits."""
    tz = source.timezone
    old_start = local(source.starts_at, tz).replace(tzinfo=None)
    delta = new_start_local - old_start

    def move(dt: datetime | None) -> datetime | None:
        # Shift the local wall-clock time, so a session stays at 09:30 across a daylight-saving change.
        return None if dt is None else from_local(local(dt, tz).replace(tzinfo=None) + delta, tz)

    copy = Event(
        slug=unique_slug(Event, slug, title),
        title=title.strip(),
        status=EventStatus.DRAFT,
        kind=source.kind,
        summary=source.summary,
        description=source.description,
        timezone=tz,
        starts_at=move(source.starts_at),
        ends_at=move(source.ends_at),
        venue_name=source.venue_name,
        venue_address=source.venue_address,
        city=source.city,
        country=source.country,
        attendance_mode=source.attendance_mode,
        online_url=source.online_url,
        hashtag=source.hashtag,
        reply_to=source.reply_to,
        language=source.language,
        translations=dict(source.translations or {}),
        series_id=source.series_id,
        registration_enabled=source.registration_enabled,
        registration_opens_at=move(source.registration_opens_at),
        registration_closes_at=move(source.registration_closes_at),
        capacity_in_person=source.capacity_in_person,
        capacity_online=source.capacity_online,
        waitlist_enabled=source.waitlist_enabled,
        approval_required=source.approval_required,
    )
    rooms = {room.id: Room(name=room.name, position=room.position) for room in source.rooms}
    copy.rooms = list(rooms.values())
    for link in source.organisation_links:
        copy.organisation_links.append(
            EventOrganisation(organisation_id=link.organisation_id, role=link.role, position=link.position)
        )
    for session in source.sessions:
        if session.status == SessionStatus.CANCELLED:
            continue
        new = Session(
            title=session.title,
            kind=session.kind,
            description=session.description,
            translations=dict(session.translations or {}),
            starts_at=move(session.starts_at),
            ends_at=move(session.ends_at),
            room=rooms.get(session.room_id) if session.room_id else None,
            registration_enabled=session.registration_enabled,
            capacity=session.capacity,
        )
        for a in session.assignments:
            new.assignments.append(Assignment(person_id=a.person_id, role=a.role, position=a.position))
        copy.sessions.append(new)
    db.session.add(copy)
    db.session.flush()
    members = db.session.scalars(sa.select(EventMember).where(EventMember.event_id == source.id)).all()
    team = {m.user_id: m.role for m in members}
    team[by.id] = TeamRole.OWNER
    for user_id, role in team.items():
        db.session.add(EventMember(event_id=copy.id, user_id=user_id, role=role))
    return copy
