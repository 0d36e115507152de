"""schedule.xml / schedule.json: valid against the shared C3VOC schemas, stable GUIDs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from lxml import etree

from conference.db import db
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room, make_session
from tests.feeds.helpers import shared_path


@pytest.fixture
def event(app):
    start = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok
    event = make_event(
        slug="chss-symposium",
        title="CHSS Symposium",
        timezone="Asia/Bangkok",
        starts_at=start,
        ends_at=start + timedelta(days=1, hours=9),
        summary="Human security in Asia",
    )
    hall, seminar = make_room(event, "Main Hall"), make_room(event, "Seminar Room")
    dudden = make_person(name="Alexis Dudden", bio="Historian")
    aum = make_person(name="Frank Aum")
    make_session(event, title="Opening keynote", starts_at=start, room=hall, people=[(dudden, Role.KEYNOTE)])
    make_session(
        event,
        title="Memory & law <panel>",
        starts_at=start + timedelta(hours=2),
        room=seminar,
        people=[(aum, Role.MODERATOR), (dudden, Role.PANELIST)],
    )
    make_session(event, title="Day two", starts_at=start + timedelta(days=1), room=hall)
    make_session(event, title="Reception", starts_at=start + timedelta(days=1, hours=8))
    db.session.commit()
    return event


def test_schedule_json_is_valid(client, event):
    schema = json.loads(shared_path("schemas", "schedule.schema.json").read_text())
    response = client.get("/events/chss-symposium/schedule.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER).validate(
        data
    )
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "chss_symposium"
    assert conference["daysCount"] == 2
    talks = [t for day in conference["days"] for room in day["rooms"].values() for t in room]
    assert len(talks) == 4
    opening = next(t for t in talks if t["title"] == "Opening keynote")
    assert opening["date"] == "2026-12-09T09:00:00+07:00"
    assert opening["persons"][0]["guid"] == event.sessions[0].assignments[0].person.uid
    assert opening["guid"] == event.sessions[0].uid


def test_schedule_xml_is_valid(client, event):
    schema = etree.XMLSchema(etree.parse(str(shared_path("schemas", "schedule.xml.xsd"))))
    response = client.get("/events/chss-symposium/schedule.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.data)
    schema.assertValid(document)
    assert len(document.findall("day/room/event")) == 4
    assert document.find("day/room/event/title").text == "Opening keynote"


def test_exports_are_stable_and_conditional(client, event):
    first = client.get("/events/chss-symposium/schedule.json")
    second = client.get(
        "/events/chss-symposium/schedule.json", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert second.status_code == 304
    assert (
        client.get("/events/chss-symposium/schedule.xml").data
        == client.get("/events/chss-symposium/schedule.xml").data
    )
