"""Writing a new registration's rows with one INSERT per table, on the path every registration takes.

The unit of work would do the same in about twice the time; a registration is written once and then
handled as a normal ORM object everywhere else.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from conference.db import db
from conference.registrations.models import Answer, Registration, SessionSeat


def _values(obj: object, table: sa.Table) -> dict:
    """The object's column values, with the column's Python default where the object has none."""
    values = {}
    for column in table.columns:
        if column.key == "id":
            continue
        value = getattr(obj, column.key)
        if value is None and column.default is not None:
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg
        values[column.key] = value
    return values


_REGISTRATIONS = Registration.__table__
# INSERT ... ON CONFLICT DO NOTHING RETURNING id: PostgreSQL and SQLite (3.35+) both have it.
_INSERT_UNLESS_TAKEN = {
    "postgresql": postgresql.insert(_REGISTRATIONS).on_conflict_do_nothing().returning(_REGISTRATIONS.c.id),
    "sqlite": sqlite.insert(_REGISTRATIONS).on_conflict_do_nothing().returning(_REGISTRATIONS.c.id),
}
# inline(): no RETURNING of the new ids (a single row's INSERT would fetch its primary key), nobody reads them.
_INSERT_ROWS = {model: sa.insert(model.__table__).inline() for model in (SessionSeat, Answer)}


def insert_new(registration: Registration) -> bool:
    """INSERT a transient registration with its seats and answers, and give the registration its id.

    False, with nothing written, when a unique value is taken: a registration with this email address
    or idempotency key exists (or was committed by a concurrent request meanwhile). The objects stay
    out of the ORM session: load the registration by id to work with it afterwards.
    """
    statement = _INSERT_UNLESS_TAKEN[db.session.get_bind().dialect.name]
    registration.id = db.session.execute(statement, _values(registration, _REGISTRATIONS)).scalar()
    if registration.id is None:
        return False
    for model, rows in ((SessionSeat, registration.seats), (Answer, registration.answers)):
        if rows:
            for row in rows:
                row.registration_id = registration.id
            db.session.execute(_INSERT_ROWS[model], [_values(row, model.__table__) for row in rows])
    return True


def update_statuses(registration: Registration) -> None:
    """Write a registration's status and its seats' statuses again (after `insert_new`)."""
    table = Registration.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == registration.id)
        .values(status=registration.status, holds_event_seat=registration.holds_event_seat)
    )
    seats = SessionSeat.__table__
    for seat in registration.seats:
        db.session.execute(
            sa.update(seats)
            .where(seats.c.registration_id == registration.id, seats.c.session_id == seat.session_id)
            .values(status=seat.status, updated_at=seat.updated_at)
        )
