"""Small builders for test data (real models, saved to the real test database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from conference.db import db
from conference.events.models import AttendanceMode, Event, EventKind, EventStatus
from conference.sessions.models import Room, Session, SessionKind
from conference.speakers.models import Assignment, Person, Role

_seq = count(1)


def make_event(**kw) -> Event:
    n = next(_seq)
    starts = kw.pop("starts_at", datetime.now(UTC).replace(microsecond=0) + timedelta(days=10))
    event = Event(
        slug=kw.pop("slug", f"event-{n}"),
        title=kw.pop("title", f"Event {n}"),
        kind=kw.pop("kind", EventKind.SYMPOSIUM),
        timezone=kw.pop("timezone", "Europe/Berlin"),
        starts_at=starts,
        ends_at=kw.pop("ends_at", starts + timedelta(days=1)),
        attendance_mode=kw.pop("attendance_mode", AttendanceMode.IN_PERSON),
        status=kw.pop("status", EventStatus.PUBLISHED),
        **kw,
    )
    db.session.add(event)
    db.session.flush()
    return event


def make_person(**kw) -> Person:
    n = next(_seq)
    person = Person(slug=kw.pop("slug", f"person-{n}"), name=kw.pop("name", f"Person {n}"), links=[], **kw)
    db.session.add(person)
    db.session.flush()
    return person


def make_session(event: Event, **kw) -> Session:
    n = next(_seq)
    starts = kw.pop("starts_at", event.starts_at + timedelta(hours=1))
    people = kw.pop("people", [])
    session = Session(
        event=event,
        title=kw.pop("title", f"Session {n}"),
        kind=kw.pop("kind", SessionKind.PANEL),
        starts_at=starts,
        ends_at=kw.pop("ends_at", starts + timedelta(minutes=90)),
        **kw,
    )
    for position, (person, role) in enumerate(people):
        session.assignments.append(Assignment(person=person, role=role or Role.SPEAKER, position=position))
    db.session.add(session)
    db.session.flush()
    return session


def make_room(event: Event, name: str = "Room A") -> Room:
    room = Room(event=event, name=name)
    db.session.add(room)
    db.session.flush()
    return room


def make_user(email: str | None = None, password: str = "correct horse battery", **kw):  # noqa: ANN201
    from conference.auth.models import User
    from conference.auth.passwords import hash_password

    n = next(_seq)
    user = User(
        email=email or f"user{n}@example.org",
        name=kw.pop("name", f"User {n}"),
        password_hash=hash_password(password),
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_member(event: Event, user, role="owner"):  # noqa: ANN001, ANN201
    from conference.auth.models import EventMember, TeamRole

    member = EventMember(event_id=event.id, user=user, role=TeamRole(role))
    db.session.add(member)
    db.session.flush()
    return member


def login_as(client, user) -> None:  # noqa: ANN001
    """Sign a test client in as `user` through Flask-Login's own session keys (no login form needed)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
