"""Add one event or session to a calendar once: the .ics download and the Google / Outlook links."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

from conference.db import db
from conference.events.models import EventStatus
from tests.factories import make_event, make_room, make_session
from tests.feeds.helpers import vevents


def _programme():
    starts = datetime(2027, 3, 4, 8, 0, tzinfo=UTC)
    event = make_event(slug="tokyo", title="Tokyo Symposium", timezone="Asia/Tokyo", starts_at=starts,
                       venue_name="Hall", city="Tokyo")  # fmt: skip
    room = make_room(event, "Room A")
    first = make_session(event, title="Opening", starts_at=starts, room=room)
    make_session(event, title="Second")
    db.session.commit()
    return event, first


def test_session_download_is_a_one_off_with_the_feed_uid(client, app):
    _event, first = _programme()
    response = client.get(f"/events/tokyo/sessions/{first.id}/add.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="tokyo-session-{first.id}.ics"'
    assert b"METHOD:PUBLISH" in response.data
    assert b"REFRESH-INTERVAL" not in response.data  # not a subscription
    (only,) = vevents(response.data)
    feed = {str(v["SUMMARY"]): str(v["UID"]) for v in vevents(client.get("/events/tokyo/calendar.ics").data)}
    assert str(only["UID"]) == feed["Opening"]
    assert str(only["SUMMARY"]) == "Opening"


def test_event_download_is_one_event_with_the_all_events_uid(client, app):
    _programme()
    response = client.get("/events/tokyo/add.ics")
    assert response.status_code == 200
    (only,) = vevents(response.data)
    assert str(only["SUMMARY"]) == "Tokyo Symposium"
    everything = {str(v["SUMMARY"]): str(v["UID"]) for v in vevents(client.get("/calendar.ics").data)}
    assert str(only["UID"]) == everything["Tokyo Symposium"]


def test_links_on_the_pages(client, app):
    event, first = _programme()
    page = unescape(client.get(f"/events/tokyo/sessions/{first.id}/").get_data(as_text=True))
    assert f"/events/tokyo/sessions/{first.id}/add.ics" in page
    google = next(
        p for p in page.split('"') if p.startswith("https://calendar.google.com/calendar/render?action")
    )
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Opening (Tokyo Symposium)"]
    assert query["dates"] == ["20270304T080000Z/20270304T093000Z"]
    assert query["ctz"] == ["Asia/Tokyo"]
    assert "Room A" in query["location"][0]
    outlook = next(p for p in page.split('"') if p.startswith("https://outlook.live.com/calendar/0/deeplink"))
    query = parse_qs(urlsplit(outlook).query)
    assert query["startdt"] == ["2027-03-04T08:00:00Z"] and query["subject"] == ["Opening (Tokyo Symposium)"]
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in page
    event_page = unescape(client.get("/events/tokyo/").get_data(as_text=True))
    assert "/events/tokyo/add.ics" in event_page
    assert "text=Tokyo+Symposium&" in event_page


def test_not_public_events_have_no_download(client, app):
    event, first = _programme()
    event.status = EventStatus.DRAFT
    db.session.commit()
    assert client.get("/events/tokyo/add.ics").status_code == 404
    assert client.get(f"/events/tokyo/sessions/{first.id}/add.ics").status_code == 404
    assert client.get("/events/tokyo/sessions/99999/add.ics").status_code == 404
