"""Registering through the real form in headless Chromium, at desktop and phone widths."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.registrations.models import Registration, RegistrationStatus
from tests.browser_fixtures import SCREENSHOTS
from tests.factories import add_member, make_event, make_session, make_user

SHOTS = SCREENSHOTS / "registrations"


@pytest.mark.parametrize("width", [1280, 390])
def test_register_through_the_form_in_chromium(app, live_server, browser, width) -> None:  # noqa: ANN001
    event = make_event(slug="browser-ev", title="Human security in Asia", capacity_in_person=40)
    make_session(event, capacity=2, title="Panel: memory and reconciliation")
    make_session(event, capacity=0, title="Closed roundtable")
    owner = make_user(email="owner@example.org")
    add_member(event, owner)
    db.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server}/events/browser-ev/register")
    page.get_by_role("button", name="Register").click()  # empty form: errors next to fields
    assert page.locator("#email-errors").is_visible()
    page.screenshot(path=str(SHOTS / f"register-errors-{width}.png"), full_page=True)
    page.get_by_label("Name").fill("Aiko Tanaka")
    page.get_by_label("Email").fill("aiko@example.org")
    page.get_by_label("Affiliation").fill("Osaka University")
    page.get_by_label("Panel: memory and reconciliation").check()
    page.locator("#consent").check()
    page.screenshot(path=str(SHOTS / f"register-{width}.png"), full_page=True)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations/*/")
    assert page.get_by_role("heading", name="Your registration", exact=True).is_visible()
    page.screenshot(path=str(SHOTS / f"manage-{width}.png"), full_page=True)
    page.close()
    db.session.rollback()
    registration = db.session.scalars(sa.select(Registration)).one()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.name == "Aiko Tanaka"


@pytest.mark.parametrize("width", [1280, 390])
def test_organiser_list_screenshot(app, live_server, browser, width) -> None:  # noqa: ANN001
    from conference.registrations import registering

    event = make_event(slug="browser-org", title="Symposium")
    panel = make_session(event, capacity=2, title="Small panel")
    owner = make_user(email="owner2@example.org")
    add_member(event, owner)
    db.session.commit()
    for i in range(3):
        registering.register(
            event, registering.RegistrationInput(f"Person {i}", f"p{i}@example.org", "in_person", [panel.id])
        )
    # Sign in through Flask-Login's session cookie, made by the app itself.
    client = app.test_client()
    from tests.factories import login_as

    login_as(client, owner)
    cookie = client.get_cookie("session")
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "session", "value": cookie.value, "url": live_server}])
    page = context.new_page()
    response = page.goto(f"{live_server}/organise/events/browser-org/registrations/")
    assert response.status == 200
    assert page.get_by_role("heading", name="Registrations", exact=True).is_visible()
    page.screenshot(path=str(SHOTS / f"organiser-list-{width}.png"), full_page=True)
    context.close()
