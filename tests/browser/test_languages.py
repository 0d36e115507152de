"""In Chromium, in Japanese: the switcher works without JavaScript, the choice stays from page to page; in
Japanese, Korean and Thai the attendee and organiser pages pass axe at phone and laptop width with the CJK and
Thai fonts CI installs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from conference.db import db
from conference.demo import SYMPOSIUM_SLUG
from conference.registrations import registering
from conference.sessions.models import Session
from tests.browser.test_accessibility import _assert_accessible
from tests.factories import add_member, make_user


def _html_lang(page) -> str:  # noqa: ANN001
    """The `lang` of the page's document once it has loaded (a navigation may still be under way)."""
    page.wait_for_load_state()
    return page.locator("html").get_attribute("lang")


def test_switching_to_japanese_without_javascript_and_axe_in_japanese(
    browser, live_server, demo, axe, screenshot
):  # noqa: ANN001
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"/events/{SYMPOSIUM_SLUG}/")
    assert _html_lang(page) == "en"
    with page.expect_navigation():
        page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    assert _html_lang(page) == "ja"
    assert page.url.endswith(f"/events/{SYMPOSIUM_SLUG}/?lang=ja")
    page.get_by_role("heading", name="プログラム", exact=True).wait_for()
    # Remembered: the next page, reached by a plain link, is in Japanese too.
    with page.expect_navigation():
        page.get_by_role("link", name="イベント", exact=True).first.click()
    assert _html_lang(page) == "ja"
    page.get_by_role("heading", name="今後のイベント", exact=True).wait_for()
    context.close()

    _pages_pass_axe(browser, live_server, axe, screenshot, "ja", "田中 愛子")


@pytest.mark.parametrize(("language", "name"), [("ko", "김민준"), ("th", "สมชาย ใจดี")])
def test_axe_in_korean_and_thai(browser, live_server, demo, axe, screenshot, language, name):  # noqa: ANN001
    _pages_pass_axe(browser, live_server, axe, screenshot, language, name)


def _pages_pass_axe(browser, live_server, axe, screenshot, language: str, name: str) -> None:  # noqa: ANN001
    """The attendee and organiser pages in `language`: `<html lang>`, axe with no serious or critical
    violation and no sideways scrolling at laptop and phone width; screenshots at both widths."""
    from conference.events.queries import public_event

    event = public_event(SYMPOSIUM_SLUG)
    panel = db.session.scalars(sa.select(Session).where(Session.capacity == 20)).first()
    token = registering.register(
        event, registering.RegistrationInput(name, "aiko@example.org", "in_person", [panel.id])
    ).registration.token
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner, "owner")
    db.session.commit()
    with force_locale(language):
        words = {w: gettext(w) for w in ("Email", "Password", "Log in", "Your events")}

    context = browser.new_context(
        base_url=live_server, locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    for path, page_name in (
        ("/", "home"),
        (f"/events/{SYMPOSIUM_SLUG}/", "event"),
        (f"/events/{SYMPOSIUM_SLUG}/register", "register"),
        (f"/registrations/{token}/", "manage"),
        (f"/events/{SYMPOSIUM_SLUG}/sessions/{panel.id}/", "session"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        _assert_accessible(page, axe, path)  # laptop, then phone width
        assert _html_lang(page) == language
        screenshot(page, f"{language}-{page_name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        screenshot(page, f"{language}-{page_name}-laptop")
    page.goto("/login")
    page.get_by_label(words["Email"]).fill("owner@example.org")
    page.get_by_label(words["Password"]).fill("a good long password")
    page.get_by_role("button", name=words["Log in"]).click()
    page.get_by_role("heading", name=words["Your events"]).wait_for()
    for path, page_name in (
        (f"/organise/events/{SYMPOSIUM_SLUG}/", "organise-event"),
        (f"/organise/events/{SYMPOSIUM_SLUG}/timetable", "organise-timetable"),
        (f"/organise/events/{SYMPOSIUM_SLUG}/registrations/", "organise-registrations"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        _assert_accessible(page, axe, path)
        assert _html_lang(page) == language
        screenshot(page, f"{language}-{page_name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        screenshot(page, f"{language}-{page_name}-laptop")
    context.close()
