"""Co-located events in a browser: the event page's "also here" block, the combined programme, the one form
for several events (filled in and sent as a person would) and the manage page showing both; axe at laptop
and phone width, no sideways scrolling; screenshots at 390 and 1280 px."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.demo import CONGRESS_SLUG, SYMPOSIUM_SLUG
from conference.events.models import Event
from conference.registrations.models import Registration
from tests.browser.test_accessibility import _assert_accessible
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_user

EVENT = f"/events/{SYMPOSIUM_SLUG}/"
PROGRAMME = f"/events/{SYMPOSIUM_SLUG}/together/"
FORM = f"/events/{SYMPOSIUM_SLUG}/register/together"


def test_colocated_pages_are_accessible_and_register_together(page, demo, axe, screenshot):  # noqa: ANN001
    for path in (EVENT, PROGRAMME, FORM, f"/events/{CONGRESS_SLUG}/"):
        _assert_accessible(page, axe, path)
    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page.set_viewport_size(viewport)
        page.goto(EVENT)
        block = page.locator("section.colocated")
        assert block.is_visible()
        block.scroll_into_view_if_needed()
        block.screenshot(
            path=str(screenshot(page, f"colocated-event-{name}").with_name(f"colocated-block-{name}.png"))
        )
        page.goto(PROGRAMME)
        screenshot(page, f"colocated-programme-{name}")
        page.goto(FORM)
        screenshot(page, f"colocated-form-{name}")

    # A person fills in the one form for both events and sends it.
    page.set_viewport_size(LAPTOP)
    page.goto(EVENT)
    with page.expect_navigation():
        page.get_by_role("link", name="Register for several of them at once").click()
    page.get_by_label("Name").fill("Aiko Tanaka")
    page.get_by_label("Email").fill("aiko@example.org")
    for fieldset in page.locator("fieldset.together-event").all():
        fieldset.get_by_label("Register for this event").check()
        radios = fieldset.get_by_role("radio")
        if radios.count() > 1:  # a hybrid event: how one attends is asked
            radios.first.check()
    page.get_by_label("I agree that the organisers store these details").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    problems = [e.inner_text() for e in page.locator(".errors, [role=alert]").all()]
    assert page.get_by_text("Registered together with this").is_visible(), problems
    db.session.rollback()
    slugs = sorted(
        db.session.scalars(
            sa.select(Event.slug)
            .join(Registration, Registration.event_id == Event.id)
            .where(Registration.email == "aiko@example.org")
        )
    )
    assert slugs == sorted([SYMPOSIUM_SLUG, CONGRESS_SLUG])
    manage = page.url.removeprefix(page.url.split("/registrations/")[0])
    _assert_accessible(page, axe, manage)
    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page.set_viewport_size(viewport)
        page.goto(manage)
        screenshot(page, f"colocated-manage-{name}")


def test_organiser_colocated_page_is_accessible(page, demo, axe, screenshot):  # noqa: ANN001
    symposium = db.session.scalars(sa.select(Event).where(Event.slug == SYMPOSIUM_SLUG)).one()
    congress = db.session.scalars(sa.select(Event).where(Event.slug == CONGRESS_SLUG)).one()
    owner = make_user("chair@example.org", password="a good long password")
    add_member(symposium, owner)
    add_member(congress, owner)
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill("chair@example.org")
    page.get_by_label("Password").fill("a good long password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    path = f"/organise/events/{SYMPOSIUM_SLUG}/colocated"
    _assert_accessible(page, axe, path)
    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page.set_viewport_size(viewport)
        page.goto(path)
        screenshot(page, f"colocated-organise-{name}")
    # Unlink and link again through the page.
    page.set_viewport_size(LAPTOP)
    page.goto(path)
    box = page.get_by_label(congress.title, exact=False)
    assert box.is_checked()
    box.uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Co-located events saved.").is_visible()
    assert "Also here" not in page.context.new_page().goto(EVENT).text()
    page.get_by_label(congress.title, exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_label(congress.title, exact=False).is_checked()
