"""Configuration read from the environment (and a `.env` file, loaded by the app factory)."""

from __future__ import annotations

import os
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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

    config = {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SITE_NAME": os.environ.get("SITE_NAME", "Conference"),
        # Absolute links in mail and feeds are built from this, never from the request's Host header.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "CALENDAR_UID_DOMAIN": os.environ.get("CALENDAR_UID_DOMAIN", ""),
        "DEMO_MODE": demo,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not (debug or demo or testing)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["en"],
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Conference <noreply@localhost>"),
        # At most one link mail (lost link, repeated or revived registration) per address in this time.
        "LINK_MAIL_INTERVAL_SECONDS": int(os.environ.get("LINK_MAIL_INTERVAL_SECONDS", "300") or 300),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_REGISTRATION": os.environ.get("RATELIMIT_REGISTRATION", "30/minute;300/hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    return config
