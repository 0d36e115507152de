"""The time zones in headless Chromium: a browser in Seoul is offered its zone first on the picker and has it
suggested on the register form; without JavaScript the picker still works; axe finds nothing serious."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.registrations.models import Registration
from conference.timeutil import from_local
from tests.factories import make_event, make_session

NY = "America/New_York"


def _panel() -> int:
    start = from_local(datetime(2031, 12, 1, 19, 0), NY)
    end = from_local(datetime(2031, 12, 1, 20, 30), NY)
    event = make_event(
        slug="panel", title="Online panel from New York", timezone=NY, starts_at=start, ends_at=end
    )
    session_id = make_session(event, title="Security in East Asia", starts_at=start, ends_at=end).id
    db.session.commit()
    return session_id


@pytest.mark.parametrize("width", [1280, 390])
def test_a_browser_in_seoul_is_offered_its_zone(app, live_server, browser, screenshot, axe, width) -> None:  # noqa: ANN001
    session_id = _panel()
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 900},
        timezone_id="Asia/Seoul",
        locale="en-US",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/events/panel/sessions/{session_id}/")
    picker = page.locator("#viewer-tz")
    # The browser's zone is the first option; nothing is chosen until the visitor says so.
    assert picker.locator("option").first.get_attribute("value") == "Asia/Seoul"
    assert picker.input_value() == ""
    assert "KST" not in page.locator("main").inner_text()
    picker.select_option(index=0)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**tz=Asia%2FSeoul")
    text = page.locator("main").inner_text()
    assert "7:00\u202fPM\u20138:30\u202fPM EST \u00b7 9:00\u202fAM\u201310:30\u202fAM KST, next day" in text
    assert "Times in America/New_York (EST) and Asia/Seoul (KST)" in text
    screenshot(page, f"zones/session-seoul-{width}")
    assert axe(page) == []

    page.goto("/events/panel/register")
    assert page.locator("select[name=timezone]").input_value() == "Asia/Seoul"  # suggested by the browser
    page.get_by_label("Name").fill("Kim Min-jun")
    page.get_by_label("Email").fill("kim@example.org")
    page.locator("#consent").check()
    page.locator("select[name=timezone]").scroll_into_view_if_needed()
    screenshot(page, f"zones/register-zone-{width}")
    assert axe(page) == []
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations/*/")
    assert errors == []
    context.close()
    db.session.rollback()
    assert db.session.scalars(sa.select(Registration)).one().timezone == "Asia/Seoul"


def test_the_picker_works_without_javascript(app, live_server, browser) -> None:  # noqa: ANN001
    session_id = _panel()
    context = browser.new_context(base_url=live_server, java_script_enabled=False, timezone_id="Asia/Seoul")
    page = context.new_page()
    page.goto(f"/events/panel/sessions/{session_id}/")
    assert page.locator("#viewer-tz option").first.get_attribute("value") == ""  # no script: no offer
    page.locator("#viewer-tz").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**tz=Asia%2FTokyo")
    assert "9:00\u202fAM\u201310:30\u202fAM JST, next day" in page.locator("main").inner_text()
    page.goto("/events/panel/")  # remembered
    assert "JST, next day" in page.locator("main").inner_text()
    context.close()
