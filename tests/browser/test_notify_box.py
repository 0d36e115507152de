"""The session page's "Tell registrants and speakers" box: visible with whom it reaches, passes axe at laptop
and phone width, and does not make the page scroll sideways."""

from __future__ import annotations

from conference.db import db
from conference.registrations import registering
from conference.speakers.models import Role
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_event, make_person, make_session, make_user


def test_the_notify_box_says_whom_a_change_reaches(page, axe, screenshot):  # noqa: ANN001
    event = make_event(title="Spring symposium")
    person = make_person(name="Grace Speaker", email="grace@example.org")
    session = make_session(event, title="Opening panel", people=[(person, Role.SPEAKER)])
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner)
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [session.id])
    )
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    for viewport, width in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        response = page.goto(f"/organise/events/{event.slug}/sessions/{session.id}/edit")
        assert response.status == 200
        box = page.locator("#notify-edit")
        assert box.is_visible() and box.is_checked()
        assert "this notifies 1 registrant and 1 speaker." in page.locator("#notify-edit-help").inner_text()
        assert page.get_by_role("link", name="Cancel session…").is_visible()  # to its confirmation page
        assert axe(page) == [], width
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        screenshot(page, f"notify-box-{width}")
