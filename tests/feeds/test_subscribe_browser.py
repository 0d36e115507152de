"""The subscribe box in headless Chromium at phone and desktop widths; screenshots for a human look."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conference.db import db
from tests.factories import make_event, make_session

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("FEEDS_SHOTS_DIR", "/tmp/shots-wt5"))  # noqa: S108 (screenshots for a human)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_subscribe_box_fits_phone_and_desktop(app, live_server):
    from playwright.sync_api import sync_playwright

    event = make_event(
        slug="berlin-symposium",
        title="Berlin Symposium on Human Security",
        venue_name="Haus der Kulturen",
        city="Berlin",
    )
    make_session(event, title="Opening panel")
    db.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{live_server}/events/berlin-symposium/")
                box = page.locator("section.subscribe")
                box.scroll_into_view_if_needed()
                assert box.get_by_role("link", name="Subscribe").get_attribute("href").startswith("webcal://")
                assert box.get_by_role("link", name="Google Calendar").is_visible()
                assert box.get_by_role("link", name="Outlook").is_visible()
                assert box.get_by_role("link", name="Download .ics").is_visible()
                field = box.get_by_label("Calendar address to copy into any calendar app")
                assert field.input_value().endswith("/events/berlin-symposium/calendar.ics")
                # nothing sticks out sideways on a phone
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(SHOTS / f"event-{width}.png"), full_page=True)
                box.screenshot(path=str(SHOTS / f"subscribe-{width}.png"))
                page.close()
        finally:
            browser.close()
