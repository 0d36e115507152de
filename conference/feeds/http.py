"""HTTP for feeds and cached pages: strong ETag, Last-Modified, 304 on If-None-Match / If-Modified-Since."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response, request

from conference.feeds.entries import Feed

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:40]


def _not_modified(etag: str, last_modified: datetime | None) -> bool:
    if request.if_none_match:
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); feeds only have strong tags.
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified.replace(microsecond=0) <= since


def conditional_response(
    body: bytes,
    last_modified: datetime | None,
    mimetype: str,
    *,
    filename: str | None = None,
    private: bool = False,
    etag: str | None = None,
    cache_control: str | None = None,
) -> Response:
    """The body with validators, or an empty 304 when the client's copy is current. Pages whose parts
    change without a new `last_modified` (seats left) pass None: they are validated by their ETag alone."""
    etag = etag or etag_of(body)
    if _not_modified(etag, last_modified):
        response = Response(status=304)
    else:
        response = Response(body, content_type=mimetype)
        if filename:
            response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = cache_control or (
        "private, no-cache" if private else "public, max-age=300"
    )
    return response


def feed_response(feed: Feed, filename: str, *, private: bool = False) -> Response:
    if feed.etag is None:
        feed.etag = etag_of(feed.body)  # the whole-feed cache keeps it, so a 304 hashes nothing
    return conditional_response(
        feed.body, feed.last_modified, CALENDAR_TYPE, filename=filename, private=private, etag=feed.etag
    )
