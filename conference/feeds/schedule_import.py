"""Import a frab / pretalx schedule into an event (the file is read by `schedule_reading`).

The event is identified by the conference acronym; rooms by name, sessions by their GUID, people by
their GUID (or, where the file has none, a GUID derived from the file's base URL and the person's
code / id / name). Re-importing updates in place: only attributes that differ are written, so only
sessions that really changed get a new revision (conference.sessions.changes does the bumping);
sessions that disappeared from the file are cancelled. The whole file is read and checked before the
first write, and everything happens in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event, EventKind, EventStatus
from conference.feeds.schedule_export import slug_of
from conference.feeds.schedule_reading import UUID_RE, ScheduleData, ScheduleError
from conference.sessions.models import Room, Session, SessionStatus
from conference.slugs import unique_slug
from conference.speakers.models import Assignment, Person


def _set(obj: object, **values: object) -> None:
    """Write only what differs, so unchanged rows stay unchanged (and keep their revision)."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def import_schedule(data: ScheduleData, *, draft: bool = False) -> Event:
    """Create or update the event of `data`; the caller commits (or rolls back on error)."""
    slug = slug_of(data.acronym)
    zone = ZoneInfo(data.timezone)
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).first()
    if data.talks:
        starts = min(t.starts_at for t in data.talks)
        ends = max(t.ends_at for t in data.talks)
    else:
        first = data.start or date.today()
        last = data.end or first
        starts = datetime.combine(first, time(9), zone).astimezone(ZoneInfo("UTC"))
        ends = datetime.combine(last, time(18), zone).astimezone(ZoneInfo("UTC"))
    status = EventStatus.DRAFT if draft else EventStatus.PUBLISHED
    if event is None:
        event = Event(
            slug=slug,
            kind=EventKind.CONFERENCE,
            title=data.title,
            timezone=data.timezone,
            starts_at=starts,
            ends_at=ends,
            status=status,
        )
        db.session.add(event)
        db.session.flush()
    else:
        _set(event, title=data.title, timezone=data.timezone, starts_at=starts, ends_at=ends, status=status)

    rooms = {room.name: room for room in db.session.scalars(sa.select(Room).where(Room.event_id == event.id))}
    used_guids: set[str] = set()
    wanted_rooms = [name for name, _ in data.rooms] + [t.room for t in data.talks]
    room_guids = dict(data.rooms)
    for position, name in enumerate(dict.fromkeys(n for n in wanted_rooms if n)):
        if name in rooms:
            continue
        guid = str(room_guids.get(name) or "").lower()
        room = Room(event=event, name=name, position=position)
        if UUID_RE.match(guid) and guid not in used_guids and not _uid_taken(Room, guid):
            room.uid = guid
        used_guids.add(room.uid or "")
        db.session.add(room)
        rooms[name] = room

    people: dict[str, Person] = {}
    guids = {p.guid for t in data.talks for p in t.people}
    if guids:
        people = {p.uid: p for p in db.session.scalars(sa.select(Person).where(Person.uid.in_(guids)))}
    taken_slugs: set[str] = set()
    for talk in data.talks:
        for person_data in talk.people:
            person = people.get(person_data.guid)
            if person is None:
                person = Person(
                    uid=person_data.guid,
                    name=person_data.name,
                    bio=person_data.bio,
                    links=[],
                    slug=unique_slug(
                        Person, "", person_data.name, default="person", max_length=80, also_taken=taken_slugs
                    ),
                )
                db.session.add(person)
                people[person_data.guid] = person
            else:
                _set(person, name=person_data.name)
                if person_data.bio:
                    _set(person, bio=person_data.bio)

    existing = {s.uid: s for s in db.session.scalars(sa.select(Session).where(Session.event_id == event.id))}
    elsewhere = set(
        db.session.scalars(
            sa.select(Session.uid).where(
                Session.uid.in_([t.guid for t in data.talks]), Session.event_id != event.id
            )
        )
    )
    if elsewhere:
        raise ScheduleError(f"guid {sorted(elsewhere)[0]} belongs to a session of another event")
    db.session.flush()
    for talk in data.talks:
        session = existing.get(talk.guid)
        room = rooms.get(talk.room) if talk.room else None
        if session is None:
            session = Session(
                uid=talk.guid,
                event=event,
                title=talk.title,
                kind=talk.kind,
                starts_at=talk.starts_at,
                ends_at=talk.ends_at,
                room=room,
                description=talk.description,
            )
            db.session.add(session)
        else:
            _set(
                session,
                title=talk.title,
                kind=talk.kind,
                starts_at=talk.starts_at,
                ends_at=talk.ends_at,
                room_id=room.id if room else None,
                description=talk.description,
                status=SessionStatus.SCHEDULED,
            )
        wanted = [(people[p.guid], p.role) for p in dict((p.guid, p) for p in talk.people).values()]
        current = [(a.person, a.role) for a in session.assignments]
        if [(p.uid, r) for p, r in current] != [(p.uid, r) for p, r in wanted]:
            if talk.guid in existing:
                session.assignments.clear()
                db.session.flush()  # the old rows go first (one person once per session)
            for position, (person, role) in enumerate(wanted):
                session.assignments.append(Assignment(person=person, role=role, position=position))
    file_guids = {t.guid for t in data.talks}
    for guid, session in existing.items():
        if guid not in file_guids:
            _set(session, status=SessionStatus.CANCELLED)
    db.session.flush()
    return event


def _uid_taken(model: type, guid: str) -> bool:
    with db.session.no_autoflush:
        return db.session.scalar(sa.select(model.id).where(model.uid == guid)) is not None
