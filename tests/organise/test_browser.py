"""In Chromium: an organiser builds a small programme, meets a clash warning, publishes, and the
public page shows the programme. Screenshots of the main pages go to /tmp/shots-wt3/."""

from __future__ import annotations

import re

import pytest

from conference.db import db
from tests.browser_fixtures import SCREENSHOTS
from tests.factories import make_user

SHOTS = SCREENSHOTS / "organise"


def shoot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def add_session(page, base: str, title: str, start: str, end: str) -> None:  # noqa: ANN001
    page.goto(base)
    page.get_by_role("link", name="Add a session").first.click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Ends").fill(end)
    page.get_by_role("button", name="Add session").click()
    page.get_by_text("Session added.").wait_for()


@pytest.mark.browser
def test_organiser_builds_and_publishes_a_programme(app, live_server, browser):
    make_user("organiser@example.org", password="a good long password")
    db.session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15000)

    page.goto(f"{live_server}/organise/")
    assert "/login" in page.url
    shoot(page, "login")
    page.get_by_label("Email").fill("organiser@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()

    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title", exact=True).fill("Japan–Korea online conversation")
    page.get_by_label("Kind").select_option("panel_discussion")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("Starts").fill("2030-11-04T09:00")
    page.get_by_label("Ends").fill("2030-11-04T13:00")
    page.get_by_label("Attendance").select_option("online")
    shoot(page, "event-form")
    page.get_by_role("button", name="Create event").click()
    page.get_by_text("Event created as a draft").wait_for()
    base = page.url

    add_session(page, base, "Essays in conversation", "2030-11-04T09:30", "2030-11-04T10:30")
    # Add the speaker (new person) and a moderator to the first session.
    page.get_by_label("Find by name or affiliation").fill("Dudden")
    page.get_by_role("button", name="Search").click()
    page.locator("#new-name").fill("Alexis Dudden")
    page.locator("#new-affiliation").fill("University of Connecticut")
    page.locator("#new-role").select_option("speaker")
    page.get_by_role("button", name="Create and add").click()
    page.get_by_text("Alexis Dudden created and added.").wait_for()
    page.get_by_label("Find by name or affiliation").fill("Frank Aum")
    page.get_by_role("button", name="Search").click()
    page.locator("#new-name").fill("Frank Aum")
    page.locator("#new-role").select_option("moderator")
    page.get_by_role("button", name="Create and add").click()
    page.get_by_text("Frank Aum created and added.").wait_for()

    # A second, overlapping session with the same speaker: the clash is named and linked.
    add_session(page, base, "Questions from the audience", "2030-11-04T10:00", "2030-11-04T11:00")
    page.get_by_label("Find by name or affiliation").fill("connecticut")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Alexis Dudden").click()
    page.get_by_text("Clash: Alexis Dudden is also in “Essays in conversation”").wait_for()
    warning = page.locator(".clashes")
    assert "Alexis Dudden is in two sessions at the same time" in warning.inner_text()
    assert warning.get_by_role("link", name="Essays in conversation").count() == 1
    shoot(page, "session-with-clash")

    page.goto(base + "timetable")
    assert page.locator(".slot.has-clash").count() == 2
    shoot(page, "timetable")

    # Publishing asks for confirmation because of the clash.
    page.goto(base)
    shoot(page, "event-dashboard")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(
        re.compile(r"This event has \d+ clash(es)?\. Check (it|them) below, then confirm")
    ).wait_for()
    page.get_by_label("Publish although there are clashes").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: the event page is public now.").wait_for()

    page.get_by_role("link", name="Public page").click()
    page.get_by_role("heading", name="Programme", exact=True).wait_for()
    programme = page.locator(".programme").inner_text()
    assert "Essays in conversation" in programme and "Questions from the audience" in programme
    assert "Alexis Dudden" in programme and "Frank Aum" in programme and "Moderator" in programme
    assert "9:30" in programme  # shown in the event's zone (America/New_York)
    shoot(page, "public-event")

    page.goto(f"{live_server}/organise/")
    shoot(page, "home")
