"""The zone a visitor chose for viewing times: `?tz=Asia/Seoul`, remembered in the `tz` cookie.

Event, session, speaker, registration and manage pages show each time in the event's zone and, once a
visitor chose a zone, in theirs as well (`times` and `viewer_zone` in templates, the picker in
templates/_zone_picker.html). `?tz=` (empty) forgets the choice. A zone that is not one of the IANA names
offered (a typo, control characters, a very long value) is never used: the page says so and shows the
event's zone only. Feeds are unaffected (their DTSTART carries the TZID).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from conference.timeutil import local
from conference.zones import abbreviation, known_zone, same_clock, time_range, when, zone_options

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600
_UNSET = object()
_KEY = "conference.viewer_zone"


class _Choice:
    __slots__ = ("error", "remember", "zone")

    def __init__(self, zone: str | None, *, error: bool = False, remember: object = _UNSET) -> None:
        self.zone = zone
        self.error = error
        self.remember = remember  # a zone to set in the cookie, "" to delete it, _UNSET: leave it


def _choice() -> _Choice:
    if not has_request_context():
        return _Choice(None)
    cached = request.environ.get(_KEY)
    if cached is not None:
        return cached
    if "tz" in request.args:
        raw = request.args.get("tz", "")
        if not raw.strip():
            choice = _Choice(None, remember="")  # "only the event's zone": forget the choice
        elif zone := known_zone(raw.strip()):
            choice = _Choice(zone, remember=zone)
        else:
            choice = _Choice(None, error=True)  # the cookie's earlier choice is kept, unused here
    else:
        raw = request.cookies.get(COOKIE)
        if raw is None:
            choice = _Choice(None)
        elif zone := known_zone(raw):
            choice = _Choice(zone)
        else:
            choice = _Choice(None, error=True, remember="")
    request.environ[_KEY] = choice  # per request (an app context may outlive several in tests)
    return choice


def viewer_zone() -> str | None:
    """The zone this visitor chose (a known IANA name), or None."""
    return _choice().zone


def zone_error() -> bool:
    """Whether the visitor asked for a zone that is not known (the page says so)."""
    return _choice().error


def times(starts_at: datetime, ends_at: datetime | None, zone: str) -> Markup:
    """A span of time on a page: in the event's `zone` as before, and in the viewer's zone once chosen
    ("10:00 AM – 11:30 AM EST · 12:00 AM – 1:30 AM KST, next day"), in <time> elements. Parallel sessions
    and the pages of one event share their times: each span is written once per process and language
    (`_span`, keyed by everything it depends on)."""
    if not has_request_context():
        return _times(starts_at, ends_at, zone, None)
    # The request's language (a mail rendered in a request has its own) and the viewer's zone.
    return _span(starts_at, ends_at, zone, str(get_locale()), viewer_zone())


@lru_cache(maxsize=8192)
def _span(
    starts_at: datetime, ends_at: datetime | None, zone: str, locale: str, viewer: str | None
) -> Markup:
    """`_times` in `locale` (the current one: `time_range` and its words read it) and for `viewer`."""
    return _times(starts_at, ends_at, zone, viewer)


def _times(starts_at: datetime, ends_at: datetime | None, zone: str, viewer: str | None) -> Markup:
    start = local(starts_at, zone)
    if viewer and not same_clock(zone, viewer, starts_at, ends_at or starts_at):
        text = time_range(starts_at, ends_at, zone, viewer)
        return Markup('<time datetime="{}" class="times times-two-zones">{}</time>').format(
            start.isoformat(), text
        )
    text = time_range(starts_at, ends_at, zone, name_zone=False)
    return Markup('<time datetime="{}">{}</time>').format(start.isoformat(), escape(text))


def zone_option_tags(chosen: str | None) -> Markup:
    """The zone picker's `<option>` of every zone offered (templates/_zone_picker.html), `chosen` selected:
    some 600 options, written once per hour (their offsets) and chosen zone instead of on every page."""
    return _option_tags(zone_options(), chosen)


@lru_cache(maxsize=64)
def _option_tags(options: tuple[tuple[str, str], ...], chosen: str | None) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>\n    ').format(
            value, Markup(" selected") if value == chosen else "", text
        )
        for value, text in options
    )


def zones_named(zone: str, at: datetime) -> str:
    """'America/New_York (EST)', and 'America/New_York (EST) and Asia/Seoul (KST)' once a zone is chosen."""
    from flask_babel import gettext as _

    named = f"{zone} ({abbreviation(zone, at)})"
    viewer = viewer_zone()
    if viewer and viewer != zone:
        viewer_named = f"{viewer} ({abbreviation(viewer, at)})"
        return _("%(zone)s and %(viewer)s", zone=named, viewer=viewer_named)
    return named


def remember(response: Response) -> Response:
    """Set or delete the `tz` cookie as the request asked; pages that read the choice vary by cookie."""
    choice = request.environ.get(_KEY) if has_request_context() else None
    if choice is None:
        return response
    response.vary.add("Cookie")
    if choice.remember == "":
        if COOKIE in request.cookies:
            response.delete_cookie(COOKIE, samesite="Lax")
    elif choice.remember is not _UNSET:
        response.set_cookie(
            COOKIE,
            str(choice.remember),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        times=times,
        viewer_zone=viewer_zone,
        zone_error=zone_error,
        zones_named=zones_named,
        zone_options=zone_options,
        zone_option_tags=zone_option_tags,
        zone_when=when,  # mail: the day and the times in the event's zone and the reader's
    )
    app.after_request(remember)
