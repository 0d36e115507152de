"""Configuration read from the environment (and a `.env` file, loaded by the app factory)."""

from __future__ import annotations

import os
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


MIN_SECRET_KEY_BYTES = 32


def _count(name: str, default: int) -> int:
    """A whole number >= 0 from the environment; anything else stops the start with a clear message."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise RuntimeError(f"{name} must be a whole number >= 0, not {value!r}")
    return int(value)


def normalise_database_url(url: str) -> str:
    """Map plain `postgres://` / `postgresql://` URLs to the installed psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from environment variables; `overrides` win (used by tests)."""
    overrides = dict(overrides or {})
    debug = _bool("FLASK_DEBUG", False)
    demo = _bool("CONFERENCE_DEMO", False)
    testing = bool(overrides.get("TESTING", False))

    default_db = "sqlite:///" + str(Path(instance_path) / "conference.db")
    database_url = normalise_database_url(
        overrides.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL") or default_db
    )

    secret_key = os.environ.get("SECRET_KEY") or overrides.get("SECRET_KEY")
    if not secret_key:
        if debug or demo or testing:
            # Random per process: fine for local use, never a fixed production default.
            secret_key = os.urandom(32).hex()
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment or in .env "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
                "or run in debug/demo mode (FLASK_DEBUG=1 or CONFERENCE_DEMO=1)."
            )
    elif len(secret_key.encode()) < MIN_SECRET_KEY_BYTES and not (debug or demo):
        raise RuntimeError(
            f"SECRET_KEY is too short ({len(secret_key.encode())} bytes): use at least {MIN_SECRET_KEY_BYTES} "
            "random bytes (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`, 64 characters)."
        )

    config = {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SITE_NAME": os.environ.get("SITE_NAME", "Conference"),
        # Absolute links in mail and feeds are built from this, never from the request's Host header.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "CALENDAR_UID_DOMAIN": os.environ.get("CALENDAR_UID_DOMAIN", ""),
        # Where an event's hashtag links to ({tag}: the tag without "#"); empty: shown as text.
        "HASHTAG_URL": os.environ.get("HASHTAG_URL", "https://mastodon.social/tags/{tag}"),
        "DEMO_MODE": demo,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not (debug or demo or testing)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["en", "ja", "ko", "th"],  # the interface languages (catalogues in translations/)
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Conference <noreply@localhost>"),
        # A message claimed by a sender is out of other senders' reach this long (then sent again if
        # that sender died); keep it well above the SMTP timeout (20 s).
        "MAIL_LEASE_SECONDS": _count("MAIL_LEASE_SECONDS", 600),
        # A notice of a moved or cancelled session waits this long, so that further changes fold into it
        # (0: it goes with the next send-mail).
        "NOTICE_DELAY_SECONDS": _count("NOTICE_DELAY_SECONDS", 120),
        # "No reply after N days" on the organiser's pages, unless the event sets its own N.
        "SPEAKER_REPLY_DAYS": _count("SPEAKER_REPLY_DAYS", 7),
        # An address whose mail unsubscribes from announcements, offered beside the link in List-Unsubscribe
        # (empty: the link only; someone must read that mailbox and unsubscribe the sender by hand).
        "ANNOUNCEMENT_UNSUBSCRIBE_MAILTO": os.environ.get("ANNOUNCEMENT_UNSUBSCRIBE_MAILTO", ""),
        # The largest photo a speaker may upload (bytes; the profile form alone accepts a body this large).
        "SPEAKER_PHOTO_MAX_BYTES": _count("SPEAKER_PHOTO_MAX_BYTES", 5 * 2**20),
        # At most one link mail (lost link, repeated or revived registration) per address in this time.
        "LINK_MAIL_INTERVAL_SECONDS": _count("LINK_MAIL_INTERVAL_SECONDS", 300),
        # The largest request body (bytes): bigger ones are answered 413 before they are read. No page sends
        # more than a few hundred kilobytes (the longest field, an event description, is 20,000 characters);
        # 0 turns the limit off.
        "MAX_CONTENT_LENGTH": _count("MAX_CONTENT_LENGTH", 2**20) or None,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Counters shared by every worker on this machine (conference/ratelimit.py); redis://host:6379
        # for several machines. memory:// counts per worker process, so only suits a single process.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or "sqlite:///" + str(Path(instance_path) / "ratelimit.sqlite"),
        "RATELIMIT_REGISTRATION": os.environ.get("RATELIMIT_REGISTRATION", "30/minute;300/hour"),
        # Failed token authentications (401) per client of the organiser API; over it, 429 until it ends.
        "RATELIMIT_API_AUTH": os.environ.get("RATELIMIT_API_AUTH", "20/minute;200/hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # When the storage cannot be reached (Redis down, the SQLite file locked or gone) requests are never
        # answered 500: the limits go on in each worker's memory until the storage answers again, and any
        # other limiter error is logged and the request let through (conference/ratelimit.py).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none, the
        # headers are ignored and limits count the connecting address).
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES", 0),
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    return config
