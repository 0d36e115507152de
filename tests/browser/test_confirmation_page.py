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
        with page.expect_navigation():
            page.get_by_role("link", name="Cancel session…").click()
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


def _fits(page, axe, where: str) -> None:  # noqa: ANN001
    assert axe(page) == [], where
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, (where, overflow)


def test_the_cancel_event_cancel_registration_and_delete_event_pages(page, axe, screenshot):  # noqa: ANN001
    """Cancelling the event shows whom the notice reaches and its text; cancelling a registration says who
    moves up and that they are told; a draft's delete page says what goes; each fits a phone."""
    import sqlalchemy as sa

    from conference.auth.models import User
    from conference.db import db
    from conference.events.models import EventStatus
    from conference.registrations.models import Registration
    from tests.factories import add_member, make_event, make_session

    session = session_with_audience_as_owner(page)
    event = session.event
    draft = make_event(slug="draft-fair", title="A draft fair", status=EventStatus.DRAFT)
    make_session(draft, title="Only an idea")
    add_member(draft, db.session.scalars(sa.select(User).where(User.email == "owner@example.org")).one())
    db.session.commit()
    ada = db.session.scalars(sa.select(Registration).where(Registration.email == "ada@example.org")).one()
    for viewport, width in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(f"/organise/events/{event.slug}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Cancel event…").click()
        text = page.locator("main").inner_text()
        assert "A cancellation notice goes to 1 registrant and 1 speaker." in text
        assert "An event you are part of has been cancelled." in page.locator(".notice-preview").inner_text()
        assert page.get_by_label("Tell registrants and speakers").is_checked()
        _fits(page, axe, f"cancel event {width}")
        screenshot(page, f"confirm-cancel-event-{width}")

        page.goto(f"/organise/events/{event.slug}/registrations/{ada.id}")
        with page.expect_navigation():
            page.get_by_role("link", name="Cancel on their behalf…").click()
        assert "Ada is told by mail" in page.locator("main").inner_text()
        assert page.get_by_role("button", name="Cancel the registration").is_visible()
        _fits(page, axe, f"cancel registration {width}")
        screenshot(page, f"confirm-cancel-registration-{width}")

        page.goto("/organise/events/draft-fair/")
        with page.expect_navigation():
            page.get_by_role("link", name="Delete event…").click()
        assert "1 session is deleted with 0 rooms." in page.locator("main").inner_text()
        _fits(page, axe, f"delete event {width}")
        screenshot(page, f"confirm-delete-event-{width}")
