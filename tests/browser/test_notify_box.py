"""The session page's "Tell registrants and speakers" box: visible with whom it reaches, passes axe at laptop
and phone width, and does not make the page scroll sideways."""

from __future__ import annotations

from tests.browser.helpers import session_with_audience_as_owner
from tests.browser_fixtures import LAPTOP, PHONE


def test_the_notify_box_says_whom_a_change_reaches(page, axe, screenshot):  # noqa: ANN001
    session = session_with_audience_as_owner(page)
    event = session.event
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
