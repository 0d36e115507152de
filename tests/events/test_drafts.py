"""Drafts (issue 10, section 4): the event's team and admins see a draft's own public pages (event, sessions,
speakers) marked "Draft — not public", never stored by a cache; everyone else gets 404 as before. Feeds, the
API, the registration form and the list of events stay public-only for everyone (`Event.is_published`)."""

from __future__ import annotations

import pytest

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.speakers.models import Role
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor

TITLE = "Closed workshop on treaty drafting"
BANNER = "Draft — not public"


@pytest.fixture
def world(app) -> dict:
    event = make_event(title=TITLE, status=EventStatus.DRAFT)
    person = make_person(name="Draft Speaker", slug="draft-speaker")
    session = make_session(event, title="Rehearsal", people=[(person, Role.SPEAKER)])
    other_event = make_event(title="Someone else's conference")
    users = {
        "owner": make_user(),
        "manager": make_user(),
        "helper": make_user(),
        "other organiser": make_user(),
        "admin": make_user(is_admin=True),
    }
    add_member(event, users["owner"], "owner")
    add_member(event, users["manager"], "manager")
    add_member(event, users["helper"], "checkin")
    add_member(other_event, users["other organiser"], "owner")
    db.session.commit()
    slug = event.slug
    return {
        "event": event,
        "users": users,
        "pages": [f"/events/{slug}/", f"/events/{slug}/sessions/{session.id}/", f"/events/{slug}/speakers/"],
        "public_only": [
            f"/events/{slug}/calendar.ics",
            f"/events/{slug}/sessions/{session.id}.ics",
            f"/events/{slug}/schedule.json",
            f"/events/{slug}/register",
            f"/api/v1/events/{slug}",
            "/speakers/draft-speaker/",
        ],
    }


@pytest.mark.parametrize("who", ["owner", "manager", "helper", "admin"])
def test_the_team_sees_a_draft_with_a_banner_never_cached(app, world, who):
    visitor = Visitor(app, world["users"][who])
    for url in world["pages"]:
        response = visitor.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (who, url)
        assert BANNER in html and 'class="not-public"' in html, url
        assert TITLE in html
        assert response.headers["Cache-Control"] == "no-store", url
    # The draft's page offers nothing that would answer 404: no registration, no calendar feed, no speaker page.
    page = visitor.get(world["pages"][0]).get_data(as_text=True)
    assert "/register" not in page and "calendar.ics" not in page and "/speakers/draft-speaker/" not in page


@pytest.mark.parametrize("who", ["anonymous", "other organiser"])
def test_everyone_else_gets_404(app, world, who):
    visitor = Visitor(app, world["users"].get(who))
    for url in world["pages"]:
        response = visitor.get(url)
        assert response.status_code == 404, (who, url)
        assert TITLE not in response.get_data(as_text=True)


def test_feeds_api_registration_and_the_list_stay_public_only_even_for_the_team(app, world):
    owner = Visitor(app, world["users"]["owner"])
    for url in world["public_only"]:
        assert owner.get(url).status_code == 404, url
    for url in ["/", "/calendar.ics", "/api/v1/events"]:
        assert TITLE not in owner.get(url).get_data(as_text=True), url


def test_a_published_event_has_no_banner(app, world):
    event = db.session.get(Event, world["event"].id)
    event.status = EventStatus.PUBLISHED
    db.session.commit()
    for who in ("owner", None):
        visitor = Visitor(app, world["users"].get(who))
        for url in world["pages"]:
            response = visitor.get(url)
            assert response.status_code == 200 and BANNER not in response.get_data(as_text=True), (who, url)


def test_a_cancelled_draft_says_so_to_the_team_and_stays_404_for_others(app, world):
    event = db.session.get(Event, world["event"].id)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert event.first_published_at is None
    html = Visitor(app, world["users"]["owner"]).get(world["pages"][0]).get_data(as_text=True)
    assert "Cancelled draft — not public" in html
    assert Visitor(app).get(world["pages"][0]).status_code == 404


def test_the_viewer_rule_sits_next_to_the_public_rule(app, world):
    event = db.session.get(Event, world["event"].id)
    users = world["users"]
    assert not event.is_published
    assert [who for who, user in users.items() if event.is_visible_to(user)] == [
        "owner",
        "manager",
        "helper",
        "admin",
    ]
    assert not event.is_visible_to(None)
    event.status = EventStatus.PUBLISHED
    assert event.is_visible_to(None) and event.is_visible_to(users["other organiser"])
