"""Revisions and last-modified times move exactly when what a calendar shows changes."""

from __future__ import annotations

import time
from datetime import timedelta

from conference.db import db
from conference.sessions.models import SessionStatus
from conference.speakers.models import Assignment, Role
from tests.factories import make_event, make_person, make_room, make_session


def test_new_session_starts_at_revision_zero(app):
    session = make_session(make_event())
    db.session.commit()
    assert session.revision == 0


def test_tracked_changes_bump_revision_once_per_flush(app):
    event = make_event()
    session = make_session(event)
    db.session.commit()

    session.title = "New title"
    session.starts_at = session.starts_at + timedelta(hours=1)
    session.ends_at = session.ends_at + timedelta(hours=1)
    db.session.commit()
    assert session.revision == 1

    session.status = SessionStatus.CANCELLED
    db.session.commit()
    assert session.revision == 2
    assert session.cancelled_at is not None


def test_untracked_changes_do_not_bump(app):
    session = make_session(make_event())
    db.session.commit()
    session.seats_taken = 3
    session.capacity = 10
    db.session.commit()
    assert session.revision == 0


def test_people_changes_bump_their_sessions(app):
    event = make_event()
    person = make_person(name="A Person")
    session = make_session(event, people=[(person, Role.SPEAKER)])
    other = make_session(event)
    db.session.commit()

    session.assignments.append(Assignment(person=make_person(), role=Role.MODERATOR, position=1))
    db.session.commit()
    assert session.revision == 1

    session.assignments[0].role = Role.PANELIST
    db.session.commit()
    assert session.revision == 2

    person.name = "A Renamed Person"
    db.session.commit()
    assert session.revision == 3
    assert other.revision == 0

    db.session.delete(session.assignments[0])
    db.session.commit()
    assert session.revision == 4


def test_room_rename_bumps_sessions_in_room(app):
    event = make_event()
    room = make_room(event, "Hall")
    session = make_session(event, room=room)
    db.session.commit()
    room.name = "Great Hall"
    db.session.commit()
    assert session.revision == 1


def test_event_updated_at_moves_with_programme_changes(app):
    event = make_event()
    session = make_session(event)
    db.session.commit()
    first = event.updated_at
    time.sleep(1.05)
    session.title = "Changed"
    db.session.commit()
    assert event.updated_at > first

    second = event.updated_at
    time.sleep(1.05)
    event.seats_taken_online = 1  # seat counts are not programme changes
    db.session.commit()
    assert event.updated_at == second


def test_event_location_change_bumps_every_session(app):
    event = make_event()
    a, b = make_session(event), make_session(event)
    db.session.commit()
    event.venue_name = "Another venue"
    db.session.commit()
    assert (a.revision, b.revision) == (1, 1)


def test_session_created_with_people_starts_at_zero_and_one_bump_per_transaction(app):
    event = make_event()
    session = make_session(event, people=[(make_person(), Role.SPEAKER), (make_person(), Role.MODERATOR)])
    db.session.commit()
    assert session.revision == 0

    session.title = "First change"
    db.session.flush()
    session.description = "Second change, same transaction"
    db.session.commit()
    assert session.revision == 1
