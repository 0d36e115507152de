"""The paged organiser lists in a real browser: the registrations list's pages and the check-in desk's capped
search, at phone and laptop width, with axe-core and no sideways scrolling."""

from __future__ import annotations

from conference.db import db
from conference.registrations.queries import PER_PAGE
from tests.browser.test_accessibility import _assert_accessible
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import add_member, make_event, make_user
from tests.organise.test_organiser_lists import add_registrations


def test_the_registrations_list_pages_and_the_desk_caps_its_search(page, axe, screenshot):  # noqa: ANN001
    event = make_event(slug="big", title="Big symposium")
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner)
    db.session.commit()
    add_registrations(event, PER_PAGE * 2 + 3)
    add_registrations(event, 60, start=1000, name="山田 太郎")
    page.goto("/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill("a good long password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    for path in (
        "/organise/events/big/registrations/?status=confirmed&page=2",
        "/organise/events/big/checkin/desk?q=太郎",
    ):
        page.set_viewport_size(LAPTOP)
        _assert_accessible(page, axe, path)

    page.set_viewport_size(LAPTOP)
    page.goto("/organise/events/big/registrations/?status=confirmed")
    assert page.get_by_role("link", name="Person 0000").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert "status=confirmed" in page.url and "page=2" in page.url
    assert page.get_by_role("link", name=f"Person {PER_PAGE:04d}").count() == 1
    assert page.get_by_role("link", name="Person 0000").count() == 0
    screenshot(page, "registrations-page-2-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "registrations-page-2-phone")

    page.goto("/organise/events/big/checkin/desk?q=太郎")
    assert page.get_by_text("More people match").count() == 1
    screenshot(page, "desk-capped-search-phone")
    page.set_viewport_size(LAPTOP)
    screenshot(page, "desk-capped-search-laptop")
