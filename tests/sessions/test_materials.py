"""After the event: a session's recording, slides and related links (page form and API through the same
operation), shown on the session and event pages and in the public API; only http(s) links; the online join
link no longer shown once the event has ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import AttendanceMode
from conference.registrations.models import Registration
from conference.sessions.models import Session
from tests.api.organiser_world import Api
from tests.factories import add_member, make_event, make_session, make_user
from tests.organise.helpers import Visitor
from tests.registrations.helpers import register_via_form

START = datetime(2030, 5, 4, 7, 0, tzinfo=UTC)
RECORDING = "https://video.example.org/opening"
SLIDES = "https://example.org/slides.pdf"


def _world():
    owner = make_user("owner@example.org")
    event = make_event(slug="ev", starts_at=START, timezone="Europe/Berlin")
    by_page = make_session(event, title="By page", starts_at=START + timedelta(hours=1))
    by_api = make_session(event, title="By API", starts_at=START + timedelta(hours=1))
    add_member(event, owner, "owner")
    db.session.commit()
    return owner, event, by_page, by_api


def _form(session: Session, **extra: str) -> dict:
    return {
        "title": session.title,
        "kind": session.kind.value,
        "starts_at": "2030-05-04T10:00",
        "ends_at": "2030-05-04T11:00",
        "room_id": "0",
        "registration_enabled": "y",
        "capacity": "",
        "description": "",
        **extra,
    }


def _saved(session_id: int) -> tuple:
    db.session.expire_all()
    s = db.session.get(Session, session_id)
    return s.recording_url, s.slides_url, s.links


def test_page_and_api_set_the_same_materials_and_both_pages_and_the_api_show_them(app):
    owner, event, by_page, by_api = _world()
    page = Visitor(app, owner)
    response = page.post(
        f"/organise/events/ev/sessions/{by_page.id}/edit",
        _form(
            by_page, recording_url=RECORDING, slides_url=SLIDES, links="Essay https://example.org/essay.pdf\n"
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    token = create_token(owner, "script")[1]
    response = Api(app).open(
        "PATCH",
        f"/api/v1/events/ev/sessions/{by_api.id}",
        token,
        json={"recording_url": RECORDING, "slides_url": SLIDES,
              "links": [{"label": "Essay", "url": "https://example.org/essay.pdf"}]},
    )  # fmt: skip
    assert response.status_code == 200, response.json
    expected = (RECORDING, SLIDES, [{"label": "Essay", "url": "https://example.org/essay.pdf"}])
    assert _saved(by_page.id) == _saved(by_api.id) == expected
    assert response.json["recording_url"] == RECORDING and response.json["links"] == expected[2]

    client = app.test_client()
    public = client.get("/api/v1/events/ev").json
    for session in public["sessions"]:
        assert (session["recording_url"], session["slides_url"], session["links"]) == expected
    session_page = unescape(client.get(f"/events/ev/sessions/{by_page.id}/").get_data(as_text=True))
    assert f'href="{RECORDING}"' in session_page and f'href="{SLIDES}"' in session_page
    assert 'href="https://example.org/essay.pdf" rel="noopener">Essay</a>' in session_page
    event_page = unescape(client.get("/events/ev/").get_data(as_text=True))
    assert event_page.count(f'href="{RECORDING}"') == 2

    # Emptied again through the API (null and []).
    response = Api(app).open("PATCH", f"/api/v1/events/ev/sessions/{by_api.id}", token,
                             json={"recording_url": None, "slides_url": "", "links": []})  # fmt: skip
    assert response.status_code == 200 and _saved(by_api.id) == ("", "", [])
    assert response.json["recording_url"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recording_url": "javascript:alert(1)"}, "recording_url"),
        ({"slides_url": "ftp://example.org/x"}, "slides_url"),
        ({"links": [{"label": "Bad", "url": "data:text/html,x"}]}, "links"),
        ({"links": [{"url": "https://a.example/ x"}]}, "links"),
        ({"links": "https://example.org"}, "links"),
        ({"links": [{"label": "x\ny", "url": "https://example.org"}]}, "links"),
        ({"links": [{"href": "https://example.org"}]}, "links"),
        ({"recording_url": 5}, "recording_url"),
    ],
)
def test_only_http_links_are_taken_by_the_api(app, body, field):
    owner, _event, _by_page, by_api = _world()
    token = create_token(owner, "script")[1]
    response = Api(app).open("PATCH", f"/api/v1/events/ev/sessions/{by_api.id}", token, json=body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert _saved(by_api.id) == ("", "", [])


def test_the_form_refuses_a_javascript_link_with_a_message(app):
    owner, _event, by_page, _by_api = _world()
    response = Visitor(app, owner).post(
        f"/organise/events/ev/sessions/{by_page.id}/edit",
        _form(by_page, recording_url="javascript:alert(1)", links="Essay javascript:alert(1)"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a link starting with https:// or http://." in page
    assert "does not end with an https:// link" in page
    assert _saved(by_page.id) == ("", "", [])


def test_the_join_link_stops_showing_once_the_event_has_ended(client, app):
    join = "https://meet.example/room-7"
    now = datetime.now(UTC).replace(microsecond=0)
    event = make_event(slug="ev", attendance_mode=AttendanceMode.ONLINE, online_url=join,
                       starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3))  # fmt: skip
    db.session.commit()
    register_via_form(client, "ev", email="online@example.org", attendance_mode="online")
    registration = db.session.scalars(sa.select(Registration)).one()
    manage = f"/registrations/{registration.token}/"
    feed = f"/registrations/{registration.feed_token}/calendar.ics"
    assert join in client.get(manage).get_data(as_text=True)
    assert join in client.get(feed).get_data(as_text=True).replace("\r\n ", "")
    event.starts_at, event.ends_at = now - timedelta(hours=3), now - timedelta(seconds=1)
    db.session.commit()
    assert join not in client.get(manage).get_data(as_text=True)
    assert join not in client.get(feed).get_data(as_text=True).replace("\r\n ", "")


def test_materials_move_the_event_not_the_calendar_entry(app):
    """The event's pages and exports are keyed by its updated_at; the session's calendar entry (SEQUENCE)
    does not show the recording, so its revision stays."""
    owner, event, _by_page, by_api = _world()
    event.updated_at -= timedelta(minutes=1)  # updated_at keeps whole seconds
    db.session.commit()
    before = (db.session.get(Session, by_api.id).revision, event.updated_at)
    token = create_token(owner, "script")[1]
    response = Api(app).open("PATCH", f"/api/v1/events/ev/sessions/{by_api.id}", token,
                             json={"recording_url": RECORDING})  # fmt: skip
    assert response.status_code == 200
    db.session.expire_all()
    session = db.session.get(Session, by_api.id)
    assert session.revision == before[0]
    assert session.event.updated_at > before[1]
