"""The speaker's page and a public speaker page with a photo in a real browser, at phone and laptop width:
no accessibility violations of impact serious or critical, the photo loads from its srcset, the page does not
scroll sideways. Screenshots go to SCREENSHOT_DIR for people to look at."""

from __future__ import annotations

import pytest

from conference.db import db
from conference.speakers import operations, private_link
from conference.speakers.models import Assignment, Role
from tests.browser_fixtures import LAPTOP, PHONE
from tests.factories import make_person
from tests.speakers.images import jpeg_with_gps
from tests.speakers.world import build


@pytest.fixture
def speaker(app) -> tuple:  # noqa: ANN001
    world = build(app)
    person = make_person(
        name="Pia Photographed",
        email="pia@example.org",
        position="Essayist",
        affiliation="River University",
        bio="Writes essays on **rivers** and the cities that grew beside them.",
        pronouns="she/her",
    )
    for session in (world["opening"], world["closing"]):
        session.assignments.append(Assignment(person=person, role=Role.PANELIST))
    db.session.commit()
    operations.save_speaker_settings(
        None,
        world["event"],
        {"instructions": "Join the **technical check** 30 minutes before.", "arrival_minutes": 30},
    )
    operations.send_invitations(None, world["event"], [person])
    values = {"pronouns": "she/her"}
    operations.save_profile(operations.SpeakerActor(person), person, values, photo=jpeg_with_gps(1200, 800))
    operations.answer(person, person.assignments[0], True, "")
    token = private_link.token_of(person)
    db.session.commit()
    return person, token


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_speaker_pages_in_a_browser(page, speaker, axe, screenshot, viewport) -> None:  # noqa: ANN001
    person, token = speaker
    page.set_viewport_size(viewport)
    width = viewport["width"]
    for name, path in (("speaking", f"/speaking/{token}/"), ("public-speaker", f"/speakers/{person.slug}/")):
        page.goto(path)
        assert axe(page) == [], (name, width)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
        screenshot(page, f"speakers-{name}-{width}")
    photo = page.locator("picture img")
    assert photo.get_attribute("alt") == "Photo of Pia Photographed"
    assert page.evaluate("document.querySelector('picture img').naturalWidth") > 0
    assert page.js_errors == []
