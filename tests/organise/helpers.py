"""Helpers for posting forms through the real CSRF protection."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def get_token(client, url: str = "/login") -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_from(response.get_data(as_text=True))


def post_form(client, page_url: str, data: dict, action: str | None = None, **kw):  # noqa: ANN001, ANN201
    """GET `page_url`, take its CSRF token, POST `data` to `action` (default: the same URL)."""
    token = get_token(client, page_url)
    return client.post(action or page_url, data={"csrf_token": token, **data}, **kw)


class Visitor:
    """A test client logged in as `user` whose every request runs in its own app context (its own `g` and
    database session), as when served. Without this, requests inside the `app` fixture's context share
    `g`, and with it Flask-Login's cached user: a second user in the same test would act as the first.
    After each request the test's own session starts afresh, so it reads what the request committed."""

    def __init__(self, app, user=None) -> None:  # noqa: ANN001
        from tests.factories import login_as

        self.app = app
        self.client = app.test_client()
        with app.app_context():
            self.token = get_token(self.client, "/login")
        if user is not None:
            login_as(self.client, user)

    def open(self, url: str, method: str = "GET", data: dict | None = None, **kw):  # noqa: ANN201
        from conference.db import db

        if method != "GET":
            data = {"csrf_token": self.token, **(data or {})}
        with self.app.app_context():
            response = self.client.open(url, method=method, data=data, **kw)
        db.session.rollback()
        return response

    def get(self, url: str, **kw):  # noqa: ANN201
        return self.open(url, **kw)

    def post(self, url: str, data: dict | None = None, **kw):  # noqa: ANN201
        return self.open(url, method="POST", data=data, **kw)
