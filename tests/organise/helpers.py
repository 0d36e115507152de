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
