"""Public pages served like the feeds: rendered once per state of what they show, kept as bytes, answered
with strong ETags and 304s (the HTTP rule is the feeds' one, conference/feeds/http.py; the LRU is theirs too,
conference/feeds/cache.py).

A page's key is derived from the database on every request, never from process memory alone, so that
several workers and machines stay correct: what the page shows (conference/page_keys.py: the event row, its
programme's fingerprint, hosts, series, people...), plus the request's language, viewer zone, the query
parameters a page reads (`shared_query`) and `BASE_URL`. The bytes are kept per process (`page_cache`).

Seats left change with every registration but the programme does not: they are holes in the cached
bytes. While a page is rendered for the cache, `live_event_seats`/`live_session_seats` write a marker
(`\\x00h<n>\\x00`) and remember what belongs there; every answer fills the holes from the counters read in
the same request (one query for the whole programme) and splices them in. The ETag is the digest of the
cached bytes and of the filled holes.

Only pages that are the same for every visitor are shared: an organiser who is logged in (menu with a
CSRF token, drafts) or a visitor with a flash message waiting is served a fresh page, and a page whose
rendering touched the session or made a CSRF token is never stored. The CSP has no nonces (no inline
script or style at all, conference/security.py), so cached bytes carry nothing per request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from conference.db import db
from conference.events.models import Event
from conference.feeds.cache import page_cache
from conference.feeds.http import conditional_response
from conference.registrations.availability import event_seats_left
from conference.sessions.models import Session, SessionStatus
from conference.viewer_zone import viewer_zone, zone_error
from conference.zones import known_zone

HTML = "text/html; charset=utf-8"
# Shared caches may keep a page but must ask every time (seats left change without a new programme).
PAGE_CACHE_CONTROL = "public, no-cache"
_HOLES = "conference.page_holes"
# The settings a page shows (links, the site's name, hashtag links): part of every page's key.
PAGE_SETTINGS = ("BASE_URL", "SITE_NAME", "HASHTAG_URL", "LANGUAGES")


class SessionFigures(NamedTuple):
    """What a session's seats-left text needs, read fresh on every request (a named tuple: a programme's
    figures are made, compared with the last answer's and hashed on every request)."""

    capacity: int | None
    seats_taken: int
    registration_enabled: bool
    cancelled: bool


@dataclass
class Rendered:
    parts: tuple[bytes, ...]  # len(holes) + 1 pieces of the page between the holes
    holes: tuple[tuple, ...]  # ("event", mode) or ("session", style, session id)
    digest: bytes
    last: tuple | None = None  # (figures, etag, body) of the last answer made from it


# --- seats left: the holes -----------------------------------------------------------------------------


def seats_phrase(left: int | None) -> str:
    """An event's seats left for one attendance mode (registration box, registration form)."""
    if left is None:
        return _("seats available")
    if left == 0:
        return _("full: waiting list")
    return ngettext("%(num)s seat left", "%(num)s seats left", left)


def _session_text(style: str, figures: SessionFigures | None) -> Markup:
    if figures is None or figures.capacity is None or not figures.registration_enabled or figures.cancelled:
        return Markup("")
    text = _(
        "%(left)s of %(total)s seats left",
        left=max(figures.capacity - figures.seats_taken, 0),
        total=figures.capacity,
    )
    if style == "facts":  # the session page's list of facts
        return Markup("<dt>{}</dt>\n      <dd>{}</dd>").format(_("Seats"), text)
    return Markup(" · {}").format(text)  # a line of the programme


def figures_of(s: Session) -> SessionFigures:
    return SessionFigures(
        s.capacity, s.seats_taken, s.registration_enabled, s.status == SessionStatus.CANCELLED
    )


def _hole(spec: tuple, live: Callable[[], Markup]) -> Markup:
    holes = g.get(_HOLES)
    if holes is None:  # not rendering for the cache: the text itself
        return live()
    holes.append(spec)
    return Markup("\x00h{}\x00").format(len(holes) - 1)


