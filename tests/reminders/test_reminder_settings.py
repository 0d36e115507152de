"""An event's reminder schedule through the API (`PATCH /api/v1/events/<slug>` with "reminders") and the
organiser page: good input saved (and shown in the organiser view), bad input refused saying what to fix,
nothing written; the audit log records the change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from conference.audit.models import AuditEntry
from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import AttendanceMode
from conference.registrations import registering
from conference.reminders import schedule
from conference.reminders.models import EventReminder
from tests.api.organiser_world import Api
from tests.factories import add_member, make_event, make_user
from tests.organise.helpers import Visitor


@pytest.fixture
def world(app: Flask):  # noqa: ANN201
    owner = make_user("owner@example.org")
    event = make_event(slug="panel", title="Online panel", attendance_mode=AttendanceMode.ONLINE)
    db.session.add_all(EventReminder(event_id=event.id, minutes_before=m) for m in (1440, 60))
    add_member(event, owner, "owner")
    db.session.commit()
    return owner, event


def _patch(api: Api, token: str, body: object):  # noqa: ANN202
    return api.open("PATCH", "/api/v1/events/panel", token, json=body)


def test_the_api_replaces_the_schedule_and_shows_it(app, world):
    owner, event = world
    api, token = Api(app), create_token(owner, "script")[1]
    shown = api.get("/api/v1/events/panel", token)
    assert shown.json["reminders"] == [{"minutes_before": 1440}, {"minutes_before": 60}]
    response = _patch(api, token, {"reminders": [{"minutes_before": 15}, {"minutes_before": 2880}]})
    assert response.status_code == 200, response.json
    assert response.json["reminders"] == [{"minutes_before": 2880}, {"minutes_before": 15}]
    assert schedule.minutes_of(event) == [2880, 15]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reminders.changed")).one()
    assert entry.before == {"reminders": [1440, 60]} and entry.after == {"reminders": [2880, 15]}
    assert _patch(api, token, {"reminders": []}).json["reminders"] == []
    assert schedule.minutes_of(event) == []
    # The public answer does not show them.
    assert "reminders" not in api.get("/api/v1/events/panel").json


@pytest.mark.parametrize(
    ("reminders", "where", "words"),
    [
        ([{"minutes_before": 0}], "reminders", "1 minute"),
        ([{"minutes_before": -60}], "reminders", "1 minute"),
        ([{"minutes_before": 43201}], "reminders", "30 days"),
        ([{"minutes_before": 1.5}], "reminders", "whole number"),
        ([{"minutes_before": "60"}], "reminders", "whole number"),
        ([{"minutes_before": True}], "reminders", "whole number"),
        ([{"minutes_before": 60}, {"minutes_before": 60}], "reminders", "same time"),
        ([{"minutes_before": m} for m in range(1, 7)], "reminders", "At most 5"),
        ([{"minutes": 60}], "reminders[0]", "minutes_before"),
        ([60], "reminders[0]", "minutes_before"),
        ({"minutes_before": 60}, "reminders", "list"),
    ],
)
def test_the_api_refuses_a_bad_schedule_saying_what_to_fix(app, world, reminders, where, words):
    owner, event = world
    api, token = Api(app), create_token(owner, "script")[1]
    response = _patch(api, token, {"reminders": reminders, "title": "Changed title"})
    assert response.status_code == 422
    assert words in " ".join(response.json["errors"][where])
    db.session.expire_all()
    assert schedule.minutes_of(event) == [1440, 60]
    assert event.title == "Online panel"  # nothing else changed either


def test_the_page_saves_the_schedule_and_returns_bad_input_with_messages(app, world):
    owner, event = world
    page = Visitor(app, owner)
    html = page.get("/organise/events/panel/reminders").get_data(as_text=True)
    assert "1 day before" in html and "1 hour before" in html
    assert 'name="amount-0" value="1"' in html and 'value="days" selected' in html
    # Bad rows come back with their messages and nothing is saved.
    bad = page.post(
        "/organise/events/panel/reminders",
        data={"amount-0": "2", "unit-0": "days", "amount-1": "abc", "unit-1": "hours"},
    )
    assert bad.status_code == 422
    assert "Give a whole number, 1 or more." in bad.get_data(as_text=True)
    same = page.post(
        "/organise/events/panel/reminders",
        data={"amount-0": "1", "unit-0": "days", "amount-1": "24", "unit-1": "hours"},
    )
    assert same.status_code == 422 and "Two reminders at the same time" in same.get_data(as_text=True)
    far = page.post("/organise/events/panel/reminders", data={"amount-0": "31", "unit-0": "days"})
    assert far.status_code == 422 and "30 days" in far.get_data(as_text=True)
    db.session.expire_all()
    assert schedule.minutes_of(event) == [1440, 60]
    good = page.post(
        "/organise/events/panel/reminders",
        data={
            "amount-0": "2",
            "unit-0": "days",
            "amount-1": "",
            "unit-1": "days",
            "amount-2": "90",
            "unit-2": "minutes",
        },
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert schedule.minutes_of(event) == [2880, 90]
    html = page.get("/organise/events/panel/reminders").get_data(as_text=True)
    assert "2 days before" in html and "90 minutes before" in html


def test_the_page_previews_the_reminder_without_the_registrants_own_link(app, world):
    owner, event = world
    event.online_url = "https://meet.example.org/panel"
    db.session.commit()
    result = registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "online", [])
    )
    token = result.registration.token
    html = Visitor(app, owner).get("/organise/events/panel/reminders").get_data(as_text=True)
    assert "Reminder: Online panel" in html and "https://meet.example.org/panel" in html
    assert token not in html
