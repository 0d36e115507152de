"""The reminders page in Chromium: axe at laptop and phone width, screenshots of both, and an organiser who
adds a reminder by hand and sees it saved."""

from __future__ import annotations

from conference.db import db
from conference.demo import PANEL_SLUG
from conference.events.queries import public_event
from conference.registrations import registering
from conference.reminders import schedule
from tests.browser_fixtures import PHONE
from tests.factories import add_member, make_user


def test_an_organiser_edits_the_reminders_in_the_browser(page, demo, axe, screenshot):  # noqa: ANN001
    event = public_event(PANEL_SLUG)
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner, "owner")
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Aiko Tanaka", "aiko@example.org", "online", [])
    )
    page.goto("/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()
    path = f"/organise/events/{PANEL_SLUG}/reminders"
    for viewport, name in (({"width": 1280, "height": 900}, "reminders-1280"), (PHONE, "reminders-390")):
        page.set_viewport_size(viewport)
        assert page.goto(path).status == 200
        assert axe(page) == []
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Reminders").wait_for()
    third = page.get_by_role("group", name="Reminder 3")
    third.get_by_label("How long before the start").fill("15")
    third.get_by_label("Unit").select_option("minutes")
    with page.expect_navigation():
        page.get_by_role("button", name="Save reminders").click()
    page.get_by_text("Reminders saved.").wait_for()
    page.get_by_text("15 minutes before").wait_for()
    db.session.expire_all()
    assert schedule.minutes_of(event) == [1440, 60, 15]
    # A bad row comes back with its message, tied to the field.
    third = page.get_by_role("group", name="Reminder 3")
    third.get_by_label("How long before the start").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Save reminders").click()
    page.get_by_text("Give a whole number, 1 or more.").wait_for()
    assert page.get_by_label("How long before the start").nth(2).get_attribute("aria-invalid") == "true"
    assert axe(page) == []
    assert page.js_errors == []
