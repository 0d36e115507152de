"""Absolute URLs, for links that leave the site: mail, calendar feeds, schedule exports, the API.

`absolute_url_for` is the one way to build them. It uses the configured BASE_URL (scheme, host and any path
prefix), never the request's Host header, which a client chooses (a hostile Host would otherwise end up in
mails and feeds); it works outside requests too (sending mail, the CLI). Links within a page stay relative
(`url_for`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def _adapter() -> MapAdapter:
    """A URL adapter bound to BASE_URL, made once per app and BASE_URL."""
    base = current_app.config["BASE_URL"]
    adapters = current_app.extensions.setdefault("absolute_url_adapters", {})
    adapter = adapters.get(base)
    if adapter is None:
        parts = urlsplit(base)
        adapter = adapters[base] = current_app.url_map.bind(
            parts.netloc or "localhost", script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
    return adapter


def absolute_url_for(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` with `values`, from BASE_URL."""
    return _adapter().build(endpoint, values, force_external=True)