def live_event_seats(event: Event, mode: str) -> Markup:
    """`{{ live_event_seats(event, "online") }}`: the event's seats left, filled in on every answer."""
    return _hole(("event", mode), lambda: Markup("{}").format(seats_phrase(event_seats_left(event, mode))))


def live_session_seats(s: Session, style: str = "line") -> Markup:
    """`{{ live_session_seats(s) }}`: " · 3 of 20 seats left" (or nothing), filled in on every answer."""
    return _hole(("session", style, s.id), lambda: _session_text(style, figures_of(s)))


def session_seats_writer(seated: Container[int] | None = None) -> Callable[[object], str]:
    """`live_session_seats(s)` (style "line") for a whole programme written at once: the page's list of
    holes is looked up once, not per session. `seated`: the ids of the sessions that have a capacity
    (`seat_figures`), when the page's key holds them: the others show no seats left and get no hole (a
    capacity given later changes the key, so the page is rendered again)."""
    holes = g.get(_HOLES)
    if holes is None:  # not rendering for the cache: the text itself
        return lambda s: _session_text("line", figures_of(s))  # type: ignore[arg-type]

    def write(s: object) -> str:
        if seated is not None and s.id not in seated:  # type: ignore[attr-defined]
            return ""
        holes.append(("session", "line", s.id))  # type: ignore[attr-defined]
        return f"\x00h{len(holes) - 1}\x00"

    return write


_SEATED = (
    sa.select(
        Session.id,
        Session.capacity,
        Session.seats_taken,
        Session.registration_enabled,
        Session.status == SessionStatus.CANCELLED,
    )
    .where(Session.event_id == sa.bindparam("event_id"), Session.capacity.is_not(None))
    .order_by(Session.id)
)


def seat_figures(event: Event) -> dict[int, SessionFigures]:
    """One query (Core, on the session's connection): the seat figures of the event's sessions that have a
    capacity (the others show no seats left)."""
    rows = db.session.connection().execute(_SEATED, {"event_id": event.id})
    return {r[0]: SessionFigures(r[1], r[2], bool(r[3]), bool(r[4])) for r in rows}


def _fill(spec: tuple, event: Event | None, sessions: Mapping[int, SessionFigures]) -> str:
    if spec[0] == "event":
        return str(Markup("{}").format(seats_phrase(event_seats_left(event, spec[1])))) if event else ""
    return str(_session_text(spec[1], sessions.get(spec[2])))


class _Filler:
    """Fills the holes of one answer: each translated phrase looked up once, each distinct figure once."""

    def __init__(self, event: Event | None, sessions: Mapping[int, SessionFigures]) -> None:
        self.event, self.sessions = event, sessions
        self.memo: dict[tuple, bytes] = {}

    def __call__(self, spec: tuple) -> bytes:
        if spec[0] == "event":
            memo_key: tuple = spec
        else:
            memo_key = (spec[1], self.sessions.get(spec[2]))
            if memo_key[1] is None:
                return b""
        text = self.memo.get(memo_key)
        if text is None:
            text = self.memo[memo_key] = _fill(spec, self.event, self.sessions).encode("utf-8")
        return text


# --- the cache -----------------------------------------------------------------------------------------


def shareable() -> bool:
    """Whether this visitor may get (and leave) the page everyone gets: not logged in, no flash waiting."""
    return not current_user.is_authenticated and "_flashes" not in session


# The query parameters a shared page reads: the language and the viewer's zone (conference/i18n.py,
# conference/viewer_zone.py). The language switcher writes a page's parameters into its links, so a page
# differs with its query.
PAGE_PARAMETERS: dict[str, Callable[[str], bool]] = {
    "lang": lambda code: code in current_app.config["LANGUAGES"],
    "tz": lambda zone: known_zone(zone) is not None,
}


