"""The confirmation page of cancelling a session: what follows, the notice's text, the notify box, Confirm and
Back; passes axe at laptop and phone width without sideways scrolling."""

from __future__ import annotations

from tests.browser.helpers import session_with_audience_as_owner
from tests.browser_fixtures import LAPTOP, PHONE


def test_the_cancel_session_confirmation_says_what_follows(page, axe, screenshot):  # noqa: ANN001
    session = session_with_audience_as_owner(page)
    event = session.event
    for viewport, width in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(f"/organise/events/{event.slug}/sessions/{session.id}/edit")
        page.get_by_role("link", name="Cancel session…").click()
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        assert "1 seat is given back." in text
        assert "A cancellation notice goes to 1 registrant and 1 speaker." in text
        assert "Hello Ada," in page.locator(".notice-preview").inner_text()
        assert page.get_by_label("Tell registrants and speakers").is_checked()
        assert page.get_by_role("button", name="Cancel the session").is_visible()
        assert page.get_by_role("link", name="Back").is_visible()
        assert axe(page) == [], width
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        screenshot(page, f"confirm-cancel-session-{width}")
