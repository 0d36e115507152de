"""Links for subscribing to a feed (webcal://, Google Calendar, Outlook, download, plain URL), and for adding
one event or session once (`add_links`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from conference.events.models import Event
from conference.feeds.entries import location_text
from conference.sessions.models import Session
from conference.urls import absolute_url_for

ENDPOINTS = {
    "all": "feeds.all_events",
    "event": "feeds.event",
    "session": "feeds.session",
    "speaker": "feeds.speaker",
    "series": "feeds.series",
    "registration": "feeds.registration",
}


@dataclass(frozen=True)
class CalendarLinks:
    https: str
    webcal: str
    google: str
    outlook: str


def calendar_links(feed_endpoint: str, feed_args: dict | None = None, name: str = "") -> CalendarLinks:
    """Absolute links (from BASE_URL, never the Host header) for one feed."""
    url = absolute_url_for(ENDPOINTS[feed_endpoint], **(feed_args or {}))
    webcal = "webcal://" + url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal})
    outlook_args = {"url": url}
    if name:
        outlook_args["name"] = name
    outlook = "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(outlook_args)
    return CalendarLinks(url, webcal, google, outlook)


@dataclass(frozen=True)
class AddLinks:
    """Links that add one event or session to a calendar once (no subscription)."""

    ics: str
    google: str
    outlook: str
    office365: str


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # a machine format, not shown to anyone


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def add_links(event: Event, session: Session | None = None) -> AddLinks:
    """The .ics download and the Google and Outlook.com / Office 365 "new event" links of one event or one
    session (its public page in the description; never the join link, which is personal)."""
    if session is None:
        ics = absolute_url_for("feeds.add_event", slug=event.slug)
        page = absolute_url_for("events.detail", slug=event.slug)
        title, starts, ends, room = event.title, event.starts_at, event.ends_at, None
    else:
        ics = absolute_url_for("feeds.add_session", slug=event.slug, session_id=session.id)
        page = absolute_url_for("sessions.detail", slug=event.slug, session_id=session.id)
        title = f"{session.title} ({event.title})"
        starts, ends = session.starts_at, session.ends_at
        room = session.room.name if session.room else None
    where = location_text(event, room)
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{_utc_stamp(starts)}/{_utc_stamp(ends)}",
            "details": page,
            "location": where,
            "ctz": event.timezone,
        }
    )
    outlook_args = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": _utc_iso(starts),
            "enddt": _utc_iso(ends),
            "body": page,
            "location": where,
        }
    )
    return AddLinks(
        ics,
        google,
        "https://outlook.live.com/calendar/0/deeplink/compose?" + outlook_args,
        "https://outlook.office.com/calendar/0/deeplink/compose?" + outlook_args,
    )
