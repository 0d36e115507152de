"""The series page and the home page with a search: axe at laptop and phone width, no sideways scrolling,
filters usable without JavaScript; screenshots for people to look at."""

from __future__ import annotations

from tests.browser.test_accessibility import _assert_accessible
from tests.browser_fixtures import LAPTOP, PHONE

SERIES = "/series/japan-korea-essay-series/"


def test_series_and_home_pages_are_accessible(page, demo, axe, screenshot):  # noqa: ANN001
    for path in (SERIES, "/series/japan-korea-human-security/", "/?q=dudden", "/?when=past", "/"):
        _assert_accessible(page, axe, path)
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        page.goto(SERIES)
        screenshot(page, f"series-{name}")
        page.goto("/?q=dudden")
        screenshot(page, f"home-search-{name}")


def test_search_and_filters_work_without_javascript(browser, live_server, demo):  # noqa: ANN001
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Search by title, speaker, organisation or series").fill("Dudden")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "q=Dudden" in page.url
    headings = page.locator("h3 a").all_inner_texts()
    assert headings and all("Japan" in h or "Korea" in h or "Panel" in h or "panel" in h for h in headings), (
        headings
    )
    page.get_by_text("Filter events").click()  # closed while only a search is made
    with page.expect_navigation():
        page.get_by_role("link", name="Online", exact=True).click()
    assert "mode=online" in page.url and "q=Dudden" in page.url
    context.close()
