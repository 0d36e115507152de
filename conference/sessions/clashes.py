"""Clash detection: the one module used by the session forms, the timetable and publishing.

Three kinds of clash, all compared in UTC (times are stored in UTC, so time zones cannot mislead):
- a person assigned to two overlapping sessions (across all events that are not cancelled),
- two sessions in the same room at the same time,
- a session outside its event's start and end;
and a gap: a person who declined a session (on their speaker page, or recorded by an organiser) is counted
with them until the organiser replaces or removes them; a declined person clashes with nothing else.
Cancelled sessions never clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, AssignmentStatus, Person

PERSON = "person"
ROOM = "room"
OUTSIDE = "outside"
DECLINED = "declined"


@dataclass(frozen=True)
class Clash:
    kind: str  # PERSON, ROOM, OUTSIDE or DECLINED (a gap: `person` declined `session`)
    session: Session
    other: Session | None = None  # the other side (PERSON and ROOM)
    person: Person | None = None
    room: Room | None = None

    def involves(self, session_id: int) -> bool:
        return self.session.id == session_id or (self.other is not None and self.other.id == session_id)

    @property
    def key(self) -> tuple:
        return (
            self.kind,
            self.session.id,
            self.other.id if self.other else None,
            self.person.id if self.person else None,
        )


def _overlap(a: type[Session], b: type[Session]) -> sa.ColumnElement[bool]:
    return sa.and_(a.starts_at < b.ends_at, b.starts_at < a.ends_at)


def _person_clashes(session_filter: sa.ColumnElement[bool], s1: type[Session]) -> list[Clash]:
    a1, a2 = aliased(Assignment), aliased(Assignment)
    s2 = aliased(Session)
    e2 = aliased(Event)
    rows = db.session.execute(
        sa.select(s1, s2, Person)
        .join(a1, a1.session_id == s1.id)
        .join(a2, sa.and_(a2.person_id == a1.person_id, a2.session_id != s1.id))
        .join(s2, s2.id == a2.session_id)
        .join(e2, e2.id == s2.event_id)
        .join(Person, Person.id == a1.person_id)
        .where(
            session_filter,
            s1.status == SessionStatus.SCHEDULED,
            s2.status == SessionStatus.SCHEDULED,
            e2.status != EventStatus.CANCELLED,
            a1.status != AssignmentStatus.DECLINED,
            a2.status != AssignmentStatus.DECLINED,
            _overlap(s1, s2),
        )
        .options(joinedload(s2.event), joinedload(s1.event))
        .order_by(s1.starts_at, s1.id, s2.starts_at, s2.id, Person.name)
    ).all()
    return [Clash(PERSON, a, b, person=p) for a, b, p in rows]


def _room_clashes(session_filter: sa.ColumnElement[bool], s1: type[Session]) -> list[Clash]:
    s2 = aliased(Session)
    rows = db.session.execute(
        sa.select(s1, s2, Room)
        .join(s2, sa.and_(s2.room_id == s1.room_id, s2.id != s1.id, s2.event_id == s1.event_id))
        .join(Room, Room.id == s1.room_id)
        .where(
            session_filter,
            s1.status == SessionStatus.SCHEDULED,
            s2.status == SessionStatus.SCHEDULED,
            _overlap(s1, s2),
        )
        .order_by(s1.starts_at, s1.id, s2.id)
    ).all()
    return [Clash(ROOM, a, b, room=r) for a, b, r in rows]


def _outside_clashes(session_filter: sa.ColumnElement[bool], s1: type[Session]) -> list[Clash]:
    rows = db.session.scalars(
        sa.select(s1)
        .join(Event, Event.id == s1.event_id)
        .where(
            session_filter,
            s1.status == SessionStatus.SCHEDULED,
            sa.or_(s1.starts_at < Event.starts_at, s1.ends_at > Event.ends_at),
        )
        .order_by(s1.starts_at, s1.id)
    ).all()
    return [Clash(OUTSIDE, s) for s in rows]


def _declined(session_filter: sa.ColumnElement[bool], s1: type[Session]) -> list[Clash]:
    rows = db.session.execute(
        sa.select(s1, Person)
        .join(Assignment, Assignment.session_id == s1.id)
        .join(Person, Person.id == Assignment.person_id)
        .where(
            session_filter,
            s1.status == SessionStatus.SCHEDULED,
            Assignment.status == AssignmentStatus.DECLINED,
        )
        .order_by(s1.starts_at, s1.id, Person.name)
    ).all()
    return [Clash(DECLINED, s, person=p) for s, p in rows]


def _dedupe(clashes: Iterable[Clash], event_id: int | None = None) -> list[Clash]:
    """Each pair once: a clash between two sessions of the same event is listed from the earlier side."""
    seen: set[tuple] = set()
    result = []
    for clash in clashes:
        if clash.other is not None:
            pair = tuple(sorted((clash.session.id, clash.other.id)))
            key = (clash.kind, pair, clash.person.id if clash.person else None)
        else:
            key = clash.key
        if key not in seen:
            seen.add(key)
            result.append(clash)
    return result


def event_clashes(event: Event) -> list[Clash]:
    """Every clash involving a session of this event (the other side may be in another event)."""
    s1 = aliased(Session)
    where = s1.event_id == event.id
    return _dedupe(
        _person_clashes(where, s1)
        + _room_clashes(where, s1)
        + _outside_clashes(where, s1)
        + _declined(where, s1)
    )


def session_clashes(session: Session) -> list[Clash]:
    """The clashes of one session, seen from that session."""
    s1 = aliased(Session)
    where = s1.id == session.id
    return (
        _person_clashes(where, s1)
        + _room_clashes(where, s1)
        + _outside_clashes(where, s1)
        + _declined(where, s1)
    )


def clashing_session_ids(clashes: Iterable[Clash]) -> set[int]:
    ids: set[int] = set()
    for clash in clashes:
        ids.add(clash.session.id)
        if clash.other is not None:
            ids.add(clash.other.id)
    return ids
