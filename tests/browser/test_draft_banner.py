"""A draft's public page as its team sees it: the "Draft — not public" banner is a named region, passes axe at
laptop and phone width, and does not make the page scroll sideways."""

from __future__ import annotations

from conference.db import db
from conference.events.models import EventStatus
from conference.speakers.models import Role
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_event, make_person, make_session, make_user


def test_the_draft_banner_is_visible_and_accessible(page, axe, screenshot):  # noqa: ANN001
    event = make_event(title="Closed workshop on treaty drafting", status=EventStatus.DRAFT)
    person = make_person(name="Draft Speaker", slug="draft-speaker")
    session = make_session(event, title="Rehearsal", people=[(person, Role.MODERATOR)])
    owner = make_user("drafter@example.org", password="a good long password")
    add_member(event, owner, "checkin")
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("drafter@example.org")
    page.get_by_label("Password").fill("a good long password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    for path, name in (
        (f"/events/{event.slug}/", "event"),
        (f"/events/{event.slug}/sessions/{session.id}/", "session"),
        (f"/events/{event.slug}/speakers/", "speakers"),
    ):
        for viewport, width in ((LAPTOP, "laptop"), (PHONE, "phone")):
            page.set_viewport_size(viewport)
            response = page.goto(path)
            assert response.status == 200, path
            assert response.headers["cache-control"] == "no-store"
            banner = page.get_by_role("region", name="Draft — not public")
            assert banner.is_visible(), path
            assert "Only the event's team sees this page." in banner.inner_text()
            assert axe(page) == [], (path, width)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, width, overflow)
            screenshot(page, f"draft-{name}-{width}")
