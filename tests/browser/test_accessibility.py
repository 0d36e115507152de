"""axe-core over the pages attendees and organisers work in, at laptop and phone width."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.demo import SYMPOSIUM_SLUG
from conference.registrations import registering
from conference.sessions.models import Session
from tests.browser_fixtures import PHONE
from tests.factories import add_member, make_user


def _assert_accessible(page, axe, path: str) -> None:  # noqa: ANN001
    for viewport in (None, PHONE):
        if viewport:
            page.set_viewport_size(viewport)
        response = page.goto(path)
        assert response.status == 200, path
        violations = axe(page)
        assert violations == [], (path, violations)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport}"


def test_attendee_pages_are_accessible(page, demo, axe, app, screenshot):  # noqa: ANN001
    from conference.events.queries import public_event

    app.config["DEMO_MODE"] = True  # the mailbox `make run` shows instead of sending

    event = public_event(SYMPOSIUM_SLUG)
    panel = db.session.scalars(sa.select(Session).where(Session.capacity == 20)).first()
    registration = registering.register(
        event, registering.RegistrationInput("Aiko Tanaka", "aiko@example.org", "in_person", [panel.id])
    ).registration
    token = registration.token
    for path in (
        f"/events/{SYMPOSIUM_SLUG}/register",
        f"/registrations/{token}/",
        f"/registrations/{token}/cancel",
        "/registrations/lost-link",
        f"/events/{SYMPOSIUM_SLUG}/sessions/{panel.id}/",
        "/demo-mailbox/",
    ):
        _assert_accessible(page, axe, path)
    screenshot(page, "demo-mailbox-phone")


def test_organiser_pages_are_accessible(page, demo, axe):
    from conference.events.queries import public_event

    event = public_event(SYMPOSIUM_SLUG)
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner, "owner")
    db.session.commit()
    _assert_accessible(page, axe, "/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()
    session_id = event.sessions[0].id
    for path in (
        "/organise/",
        f"/organise/events/{SYMPOSIUM_SLUG}/",
        f"/organise/events/{SYMPOSIUM_SLUG}/edit",
        f"/organise/events/{SYMPOSIUM_SLUG}/sessions/{session_id}/edit",
        f"/organise/events/{SYMPOSIUM_SLUG}/timetable",
        f"/organise/events/{SYMPOSIUM_SLUG}/registrations/",
        f"/organise/events/{SYMPOSIUM_SLUG}/registration-settings",
        f"/organise/events/{SYMPOSIUM_SLUG}/questions/",
        f"/organise/events/{SYMPOSIUM_SLUG}/checkin",
        "/organise/people/",
        "/organise/outbox/",
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        _assert_accessible(page, axe, path)
