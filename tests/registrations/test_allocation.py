"""The allocation rule when the counters a request loaded are out of date by the time it writes.

On PostgreSQL the request reads the counters before its writes and guesses from them, so these tests take
the path that redoes a wrong guess (CI runs them there). On SQLite the whole write is serialised and re-reads
the counters first, so the guess is right and they check the ordinary path gives the same outcome.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import RegistrationMode, RegistrationStatus, SeatStatus
from conference.sessions.models import Session
from tests.factories import make_event, make_session


def _input(email: str, session_ids: list[int]) -> registering.RegistrationInput:
    return registering.RegistrationInput(
        name="Ada", email=email, attendance_mode=RegistrationMode.IN_PERSON, session_ids=session_ids
    )


def _taken_elsewhere(table: sa.Table, row_id: int, **values: int) -> None:
    """Another connection takes seats and commits, after this session loaded the row."""
    with db.engine.begin() as other:
        other.execute(sa.update(table).where(table.c.id == row_id).values(**values))


def test_a_session_seat_taken_meanwhile_puts_the_registrant_on_its_waiting_list(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=1)
    db.session.commit()
    event, panel = db.session.get(Event, event.id), db.session.get(Session, panel.id)
    assert panel.seats_left == 1  # what this request sees ...
    _taken_elsewhere(Session.__table__, panel.id, seats_taken=1)  # ... and what is true by now

    result = registering.register(event, _input("ada@example.org", [panel.id]))

    assert result.summary.status == RegistrationStatus.CONFIRMED
    assert result.summary.seats == ((panel.id, SeatStatus.WAITLISTED),)
    registration = result.registration
    assert [seat.status for seat in registration.seats] == [SeatStatus.WAITLISTED]
    assert db.session.get(Session, panel.id).seats_taken == 1
    (mail,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.kind == "confirmed" and "Waiting list" in mail.body_text  # the seat status as people read it


def test_an_event_seat_taken_meanwhile_waitlists_the_whole_registration(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=1)
    panel = make_session(event, capacity=5)
    db.session.commit()
    event = db.session.get(Event, event.id)
    assert event.seats_taken_in_person == 0
    _taken_elsewhere(Event.__table__, event.id, seats_taken_in_person=1)

    result = registering.register(event, _input("ada@example.org", [panel.id]))

    assert result.summary.status == RegistrationStatus.WAITLISTED
    assert result.summary.seats == ((panel.id, SeatStatus.WAITLISTED),)
    assert db.session.get(Session, panel.id).seats_taken == 0  # no session seat without an event seat
    assert result.registration.holds_event_seat is False
    (mail,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.kind == "waitlisted"


def test_a_full_event_without_waiting_list_refuses_and_writes_nothing(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=1, waitlist_enabled=False)
    db.session.commit()
    event = db.session.get(Event, event.id)
    _taken_elsewhere(Event.__table__, event.id, seats_taken_in_person=1)

    try:
        registering.register(event, _input("ada@example.org", []))
    except registering.RegistrationFull:
        pass
    else:
        raise AssertionError("a full event without waiting list took a registration")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert db.session.get(Event, event.id).seats_taken_in_person == 1


def test_a_seat_freed_meanwhile_is_taken_although_the_loaded_counters_said_full(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=1, waitlist_enabled=False, seats_taken_in_person=1)
    db.session.commit()
    event = db.session.get(Event, event.id)
    assert event.seats_taken_in_person == 1  # this request would refuse ...
    _taken_elsewhere(Event.__table__, event.id, seats_taken_in_person=0)  # ... but a seat came free

    result = registering.register(event, _input("ada@example.org", []))

    assert result.summary.status == RegistrationStatus.CONFIRMED
    assert result.registration.holds_event_seat is True
    assert db.session.get(Event, event.id).seats_taken_in_person == 1
    (mail,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.kind == "confirmed"


def test_the_seats_of_several_sessions_are_taken_together_each_by_its_own_rule(app, count_queries) -> None:  # noqa: ANN001
    """The event's seat and each chosen session's: a session full by now goes on its waiting list, the others
    are confirmed, an unknown id takes nothing, and only the seats given are counted. On PostgreSQL all of
    them in one statement (seats.take_seats), whatever the number of sessions; on SQLite one UPDATE each."""
    event = make_event(slug="ev", capacity_in_person=10)
    full = make_session(event, capacity=1)
    roomy = make_session(event, capacity=5)
    unlimited = make_session(event)
    db.session.commit()
    event = db.session.get(Event, event.id)
    _taken_elsewhere(Session.__table__, full.id, seats_taken=1)  # loaded as free, full by now
    chosen = [full.id, roomy.id, unlimited.id]

    with count_queries() as counter:
        result = registering.register(event, _input("ada@example.org", chosen))

    assert result.summary.status == RegistrationStatus.CONFIRMED
    assert dict(result.summary.seats) == {
        full.id: SeatStatus.WAITLISTED,
        roomy.id: SeatStatus.CONFIRMED,
        unlimited.id: SeatStatus.CONFIRMED,
    }
    db.session.expire_all()
    assert db.session.get(Event, event.id).seats_taken_in_person == 1
    assert [db.session.get(Session, i).seats_taken for i in chosen] == [1, 1, 1]
    (mail,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.kind == "confirmed"
    counter_updates = [
        s
        for s in counter.statements
        if s.lstrip().upper().startswith(("UPDATE", "WITH")) and "seats_taken" in s
    ]
    postgresql = db.engine.dialect.name == "postgresql"
    # The statuses written again after the wrong guess (the full one loaded as free) touch no counter.
    assert len(counter_updates) == (1 if postgresql else 1 + len(chosen)), counter_updates


def test_no_session_seat_is_taken_without_the_event_seat(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=1)
    sessions = [make_session(event, capacity=5), make_session(event)]
    db.session.commit()
    event = db.session.get(Event, event.id)
    _taken_elsewhere(Event.__table__, event.id, seats_taken_in_person=1)

    result = registering.register(event, _input("ada@example.org", [s.id for s in sessions]))

    assert result.summary.status == RegistrationStatus.WAITLISTED
    assert {status for _id, status in result.summary.seats} == {SeatStatus.WAITLISTED}
    db.session.expire_all()
    assert [db.session.get(Session, s.id).seats_taken for s in sessions] == [0, 0]
    assert db.session.get(Event, event.id).seats_taken_in_person == 1
