"""Absolute URLs, for links that leave the site: mail, calendar feeds, schedule exports, the API.

`absolute_url_for` is the one way to build them. It uses the configured BASE_URL (scheme, host and any path
prefix), never the request's Host header, which a client chooses (a hostile Host would otherwise end up in
mails and feeds); it works outside requests too (sending mail, the CLI). Links within a page stay relative
(`url_for`; `url_pattern` for the many links of a programme).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.routing import MapAdapter
from werkzeug.routing.converters import NumberConverter


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


_PROBES = {int: 918_273_645_546, str: "probe-url-value-7f3c"}  # values no real URL of ours holds


def url_parts(
    endpoint: str, key: str, *, absolute: bool = False, **values: object
) -> tuple[str, Callable[[object], str], str]:
    """(before, to_url, after): the link of `endpoint` for a value of `key` is `before + to_url(value) +
    after`. `url_for` (`absolute_url_for` when `absolute`) is called once, with a probe value for `key`, and
    the probe's URL is split where the probe is, so quoting is `url_for`'s and `to_url` is the rule's own
    converter."""
    rule = next(r for r in current_app.url_map.iter_rules(endpoint) if key in r.arguments)
    converter = rule._converters[key]  # noqa: SLF001 (werkzeug keeps a rule's converters there)
    probe = _PROBES[int] if isinstance(converter, NumberConverter) else _PROBES[str]
    probe_text = converter.to_url(probe)
    build = absolute_url_for if absolute else url_for
    before, found, after = build(endpoint, **values, **{key: probe}).partition(probe_text)
    if not found or probe_text in after:
        raise ValueError(f"cannot make a pattern of {endpoint} by {key}")
    return before, converter.to_url, after


def url_pattern(
    endpoint: str, key: str, *, absolute: bool = False, **values: object
) -> Callable[[object], str]:
    """`url_for` (`absolute_url_for` when `absolute`) for many links that differ in one value (`url_parts`):
    a programme of 500 sessions links 1,500 times; this makes those links as cheap as a string join. In
    templates: `{% set session_url = url_pattern("sessions.detail", "session_id", slug=event.slug) %}` …
    `{{ session_url(s.id) }}`."""
    before, to_url, after = url_parts(endpoint, key, absolute=absolute, **values)
    return lambda value: f"{before}{to_url(value)}{after}"
