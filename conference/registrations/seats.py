"""Seat counters: the only code that changes `seats_taken`, by single conditional UPDATEs.

A seat is taken only when `UPDATE ... SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity`
changes a row, so two writers can never both take the last seat; the CHECK constraints
(seats_taken <= capacity) are the backstop. Callers run these inside `serialized_write()`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from conference.db import db, lock_row
from conference.events.models import Event
from conference.registrations.models import Registration, RegistrationMode
from conference.sessions.models import Session

# Which of the event's columns an attendance mode uses: (seats taken, capacity). The one mapping, for the
# counters here, the seats left shown on pages (`availability.event_seats_left`) and the settings' checks.
MODE_COLUMNS: dict[RegistrationMode, tuple[str, str]] = {
    RegistrationMode.IN_PERSON: ("seats_taken_in_person", "capacity_in_person"),
    RegistrationMode.ONLINE: ("seats_taken_online", "capacity_online"),
}


def event_columns(mode: RegistrationMode) -> tuple[sa.Column, sa.Column]:
    taken, capacity = MODE_COLUMNS[RegistrationMode(mode)]
    return Event.__table__.c[taken], Event.__table__.c[capacity]


def event_taken_and_capacity(event: Event, mode: RegistrationMode | str) -> tuple[int, int | None]:
    """The event's seats taken and capacity for an attendance mode, as loaded."""
    taken, capacity = MODE_COLUMNS[RegistrationMode(mode)]
    return getattr(event, taken), getattr(event, capacity)


# The statements are built once: every registration runs them, and building one costs more than
# sending it.
def _event_seat_updates(mode: RegistrationMode) -> tuple[sa.Update, sa.Update]:
    taken, capacity = event_columns(mode)
    table = Event.__table__
    row = table.c.id == sa.bindparam("row_id")
    take = (
        sa.update(table).where(row, sa.or_(capacity.is_(None), taken < capacity)).values({taken: taken + 1})
    )
    release = sa.update(table).where(row, taken > 0).values({taken: taken - 1})
    return take, release


_EVENT_SEAT = {mode: _event_seat_updates(mode) for mode in RegistrationMode}
_SESSIONS = Session.__table__
_TAKE_SESSION_SEAT = (
    sa.update(_SESSIONS)
    .where(
        _SESSIONS.c.id == sa.bindparam("row_id"),
        sa.or_(_SESSIONS.c.capacity.is_(None), _SESSIONS.c.seats_taken < _SESSIONS.c.capacity),
    )
    .values(seats_taken=_SESSIONS.c.seats_taken + 1)
)
_RELEASE_SESSION_SEAT = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("row_id"), _SESSIONS.c.seats_taken > 0)
    .values(seats_taken=_SESSIONS.c.seats_taken - 1)
)


def take_event_seat(event_id: int, mode: RegistrationMode) -> bool:
    return db.session.execute(_EVENT_SEAT[mode][0], {"row_id": event_id}).rowcount == 1


def release_event_seat(event_id: int, mode: RegistrationMode) -> None:
    db.session.execute(_EVENT_SEAT[mode][1], {"row_id": event_id})


def take_session_seat(session_id: int) -> bool:
    return db.session.execute(_TAKE_SESSION_SEAT, {"row_id": session_id}).rowcount == 1


def release_session_seat(session_id: int) -> None:
    db.session.execute(_RELEASE_SESSION_SEAT, {"row_id": session_id})


def _take_together(mode: RegistrationMode) -> sa.Select:
    """PostgreSQL: the event's seat for the mode and, only if it was taken, a seat in each of the sessions,
    in one statement: the same conditional UPDATEs as data-modifying CTEs. The sessions' UPDATE reads the
    event's RETURNING, so it runs after it and changes nothing when the event had no seat; the event's row
    is locked first, as when the UPDATEs are sent one by one."""
    taken, capacity = event_columns(mode)
    events = Event.__table__
    event_seat = (
        sa.update(events)
        .where(events.c.id == sa.bindparam("event_row"), sa.or_(capacity.is_(None), taken < capacity))
        .values({taken: taken + 1})
        .returning(events.c.id)
        .cte("event_seat")
    )
    session_seats = (
        sa.update(_SESSIONS)
        .where(
            _SESSIONS.c.id == sa.any_(sa.bindparam("session_rows", type_=postgresql.ARRAY(sa.Integer))),
            sa.or_(_SESSIONS.c.capacity.is_(None), _SESSIONS.c.seats_taken < _SESSIONS.c.capacity),
            sa.exists(sa.select(event_seat.c.id)),
        )
        .values(seats_taken=_SESSIONS.c.seats_taken + 1)
        .returning(_SESSIONS.c.id)
        .cte("session_seats")
    )
    return sa.select(
        sa.exists(sa.select(event_seat.c.id)),
        sa.select(sa.func.array_agg(session_seats.c.id)).scalar_subquery(),
    )


_TAKE_TOGETHER = {mode: _take_together(mode) for mode in RegistrationMode}


def take_seats(event_id: int, mode: RegistrationMode, session_ids: list[int]) -> tuple[bool, set[int]]:
    """Take the event's seat for the mode and, only with it, a seat in each of the sessions that has one
    free: (whether the event's seat was taken, the sessions whose seat was taken). On PostgreSQL one
    statement (one round trip, whatever the number of sessions); elsewhere the UPDATEs one by one."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Parameters named like no column: a parameter named like a column would be SET by the UPDATEs.
        statement = _TAKE_TOGETHER[RegistrationMode(mode)]
        row = db.session.execute(statement, {"event_row": event_id, "session_rows": session_ids}).one()
        return bool(row[0]), set(row[1] or ())
    if not take_event_seat(event_id, mode):
        return False, set()
    return True, {session_id for session_id in session_ids if take_session_seat(session_id)}


def release_all_seats(event_id: int) -> None:
    """Every counter of the event and of its sessions back to zero: only when no registration of the event
    holds a seat any more (the event was cancelled)."""
    db.session.execute(
        sa.update(Event.__table__)
        .where(Event.__table__.c.id == event_id)
        .values(seats_taken_in_person=0, seats_taken_online=0)
    )
    db.session.execute(sa.update(_SESSIONS).where(_SESSIONS.c.event_id == event_id).values(seats_taken=0))


def lock_event(event_id: int) -> Event:
    """The event row, fresh and locked: every change to an event's seats or settings takes it first."""
    return lock_row(Event, event_id)


def lock_registration(registration_id: int) -> Registration:
    return lock_row(Registration, registration_id)
