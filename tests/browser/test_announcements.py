"""Announcements in Chromium: compose → preview → send as the event's owner, and the public unsubscribe page,
at 390 px and 1280 px: axe finds nothing serious, nothing scrolls sideways, no script errors. Screenshots go
to /tmp/i13-announce/ for people to look at."""

from __future__ import annotations

import sqlalchemy as sa

from conference.announcements.mails import unsubscribe_url
from conference.db import db
from conference.events.models import AttendanceMode
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from tests.browser_fixtures import LAPTOP, PHONE, SCREENSHOTS
from tests.factories import add_member, make_event, make_session, make_user

PASSWORD = "a good long password"
SHOTS = SCREENSHOTS / "announcements"


def _world() -> dict:
    event = make_event(slug="spring", title="Spring symposium", attendance_mode=AttendanceMode.HYBRID)
    rivers = make_session(event, title="Panel on rivers")
    maps = make_session(event, title="Workshop on maps")
    owner = make_user("owner@example.org", password=PASSWORD)
    add_member(event, owner)
    db.session.commit()
    people = {}
    for name, mode, session in (
        ("ada", "in_person", rivers),
        ("bob", "online", maps),
        ("cy", "in_person", maps),
    ):
        data = registering.RegistrationInput(name.title(), f"{name}@example.org", mode, [session.id])
        people[name] = registering.register(event, data).registration.id
    db.session.commit()
    return {"event": event, "rivers": rivers, "maps": maps, "people": people}


def _looks_right(page, axe, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", LAPTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        assert axe(page) == [], (name, label)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, label, overflow)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)
    assert page.js_errors == []


def test_compose_preview_send_and_unsubscribe_in_the_browser(page, axe) -> None:  # noqa: ANN001
    world = _world()
    page.goto("/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    page.goto("/organise/events/spring/")
    with page.expect_navigation():
        page.get_by_role("link", name="Announcements").click()
    _looks_right(page, axe, "announcements-empty")
    with page.expect_navigation():
        page.get_by_role("link", name="Write an announcement").click()
    page.get_by_label("Subject").fill("The workshop moves to Hall B")
    page.get_by_label("Message").fill(
        "Dear all,\n\nthe **workshop on maps** is in *Hall B*.\n\n- bring a laptop"
    )
    page.get_by_label("Workshop on maps").check()
    _looks_right(page, axe, "announcement-compose")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview and count recipients").click()
    assert page.get_by_text("It goes to 2 people").is_visible()
    assert page.locator(".mail-preview strong").inner_text() == "workshop on maps"
    _looks_right(page, axe, "announcement-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to 2 people").click()
    page.get_by_text("Announcement sent to 2 people.").wait_for()
    _looks_right(page, axe, "announcements-sent")
    db.session.rollback()
    to = sorted(
        db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == "announcement"))
    )
    assert to == ["bob@example.org", "cy@example.org"]

    # The recipient's side, in a fresh browser context (no login).
    context = page.context.browser.new_context(base_url=page.url.split("/organise")[0], viewport=LAPTOP)
    visitor = context.new_page()
    visitor.js_errors = []
    visitor.on("pageerror", lambda error: visitor.js_errors.append(str(error)))
    path = unsubscribe_url(world["people"]["bob"]).removeprefix("https://conference.test")
    visitor.goto(path)
    _looks_right(visitor, axe, "unsubscribe-ask")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Unsubscribe from announcements").click()
    visitor.get_by_text("You will receive no more announcements").wait_for()
    _looks_right(visitor, axe, "unsubscribe-done")
    context.close()
