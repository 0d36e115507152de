"""Shared set-up of browser tests."""

from __future__ import annotations

from conference.db import db
from conference.registrations import registering
from conference.sessions.models import Session
from conference.speakers.models import Role
from tests.factories import add_member, make_event, make_person, make_session, make_user


def session_with_audience_as_owner(page) -> Session:  # noqa: ANN001
    """A session with a registrant and a speaker who has an e-mail address, and `page` logged in as the
    event's owner: what a move or a cancellation would notify."""
    event = make_event(title="Spring symposium")
    person = make_person(name="Grace Speaker", email="grace@example.org")
    session = make_session(event, title="Opening panel", people=[(person, Role.SPEAKER)])
    owner = make_user("owner@example.org", password="a good long password")
    add_member(event, owner)
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [session.id])
    )
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("Password").fill("a good long password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    return session
