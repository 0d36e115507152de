"""Import a frab / pretalx schedule into an event: the writing (the file is read by `schedule_reading`, the
event it goes into and the people it may change are found by `schedule_matching`).

Importing a schedule updates the event that came from the same schedule (`schedule_matching.find_target`), or,
when there is none, creates a new event (its slug derived from the acronym and made unique); an event named by
the caller keeps the schedule as its source. An event's status changes only when asked (`status`).

Within the event rooms are matched by name, sessions by their GUID, people by their GUID (or, where the
file has none, a GUID derived from the file's base URL and the person's code / id / name). Only
attributes that differ are written, so only sessions that really changed get a new revision
(conference.sessions.changes does the bumping). Sessions that disappeared from the file are cancelled,
through the same operation as the organiser's button (`conference.sessions.operations.cancel_session`):
their seats are given back and their registrants told (unless `notify=False`, the CLI's `--no-notify`, as
the organiser's "Tell registrants and speakers" box unticked); a cancelled session that is back in the file is
restored (`restore_session`), with the same consequences as on the organiser's page. A person who also
appears in events the import may not edit is assigned but not changed. Everything happens in one
transaction, and the caller commits: a bad file changes nothing. The work grows linearly with the file:
a fixed number of queries (in chunks of `schedule_matching.CHUNK` ids), one flush for the programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from conference import signals
from conference.auth.models import EventMember, TeamRole, User
from conference.db import db
from conference.events.models import Event, EventKind, EventStatus
from conference.feeds.schedule_matching import check_session_guids, chunks, editable_people, uid_taken
from conference.feeds.schedule_reading import UUID_RE, ScheduleData
from conference.operations import changed_values
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions import operations as session_operations
from conference.sessions.models import Room, Session
from conference.slugs import taken_slugs, unique_slug
from conference.speakers.models import Assignment, Person


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do), for the operator to read."""

    event: Event
    source: str
    created: bool = False
    source_before: str | None = None
    title_before: str = ""
    status_before: EventStatus | None = None
    sessions_added: int = 0
    sessions_changed: int = 0
    sessions_cancelled: int = 0
    sessions_unchanged: int = 0
    seats_released: int = 0
    registrations_told: int = 0
    people_added: int = 0
    people_changed: int = 0
    people_kept: int = 0
    notify: bool = True

    def summary(self) -> list[str]:
        event = self.event
        if self.created:
            lines = [f"new event {event.slug!r} ({event.status}) from schedule {self.source!r}"]
        else:
            lines = [f"updating event {event.slug!r} from schedule {self.source!r}"]
            if self.source_before != self.source:
                was = repr(self.source_before) if self.source_before else "none"
                lines.append(f"  the event now follows this schedule (its schedule was: {was})")
            if self.title_before != event.title:
                lines.append(f"  title: {self.title_before!r} -> {event.title!r}")
            if self.status_before != event.status:
                lines.append(f"  status: {self.status_before} -> {event.status}")
            else:
                lines.append(f"  status: {event.status} (unchanged; --publish or --draft change it)")
        lines.append(
            f"  sessions: {self.sessions_added} added, {self.sessions_changed} changed, "
            f"{self.sessions_cancelled} cancelled (not in the file), {self.sessions_unchanged} unchanged"
        )
        if self.sessions_cancelled:
            told = self.registrations_told if self.notify else "none (--no-notify)"
            lines.append(
                f"  seats given back in cancelled sessions: {self.seats_released}; registrations told by mail: {told}"
            )
        if self.created:
            pass  # nothing was there to move
        elif not self.notify:
            lines.append("  notices: none, nobody is told of moved or cancelled sessions (--no-notify)")
        elif event.first_published_at is None:
            lines.append("  notices: none, the event was never published")
        else:
            lines.append(
                "  notices: registrants and speakers of moved or cancelled sessions are told (send-mail)"
            )
        people = f"  people: {self.people_added} added, {self.people_changed} changed"
        if self.people_kept:
            people += (
                f", {self.people_kept} assigned but not changed (they appear in events not editable here)"
            )
        lines.append(people)
        return lines


