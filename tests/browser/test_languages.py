"""In Chromium, in Japanese: the switcher works without JavaScript, the choice stays from page to page, and
the attendee and organiser pages pass axe at phone and laptop width with the CJK fonts CI installs."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.demo import SYMPOSIUM_SLUG
from conference.registrations import registering
from conference.sessions.models import Session
from tests.browser.test_accessibility import _assert_accessible
from tests.factories import add_member, make_user


def _html_lang(page) -> str:  # noqa: ANN001
    return page.evaluate("() => document.documentElement.lang")


def test_switching_to_japanese_without_javascript_and_axe_in_japanese(
    browser, live_server, demo, axe, screenshot
):  # noqa: ANN001
    from conference.events.queries import public_event

    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"/events/{SYMPOSIUM_SLUG}/")
    assert _html_lang(page) == "en"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    assert _html_lang(page) == "ja"
    assert page.url.endswith(f"/events/{SYMPOSIUM_SLUG}/?lang=ja")
    page.get_by_role("heading", name="プログラム", exact=True).wait_for()
    # Remembered: the next page, reached by a plain link, is in Japanese too.
    page.get_by_role("link", name="イベント", exact=True).first.click()
    assert _html_lang(page) == "ja"
    page.get_by_role("heading", name="今後のイベント", exact=True).wait_for()
    context.close()

    event = public_event(SYMPOSIUM_SLUG)
    panel = db.session.scalars(sa.select(Session).where(Session.capacity == 20)).first()
    token = registering.register(
        event, registering.RegistrationInput("田中 愛子", "aiko@example.org", "in_person", [panel.id])
    ).registration.token
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner, "owner")
    db.session.commit()

    context = browser.new_context(
        base_url=live_server, locale="ja-JP", extra_http_headers={"Accept-Language": "ja"}
    )
    page = context.new_page()
    for path, name in (
        ("/", "home"),
        (f"/events/{SYMPOSIUM_SLUG}/", "event"),
        (f"/events/{SYMPOSIUM_SLUG}/register", "register"),
        (f"/registrations/{token}/", "manage"),
        (f"/events/{SYMPOSIUM_SLUG}/sessions/{panel.id}/", "session"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        _assert_accessible(page, axe, path)  # laptop, then phone width
        assert _html_lang(page) == "ja"
        screenshot(page, f"ja-{name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        screenshot(page, f"ja-{name}-laptop")
    page.goto("/login")
    page.get_by_label("メールアドレス").fill("owner@example.org")
    page.get_by_label("パスワード").fill("a good long password")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="あなたのイベント").wait_for()
    for path, name in (
        (f"/organise/events/{SYMPOSIUM_SLUG}/", "organise-event"),
        (f"/organise/events/{SYMPOSIUM_SLUG}/timetable", "organise-timetable"),
        (f"/organise/events/{SYMPOSIUM_SLUG}/registrations/", "organise-registrations"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        _assert_accessible(page, axe, path)
        screenshot(page, f"ja-{name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        screenshot(page, f"ja-{name}-laptop")
    context.close()
