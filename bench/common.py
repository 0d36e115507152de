"""What the benchmarks share: a PostgreSQL database made afresh for a run, and the app they measure (a
production-like configuration: not TESTING, no rate limits, absolute links to one BASE_URL)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from conference import create_app
from conference.config import normalise_database_url

BENCH_CONFIG = {
    "SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
    "TESTING": False,
    "RATELIMIT_ENABLED": False,
    "BASE_URL": "https://conference.example.org",
}


def recreated_database(url: str) -> str:
    """The PostgreSQL database of `url` dropped (connections closed) and created empty; returns its URL with
    the installed driver, password included."""
    url = sa.engine.make_url(normalise_database_url(url))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def bench_app(database_url: str, **config: object) -> Flask:
    """The app on `database_url` with `BENCH_CONFIG` (and `config` over it)."""
    return create_app({"DATABASE_URL": database_url, **BENCH_CONFIG, **config})
