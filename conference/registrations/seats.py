"""Seat counters: the only code that changes `seats_taken`, by single conditional UPDATEs.

A seat is taken only when `UPDATE ... SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity`
changes a row, so two writers can never both take the last seat; the CHECK constraints
(seats_taken <= capacity) are the backstop. Callers run these inside `serialized_write()`.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.registrations.models import Registration, RegistrationMode
from conference.sessions.models import Session


def event_columns(mode: RegistrationMode) -> tuple[sa.Column, sa.Column]:
    if mode == RegistrationMode.ONLINE:
        return Event.__table__.c.seats_taken_online, Event.__table__.c.capacity_online
    return Event.__table__.c.seats_taken_in_person, Event.__table__.c.capacity_in_person


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


def locked_row(model: type, row_id: int):  # noqa: ANN202
    """A row fresh from the database, locked on PostgreSQL (on SQLite the transaction holds the write lock)."""
    return db.session.scalars(
        sa.select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def lock_event(event_id: int) -> Event:
    return locked_row(Event, event_id)


def lock_registration(registration_id: int) -> Registration:
    return locked_row(Registration, registration_id)