def _set(obj: object, **values: object) -> bool:
    """Write only what differs, so unchanged rows stay unchanged (and keep their revision); True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def import_schedule(
    data: ScheduleData,
    *,
    event: Event | None = None,
    user: User | None = None,
    status: EventStatus | None = None,
    notify: bool = True,
) -> ImportResult:
    """Update `event` (from find_target) from `data`, or create a new event when it is None; the caller
    commits (or rolls back). `status` changes the event's status; a new event is published unless a
    status is given. `user`, when given, becomes a new event's owner and limits which people may be
    changed to those appearing only in events the user may edit. `notify` (as on the organiser's pages):
    False tells nobody of the sessions it moves or cancels."""
    check_session_guids(data, event)
    starts, ends = _event_times(data)
    if event is None:
        event = Event(
            slug=unique_slug(Event, data.acronym, data.title, default="event"),
            import_source=data.acronym,
            kind=EventKind.CONFERENCE,
            title=data.title,
            timezone=data.timezone,
            starts_at=starts,
            ends_at=ends,
            status=status or EventStatus.PUBLISHED,
        )
        db.session.add(event)
        db.session.flush()
        if user is not None:
            db.session.add(EventMember(event_id=event.id, user_id=user.id, role=TeamRole.OWNER))
        result = ImportResult(event, data.acronym, created=True, notify=notify)
    else:
        result = ImportResult(
            event,
            data.acronym,
            source_before=event.import_source,
            title_before=event.title,
            status_before=event.status,
            notify=notify,
        )
        event.import_source = data.acronym
        _set(event, title=data.title, timezone=data.timezone, starts_at=starts, ends_at=ends)
        if status is not None:
            _set(event, status=status)

    rooms = _rooms(data, event)
    people = _people(data, event, user, result)
    existing = {
        s.uid: s
        for s in db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id)
            .options(selectinload(Session.assignments).joinedload(Assignment.person))
        )
    }
    db.session.flush()  # new rooms get their ids
    for talk in data.talks:
        session = existing.get(talk.guid)
        room = rooms.get(talk.room) if talk.room else None
        wanted = [(people[p.guid], p.role) for p in talk.people]
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
            for position, (person, role) in enumerate(wanted):
                session.assignments.append(Assignment(person=person, role=role, position=position))
            db.session.add(session)
            result.sessions_added += 1
            continue
        restored = session.is_cancelled
        if restored:
            session_operations.restore_session(user, session, commit=False)
        changes = changed_values(
            session,
            {
                "title": talk.title,
                "kind": talk.kind,
                "starts_at": talk.starts_at,
                "ends_at": talk.ends_at,
                "room_id": room.id if room else None,
                "description": talk.description,
            },
        )
        for name, (_old, new) in changes.items():
            setattr(session, name, new)
        if changes:  # as the organiser's session form announces it (a move is noticed by its receivers)
            moved = any(name in changes for name in session_operations.MOVE_FIELDS)
            signals.session_changed.send(session, actor=user, changes=changes, moved=moved, notify=notify)
        changed = _set_assignments(session, wanted) or bool(changes) or restored
        if changed:
            result.sessions_changed += 1
        else:
            result.sessions_unchanged += 1

    file_guids = {t.guid for t in data.talks}
    dropped = [s for guid, s in existing.items() if guid not in file_guids and not s.is_cancelled]
    result.sessions_cancelled = len(dropped)
    db.session.flush()
    if dropped:
        result.seats_released = sum(s.seats_taken for s in dropped)
        result.registrations_told = _registrations_to_tell([s.id for s in dropped])
    for session in dropped:
        session_operations.cancel_session(user, session, commit=False, notify=notify)
    return result


def _registrations_to_tell(session_ids: list[int]) -> int:
    """How many active registrations (not erased) hold or wait for a seat in these sessions: those whom
    cancelling them tells by mail."""
    told: set[int] = set()
    for chunk in chunks(session_ids):
        told.update(
            db.session.scalars(
                sa.select(Registration.id)
                .join(SessionSeat, SessionSeat.registration_id == Registration.id)
                .where(
                    SessionSeat.session_id.in_(chunk),
                    SessionSeat.status != SeatStatus.CANCELLED,
                    Registration.status.not_in((RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)),
                    Registration.erased_at.is_(None),
                )
            )
        )
    return len(told)


def _event_times(data: ScheduleData) -> tuple[datetime, datetime]:
    if data.talks:
        return min(t.starts_at for t in data.talks), max(t.ends_at for t in data.talks)
    zone = ZoneInfo(data.timezone)
    first = data.start or date.today()
    last = max(data.end or first, first)
    return (
        datetime.combine(first, time(9), zone).astimezone(ZoneInfo("UTC")),
        datetime.combine(last, time(18), zone).astimezone(ZoneInfo("UTC")),
    )


def _rooms(data: ScheduleData, event: Event) -> dict[str, Room]:
    rooms = {room.name: room for room in db.session.scalars(sa.select(Room).where(Room.event_id == event.id))}
    used_guids: set[str] = set()
    wanted_rooms = [name for name, _ in data.rooms] + [t.room for t in data.talks]
    room_guids = dict(data.rooms)
    for position, name in enumerate(dict.fromkeys(n for n in wanted_rooms if n)):
        if name in rooms:
            continue
        guid = str(room_guids.get(name) or "").lower()
        room = Room(event=event, name=name, position=position)
        if UUID_RE.match(guid) and guid not in used_guids and not uid_taken(Room, guid):
            room.uid = guid
        used_guids.add(room.uid or "")
        db.session.add(room)
        rooms[name] = room
    return rooms


def _people(data: ScheduleData, event: Event, user: User | None, result: ImportResult) -> dict[str, Person]:
    """The people of the file by GUID: new ones created, known ones updated where the import may."""
    guids = list(dict.fromkeys(p.guid for t in data.talks for p in t.people))
    people: dict[str, Person] = {}
    for chunk in chunks(guids):
        people.update((p.uid, p) for p in db.session.scalars(sa.select(Person).where(Person.uid.in_(chunk))))
    editable = editable_people(list(people.values()), event, user)
    taken: set[str] | None = None
    counted: set[int] = set()  # known people counted as changed or kept
    for talk in data.talks:
        for person_data in talk.people:
            person = people.get(person_data.guid)
            if person is None:
                if taken is None:
                    taken = taken_slugs(Person)
                person = Person(
                    uid=person_data.guid,
                    name=person_data.name,
                    bio=person_data.bio,
                    links=[],
                    slug=unique_slug(
                        Person, "", person_data.name, default="person", max_length=80, taken=taken
                    ),
                )
                db.session.add(person)
                people[person_data.guid] = person
                result.people_added += 1
            elif person.id is None:
                continue  # added by this import (an earlier talk)
            elif person.id in editable:
                changed = _set(person, name=person_data.name)
                if person_data.bio:
                    changed = _set(person, bio=person_data.bio) or changed
                if changed and person.id not in counted:
                    counted.add(person.id)
                    result.people_changed += 1
            elif person.id not in counted:
                counted.add(person.id)
                result.people_kept += 1
    return people


def _set_assignments(session: Session, wanted: list[tuple[Person, object]]) -> bool:
    """Make the session's people those of the file, in its order; True if anything changed. Rows of people
    who stay are updated in place (one person once per session), so no flush is needed in between."""
    current = {a.person_id: a for a in session.assignments if a.person_id is not None}
    if [(a.person_id, a.role) for a in session.assignments] == [(p.id, r) for p, r in wanted]:
        return False
    keep = {p.id for p, _ in wanted if p.id is not None}
    for assignment in list(session.assignments):
        if assignment.person_id not in keep:
            session.assignments.remove(assignment)
    for position, (person, role) in enumerate(wanted):
        assignment = current.get(person.id) if person.id is not None else None
        if assignment is None:
            session.assignments.append(Assignment(person=person, role=role, position=position))
        else:
            _set(assignment, role=role, position=position)
    return True
