"""Walks app.url_map: every /organise/ route refuses anonymous users, organisers of other events and
check-in helpers (unless the route is marked for check-in helpers), and every state-changing method
without a CSRF token answers 400. Routes added later under /organise/ are covered automatically."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, url_for

from conference.auth.permissions import allows_checkin_helpers
from conference.db import db
from conference.events.models import EventOrganisation, Organisation, OrganisationRole, Publication, Series
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Question, QuestionKind
from conference.speakers.models import Role
from tests.factories import add_member, login_as, make_event, make_person, make_room, make_session, make_user
from tests.organise.helpers import get_token

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
TITLE = "Target Event Whose Title Must Not Leak"


@pytest.fixture
def world(app: Flask) -> dict:
    series = Series(slug="target-series", title="Target series")
    db.session.add(series)
    event = make_event(title=TITLE, series=series)
    room = make_room(event, "Hall")
    person = make_person(name="Target Speaker")
    session = make_session(event, room=room, people=[(person, Role.SPEAKER)])
    organisation = Organisation(name="Target Institute")
    link = EventOrganisation(event=event, organisation=organisation, role=OrganisationRole.HOST)
    publication = Publication(event=event, title="A report", published_on=date(2024, 2, 19))
    db.session.add_all([link, publication])
    owner, stranger, helper = make_user(), make_user(), make_user()
    member = add_member(event, owner, "owner")
    add_member(event, helper, "checkin")
    other_event = make_event(title="Another event")
    add_member(other_event, stranger, "owner")
    question = Question(event_id=event.id, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    registration = registering.register(
        event,
        registering.RegistrationInput("Target Attendee", "attendee@example.org", "in_person", [session.id]),
    ).registration
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)).first()
    ids = {
        "slug": event.slug,
        "registration_id": registration.id,
        "question_id": question.id,
        "message_id": message.id,
        "session_id": session.id,
        "room_id": room.id,
        "person_id": person.id,
        "assignment_id": session.assignments[0].id,
        "link_id": link.id,
        "publication_id": publication.id,
        "member_id": member.id,
        "series_id": series.id,
        "organisation_id": organisation.id,
        "user_id": owner.id,
    }
    return {"ids": ids, "owner": owner, "stranger": stranger, "helper": helper}


def organise_rules(app: Flask) -> list:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/organise/")]
    assert len(rules) > 20
    return rules


def fill(rule, ids: dict) -> str:  # noqa: ANN001
    """The rule's URL with the target event's objects; unknown parameters get a harmless value."""
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        else:
            converter = type(rule._converters[name]).__name__
            values[name] = 1 if converter in ("IntegerConverter", "NumberConverter") else "x"
    return url_for(rule.endpoint, **values)


def methods(rule) -> list[str]:  # noqa: ANN001
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_anonymous_is_sent_to_login_everywhere(app, world):
    client = app.test_client()
    token = get_token(client, "/login")
    with app.test_request_context():
        urls = [(fill(rule, world["ids"]), methods(rule)) for rule in organise_rules(app)]
    for url, rule_methods in urls:
        for method in rule_methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (302, 401), (method, url, response.status_code)
            if response.status_code == 302:
                assert response.location.startswith("/login?next="), (method, url, response.location)


@pytest.mark.parametrize("who", ["stranger", "helper"])
def test_other_organisers_and_helpers_are_refused(app, world, who):
    client = app.test_client()
    login_as(client, world[who])
    token = get_token(client, "/organise/")
    checked = 0
    with app.test_request_context():
        urls = [(rule, fill(rule, world["ids"]), methods(rule)) for rule in organise_rules(app)]
    for rule, url, rule_methods in urls:
        if who == "helper" and allows_checkin_helpers(app.view_functions[rule.endpoint]):
            continue
        for method in rule_methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            if not rule.arguments:
                # The organiser's own pages (home, lists, "new" forms): open to every organiser,
                # but they never show another team's event (a helper sees the title of their own event).
                assert response.status_code in (200, 302, 400), (method, url, response.status_code)
                if who == "stranger":
                    assert TITLE not in response.get_data(as_text=True), (method, url)
                continue
            assert response.status_code in (403, 404), (who, method, url, response.status_code)
            checked += 1
    assert checked > 30


def test_every_state_changing_request_without_csrf_token_is_400(app, world):
    client = app.test_client()
    login_as(client, world["owner"])  # even the event's owner
    with app.test_request_context():
        rules = [
            r for r in app.url_map.iter_rules() if r.rule.startswith(("/organise/", "/login", "/logout"))
        ]
        urls = [(fill(rule, world["ids"]), sorted(rule.methods & STATE_CHANGING)) for rule in rules]
    checked = 0
    for url, rule_methods in urls:
        for method in rule_methods:
            response = client.open(url, method=method, data={"title": "x"})
            assert response.status_code == 400, (method, url, response.status_code)
            checked += 1
    assert checked > 20


def test_owner_reaches_every_page(app, world):
    client = app.test_client()
    login_as(client, world["owner"])
    with app.test_request_context():
        urls = [fill(rule, world["ids"]) for rule in organise_rules(app) if "GET" in rule.methods]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_admin_sees_every_event(app, world):
    admin = make_user(is_admin=True)
    db.session.commit()
    client = app.test_client()
    login_as(client, admin)
    assert TITLE in client.get("/organise/").get_data(as_text=True)
    assert client.get(f"/organise/events/{world['ids']['slug']}/").status_code == 200
