"""The subscribe box on public pages: every way to subscribe, absolute links from BASE_URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string

from conference.db import db
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_session


@pytest.fixture
def pages(app):
    event = make_event(slug="panel", title="Online panel")
    person = make_person(slug="frank-aum", name="Frank Aum")
    session = make_session(event, title="Discussion", people=[(person, Role.MODERATOR)])
    db.session.commit()
    return {
        "/events/panel/": "https://conference.test/events/panel/calendar.ics",
        f"/events/panel/sessions/{session.id}/": f"https://conference.test/events/panel/sessions/{session.id}.ics",
        "/speakers/frank-aum/": "https://conference.test/speakers/frank-aum/calendar.ics",
    }


def test_subscribe_links_on_public_pages(client, pages):
    for page, feed in pages.items():
        html = client.get(page, headers={"Host": "evil.example"}).get_data(as_text=True)
        webcal = "webcal://" + feed.split("://", 1)[1]
        assert f'href="{webcal}"' in html, page
        assert "calendar.google.com/calendar/render?cid=webcal" in html
        assert "outlook.live.com/calendar/0/addfromweb?url=https" in html
        assert f'href="{feed}" download' in html
        assert f'value="{feed}"' in html
        assert "evil.example" not in html
        assert client.get(urlsplit(feed).path).status_code == 200


def test_partial_works_for_registration_and_all(app):
    with app.test_request_context():
        html = render_template_string(
            '{% with feed_endpoint="registration", feed_args={"token": "abc"} %}'
            '{% include "feeds/_subscribe.html" %}{% endwith %}'
            '{% with feed_endpoint="all", feed_args={} %}{% include "feeds/_subscribe.html" %}{% endwith %}'
        )
    assert 'href="webcal://conference.test/registrations/abc/calendar.ics"' in html
    assert 'href="webcal://conference.test/calendar.ics"' in html
    assert "Do not share it" in html
    google = html.split('href="https://calendar.google.com/calendar/render?')[1].split('"')[0]
    assert parse_qs(google.replace("&amp;", "&"))["cid"] == [
        "webcal://conference.test/registrations/abc/calendar.ics"
    ]
