"""Writing a new registration's rows, on the path every registration takes: on PostgreSQL the registration,
its seats, its answers and its confirmation mail in one statement; elsewhere one INSERT per table.

The unit of work would do the same in about twice the time (and a statement costs more CPU than anything
else a registration does); a registration is written once and then handled as a normal ORM object
everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from conference.db import db
from conference.mail import outbox
from conference.mail.models import OutboxMessage
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
_SEATS, _ANSWERS, _MESSAGES = SessionSeat.__table__, Answer.__table__, OutboxMessage.__table__


def _select_row(new: sa.CTE, table: sa.Table, prefix: str, keys: list[str]) -> sa.Select:
    """SELECT the new registration's id with one row's values, bound as `<prefix><column>`."""
    return sa.select(new.c.id, *(sa.bindparam(prefix + key, type_=table.c[key].type) for key in keys))


@lru_cache(maxsize=128)  # bounded: a shape per number of seats and answers (an API client chooses them)
def _insert_together(seats: int, answers: int, message: tuple[str, ...]) -> sa.Select:
    """PostgreSQL: the registration, its seats, its answers and its mail in one statement (data-modifying
    CTEs): the rows are INSERTed ... SELECTed from the registration's RETURNING, so when the INSERT
    ... ON CONFLICT DO NOTHING writes no registration nothing else is written and no row comes back.
    One statement per shape (how many seats and answers; the mail's columns, if any), built once."""
    values = {
        key: sa.bindparam("r_" + key, type_=_REGISTRATIONS.c[key].type) for key in _keys(_REGISTRATIONS)
    }
    new = (
        postgresql.insert(_REGISTRATIONS)
        .values(values)
        .on_conflict_do_nothing()
        .returning(_REGISTRATIONS.c.id)
        .cte("new_registration")
    )
    ctes = []
    for name, table, count in (("seat", _SEATS, seats), ("answer", _ANSWERS, answers)):
        if count:
            keys = _keys(table, "registration_id")
            rows = [_select_row(new, table, f"{name}{n}_", keys) for n in range(count)]
            source = rows[0] if count == 1 else sa.union_all(*rows)
            ctes.append(sa.insert(table).from_select(["registration_id", *keys], source).cte(f"new_{name}s"))
    if not message:
        return sa.select(new.c.id, sa.null()).add_cte(*ctes)
    keys = [key for key in message if key != "registration_id"]
    mail = (
        sa.insert(_MESSAGES)
        .from_select(["registration_id", *keys], _select_row(new, _MESSAGES, "message_", keys))
        .returning(_MESSAGES.c.id)
        .cte("new_message")
    )
    return sa.select(new.c.id, sa.select(mail.c.id).scalar_subquery()).add_cte(*ctes)


def _keys(table: sa.Table, *without: str) -> list[str]:
    return [column.key for column in table.columns if column.key not in ("id", *without)]


@dataclass(frozen=True)
class Inserted:
    registration_id: int
    message_id: int | None


def insert_new(registration: Registration, message: dict | None = None) -> Inserted | None:
    """INSERT a transient registration with its seats and answers, and its mail (an outbox row made by
    `outbox.message`, whose `registration_id` is filled in), and give the registration its id.

    None, with nothing written, when a unique value is taken: a registration with this email address
    or idempotency key exists (or was committed by a concurrent request meanwhile). The objects stay
    out of the ORM session: load the registration by id to work with it afterwards. On PostgreSQL all
    of it is one statement; elsewhere one INSERT per table.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        seats, answers = registration.seats, registration.answers
        parameters = {"r_" + key: value for key, value in _values(registration, _REGISTRATIONS).items()}
        for name, rows in (("seat", seats), ("answer", answers)):
            for n, row in enumerate(rows):
                table = row.__table__
                for key, value in _values(row, table).items():
                    if key != "registration_id":
                        parameters[f"{name}{n}_{key}"] = value
        if message is not None:
            parameters.update(
                {"message_" + key: value for key, value in message.items() if key != "registration_id"}
            )
        statement = _insert_together(len(seats), len(answers), tuple(message or ()))
        row = db.session.execute(statement, parameters).first()
        if row is None:
            return None
        registration.id = row[0]
        for item in (*seats, *answers):
            item.registration_id = registration.id
        return Inserted(registration.id, row[1])
    registration.id = db.session.execute(
        _INSERT_UNLESS_TAKEN[dialect], _values(registration, _REGISTRATIONS)
    ).scalar()
    if registration.id is None:
        return None
    for model, rows in ((SessionSeat, registration.seats), (Answer, registration.answers)):
        if rows:
            for row in rows:
                row.registration_id = registration.id
            db.session.execute(_INSERT_ROWS[model], [_values(row, model.__table__) for row in rows])
    message_id = None
    if message is not None:
        message_id = outbox.write_many([{**message, "registration_id": registration.id}])[0]
    return Inserted(registration.id, message_id)


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
