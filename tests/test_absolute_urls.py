"""Absolute links come from one helper (conference/urls.py `absolute_url_for`) built on BASE_URL: a hostile
Host header never reaches a mail, a feed, the schedule export or the API, and a site served under a path
prefix (BASE_URL with a path, the proxy's SCRIPT_NAME) gets the prefix once."""

from __future__ import annotations

import re

import pytest

from conference.db import db
from conference.urls import absolute_url_for
from tests.factories import make_event, make_session
from tests.registrations.helpers import outbox, register_via_form

HOSTILE = "http://evil.example"
LINK = re.compile(r"(?:https?|webcal)://[^\s\"'<>\\]+")


def absolute_links(text: str) -> set[str]:
    own = (
        "https://calendar.google.com/",
        "https://outlook.live.com/",
        "https://outlook.office.com/",
        "https://c3voc.de/",
    )
    return {link for link in LINK.findall(text) if not link.startswith(own)}


@pytest.fixture
def event(app):
    event = make_event(slug="links")
    make_session(event, title="Opening")
    db.session.commit()
    return event


def test_a_hostile_host_header_reaches_no_link(app, event):
    client = app.test_client()
    session_id = event.sessions[0].id
    seen: dict[str, set[str]] = {}
    for url in (
        "/events/links/",
        f"/events/links/sessions/{session_id}/",
        "/events/links/calendar.ics",
        "/calendar.ics",
        "/events/links/schedule.json",
        "/events/links/schedule.xml",
        "/api/v1/events/links",
        "/api/v1/events",
    ):
        response = client.get(url, base_url=HOSTILE)
        assert response.status_code == 200, url
        seen[url] = absolute_links(response.get_data(as_text=True))
    created = client.post(
        "/api/v1/events/links/registrations",
        base_url=HOSTILE,
        json={"name": "Ada", "email": "ada@example.org", "attendance_mode": "in_person", "consent": True},
    )
    assert created.status_code == 201
    seen["api registration"] = {created.get_json()["manage_url"], created.get_json()["calendar_url"]}
    client.get("/events/links/register", base_url=HOSTILE)  # the form's CSRF cookie on the hostile host
    assert register_via_form_on(client, HOSTILE).status_code == 302
    seen["mail"] = set().union(*(absolute_links(m.body_text) for m in outbox()))
    for where, links in seen.items():
        assert links, f"{where}: no absolute link to check"
        wrong = {link for link in links if not re.match(r"(https|webcal)://conference\.test/", link)}
        assert not wrong, (where, wrong)


def register_via_form_on(client, base_url: str):  # noqa: ANN001, ANN201
    """The registration form posted with every request on `base_url`."""

    class OnHost:
        def get(self, url: str, **kw):  # noqa: ANN201
            return client.get(url, base_url=base_url, **kw)

        def post(self, url: str, **kw):  # noqa: ANN201
            return client.post(url, base_url=base_url, **kw)

    return register_via_form(OnHost(), "links", email="grace@example.org")


def test_a_path_prefix_appears_once(make_app):
    app = make_app(BASE_URL="https://conference.test/conf")
    prefix = {"SCRIPT_NAME": "/conf"}
    with app.app_context():
        event = make_event(slug="prefixed")
        session = make_session(event, title="Opening")
        db.session.commit()
        expected = "https://conference.test/conf/events/prefixed/"
        assert absolute_url_for("events.detail", slug="prefixed") == expected  # outside any request
        client = app.test_client()
        api = client.get("/api/v1/events/prefixed", environ_overrides=prefix).get_json()
        assert api["url"] == expected
        assert {s["url"] for s in api["sessions"]} == {f"{expected}sessions/{session.id}/"}
        page = client.get("/events/prefixed/", environ_overrides=prefix).get_data(as_text=True)
        links = absolute_links(page)
        assert f"{expected}calendar.ics" in links
        assert not [link for link in links if "/conf/conf/" in link]
        feed = client.get("/events/prefixed/calendar.ics", environ_overrides=prefix).get_data(as_text=True)
        assert f"{expected}sessions/{session.id}/" in feed.replace("\r\n ", "")