def shared_query() -> tuple | None:
    """The query of a page that may come from (and go to) the cache: its parameters as parsed, in order,
    when each is one of `PAGE_PARAMETERS`, given once, with a value the page takes (a known language; a
    known zone, or empty for the event's own) written without spaces around it. None otherwise: the page is
    made for this request alone, so that `?x=1`, `?x=2`… or a zone spelt a thousand ways never push real
    pages out of the cache (its size is bounded by the languages and zones there are)."""
    items = tuple(request.args.items(multi=True))
    if not items:
        return items
    names = {name for name, _value in items}
    if len(names) != len(items) or not names <= PAGE_PARAMETERS.keys():
        return None
    for name, value in items:
        if value != value.strip() or (value and not PAGE_PARAMETERS[name](value)):
            return None
    return items


def _personal_after_render() -> bool:
    """Whether rendering made something for this visitor alone (a CSRF token, a flash read, the session)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return bool(session.modified or g.get(field))


def _capture(render: Callable[[], str]) -> tuple[Rendered, bool]:
    """Render with holes; (the page, whether it may be stored for everyone)."""
    setattr(g, _HOLES, [])
    try:
        html = render()
        holes = tuple(getattr(g, _HOLES))
    finally:
        g.pop(_HOLES, None)
    pieces = html.encode("utf-8").split(b"\x00")
    if len(pieces) != 2 * len(holes) + 1:  # a NUL in the content: keep nothing, fill nothing
        raise ValueError("page content holds NUL")
    order = [int(pieces[i][1:]) for i in range(1, len(pieces), 2)]
    parts = tuple(pieces[0::2])
    ordered = tuple(holes[i] for i in order)
    digest = hashlib.sha256(b"".join(parts) + repr(ordered).encode()).digest()
    return Rendered(parts, ordered, digest), not _personal_after_render()


def serve(
    key: tuple,
    render: Callable[[], str],
    *,
    event: Event | None = None,
    sessions: Mapping[int, SessionFigures] | None = None,
) -> Response:
    """The page for `key` (what it shows, derived from the database), from the cache or rendered now,
    with its holes filled from `event` and `sessions`; a strong ETag, 304 when the client's copy is current."""
    query = shared_query()
    if query is None or not shareable():
        return Response(render(), content_type=HTML)
    full_key = (
        request.endpoint,
        request.path,
        query,
        str(get_locale()),
        viewer_zone(),
        zone_error(),
        repr([current_app.config.get(name) for name in PAGE_SETTINGS]),
        *key,
    )
    cache = page_cache()
    rendered = cache.get(full_key)
    if rendered is None:
        try:
            rendered, keep = _capture(render)
        except ValueError:
            return Response(render(), content_type=HTML)
        if keep:
            cache.put(full_key, rendered)
    sessions = sessions or {}
    # The figures this answer shows: when they are those of the last answer, its bytes are reused as they are.
    figures_key = (
        (event.seats_taken_in_person, event.seats_taken_online) if event is not None else None,
        tuple(sessions.items()),
    )
    last = rendered.last
    if last is not None and last[0] == figures_key:
        _key, etag, body = last
    else:
        fill = _Filler(event, sessions)
        texts = [fill(spec) for spec in rendered.holes]
        etag = hashlib.sha256(rendered.digest + b"\x00".join(texts)).hexdigest()[:40]
        pieces = [rendered.parts[0]]
        for text, part in zip(texts, rendered.parts[1:], strict=True):
            pieces.append(text)
            pieces.append(part)
        body = b"".join(pieces)
        rendered.last = (figures_key, etag, body)
    return conditional_response(body, None, HTML, etag=etag, cache_control=PAGE_CACHE_CONTROL)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        live_event_seats=live_event_seats, live_session_seats=live_session_seats, seats_phrase=seats_phrase
    )


def cached_bytes(key: tuple, build: Callable[[], bytes]) -> tuple[bytes, str]:
    """A document made for everyone (schedule export, the API's event), kept under `key` with its ETag."""
    cache = page_cache()
    full_key = (request.endpoint, current_app.config["BASE_URL"], *key)
    found = cache.get(full_key)
    if found is None:
        body = build()
        found = (body, hashlib.sha256(body).hexdigest()[:40])
        cache.put(full_key, found)
    return found
