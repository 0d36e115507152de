"""Sessions end where the issue says: logging out and changing the password end every session of the
account (Flask-Login's alternative id "<user id>:<session version>"), a copied cookie or a remember cookie
included; the change-password page for organisers."""

from __future__ import annotations

import pytest
from flask_login.utils import encode_cookie

from conference.auth.accounts import find_user
from conference.auth.passwords import verify_password
from conference.db import db
from tests.auth.test_login import PASSWORD, login
from tests.factories import make_user
from tests.organise.helpers import get_token

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def site(app, make_app):  # noqa: ANN001, ANN201
    """A second app on the same database, so that each request gets its own app context (and `g`) as on a
    real server: requests of `app` share the test's app context, where Flask-Login keeps the user it
    loaded in `g` from one client's request to the next."""
    return make_app()


def logged_in(client) -> bool:  # noqa: ANN001
    return client.get("/organise/").status_code == 200


def two_sessions(site, email="s@example.org"):  # noqa: ANN001, ANN201
    make_user(email)
    db.session.commit()
    first, second = site.test_client(), site.test_client()
    for client in (first, second):
        assert login(client, email).status_code == 302
        assert logged_in(client)
    return first, second


def session_cookie(client) -> str:  # noqa: ANN001
    return client.get_cookie("session").value


def test_logout_ends_every_other_session(site):
    laptop, phone = two_sessions(site)
    assert laptop.post("/logout", data={"csrf_token": get_token(laptop, "/organise/")}).status_code == 302
    assert not logged_in(laptop)
    assert not logged_in(phone)
    assert login(phone, "s@example.org").status_code == 302  # logging in again works
    assert logged_in(phone)


def test_a_copied_session_cookie_dies_with_logout(site):
    """Flask's session lives in a signed cookie: without a session version, a copy taken before logout
    (a shared computer, a stolen cookie) stayed valid for ever."""
    make_user("copy@example.org")
    db.session.commit()
    owner = site.test_client()
    login(owner, "copy@example.org")
    stolen = session_cookie(owner)
    thief = site.test_client()
    thief.set_cookie("session", stolen)
    assert logged_in(thief)
    owner.post("/logout", data={"csrf_token": get_token(owner, "/organise/")})
    thief.set_cookie("session", stolen)
    assert not logged_in(thief)


def test_a_remember_cookie_dies_with_logout(site):
    user = make_user("remember@example.org")
    db.session.commit()
    with site.test_request_context():
        remember = encode_cookie(user.get_id())
    device = site.test_client()
    device.set_cookie("remember_token", remember)
    assert logged_in(device)  # the remember cookie works...
    other = site.test_client()
    login(other, "remember@example.org")
    other.post("/logout", data={"csrf_token": get_token(other, "/organise/")})
    fresh = site.test_client()
    fresh.set_cookie("remember_token", remember)
    assert not logged_in(fresh)  # ...until the account logs out


def test_cookies_without_a_session_version_load_nobody(site):
    user = make_user("old@example.org")
    db.session.commit()
    client = site.test_client()
    for value in (str(user.id), f"{user.id}:x", f"{user.id}:{user.session_version + 1}", "9" * 40 + ":0"):
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert not logged_in(client), value


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, again=None):  # noqa: ANN001, ANN201
    token = get_token(client, "/account/password")
    return client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_changing_the_password_ends_other_sessions_but_not_this_one(site):
    here, elsewhere = two_sessions(site, "pw@example.org")
    stolen = session_cookie(here)
    response = change_password(here)
    assert response.status_code == 302 and response.location == "/organise/"
    page = here.get("/organise/")
    assert page.status_code == 200 and "You are logged out everywhere else." in page.get_data(as_text=True)
    assert not logged_in(elsewhere)
    thief = site.test_client()
    thief.set_cookie("session", stolen)
    assert not logged_in(thief)
    db.session.expire_all()
    user = find_user("pw@example.org")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    fresh = site.test_client()
    assert login(fresh, "pw@example.org", PASSWORD).status_code == 200  # the old password is refused
    assert login(fresh, "pw@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong password", NEW_PASSWORD, None, "This is not your current password."),
        (PASSWORD, "short", None, "Use at least 10 characters."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "The two new passwords differ."),
        ("", NEW_PASSWORD, None, "This field is required."),
    ],
)
def test_bad_password_changes_come_back_with_a_message(site, current, new, again, message):
    here, elsewhere = two_sessions(site, "bad@example.org")
    response = change_password(here, current, new, again)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert logged_in(here) and logged_in(elsewhere)
    db.session.expire_all()
    assert verify_password(find_user("bad@example.org").password_hash, PASSWORD)


def test_change_password_needs_login_and_csrf(site):
    anonymous = site.test_client()
    response = anonymous.get("/account/password")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    _, client = two_sessions(site, "csrf@example.org")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(find_user("csrf@example.org").password_hash, PASSWORD)


def test_change_password_is_rate_limited_like_login(app, make_app):
    make_user("rl@example.org")
    db.session.commit()
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    login(client, "rl@example.org")
    codes = [change_password(client, current="wrong password").status_code for _ in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429


def test_resetting_a_password_on_the_command_line_ends_every_session(site):
    here, elsewhere = two_sessions(site, "cli@example.org")
    result = site.test_cli_runner().invoke(
        args=["create-organiser", "cli@example.org", "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert not logged_in(here) and not logged_in(elsewhere)
