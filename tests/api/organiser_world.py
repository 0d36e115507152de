"""A world for the organiser API: an event with registrations, its team, an organiser of another event,
an admin, and an API token for each; and a client that sends each request in its own app context."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Flask

from conference.auth.api_tokens import create_token, revoke_token
from conference.auth.models import User
from conference.auth.passwords import hash_password
from conference.db import db
from conference.registrations import capacity, registering
from conference.registrations.models import Registration, RegistrationMode
from conference.speakers.models import Assignment, Role
from tests.factories import add_member, make_event, make_person, make_session

TITLE = "Target Event Whose Title Must Not Leak"
ROLES = ("stranger", "helper", "manager", "owner", "admin")


@functools.cache
def _password_hash() -> str:
    return hash_password("correct horse battery")


def _user(name: str, **kw) -> User:
    """An account (with one password hash for all: Argon2 is slow on purpose)."""
    user = User(email=f"{name}@example.org", name=name.title(), password_hash=_password_hash(), **kw)
    db.session.add(user)
    db.session.flush()
    return user


def build_world() -> dict:
    """Event "target" (two sessions: `small` with one seat, `large`), registrations: Ada (confirmed in
    both), Bob (confirmed in large, waitlisted in small), Cy (cancelled); Zed registered for "other".
    Sam Speaker speaks in large (`ids["assignment"]`). Accounts: helper, manager, owner of the event;
    stranger owns "other"; admin; each has a token, and the owner has a revoked one too."""
    event = make_event(slug="target", title=TITLE, timezone="America/New_York")
    small = make_session(event, title="Small seminar", capacity=1)
    large = make_session(event, title="Large hall")
    other = make_event(slug="other", title="Another event")
    other_session = make_session(other, title="Elsewhere")
    users = {name: _user(name) for name in ROLES[:-1]}
    users["admin"] = _user("admin", is_admin=True)
    for name in ("helper", "manager", "owner"):
        add_member(event, users[name], {"helper": "checkin"}.get(name, name))
    add_member(other, users["stranger"], "owner")
    db.session.commit()

    def register(name: str, sessions: list, target=event) -> Registration:  # noqa: ANN001
        data = registering.RegistrationInput(
            name, f"{name.lower()}@example.org", RegistrationMode.IN_PERSON, [s.id for s in sessions]
        )
        return registering.register(target, data).registration

    people = {
        "ada": register("Ada", [small, large]),
        "bob": register("Bob", [small, large]),
        "cy": register("Cy", [large]),
    }
    capacity.cancel(people["cy"])
    register("Zed", [other_session], target=other)
    sam = make_person(name="Sam Speaker", slug="sam-speaker")
    speaker = Assignment(session=large, person=sam, role=Role.SPEAKER, position=0)
    db.session.add(speaker)
    db.session.commit()
    tokens = {name: create_token(user, f"{name} token")[1] for name, user in users.items()}
    revoked, tokens["revoked"] = create_token(users["owner"], "old token")
    revoke_token(users["owner"], revoked.id)
    return {
        "event": event,
        "small": small,
        "large": large,
        "other": other,
        "users": users,
        "tokens": tokens,
        "ids": {name: r.id for name, r in people.items()} | {"assignment": speaker.id},
    }


class Api:
    """Requests with a bearer token, each in its own app context and database session, as when served."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def open(self, method: str, url: str, token: str | None = None, **kw):  # noqa: ANN201
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        with self.app.app_context():
            response = self.client.open(url, method=method, headers=headers, **kw)
        db.session.rollback()  # the test's own session reads what the request committed
        return response

    def get(self, url: str, token: str | None = None, **kw):  # noqa: ANN201
        return self.open("GET", url, token, **kw)

    def post(self, url: str, token: str | None = None, **kw):  # noqa: ANN201
        return self.open("POST", url, token, **kw)


def registration_by_name(name: str) -> Registration:
    return db.session.scalars(sa.select(Registration).where(Registration.name == name)).one()
