"""Clash detection, compared in UTC across events and time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conference.db import db
from conference.events.models import EventStatus
from conference.sessions.clashes import OUTSIDE, PERSON, ROOM, event_clashes, session_clashes
from conference.sessions.models import SessionStatus
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room, make_session

T0 = datetime(2030, 3, 4, 14, 0, tzinfo=UTC)


def test_person_clash_across_events_and_zones(app):
    person = make_person(name="Alexis Dudden")
    ny = make_event(
        timezone="America/New_York", starts_at=T0 - timedelta(hours=5), ends_at=T0 + timedelta(hours=8)
    )
    bkk = make_event(
        timezone="Asia/Bangkok", starts_at=T0 - timedelta(hours=5), ends_at=T0 + timedelta(hours=8)
    )
    a = make_session(ny, starts_at=T0, ends_at=T0 + timedelta(hours=1), people=[(person, Role.SPEAKER)])
    # 21:30 in Bangkok is 14:30 UTC: overlaps a (09:00-10:00 in New York).
    b = make_session(bkk, starts_at=T0 + timedelta(minutes=30), ends_at=T0 + timedelta(hours=2),
                     people=[(person, Role.MODERATOR)])  # fmt: skip
    db.session.commit()
    clashes = event_clashes(ny)
    assert [(c.kind, c.session.id, c.other.id, c.person.name) for c in clashes] == [
        (PERSON, a.id, b.id, "Alexis Dudden")
    ]
    assert [c.other.id for c in session_clashes(b)] == [a.id]


def test_back_to_back_sessions_do_not_clash(app):
    person = make_person()
    event = make_event(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=5))
    make_session(event, starts_at=T0, ends_at=T0 + timedelta(hours=1), people=[(person, Role.SPEAKER)])
    make_session(
        event, starts_at=T0 + timedelta(hours=1), ends_at=T0 + timedelta(hours=2), people=[(person, None)]
    )
    db.session.commit()
    assert event_clashes(event) == []


def test_cancelled_sessions_and_events_do_not_clash(app):
    person = make_person()
    event = make_event(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=5))
    other = make_event(
        starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=5), status=EventStatus.CANCELLED
    )
    a = make_session(event, starts_at=T0, people=[(person, Role.SPEAKER)])
    make_session(other, starts_at=T0, people=[(person, Role.SPEAKER)])
    b = make_session(event, starts_at=T0, people=[(person, Role.SPEAKER)])
    db.session.commit()
    assert len(event_clashes(event)) == 1  # a-b once, never the cancelled event
    b.status = SessionStatus.CANCELLED
    db.session.commit()
    assert event_clashes(event) == []
    assert a.id


def test_room_double_booking_and_session_outside_event(app):
    event = make_event(starts_at=T0, ends_at=T0 + timedelta(hours=4))
    hall = make_room(event, "Hall")
    a = make_session(event, starts_at=T0, ends_at=T0 + timedelta(hours=1), room=hall)
    b = make_session(event, starts_at=T0 + timedelta(minutes=59), ends_at=T0 + timedelta(hours=2), room=hall)
    late = make_session(event, starts_at=T0 + timedelta(hours=3), ends_at=T0 + timedelta(hours=5))
    db.session.commit()
    kinds = {(c.kind, c.session.id, c.other.id if c.other else None) for c in event_clashes(event)}
    assert kinds == {(ROOM, a.id, b.id), (OUTSIDE, late.id, None)}
