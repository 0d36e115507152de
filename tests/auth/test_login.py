"""Login, logout, safe `next`, session renewal and the create-organiser command."""

from __future__ import annotations

import pytest

from conference.auth.accounts import find_user
from conference.auth.passwords import verify_password
from conference.auth.redirects import safe_next
from conference.db import db
from tests.factories import make_user
from tests.organise.helpers import get_token

PASSWORD = "correct horse battery"


def login(client, email, password=PASSWORD, next_value=""):  # noqa: ANN001, ANN201
    token = get_token(client, "/login" + (f"?next={next_value}" if next_value else ""))
    return client.post(
        "/login", data={"csrf_token": token, "email": email, "password": password, "next": next_value}
    )


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "/\\evil.example", "https://evil.example/", "http:evil.example", "\\\\evil", "/\t/evil.example",  # noqa: E501
     "javascript:alert(1)", "", None, "organise"],
)  # fmt: skip
def test_safe_next_refuses_other_hosts(target):
    assert safe_next(target, "/organise/") == "/organise/"


def test_safe_next_keeps_local_paths():
    assert safe_next("/organise/events/x/?a=1", "/") == "/organise/events/x/?a=1"


def test_login_and_logout(app):
    user = make_user("Org@Example.org")
    db.session.commit()
    client = app.test_client()
    response = login(client, "org@example.org")
    assert response.status_code == 302 and response.location == "/organise/"
    assert client.get("/organise/").status_code == 200
    token = get_token(client, "/organise/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/organise/").status_code == 302
    assert user.id


@pytest.mark.parametrize("evil", ["//evil.example/", "/\\evil.example", "https://evil.example/x"])
def test_next_never_leaves_the_site(app, evil):
    make_user("a@example.org")
    db.session.commit()
    response = login(app.test_client(), "a@example.org", next_value=evil)
    assert response.status_code == 302
    assert response.location == "/organise/"


def test_next_local_path_is_followed(app):
    make_user("b@example.org")
    db.session.commit()
    response = login(app.test_client(), "b@example.org", next_value="/organise/people/")
    assert response.location == "/organise/people/"


def test_wrong_password_and_unknown_email_fail_alike(app):
    make_user("c@example.org")
    db.session.commit()
    client = app.test_client()
    for email, password in [("c@example.org", "wrong password"), ("nobody@example.org", PASSWORD)]:
        response = login(client, email, password)
        assert response.status_code == 200
        assert "Unknown email or wrong password." in response.get_data(as_text=True)
    assert client.get("/organise/").status_code == 302


def test_inactive_user_cannot_log_in(app):
    make_user("d@example.org", active=False)
    db.session.commit()
    client = app.test_client()
    login(client, "d@example.org")
    assert client.get("/organise/").status_code == 302


def test_session_is_renewed_on_login(app):
    make_user("e@example.org")
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "e@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_session_cookie_flags(app):
    make_user("f@example.org")
    db.session.commit()
    client = app.test_client()
    response = login(client, "f@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_create_organiser_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-organiser", "New@Example.org", "--password", "a long password", "--admin"]
    )
    assert result.exit_code == 0, result.output
    user = find_user("new@example.org")
    assert user.is_admin and verify_password(user.password_hash, "a long password")


def test_create_organiser_prompts_for_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-organiser", "p@example.org"], input="prompted secret\nprompted secret\n"
    )
    assert result.exit_code == 0, result.output
    user = find_user("p@example.org")
    assert not user.is_admin and verify_password(user.password_hash, "prompted secret")


def test_create_organiser_rejects_bad_input(app):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["create-organiser", "not-an-email", "--password", "a long password"]).exit_code
        != 0
    )
    assert runner.invoke(args=["create-organiser", "s@example.org", "--password", "short"]).exit_code != 0
    assert find_user("s@example.org") is None


def test_demo_creates_the_demo_organiser_who_owns_the_demo_events(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert "demo@example.org" in result.output
    runner.invoke(args=["demo"])  # idempotent
    client = app.test_client()
    from conference.auth.cli import DEMO_PASSWORD

    login(client, "demo@example.org", DEMO_PASSWORD)
    page = client.get("/organise/").get_data(as_text=True)
    assert "APISA Congress" in page
    assert "Online conversation" in page or "Japan" in page
