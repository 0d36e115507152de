"""Tokens never reach the access log (issue 9, finding 4): real gunicorn with the shipped gunicorn.conf.py,
and the development server's werkzeug log."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from conference import create_app
from conference.access_log import mask_secrets
from conference.db import db
from conference.registrations import registering
from tests.factories import make_event, make_session

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "a-test-secret-key-of-more-than-32-bytes"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("GET /registrations/AbC-12_x/ HTTP/1.1", "GET /registrations/***/ HTTP/1.1"),
        ("GET /registrations/AbC-12_x/calendar.ics", "GET /registrations/***/calendar.ics"),
        ("DELETE /api/v1/registrations/AbC-12_x", "DELETE /api/v1/registrations/***"),
        ("/registrations/AbC%2D12_x?x=1", "/registrations/***?x=1"),
        ("/login?next=%2Fregistrations%2FAbC-12_x%2Fcancel", "/login?next=%2Fregistrations%2F***%2Fcancel"),
        ("/login?next=%2fREGISTRATIONS%2fAbC-12_x", "/login?next=%2fREGISTRATIONS%2f***"),
        ("/speaking/AbC-12_x/", "/speaking/***/"),
        ("/x?token=AbC-12_x&feed_token=zz", "/x?token=***&feed_token=***"),
        ('"https://conference.test/registrations/AbC-12_x/"', '"https://conference.test/registrations/***/"'),
        ("GET /registrations/lost-link HTTP/1.1", "GET /registrations/lost-link HTTP/1.1"),
        ("GET /events/a-slug/register HTTP/1.1", "GET /events/a-slug/register HTTP/1.1"),
        ("", ""),
    ],
)
def test_mask_secrets(line, masked):
    assert mask_secrets(line) == masked


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_with_a_registration(path: Path) -> tuple[str, str, str]:
    url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with app.app_context():
        upgrade()
        event = make_event(slug="logged-event")
        session = make_session(event)
        db.session.commit()
        registration = registering.register(
            event, registering.RegistrationInput("Ann Logged", "ann@example.org", "in_person", [session.id])
        ).registration
        token, feed_token = registration.token, registration.feed_token
        db.session.remove()
        db.engine.dispose()
    return url, token, feed_token


def _get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_access_log_masks_tokens(tmp_path):
    database_url, token, feed_token = _database_with_a_registration(tmp_path / "gunicorn.db")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "0",
    }
    for name in ("FLASK_DEBUG", "CONFERENCE_DEMO"):
        env.pop(name, None)
    log_file = tmp_path / "gunicorn.log"
    with log_file.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "conference:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    _get(base + "/")
                    break
                except OSError:
                    assert server.poll() is None, log_file.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
            referer = f"{base}/registrations/{token}/"
            assert _get(f"{base}/registrations/{token}/", Referer=referer) == 200
            assert _get(f"{base}/registrations/{feed_token}/calendar.ics") == 200  # the feed's own token
            assert _get(f"{base}/api/v1/registrations/{token}") == 200
            assert _get(f"{base}/login?next=%2Fregistrations%2F{token}%2Fcancel") == 200
            assert _get(f"{base}/registrations/lost-link") == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
    output = log_file.read_text()
    assert token not in output and feed_token not in output
    assert '"GET /registrations/***/ HTTP/1.1" 200' in output
    assert f'"{base}/registrations/***/"' in output  # the Referer
    assert '"GET /registrations/***/calendar.ics HTTP/1.1" 200' in output
    assert '"GET /api/v1/registrations/*** HTTP/1.1" 200' in output
    assert '"GET /login?next=%2Fregistrations%2F***%2Fcancel HTTP/1.1" 200' in output
    assert '"GET /registrations/lost-link HTTP/1.1" 200' in output


def test_development_server_log_masks_tokens(app, live_server, caplog, monkeypatch):
    # The migrations' logging.config.fileConfig (run by the test schema) disables loggers made before it.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    event = make_event()
    session = make_session(event)
    db.session.commit()
    token = registering.register(
        event, registering.RegistrationInput("Bo Dev", "bo@example.org", "in_person", [session.id])
    ).registration.token
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        assert _get(f"{live_server}/registrations/{token}/") == 200
        assert _get(f"{live_server}/registrations/{token}/my-data.json") == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("GET /registrations/***/ HTTP/1.1" in line for line in lines), lines
    assert any("/registrations/***/my-data.json" in line for line in lines), lines
    assert not any(token in line for line in lines)
