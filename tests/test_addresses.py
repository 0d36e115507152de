"""One rule for e-mail addresses (conference/addresses.py): email-validator's normalised form in lower case,
for accounts, login, the CLI, team members, the registration form and the registration API alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.addresses import normalise_email
from conference.auth.accounts import create_or_update_user, find_user
from conference.auth.models import EventMember, User
from conference.db import db
from conference.registrations.models import Registration
from tests.factories import add_member, make_event, make_user
from tests.organise.helpers import Visitor
from tests.registrations.helpers import register_via_form

TYPED = "  Ann.Smith@EXAMPLE.Org "
STORED = "ann.smith@example.org"


def test_the_rule():
    assert normalise_email(TYPED) == STORED
    assert normalise_email("ÅSA@BÜCHER.de") == "åsa@bücher.de"
    for bad in ("not an address", "a@b", "@example.org", "a@@example.org", ""):
        with pytest.raises(ValueError, match=r"\w"):
            normalise_email(bad)


def test_accounts_store_the_normalised_address_and_log_in_in_any_case(app):
    result = app.test_cli_runner().invoke(args=["create-organiser", TYPED, "--password", "a long password"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(User.email)).all() == [STORED]
    for typed in ("ann.smith@example.org", " ANN.SMITH@Example.ORG"):
        assert find_user(typed).email == STORED
    user, created = create_or_update_user("ann.SMITH@example.ORG", "another long password")
    assert not created and user.email == STORED
    with pytest.raises(ValueError):
        create_or_update_user("not an address", "a long password")
    assert find_user("not an address") is None


def test_login_form_answers_an_invalid_address_like_an_unknown_one(app):
    visitor = Visitor(app)
    response = visitor.post("/login", {"email": "not an address", "password": "whatever it is"})
    assert response.status_code == 200
    assert "Unknown email or wrong password." in response.get_data(as_text=True)
    make_user(STORED, password="a long password")
    db.session.commit()
    response = visitor.post("/login", {"email": TYPED, "password": "a long password"})
    assert response.status_code == 302


def test_adding_a_team_member_finds_the_account_in_any_case(app):
    event = make_event()
    owner = make_user()
    add_member(event, owner, "owner")
    member = make_user(STORED)
    db.session.commit()
    response = Visitor(app, owner).post(
        f"/organise/events/{event.slug}/team", {"email": " ann.smith@EXAMPLE.org", "role": "manager"}
    )
    assert response.status_code == 302
    roles = db.session.scalars(sa.select(EventMember.user_id).where(EventMember.event_id == event.id)).all()
    assert member.id in roles


def test_registration_form_and_api_store_the_same_address(app, client):
    event = make_event(slug="normalised")
    db.session.commit()
    response = register_via_form(client, event.slug, email=TYPED)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalars(sa.select(Registration.email)).all() == [STORED]
    again = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "name": "Ann",
            "email": "Ann.Smith@Example.ORG",
            "attendance_mode": "in_person",
            "consent": True,
        },
    )
    assert again.status_code == 202 and again.get_json() == {"status": "link_sent"}
    bad = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={"name": "Ann", "email": "not an address", "attendance_mode": "in_person", "consent": True},
    )
    assert bad.status_code == 422 and bad.get_json()["errors"]["email"]
