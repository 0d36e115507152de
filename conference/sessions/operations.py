"""Operations on an event's programme: sessions (create, edit or move, cancel, restore, delete, change
capacity), the people in them (assign, change role, remove) and rooms.

Every organiser page, `import-schedule` and (later) the organiser API change the programme only through
these functions. Each takes the acting user (None for the CLI or an import), refuses what the rules forbid
with `OperationError` before writing anything, writes in one transaction (`conference.operations
.transaction`: the event row is locked first, then the session's, wherever seats may move), sends its
signal (`conference.signals`) inside that transaction so that the receivers' writes (registrations giving
seats back or promoting the waiting list) are committed with it, and commits once. Revisions for the
calendar feeds are bumped on flush by `conference.sessions.changes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from conference import signals
from conference.db import db, lock_row
from conference.events.models import Event, EventStatus
from conference.operations import OperationError, changed_values, check_capacity, transaction
from conference.sessions.editing import room_name_taken
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, Person, Role

if TYPE_CHECKING:
    from conference.auth.models import User

# The values a session is created or edited with (times aware, in UTC).
SESSION_FIELDS = (
    "title", "kind", "description", "starts_at", "ends_at", "room_id", "registration_enabled", "capacity",
    "translations", "recording_url", "slides_url", "links",
)  # fmt: skip
# A change of one of these moves the session: the people in it have to hear of it.
MOVE_FIELDS = ("starts_at", "ends_at", "room_id")


def _check_values(event: Event, values: dict) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise OperationError(_("The end must come after the start."), "ends_at")
    room_id = values.get("room_id")
    if room_id is not None and db.session.get(Room, room_id) not in event.rooms:
        raise OperationError(_("Choose one of this event's rooms."), "room_id")
    if "translations" in values:
        from conference.events.operations import checked_translations

        checked_translations("session", values["translations"], event.language)


def _locked(session: Session) -> tuple[Event, Session]:
    """The session's event and the session, fresh and locked (the event first, always)."""
    return lock_row(Event, session.event_id), lock_row(Session, session.id)


def create_session(actor: User | None, event: Event, values: dict) -> Session:
    """A new session of the event (`values`: SESSION_FIELDS). Announces `session_created`."""
    _check_values(event, values)
    if values.get("capacity") is not None and values["capacity"] < 0:
        raise OperationError(_("Give a number of seats, or leave it empty."), "capacity")
    with transaction():
        event = lock_row(Event, event.id)
        session = Session(event=event, seats_taken=0, **values)
        db.session.add(session)
        db.session.flush()
        signals.session_created.send(session, actor=actor)
    return session


def edit_session(actor: User | None, session: Session, values: dict, *, notify: bool = True) -> dict:
    """Change a session (any of SESSION_FIELDS); returns {field: (old, new)}. A capacity below the seats
    taken is refused with the count; a larger one promotes the waiting list (`session_capacity_changed`).
    Announces `session_changed` with `moved` when the start, end or room changed, and `notify` (False:
    nobody is told of the move, `conference.mail.notices`)."""
    _check_values(session.event, values)
    with transaction():
        _event, session = _locked(session)
        changes = changed_values(session, {k: v for k, v in values.items() if k in SESSION_FIELDS})
        if "capacity" in changes:
            check_capacity(changes["capacity"][1], session.seats_taken)
        for name, (_old, new) in changes.items():
            setattr(session, name, new)
        db.session.flush()
        if changes:
            moved = any(name in changes for name in MOVE_FIELDS)
            signals.session_changed.send(session, actor=actor, changes=changes, moved=moved, notify=notify)
        if "capacity" in changes:
            old, new = changes["capacity"]
            signals.session_capacity_changed.send(session, actor=actor, old=old, new=new, in_changes=True)
    return changes


def change_capacity(actor: User | None, session: Session, capacity: int | None) -> None:
    """Set a session's own capacity (None: no limit of its own): the one capacity rule, see `edit_session`."""
    with transaction():
        _event, session = _locked(session)
        old = session.capacity
        if old == capacity:
            return
        check_capacity(capacity, session.seats_taken)
        session.capacity = capacity
        db.session.flush()
        signals.session_capacity_changed.send(session, actor=actor, old=old, new=capacity)


def cancel_session(actor: User | None, session: Session, *, commit: bool = True, notify: bool = True) -> None:
    """Cancel a session: it stays in the programme and feeds, marked cancelled. Registrations react
    (`session_cancelled`): its seats are given back, nobody is promoted into it, it can no longer be chosen;
    with `notify` its registrants and speakers get a cancellation notice (`conference.mail.notices`)."""
    with transaction(commit):
        if commit:
            _event, session = _locked(session)
        if session.status == SessionStatus.CANCELLED:
            raise OperationError(_("This session is cancelled already."))
        session.status = SessionStatus.CANCELLED
        db.session.flush()
        signals.session_cancelled.send(session, actor=actor, notify=notify)


