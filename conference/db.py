"""Database base class, shared column types and time helpers.

Times are stored as naive UTC in the database (portable across SQLite and PostgreSQL)
and are always handed to Python code as timezone-aware UTC datetimes.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def new_uid() -> str:
    """A stable, never-reused identifier (used for calendar UIDs and exchange GUIDs)."""
    return str(uuid.uuid4())


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as naive UTC; returns aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def str_enum(enum_cls: type) -> sa.Enum:
    """A portable (non-native) enum column that stores the member values."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# --- SQLite connection setup and serialised writes -------------------------------------------------
#
# pysqlite's own transaction handling cannot issue BEGIN IMMEDIATE, so SQLite connections run in
# autocommit mode at the driver level and SQLAlchemy's "begin" emits the BEGIN itself (the recipe
# from the SQLAlchemy documentation). Inside `serialized_write()` that BEGIN is BEGIN IMMEDIATE,
# which takes SQLite's write lock up front, so a read-then-write cannot race another process.

_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)
SQLITE_BUSY_TIMEOUT_MS = 15000


@sa.event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@sa.event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def lock_row(model: type, row_id: int):  # noqa: ANN201
    """The row of `model` with this id, fresh from the database and locked until the transaction ends
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the transaction of `serialized_write()` holds the write lock).
    The one row-lock helper: the event row, a session row, a registration row."""
    return db.session.scalars(
        sa.select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    ).one()


@contextmanager
def serialized_write() -> Iterator[None]:
    """Run a read-then-write that must not race other writers.

    On SQLite the transaction starts with BEGIN IMMEDIATE (the database's write lock is taken
    before the first read); a read-only transaction already open is ended first, since SQLite cannot
    turn it into a write. On PostgreSQL the caller locks the rows it reads with `with_for_update()`
    inside the block (or takes them with conditional UPDATEs), and an open read-only transaction simply
    goes on: under READ COMMITTED each statement sees the latest commits, and the objects already
    loaded stay loaded. The caller commits; an exception rolls back. Pending changes are an error.
    """
    session = db.session()  # the scoped_session proxy has no in_transaction()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("serialized_write() needs a session without pending changes; commit first")
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        session.rollback()
    token = _immediate.set(True)
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    finally:
        _immediate.reset(token)
