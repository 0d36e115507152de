"""Caching and security headers (issue 9, findings 4 and 6), checked on every rule of app.url_map.

Private responses are never stored: every page with a token in its URL, the organiser area, the demo
mailbox, the account pages, login, every answer to a state-changing request and every page made for a
logged-in organiser say `Cache-Control: no-store`; the personal calendar feed says `private, no-cache`
(calendar apps keep it and revalidate it). Every response carries the Content-Security-Policy and the
other security headers. Routes added later are covered automatically.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.routing.converters import NumberConverter

from conference.auth.permissions import required_action
from conference.db import db
from conference.events.models import Organisation, Series
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Question, QuestionKind
from conference.speakers.models import Role
from tests.factories import add_member, login_as, make_event, make_person, make_room, make_session, make_user

# Written out here, not imported from conference/security.py, so that the test states the rule itself.
PRIVATE_PATHS = ("/organise/", "/registrations/", "/demo-mailbox/", "/account/", "/login", "/logout")
SECRET_ARGUMENT = "token"
REVALIDATED_FEEDS = {"feeds.registration", "speakers.calendar"}  # personal calendar feeds: private, no-cache
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def world(app: Flask) -> dict:
    series = Series(slug="a-series", title="A series")
    organisation = Organisation(name="An institute")
    db.session.add_all([series, organisation])
    event = make_event(series=series)
    room = make_room(event, "Hall")
    person = make_person(name="A Speaker")
    session = make_session(event, room=room, people=[(person, Role.SPEAKER)], capacity=40)
    owner = make_user(is_admin=True)
    member = add_member(event, owner, "owner")
    question = Question(event_id=event.id, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    registration = registering.register(
        event, registering.RegistrationInput("An Attendee", "attendee@example.org", "in_person", [session.id])
    ).registration
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)).first()
    ids = {
        "slug": event.slug,
        "token": registration.token,
        "feed_token": registration.feed_token,
        "registration_id": registration.id,
        "question_id": question.id,
        "message_id": message.id,
        "filename": "agenda.ics",
        "session_id": session.id,
        "room_id": room.id,
        "person_id": person.id,
        "assignment_id": session.assignments[0].id,
        "member_id": member.id,
        "series_id": series.id,
        "organisation_id": organisation.id,
    }
    ids["slug_of_person"] = person.slug
    return {"ids": ids, "owner": owner, "person_slug": person.slug, "feed_token": registration.feed_token}


@pytest.fixture
def site(app, make_app):  # noqa: ANN001, ANN201
    """The app in demo mode (for the demo mailbox), in a second app object so that every request gets its
    own app context, as on a real server (requests of `app` share the test's context and its `g`)."""
    return make_app(DEMO_MODE=True)


def fill(rule, world: dict) -> str:  # noqa: ANN001
    values = {}
    for name in rule.arguments:
        if name == "slug" and rule.rule.startswith("/speakers/"):
            values[name] = world["person_slug"]
        elif name in world["ids"]:
            values[name] = world["ids"][name]
        else:
            # (conference.inputs.IdConverter is a NumberConverter too)
            values[name] = 1 if isinstance(rule._converters[name], NumberConverter) else "x"
    return url_for(rule.endpoint, **values)


def requests(site: Flask, world: dict) -> list[tuple]:
    """(rule, method, url) for every rule and method of the app."""
    with site.test_request_context():
        return [
            (rule, method, fill(rule, world))
            for rule in site.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        ]


def private_by_rule(rule, app: Flask) -> bool:  # noqa: ANN001
    """Private by its URL, or an endpoint of the organiser API (one that declares an action of the role
    matrix): its answers carry registrants' data, whatever the status."""
    organiser_api = rule.rule.startswith("/api/") and required_action(app.view_functions[rule.endpoint])
    return rule.rule.startswith(PRIVATE_PATHS) or SECRET_ARGUMENT in rule.arguments or bool(organiser_api)


def check_cache_control(rule, method: str, url: str, response, *, logged_in: bool, app: Flask) -> None:  # noqa: ANN001
    control = response.headers.get("Cache-Control", "")
    where = (method, url, response.status_code, control)
    if rule.endpoint in REVALIDATED_FEEDS and method == "GET":
        if response.status_code in (200, 304):
            assert "private" in control and "no-cache" in control and "public" not in control, where
            assert "max-age" not in control, where
        else:
            assert "no-store" in control, where
    elif (
        private_by_rule(rule, app)
        or method in STATE_CHANGING
        or logged_in
        and response.mimetype == "text/html"
    ):
        assert control == "no-store", where
    else:
        assert "no-store" not in control, where  # public pages stay cacheable


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_every_private_rule_answers_no_store(site, world, who):
    client = site.test_client()
    if who == "organiser":
        login_as(client, world["owner"])
    answered = 0
    for rule, method, url in requests(site, world):
        response = client.open(url, method=method)
        check_cache_control(rule, method, url, response, logged_in=who == "organiser", app=site)
        answered += response.status_code == 200
    # Not a walk over error pages only: most pages really answered (the organiser reaches every GET page).
    assert answered >= (20 if who == "anonymous" else 45), answered


def test_private_pages_are_private_with_real_forms(site, world):
    """The pages a person actually sees, with their content, after real form posts and redirects."""
    client = site.test_client()
    token = world["ids"]["token"]
    urls = [f"/registrations/{token}/", f"/registrations/{token}/cancel", f"/api/v1/registrations/{token}"]
    urls += [f"/registrations/{token}/my-data.json", "/login", "/demo-mailbox/", "/registrations/lost-link"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
    feed_token = world["feed_token"]  # the feed has its own token (the manage token is refused there)
    feed = client.get(f"/registrations/{feed_token}/calendar.ics")
    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "private, no-cache"
    again = client.get(
        f"/registrations/{feed_token}/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]}
    )
    assert again.status_code == 304 and again.headers["Cache-Control"] == "private, no-cache"
    public = client.get(f"/events/{world['ids']['slug']}/calendar.ics")
    assert public.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/").headers.get("Cache-Control") is None
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"
    login_as(client, world["owner"])
    for url in ("/", "/organise/", "/organise/outbox/", f"/events/{world['ids']['slug']}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def csp_directives(response) -> dict[str, str]:  # noqa: ANN001
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_every_response_has_the_security_headers(site, world, who):
    client = site.test_client()
    if who == "organiser":
        login_as(client, world["owner"])
    for _rule, method, url in requests(site, world):
        response = client.open(url, method=method)
        where = (method, url, response.status_code)
        directives = csp_directives(response)
        assert directives["default-src"] == "'none'", where
        assert directives["script-src"] == "'self'", where
        assert directives["style-src"] == "'self'", where
        assert directives["frame-ancestors"] == "'none'", where
        assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'", where
        assert "unsafe" not in response.headers["Content-Security-Policy"], where
        assert response.headers["X-Content-Type-Options"] == "nosniff", where
        assert response.headers["X-Frame-Options"] == "DENY", where
        assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer"), where
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", where  # BASE_URL is https


def test_no_hsts_when_base_url_is_http(app, make_app):
    plain = make_app(BASE_URL="http://127.0.0.1:5000")
    response = plain.test_client().get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_pages_have_no_inline_script_or_style(site, world):
    """The policy allows neither; a page that needs them would break in the browser."""
    client = site.test_client()
    login_as(client, world["owner"])
    pages = 0
    for _rule, method, url in requests(site, world):
        if method != "GET":
            continue
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            assert not pattern.search(html), (url, pattern.search(html)[0])
        assert "javascript:" not in html.lower(), url
        pages += 1
    assert pages > 30
