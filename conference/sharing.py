"""Sharing public pages: the absolute address of the page for Open Graph and Twitter cards, and hashtags
as links.

The page's address comes from BASE_URL (`conference.urls.absolute_url_for`), never the request's Host
header. A hashtag links to `HASHTAG_URL` with `{tag}` replaced by the tag without its `#` (empty setting:
the hashtag is shown as text).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, current_app, request

from conference.urls import absolute_url_for


def page_url() -> str:
    """The absolute address of the page being shown (its route and path values; no query string)."""
    return absolute_url_for(request.endpoint, **(request.view_args or {}))


def hashtag_url(hashtag: str) -> str | None:
    """Where a hashtag links to, or None (no HASHTAG_URL, or no tag)."""
    template = current_app.config.get("HASHTAG_URL") or ""
    tag = hashtag.strip().lstrip("#").strip()
    if not template or not tag:
        return None
    return template.replace("{tag}", quote(tag, safe=""))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["hashtag_url"] = hashtag_url
