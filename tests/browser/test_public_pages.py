"""The public pages in real headless Chromium: they render, read well on a phone, and pass axe-core."""

from __future__ import annotations

import pytest

from conference.demo import CONGRESS_SLUG, PANEL_SLUG, SYMPOSIUM_SLUG
from tests.browser_fixtures import PHONE

PAGES = {
    "home": "/",
    "panel": f"/events/{PANEL_SLUG}/",
    "symposium": f"/events/{SYMPOSIUM_SLUG}/",
    "congress": f"/events/{CONGRESS_SLUG}/",
    "symposium-speakers": f"/events/{SYMPOSIUM_SLUG}/speakers/",
    "speaker": "/speakers/aiko-tanaka/",
}


def test_home_and_demo_events_render(page, demo, screenshot):
    page.goto("/")
    assert page.get_by_role("heading", name="Upcoming").is_visible()
    links = page.get_by_role("link", name="Beyond the Impasse: A Conversation on Japan–South Korea Relations")
    links.click()
    page.wait_for_url(f"**/events/{PANEL_SLUG}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Beyond the Impasse")
    programme = page.locator(".programme")
    assert "Frank Aum" in programme.inner_text() and "Moderator" in programme.inner_text()
    screenshot(page, "panel-laptop")

    page.goto(PAGES["symposium"])
    assert "Chiang Mai" in page.locator(".facts").inner_text()
    assert page.get_by_role("heading", name="Partner organisations").is_visible()
    assert page.locator(".programme .day").count() == 2
    screenshot(page, "symposium-laptop")
    assert page.js_errors == []


def test_programme_readable_at_phone_width(page, demo, screenshot):
    page.set_viewport_size(PHONE)
    for name, path in PAGES.items():
        page.goto(path)
        # Nothing overflows sideways: the page is no wider than the screen.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        screenshot(page, f"{name}-phone")
    page.goto(PAGES["symposium"])
    first = page.locator(".programme .session").first
    box, time_box = first.bounding_box(), first.locator(".session-time").bounding_box()
    # On a phone the time sits above the title, and the session fills the width.
    assert box["width"] >= PHONE["width"] - 40
    title_box = first.locator("h4").bounding_box()
    assert time_box["y"] < title_box["y"]
    font_size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.session-body h4')).fontSize)"
    )
    assert font_size >= 16


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(page, demo, axe, name):
    page.goto(PAGES[name])
    violations = axe(page)
    assert violations == [], violations
    page.set_viewport_size(PHONE)
    page.reload()
    assert axe(page) == []


def test_error_page_is_accessible(page, app, axe):
    response = page.goto("/events/no-such-event/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not Found").is_visible()
    assert axe(page) == []


def test_accessibility_check_catches_violations(page, live_server, axe):
    """The checker itself works: a page with an unlabelled input and an image without alt text fails."""
    page.goto("/")
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    found = {v["id"] for v in axe(page)}
    assert {"image-alt", "label"} <= found
