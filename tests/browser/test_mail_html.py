"""The HTML part of a confirmation and of a notice, opened in Chromium at phone and laptop width: it passes axe,
does not scroll sideways, has one heading and links that say where they go; the hostile title stays text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.db import db, utcnow
from conference.mail import notices, sender
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import make_event, make_session

TITLE = 'Human <script>alert("t")</script> & "Rights" symposium'


def _mails(app, language: str) -> dict[str, str]:  # noqa: ANN001
    """{kind: HTML part as sent} of a confirmation and a session-moved notice to a hybrid registrant."""
    app.config["NOTICE_DELAY_SECONDS"] = 0
    start = datetime(2031, 3, 10, 2, 0, tzinfo=UTC)
    event = make_event(
        slug=f"ev-{language}",
        title=TITLE,
        starts_at=start,
        timezone="Asia/Bangkok",
        attendance_mode="hybrid",
        venue_name="Chiang Mai University",
        city="Chiang Mai",
        online_url="https://meet.example.org/room-42",
    )
    event.first_published_at = utcnow()
    session = make_session(event, title="Opening panel: security in the Mekong region", starts_at=start)
    db.session.commit()
    registering.register(
        event,
        registering.RegistrationInput(
            "Ada Lovelace", f"ada-{language}@example.org", "online", [session.id], language=language
        ),
    )
    db.session.commit()
    old = notices.place(session)
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    db.session.flush()
    notices.send_notices(session, notices.MOVED, old)
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)).all()
    return {row.kind: sender.html_part(row) for row in rows}


@pytest.mark.parametrize("language", ["en", "th"])
def test_mail_html_reads_well_and_passes_axe_at_phone_and_laptop_width(
    app, browser, axe, screenshot, language
):  # noqa: ANN001
    mails = _mails(app, language)
    assert set(mails) == {"confirmed", "session_moved"}
    for kind, html in mails.items():
        for viewport, width in ((PHONE, "phone"), (LAPTOP, "laptop")):
            context = browser.new_context(viewport=viewport, java_script_enabled=True)
            page = context.new_page()
            try:
                page.set_content(html)
                assert page.evaluate("() => document.documentElement.lang") == language
                assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
                assert page.title() == page.locator("h1").inner_text().strip()  # the subject
                assert TITLE in page.locator("header").inner_text()  # shown as text, never run
                assert page.locator("script").count() == 0
                links = page.locator("main a")
                assert links.count() >= 1
                for index in range(links.count()):
                    text = links.nth(index).inner_text().strip()
                    assert text and not text.startswith("http"), text  # says where it goes
                assert axe(page) == [], (kind, width)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, (kind, width, overflow)
                screenshot(page, f"mail-{kind}-{language}-{width}")
            finally:
                context.close()


def test_the_reply_to_field_on_the_event_form_explains_itself_and_refuses_a_bad_address(
    page, axe, screenshot
):  # noqa: ANN001
    from tests.browser.helpers import session_with_audience_as_owner

    event = session_with_audience_as_owner(page).event
    for viewport, width in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        assert page.goto(f"/organise/events/{event.slug}/edit").status == 200
        field = page.get_by_label("Replies to mail go to")
        assert field.get_attribute("type") == "email"
        field.fill("not an address")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.get_by_label("Replies to mail go to").get_attribute("aria-invalid") == "true"
        field = page.get_by_label("Replies to mail go to")
        field.scroll_into_view_if_needed()
        assert axe(page) == [], width
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        screenshot(page, f"event-form-reply-to-{width}")
    page.get_by_label("Replies to mail go to").fill("team@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.url.endswith(f"/organise/events/{event.slug}/")  # saved, back on the event's page
    db.session.rollback()  # the test's own transaction began before the server wrote
    assert db.session.get(type(event), event.id).reply_to == "team@example.org"
