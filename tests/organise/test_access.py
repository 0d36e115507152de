"""Walks app.url_map: every /organise/ route declares its action in the role matrix
(conference.auth.permissions.ROLE_MATRIX), and answers every role as the matrix says, for GET and POST:
anonymous, an organiser of another event, the event's check-in helper, manager and owner, and an admin.
Every state-changing method without a CSRF token answers 400. Routes added later under /organise/ are
covered automatically, and a route without an action in the matrix fails the test."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, url_for

from conference.auth.models import EventMember, TeamRole, User
from conference.auth.passwords import hash_password
from conference.auth.permissions import ADMIN, ROLE_MATRIX, Action, required_action
from conference.db import db
from conference.events.models import EventOrganisation, Organisation, OrganisationRole, Publication, Series
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Question, QuestionKind
from conference.speakers.models import Role
from tests.conftest import _empty_all_tables
from tests.factories import login_as, make_event, make_person, make_room, make_session
from tests.organise.helpers import get_token

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
TITLE = "Target Event Whose Title Must Not Leak"
ROLES = ["anonymous", "stranger", "helper", "manager", "owner", "admin"]
# The role each test user has on the target event's team, and on any team at all.
TEAM_ROLE = {"helper": TeamRole.CHECKIN, "manager": TeamRole.MANAGER, "owner": TeamRole.OWNER}
ACCOUNT_ROLES = {"stranger": {TeamRole.OWNER}, "helper": {TeamRole.CHECKIN}, "manager": {TeamRole.MANAGER},
                 "owner": {TeamRole.OWNER}, "admin": {ADMIN}}  # fmt: skip
# URL values that name something real for routes with a free-form part.
ENDPOINT_VALUES = {
    "organise.registration_action": {"action": "approve"},
    "organise.question_action": {"action": "up"},
}
# The world's member_id is the owner's membership: changing or removing it takes the owners' right.
ACTION_ON_WORLD = {"organise.team_role": Action.MANAGE_OWNERS, "organise.remove_member": Action.MANAGE_OWNERS}


@cache
def _password_hash() -> str:
    return hash_password("correct horse battery")


def _user(name: str, **kw) -> User:
    user = User(email=f"{name}@example.org", name=name, password_hash=_password_hash(), **kw)
    db.session.add(user)
    return user


def build_world() -> dict:
    """A published event with one of everything, its team (helper, manager, owner), the owner of another
    event, and an admin."""
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
    users = {name: _user(name) for name in ("stranger", "helper", "manager", "owner")}
    users["admin"] = _user("admin", is_admin=True)
    other_event = make_event(title="Another event")
    db.session.flush()
    members = {
        name: EventMember(event_id=event.id, user_id=users[name].id, role=role)
        for name, role in TEAM_ROLE.items()
    }
    db.session.add_all(members.values())
    db.session.add(EventMember(event_id=other_event.id, user_id=users["stranger"].id, role=TeamRole.OWNER))
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
        "member_id": members["owner"].id,
        "series_id": series.id,
        "organisation_id": organisation.id,
        "user_id": users["owner"].id,
    }
    return {"ids": ids, **users}


@pytest.fixture
def world(app: Flask) -> dict:
    return build_world()


def organise_rules(app: Flask) -> list:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/organise/")]
    assert len(rules) > 20
    return rules


def fill(rule, ids: dict) -> str:  # noqa: ANN001
    """The rule's URL with the target event's objects; unknown parameters get a harmless value."""
    values = {}
    for name in rule.arguments:
        if name in ENDPOINT_VALUES.get(rule.endpoint, {}):
            values[name] = ENDPOINT_VALUES[rule.endpoint][name]
        elif name in ids:
            values[name] = ids[name]
        else:
            converter = type(rule._converters[name]).__name__
            values[name] = 1 if converter in ("IntegerConverter", "NumberConverter") else "x"
    return url_for(rule.endpoint, **values)


def methods(rule) -> list[str]:  # noqa: ANN001
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def action_of(app: Flask, rule) -> Action:  # noqa: ANN001
    return ACTION_ON_WORLD.get(rule.endpoint) or required_action(app.view_functions[rule.endpoint])


def allowed(role: str, rule, action: Action) -> bool:  # noqa: ANN001
    """What the matrix says. A URL with parameters names the target event or one of its things (a person,
    series or organisation of that event only), so the role on its team decides; a URL without them is
    the organiser's own page (home, lists, "new" forms), decided by the roles of the account."""
    if role == "anonymous":
        return False
    if role == "admin":
        return True
    if rule.arguments:
        return TEAM_ROLE.get(role) in ROLE_MATRIX[action]
    return bool(ACCOUNT_ROLES[role] & ROLE_MATRIX[action])


def test_every_organiser_route_declares_an_action_of_the_matrix(app):
    assert set(ROLE_MATRIX) == set(Action)
    missing = [
        rule.endpoint
        for rule in organise_rules(app)
        if required_action(app.view_functions[rule.endpoint]) not in ROLE_MATRIX
    ]
    assert missing == [], "add @requires(Action...) to these views: " + ", ".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_matrix_says(app, role):
    """GET and POST (with a valid CSRF token, no other data) of every /organise/ route. Allowed: 2xx, 3xx,
    or 400/422 for the missing form data, never 403/404. Refused: the login page for anonymous users,
    403 or 404 for others, and the target event's title never shows. After an allowed POST that did
    something the world is built afresh, so each request meets the same world."""
    world = build_world()
    client = app.test_client()
    token = get_token(client, "/login")
    if role != "anonymous":
        login_as(client, world[role])
    app_context = (
        app.app_context
    )  # each request in its own app context (its own g and database session), as served
    checked = {True: 0, False: 0}
    for rule in organise_rules(app):
        action = action_of(app, rule)
        expected = allowed(role, rule, action)
        for method in methods(rule):
            with app.test_request_context():
                url = fill(rule, world["ids"])
            with app_context():
                response = client.open(url, method=method, data={"csrf_token": token})
            status = response.status_code
            where = (role, method, url, action.value, status)
            checked[expected] += 1
            if expected:
                assert status < 400 or status in (400, 422), where
                if method != "GET" and status < 400:
                    db.session.remove()
                    _empty_all_tables()
                    world = build_world()
                    login_as(client, world[role])
            elif role == "anonymous":
                assert status in (302, 401), where
                if status == 302:
                    assert response.location.startswith("/login?next="), where
            else:
                assert status in (403, 404), (*where, response.location)
                assert TITLE not in response.get_data(as_text=True), where
    assert checked[True] + checked[False] > 60


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
    client = app.test_client()
    login_as(client, world["admin"])
    assert TITLE in client.get("/organise/").get_data(as_text=True)
    assert client.get(f"/organise/events/{world['ids']['slug']}/").status_code == 200


# --- The matrix in docs/organising.md is the matrix in code ------------------------------------------------

DOC_COLUMNS = [ADMIN, TeamRole.OWNER, TeamRole.MANAGER, TeamRole.CHECKIN]


def test_the_documented_role_matrix_is_the_one_in_code():
    text = (Path(__file__).parents[2] / "docs" / "organising.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.splitlines():
        match = re.match(r"\|\s*`(\w+)`\s*\|(.*)\|\s*$", line)
        if match and match.group(1) in {a.value for a in Action}:
            cells = [cell.strip() for cell in match.group(2).split("|")][-len(DOC_COLUMNS) :]
            documented[Action(match.group(1))] = {
                role for role, cell in zip(DOC_COLUMNS, cells, strict=True) if cell.startswith("✓")
            }
    assert documented == {action: set(roles) for action, roles in ROLE_MATRIX.items()}
