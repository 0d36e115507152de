"""GET /api/v1/events and /api/v1/events/<slug>."""

from __future__ import annotations

from datetime import datetime, timedelta

from conference.db import db
from conference.demo import PANEL_SLUG, SYMPOSIUM_SLUG
from conference.events.models import EventStatus
from tests.factories import make_event


def test_events_list_includes_past_and_filters_upcoming(client, app):
    future = make_event(slug="future")
    past_start = future.starts_at - timedelta(days=300)
    make_event(slug="past", starts_at=past_start, ends_at=past_start + timedelta(hours=2))
    make_event(slug="draft", status=EventStatus.DRAFT)
    db.session.commit()

    everything = client.get("/api/v1/events").json["events"]
    assert [e["slug"] for e in everything] == ["past", "future"]
    assert set(everything[0]) >= {"slug", "title", "kind", "timezone", "starts_at", "ends_at", "url"}
    assert everything[1]["url"] == "https://conference.test/events/future/"

    upcoming = client.get("/api/v1/events?upcoming=1").json["events"]
    assert [e["slug"] for e in upcoming] == ["future"]
    assert client.get("/api/v1/events?upcoming=maybe").status_code == 400


def test_event_detail_shape_and_times_with_offset(client, demo):
    data = client.get(f"/api/v1/events/{PANEL_SLUG}").json
    assert data["timezone"] == "America/New_York"
    start = datetime.fromisoformat(data["starts_at"])
    assert start.utcoffset() == timedelta(hours=-5)
    [panel] = data["sessions"]
    assert set(panel) >= {
        "id", "title", "kind", "status", "starts_at", "ends_at", "room", "capacity", "seats_left",
        "registration_open", "people",
    }  # fmt: skip
    assert panel["capacity"] is None and panel["seats_left"] is None
    assert panel["registration_open"] is True
    roles = {p["name"]: p["role"] for p in panel["people"]}
    assert roles["Frank Aum"] == "moderator"
    assert sum(1 for r in roles.values() if r == "panelist") == 5
    assert all(p["slug"] for p in panel["people"])


def test_event_detail_capacity_and_breaks(client, demo):
    sessions = client.get(f"/api/v1/events/{SYMPOSIUM_SLUG}").json["sessions"]
    small = [s for s in sessions if s["capacity"] == 20]
    assert small and small[0]["seats_left"] == 20 and small[0]["room"] == "Seminar Room 2"
    breaks = [s for s in sessions if s["kind"] == "break"]
    assert breaks and all(s["registration_open"] is False for s in breaks)


def test_unknown_event_is_json_404(client, app):
    response = client.get("/api/v1/events/nope")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["code"] == 404
    assert "nope" in response.json["error"]["message"]
