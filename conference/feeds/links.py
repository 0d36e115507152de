"""Links for subscribing to a feed: webcal://, Google Calendar, Outlook, download, plain URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

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
