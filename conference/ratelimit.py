"""Rate limits that hold across worker processes, keyed on the real client.

Flask-Limiter counts in the storage named by RATELIMIT_STORAGE_URI. `memory://` counts in each worker
process, so with gunicorn's 4 workers a client got about 4 times its limit. The default here is
`sqlite:///<instance>/ratelimit.sqlite`: a small SQLite file, apart from the app's database, that every
worker on the machine shares (`SQLiteStorage` below). Several machines share `redis://host:6379` instead
(the `redis` client is installed with Flask-Limiter's `redis` extra).

Why a file of its own rather than the app's database: a counter is written on every limited request,
before the view runs. In the app's database that write would wait for SQLite's one write lock with the
registrations themselves, need a table and migration, and (on PostgreSQL) a connection and a commit of its
own per request. A separate SQLite file in WAL mode costs a fraction of a millisecond, works the same
whichever database the app uses, and losing it loses nothing but the current minute's counts.

When the storage is unavailable (Redis down, the file locked past its timeout or unwritable), no request
is answered 500: Flask-Limiter's in-memory fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) keeps the same
limits in each worker's memory, looser by the number of workers but never off, and checks the storage
again from time to time; RATELIMIT_SWALLOW_ERRORS logs any other limiter error and lets the request
through. Failing open for a while is the lesser harm: a registration refused with a 500 loses the
attendee, and the per-address limit on link mail (conference/mail/throttle.py) lives in the app's database.

The client is `request.remote_addr`. Behind reverse proxies set TRUSTED_PROXIES to their number: the
app is then wrapped in Werkzeug's ProxyFix, which takes the client from the N-th address from the right
of X-Forwarded-For (the one the outermost trusted proxy saw). With 0 (the default) X-Forwarded-For is
ignored, so nobody can pick their own key by sending the header.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from flask import Flask, current_app
from flask_babel import gettext as _
from limits.errors import ConfigurationError
from limits.storage import Storage
from werkzeug.middleware.proxy_fix import ProxyFix

PREFIX = "sqlite:///"
PURGE_EVERY = 1000  # increments between deletions of expired counters


def registration_limit() -> str:
    """The per-client limit of public actions that send mail (registration form and API, lost link)."""
    return current_app.config["RATELIMIT_REGISTRATION"]


def too_many_requests() -> str:
    """What a person sees on the page when a form is sent too often (HTTP 429)."""
    return _("Too many requests from your connection. Please wait a few minutes and try again.")


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from TRUSTED_PROXIES reverse proxies (none by default)."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)  # type: ignore[method-assign]


class SQLiteStorage(Storage):
    """Fixed-window counters in an SQLite file, shared by every process that opens it.

    `sqlite:///relative/path` or `sqlite:////absolute/path` (as in SQLAlchemy URLs). Each increment is
    one atomic UPSERT, so concurrent workers never lose a count. Supports Flask-Limiter's default
    `fixed-window` strategy.
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object) -> None:
        if not uri or not uri.startswith(PREFIX) or len(uri) == len(PREFIX):
            raise ConfigurationError(f"give the rate limit file as sqlite:///path, not {uri!r}")
        self.path = uri[len(PREFIX) :]
        self.timeout = float(options.get("timeout", 5.0))  # type: ignore[arg-type]
        self._local = threading.local()
        self._increments = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._connection().execute("SELECT 1")  # fail at start, not on the first request, if unusable

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (gunicorn forks after the app may have opened one)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counters"
                " (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"
            )
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        conn = self._connection()
        count = conn.execute(
            "INSERT INTO counters (key, count, expires_at) VALUES (:key, :amount, :expires)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  count = CASE WHEN counters.expires_at <= :now THEN :amount ELSE counters.count + :amount END,"
            "  expires_at = CASE WHEN counters.expires_at <= :now THEN :expires ELSE counters.expires_at END"
            " RETURNING count",
            {"key": key, "amount": amount, "expires": now + expiry, "now": now},
        ).fetchone()[0]
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            conn.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(count)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
