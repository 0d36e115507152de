"""`"series": "<slug>"` on POST/PATCH /api/v1/events: the event form's series choice, by slug."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import Event, Series
from tests.api.organiser_world import Api
from tests.factories import make_user

BODY = {
    "title": "Third conversation",
    "kind": "panel_discussion",
    "timezone": "America/New_York",
    "starts_at": "2030-06-01T09:00:00-04:00",
    "ends_at": "2030-06-01T11:00:00-04:00",
    "mode": "online",
}


@pytest.fixture
def token(app: Flask) -> str:
    user = make_user("series-owner@example.org")
    db.session.add_all([Series(slug="essays", title="Essays"), Series(slug="capstones", title="Capstones")])
    db.session.commit()
    return create_token(user, "script")[1]


def _series_of(slug: str) -> str | None:
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).one()
    return event.series.slug if event.series else None


def test_create_in_a_series_move_it_and_take_it_out(app, token):
    api = Api(app)
    created = api.post("/api/v1/events", token, json={**BODY, "series": "essays"})
    assert created.status_code == 201, created.json
    slug = created.json["slug"]
    assert created.json["series_slug"] == "essays" and _series_of(slug) == "essays"
    moved = api.open("PATCH", f"/api/v1/events/{slug}", token, json={"series": "capstones"})
    assert moved.status_code == 200 and moved.json["series"] == "Capstones"
    assert _series_of(slug) == "capstones"
    untouched = api.open("PATCH", f"/api/v1/events/{slug}", token, json={"title": "Renamed"})
    assert untouched.json["series_slug"] == "capstones"
    out = api.open("PATCH", f"/api/v1/events/{slug}", token, json={"series": None})
    assert out.status_code == 200 and out.json["series_slug"] is None and _series_of(slug) is None


@pytest.mark.parametrize("value", ["nope", 3, ["essays"], "", "essays\x00"])
def test_unknown_series_is_422_and_nothing_is_written(app, token, value):
    api = Api(app)
    refused = api.post("/api/v1/events", token, json={**BODY, "series": value})
    assert refused.status_code in (400, 422), refused.json
    if refused.status_code == 422:
        assert "series" in refused.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0
