"""The API token page in headless Chromium: made, shown once, revoked, through the real form; axe-core finds
nothing serious at phone and laptop width, and nothing scrolls sideways."""

from __future__ import annotations

import re

from conference.db import db
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_event, make_user

TOKEN = re.compile(r"ct_[A-Za-z0-9_-]{43}")


def _check(page, axe, where: str) -> None:  # noqa: ANN001
    assert axe(page) == [], where
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where}: scrolls sideways by {overflow}px"


def test_token_page_in_the_browser(page, axe, screenshot, app):  # noqa: ANN001
    user = make_user("tokens@example.org", password="a good long password")
    add_member(make_event(slug="tokens-event"), user, "owner")
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill("tokens@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()

    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="API tokens", exact=True).wait_for()
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        _check(page, axe, f"empty at {viewport['width']}")

    for name in ("Programme sync", "Check-in tablet at the front desk of the main hall"):
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Create token").click()
        page.get_by_role("heading", name=f"Your new token “{name}”").wait_for()
    token = page.get_by_label("Token", exact=True).input_value()
    assert TOKEN.fullmatch(token)
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        _check(page, axe, f"token shown at {viewport['width']}")
        screenshot(page, f"api-tokens-created-{viewport['width']}")

    page.get_by_role("button", name="Revoke Programme sync").click()
    page.get_by_text("The token “Programme sync” is revoked").wait_for()
    assert token not in page.content()  # shown once only
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        _check(page, axe, f"after revoking at {viewport['width']}")
        screenshot(page, f"api-tokens-list-{viewport['width']}")
    assert page.js_errors == []
