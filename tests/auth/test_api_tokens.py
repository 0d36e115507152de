"""API tokens: `flask create-api-token` (run as a real command), the /account/tokens page (create, shown
once, revoke, CSRF, no-store), and storage (only the SHA-256)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from conference.auth.models import ApiToken
from conference.db import db
from tests.api.organiser_world import Api
from tests.factories import add_member, login_as, make_event, make_user
from tests.organise.helpers import Visitor, csrf_from

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"ct_[A-Za-z0-9_-]{43}")


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "cli-test-secret-key-of-32-bytes-or-more",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "conference", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_api_token_command_prints_the_token_last(app, database_url):
    user = make_user("cli@example.org")
    add_member(make_event(slug="cli-event"), user, "manager")
    db.session.commit()
    result = _flask(database_url, "create-api-token", "CLI@example.org", "--name", "sync job")
    assert result.returncode == 0, result.stderr
    token = result.stdout.rstrip("\n").splitlines()[-1]
    assert TOKEN.fullmatch(token), result.stdout
    record = db.session.scalars(sa.select(ApiToken)).one()
    assert record.user_id == user.id and record.name == "sync job"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(record.prefix) and len(record.prefix) < 16
    assert token not in {record.token_hash, record.prefix}
    # The printed token works with the API, as this account.
    me = Api(app).get("/api/v1/me", token)
    assert me.status_code == 200 and me.json["email"] == "cli@example.org"
    assert [e["slug"] for e in me.json["events"]] == ["cli-event"]


def test_create_api_token_command_refuses_unknown_or_inactive_accounts(app):
    make_user("gone@example.org", active=False)
    db.session.commit()
    runner = app.test_cli_runner()
    for email in ("nobody@example.org", "gone@example.org"):
        result = runner.invoke(args=["create-api-token", email])
        assert result.exit_code != 0 and "no active account" in result.output
    assert runner.invoke(args=["create-api-token", "gone@example.org", "--name", "x" * 101]).exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    make_user("named@example.org")
    db.session.commit()
    result = runner.invoke(args=["create-api-token", "named@example.org"])
    assert result.exit_code == 0
    assert db.session.scalars(sa.select(ApiToken.name)).one() == "command line"


def test_token_page_creates_a_token_shown_once_and_revokes_it(app):
    user = make_user("page@example.org")
    db.session.commit()
    visitor = Visitor(app, user)
    page = visitor.get("/account/tokens")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "You have no API tokens yet." in page.get_data(as_text=True)

    created = visitor.post("/account/tokens", data={"name": "Check-in app"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    [token] = TOKEN.findall(html)
    record = db.session.scalars(sa.select(ApiToken)).one()
    assert record.name == "Check-in app" and record.user_id == user.id
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert f"{record.prefix}…" in html

    # Shown once: the page never shows it again.
    again = visitor.get("/account/tokens").get_data(as_text=True)
    assert token not in again and TOKEN.search(again) is None and "Check-in app" in again
    api = Api(app)
    assert api.get("/api/v1/me", token).status_code == 200

    revoked = visitor.post(f"/account/tokens/{record.id}/revoke")
    assert revoked.status_code == 302 and revoked.location.endswith("/account/tokens")
    db.session.refresh(record)
    assert record.revoked_at is not None
    assert api.get("/api/v1/me", token).status_code == 401
    listing = visitor.get("/account/tokens").get_data(as_text=True)
    assert "is revoked" in listing and "revoked " in listing
    assert f'/account/tokens/{record.id}/revoke"' not in listing  # no button for a revoked token


def test_token_page_refuses_posts_without_csrf_and_other_people_s_tokens(app):
    owner = make_user("owner@example.org")
    other = make_user("other@example.org")
    db.session.commit()
    from conference.auth.api_tokens import create_token

    theirs, token = create_token(other, "theirs")
    visitor = Visitor(app, owner)
    # Without the CSRF token: refused, nothing made or revoked.
    plain = app.test_client()
    login_as(plain, owner)
    with app.app_context():
        assert plain.post("/account/tokens", data={"name": "x"}).status_code == 400
        assert plain.post(f"/account/tokens/{theirs.id}/revoke").status_code == 400
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1
    # Someone else's token: 404, and it still works.
    assert visitor.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert visitor.post("/account/tokens/999999/revoke").status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None
    assert Api(app).get("/api/v1/me", token).status_code == 200
    assert "theirs" not in visitor.get("/account/tokens").get_data(as_text=True)
    # A name is required and at most 100 characters.
    for name in ("", "   ", "x" * 101):
        response = visitor.post("/account/tokens", data={"name": name})
        assert response.status_code == 422, name
        assert TOKEN.search(response.get_data(as_text=True)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1


def test_token_page_needs_a_login(app):
    client = app.test_client()
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.location
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/account/tokens", data={"csrf_token": token, "name": "x"})
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
