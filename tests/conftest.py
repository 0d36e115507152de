"""Shared fixtures: the app on a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
a test client, a live server on a loopback port, and an SQL query counter.

The schema is created once per test session by running the migrations (so every run also tests them);
after each test every table is emptied.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from conference import create_app
from conference.db import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

pytest_plugins = ["tests.browser_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    """The tests read the compiled catalogues: build them from the committed .po files (as `make test` does),
    so a run straight from pytest never sees stale or missing translations."""
    from conference.catalogues import compile_all

    compile_all()


def _postgres_worker_url(base_url: str, worker: str) -> str:
    """Each xdist worker gets its own PostgreSQL database, created fresh."""
    url = sa.engine.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_{worker}" if worker != "master" else url.database
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    if TEST_DATABASE_URL.startswith(("postgres://", "postgresql")):
        return _postgres_worker_url(TEST_DATABASE_URL, worker_id)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-32-bytes-or-longer",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        # Tests that turn limits on count in their own process, never in the instance folder's file.
        "RATELIMIT_STORAGE_URI": "memory://",
        "BASE_URL": "https://conference.test",
        "SERVER_NAME": None,
        "MAIL_SERVER": "",
    }


@pytest.fixture(scope="session")
def _schema(base_config: dict) -> None:
    app = create_app(dict(base_config))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def make_app(base_config: dict, _schema: None) -> Iterator:
    """Build an app on the test database with extra config: `make_app(RATELIMIT_ENABLED=True)`."""
    made: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app({**base_config, **overrides})
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Iterator[Flask]:  # noqa: ANN001
    application = make_app()
    with application.app_context():
        yield application
        db.session.remove()
        _empty_all_tables()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app: Flask):  # noqa: ANN201
    return app.test_client()


@pytest.fixture
def demo(app: Flask) -> None:
    """The demo events loaded into the test database."""
    from conference.demo import load_demo

    load_demo()


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve `app` with a real HTTP server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port; yields its base URL."""
    with serve(app) as base_url:
        yield base_url


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):  # noqa: ANN201
    """`with count_queries() as counter: ...` counts the SQL statements sent to the database."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting
