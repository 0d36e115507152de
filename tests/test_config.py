"""Configuration from the environment."""

from __future__ import annotations

import pytest

from conference import create_app
from conference.config import load_config, normalise_database_url


def test_postgres_urls_map_to_psycopg3():
    assert normalise_database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/conference.db"


def test_secret_key_required_outside_debug_and_demo(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "FLASK_DEBUG", "CONFERENCE_DEMO"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        load_config(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env-" + "x" * 23)
    assert load_config(str(tmp_path))["SECRET_KEY"] == "from-env-" + "x" * 23
    assert load_config(str(tmp_path))["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["short", "x" * 31, "ä" * 15])  # 15 × ä is 30 bytes in UTF-8
def test_short_secret_key_refused_outside_debug_and_demo(monkeypatch, tmp_path, key):
    for name in ("FLASK_DEBUG", "CONFERENCE_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY is too short .* at least 32"):
        load_config(str(tmp_path))
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY is too short"):
        create_app({"SECRET_KEY": key, "TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/k.db"})
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert load_config(str(tmp_path))["SECRET_KEY"] == "x" * 32


@pytest.mark.parametrize("mode", ["FLASK_DEBUG", "CONFERENCE_DEMO"])
def test_short_secret_key_allowed_in_debug_and_demo(monkeypatch, tmp_path, mode):
    for name in ("FLASK_DEBUG", "CONFERENCE_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(mode, "1")
    monkeypatch.setenv("SECRET_KEY", "dev")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "dev"


def test_sqlite_pragmas(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context():
        from conference.db import db

        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.engine.dispose()
