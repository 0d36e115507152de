"""The audit log page in headless Chromium: reached from the event's overview, filtered through its form;
axe-core finds nothing serious at phone and laptop width, and nothing scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

from conference.db import db
from conference.sessions import operations as sessions
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_event, make_session, make_user


def _check(page, axe, where: str) -> None:  # noqa: ANN001
    assert axe(page) == [], where
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where}: scrolls sideways by {overflow}px"


def test_audit_page_in_the_browser(page, axe, screenshot, app):  # noqa: ANN001
    user = make_user("organiser.with.a.long.address@example.org", password="a good long password")
    event = make_event(slug="audited", title="Audited symposium", timezone="Asia/Bangkok")
    add_member(event, user, "owner")
    session = make_session(
        event, title="Opening keynote on the long history of regional security", capacity=30
    )
    db.session.commit()
    values = {
        "title": "Opening keynote",
        "capacity": 40,
        "starts_at": session.starts_at + timedelta(hours=1),
        "ends_at": session.ends_at + timedelta(hours=1),
    }
    sessions.edit_session(user, session, values)
    sessions.cancel_session(user, session)

    page.goto("/login")
    page.get_by_label("Email").fill("organiser.with.a.long.address@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/organise/events/audited/")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    assert "→ Opening keynote" in page.content()
    assert "starts_at" not in page.locator("tbody").inner_text()  # labelled: "Starts", in Bangkok time
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        _check(page, axe, f"audit log at {viewport['width']}")
        screenshot(page, f"audit-log-{viewport['width']}")

    page.get_by_label("What happened").select_option("session.cancelled")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**action=session.cancelled**")
    assert page.locator("tbody tr").count() == 1
    _check(page, axe, "filtered")