def restore_session(actor: User | None, session: Session, *, commit: bool = True) -> None:
    """Schedule a cancelled session again. Registrations react (`session_restored`): the seats its
    cancellation took come back on its waiting list in their original order and are promoted up to capacity."""
    with transaction(commit):
        if commit:
            _event, session = _locked(session)
        if session.status != SessionStatus.CANCELLED:
            raise OperationError(_("This session is not cancelled."))
        session.status = SessionStatus.SCHEDULED
        db.session.flush()
        signals.session_restored.send(session, actor=actor)


def may_delete_session(event: Event, session: Session) -> bool:
    """Only sessions of a draft event that nobody holds a seat in; published programmes cancel instead."""
    return event.status == EventStatus.DRAFT and not session.seats_taken


def delete_session(actor: User | None, session: Session) -> None:
    """Delete a session of a draft event that nobody holds a seat in (others are cancelled instead)."""
    with transaction():
        event, session = _locked(session)
        if not may_delete_session(event, session):
            raise OperationError(_("Sessions of a published event are cancelled, not deleted."))
        signals.session_deleted.send(session, actor=actor)
        db.session.delete(session)


# --- people in a session ---------------------------------------------------------------------------------


def assign_person(
    actor: User | None, session: Session, person: Person, role: Role, position: int | None = None
) -> Assignment:
    """Put the person in the session with a role (at the end unless `position` is given). Refused when they
    are in it already. Runs in the transaction the caller may have started (a person created for it)."""
    if any(a.person_id == person.id for a in session.assignments):
        raise OperationError(_("%(name)s is already in this session.", name=person.name))
    if position is None:
        position = max((a.position for a in session.assignments), default=-1) + 1
    assignment = Assignment(person=person, role=role, position=position)
    session.assignments.append(assignment)
    db.session.flush()
    signals.person_assigned.send(assignment, actor=actor, session=session, person=person)
    db.session.commit()
    return assignment


def change_assignment(actor: User | None, assignment: Assignment, role: Role, position: int) -> None:
    """Change a person's role and place in a session."""
    changes = changed_values(assignment, {"role": role, "position": position})
    for name, (_old, new) in changes.items():
        setattr(assignment, name, new)
    db.session.flush()
    if changes:
        signals.person_assigned.send(
            assignment, actor=actor, session=assignment.session, person=assignment.person, changes=changes
        )
    db.session.commit()


def remove_assignment(actor: User | None, assignment: Assignment) -> None:
    """Take a person out of a session."""
    session, person, role = assignment.session, assignment.person, assignment.role
    db.session.delete(assignment)
    db.session.flush()
    signals.person_unassigned.send(session, actor=actor, person=person, role=role)
    db.session.commit()


# --- rooms -----------------------------------------------------------------------------------------------


def _room_changed(actor: User | None, event: Event, action: str, room: Room, changes: dict) -> None:
    signals.settings_changed.send(
        event, actor=actor, action=action, subject_type="room", subject_id=room.id, label=room.name,
        changes=changes,
    )  # fmt: skip


def add_room(actor: User | None, event: Event, name: str, position: int | None) -> Room:
    name = name.strip()
    if room_name_taken(event, name):
        raise OperationError(_("This event already has a room with this name."), "name")
    room = Room(name=name, position=position if position is not None else len(event.rooms))
    event.rooms.append(room)
    db.session.flush()
    _room_changed(actor, event, "room.added", room, {"name": (None, room.name)})
    db.session.commit()
    return room


def edit_room(actor: User | None, room: Room, name: str, position: int | None) -> None:
    """Rename or reorder a room: the sessions in it get a new revision (their location changed)."""
    name = name.strip()
    if room_name_taken(room.event, name, exclude_id=room.id):
        raise OperationError(_("This event already has a room with this name."), "name")
    changes = changed_values(room, {"name": name, "position": position or 0})
    room.name = name
    room.position = position or 0
    if changes:
        _room_changed(actor, room.event, "room.changed", room, changes)
    db.session.commit()


def remove_room(actor: User | None, room: Room) -> None:
    if any(s.room_id == room.id for s in room.event.sessions):
        raise OperationError(_("Sessions still take place in this room: move them first."))
    _room_changed(actor, room.event, "room.removed", room, {"name": (room.name, None)})
    db.session.delete(room)
    db.session.commit()
