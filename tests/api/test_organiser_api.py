"""The organiser API: bearer tokens, the role matrix on every organiser endpoint, registrations paged and
filtered, check-in, /me. Real database, real tokens, no mocks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conference.auth.models import ApiToken, TeamRole
from conference.auth.permissions import ROLE_MATRIX, Action, may_edit_person, required_action
from conference.db import db
from conference.registrations import capacity
from conference.registrations.models import Registration
from conference.speakers.models import Person
from tests.api.organiser_world import TITLE, Api, build_world, registration_by_name
from tests.conftest import _empty_all_tables
from tests.factories import login_as

TEAM_ROLE = {"helper": TeamRole.CHECKIN, "manager": TeamRole.MANAGER, "owner": TeamRole.OWNER}
ACCOUNT_ROLES = {"stranger": {TeamRole.OWNER}, "helper": {TeamRole.CHECKIN}, "manager": {TeamRole.MANAGER},
                 "owner": {TeamRole.OWNER}, "admin": {"admin"}}  # fmt: skip


@pytest.fixture
def world(app: Flask) -> dict:
    return build_world()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


def organiser_rules(app: Flask) -> list:
    """Every /api/v1 rule whose view declares an action: the organiser API."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and required_action(app.view_functions[rule.endpoint])
    ]


def fill(rule, world: dict) -> str:  # noqa: ANN001
    values = {
        "slug": "target",
        "registration_id": world["ids"]["ada"],
        "session_id": world["large"].id,
        "assignment_id": world["ids"]["assignment"],
        "person_slug": "sam-speaker",  # in the target event's programme only
    }
    return url_for(rule.endpoint, **{name: values.get(name, 1) for name in rule.arguments})


# --- authentication -------------------------------------------------------------------------------------


def test_without_a_token_every_organiser_endpoint_is_401_with_www_authenticate(app, api, world):
    rules = organiser_rules(app)
    assert {r.endpoint for r in rules} >= {
        "api.me",
        "api.organiser_registrations",
        "api.check_in_registration",
    }
    checked = 0
    for rule in rules:
        with app.test_request_context():
            url = fill(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, {"Authorization": "Basic b3duZXI6cGFzc3dvcmQ="}, {"Authorization": "Bearer"}):
                response = api.open(method, url, headers=headers)
                assert response.status_code == 401, (method, url, headers)
                assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, url)
                assert response.is_json and response.json["error"]["code"] == 401
                assert response.headers["Cache-Control"] == "no-store"
                assert TITLE not in response.get_data(as_text=True)
                checked += 1
    assert checked >= 9


@pytest.mark.parametrize(
    "token",
    ["revoked", "ct_" + "A" * 43, "ct_short", "not a token at all", "ct_" + "\u00e9" * 43, "x" * 5000],
)
def test_revoked_unknown_or_malformed_tokens_are_401(api, world, token):
    token = world["tokens"]["revoked"] if token == "revoked" else token
    for url in ("/api/v1/me", "/api/v1/events/target/registrations"):
        response = api.get(url, token)
        assert response.status_code == 401, (url, token[:20])
        assert re.search(r'\berror="?invalid_token"?', response.headers["WWW-Authenticate"])
    response = api.post(f"/api/v1/events/target/registrations/{world['ids']['ada']}/check-in", token)
    assert response.status_code == 401
    assert registration_by_name("Ada").checked_in_at is None


def test_a_revoked_token_stops_working_at_once(api, world):
    token = world["tokens"]["owner"]
    assert api.get("/api/v1/me", token).status_code == 200
    record = db.session.scalars(sa.select(ApiToken).where(ApiToken.name == "owner token")).one()
    record.revoked_at = record.created_at
    db.session.commit()
    assert api.get("/api/v1/me", token).status_code == 401


def test_a_deactivated_account_s_tokens_stop_working(api, world):
    token = world["tokens"]["owner"]
    world["users"]["owner"].active = False
    db.session.commit()
    assert api.get("/api/v1/me", token).status_code == 401


def test_the_session_cookie_of_a_logged_in_organiser_is_not_accepted(app, api, world):
    """A browser sends the cookie by itself; the organiser API must not act on it (that would be CSRF)."""
    login_as(api.client, world["users"]["owner"])
    assert api.client.get("/organise/").status_code == 200  # the cookie works for pages
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/events/target/registrations").status_code == 401
    response = api.post(f"/api/v1/events/target/registrations/{world['ids']['ada']}/check-in")
    assert response.status_code == 401
    assert registration_by_name("Ada").checked_in_at is None


def test_token_requests_need_no_csrf_token_and_the_token_is_stored_hashed(app, api, world):
    """CSRF protection is on in the tests (WTF_CSRF_ENABLED): a bearer POST passes without a CSRF token."""
    assert app.config["WTF_CSRF_ENABLED"]
    response = api.post(
        f"/api/v1/events/target/registrations/{world['ids']['ada']}/check-in", world["tokens"]["helper"]
    )
    assert response.status_code == 200
    stored = db.session.execute(sa.select(ApiToken.token_hash, ApiToken.prefix)).all()
    for token in world["tokens"].values():
        assert all(token not in (digest, prefix) for digest, prefix in stored)


def test_last_use_is_noted(api, world):
    record = db.session.scalars(sa.select(ApiToken).where(ApiToken.name == "manager token")).one()
    assert record.last_used_at is None
    assert api.get("/api/v1/me", world["tokens"]["manager"]).status_code == 200
    db.session.refresh(record)
    assert record.last_used_at is not None


def test_failed_authentications_are_rate_limited_per_client(make_app, world):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API_AUTH="3/minute")
    api = Api(limited)
    for _ in range(3):
        assert api.get("/api/v1/me", "ct_" + "B" * 43).status_code == 401
    blocked = api.get("/api/v1/me", "ct_" + "B" * 43)
    assert blocked.status_code == 429 and blocked.is_json
    # Over the limit, the client is refused before any token is looked at, a valid one too.
    assert api.get("/api/v1/me", world["tokens"]["owner"]).status_code == 429
    # Another client is not affected.
    other = api.get("/api/v1/me", world["tokens"]["owner"], environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_successful_requests_do_not_count_against_the_failure_limit(make_app, world):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API_AUTH="3/minute")
    api = Api(limited)
    for _ in range(10):
        assert api.get("/api/v1/me", world["tokens"]["owner"]).status_code == 200


# --- the role matrix on every organiser endpoint ----------------------------------------------------


@pytest.mark.parametrize("role", ["stranger", "helper", "manager", "owner", "admin"])
def test_every_organiser_endpoint_answers_every_role_as_the_matrix_says(app, api, role):
    """Every /api/v1 rule that declares an action, for every method: allowed roles get an answer (2xx, or
    409/422 about the data), never 401/403/404; refused roles get 404 for the event's endpoints (403 for
    a check-in helper refused an editor's action; the title never shows) and 403 otherwise. Endpoints
    added later are covered automatically. GET requests search (`q`) as a check-in helper must."""
    world = build_world()
    checked = 0
    for rule in organiser_rules(app):
        action = required_action(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            with app.test_request_context():
                url = fill(rule, world)
            kwargs = {"query_string": {"q": "a"}} if method == "GET" else {"json": {}}
            response = api.open(method, url, world["tokens"][role], **kwargs)
            status = response.status_code
            if role == "admin":
                allowed = True
            elif "person_slug" in rule.arguments:
                # A person: the people pages' rule (an editor of every event they are in, who may organise).
                person = db.session.scalars(sa.select(Person).where(Person.slug == "sam-speaker")).one()
                allowed = may_edit_person(world["users"][role], person)
            elif "slug" in rule.arguments:
                allowed = TEAM_ROLE.get(role) in ROLE_MATRIX[action]
            else:
                allowed = bool(ACCOUNT_ROLES[role] & ROLE_MATRIX[action])
            where = (
                role,
                method,
                url,
                action.value,
                status,
                response.get_data()[:200].decode("utf-8", "replace"),
            )
            if allowed:
                assert status < 400 or status in (409, 422), where
            elif "slug" in rule.arguments or "person_slug" in rule.arguments:
                # Another team's event: 404, as if it did not exist. A member whose account holds no
                # role allowed for the action anywhere (a check-in helper only) may get 403 first.
                assert status == 404 or (role == "helper" and status == 403), where
                assert TITLE not in response.get_data(as_text=True), where
            else:
                assert status == 403, where
            if method != "GET" and status < 400:  # start again from the same world
                db.session.remove()
                _empty_all_tables()
                world = build_world()
            checked += 1
    assert checked >= 3


def test_another_team_s_event_is_404_like_a_missing_one(api, world):
    token = world["tokens"]["stranger"]
    for slug in ("target", "does-not-exist"):
        response = api.get(f"/api/v1/events/{slug}/registrations", token)
        assert response.status_code == 404 and response.is_json
        assert TITLE not in response.get_data(as_text=True)
    ada = world["ids"]["ada"]
    assert api.post(f"/api/v1/events/target/registrations/{ada}/check-in", token).status_code == 404
    assert registration_by_name("Ada").checked_in_at is None
    # The stranger's own event works, and its registrations are not the target's.
    own = api.get("/api/v1/events/other/registrations", token).json
    assert [r["name"] for r in own["registrations"]] == ["Zed"]


def test_a_registration_of_another_event_cannot_be_checked_in_through_this_one(api, world):
    zed = registration_by_name("Zed")
    response = api.post(f"/api/v1/events/target/registrations/{zed.id}/check-in", world["tokens"]["owner"])
    assert response.status_code == 404
    assert registration_by_name("Zed").checked_in_at is None


# --- registrations: list, paging, filters ---------------------------------------------------------------


def test_registrations_list_shape_and_times_with_offset(api, world):
    data = api.get("/api/v1/events/target/registrations", world["tokens"]["manager"]).json
    assert [r["name"] for r in data["registrations"]] == ["Ada", "Bob", "Cy"]
    assert data["total"] == 3 and data["page"] == 1 and data["next"] is None
    ada, bob, cy = data["registrations"]
    assert ada["email"] == "ada@example.org" and ada["attendance_mode"] == "in_person"
    assert ada["status"] == "confirmed" and cy["status"] == "cancelled"
    assert {s["title"]: s["status"] for s in bob["sessions"]} == {
        "Small seminar": "waitlisted",
        "Large hall": "confirmed",
    }
    created = datetime.fromisoformat(ada["created_at"])
    assert created.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))  # America/New_York
    assert ada["checked_in_at"] is None
    body = str(data)
    for registration in db.session.scalars(sa.select(Registration)):
        assert registration.token not in body and registration.feed_token not in body
        assert registration.checkin_code not in body


def test_paging_with_a_cap(api, world):
    token = world["tokens"]["owner"]
    first = api.get("/api/v1/events/target/registrations?per_page=2", token).json
    assert [r["name"] for r in first["registrations"]] == ["Ada", "Bob"]
    assert first["total"] == 3 and first["per_page"] == 2
    assert first["next"] == "https://conference.test/api/v1/events/target/registrations?page=2&per_page=2"
    second = api.get(first["next"].removeprefix("https://conference.test"), token).json
    assert [r["name"] for r in second["registrations"]] == ["Cy"] and second["next"] is None
    assert api.get("/api/v1/events/target/registrations?page=9", token).json["registrations"] == []
    for query in ("per_page=201", "per_page=0", "page=0", "page=-1", "page=two", "page=²"):
        response = api.get(f"/api/v1/events/target/registrations?{query}", token)
        assert response.status_code == 422, query
        assert set(response.json["errors"]) == {query.split("=")[0]}


def test_filters_by_status_session_mode_and_search(api, world):
    token = world["tokens"]["owner"]

    def names(query: str) -> list[str]:
        response = api.get(f"/api/v1/events/target/registrations?{query}", token)
        assert response.status_code == 200, (query, response.json)
        return [r["name"] for r in response.json["registrations"]]

    assert names("status=confirmed") == ["Ada", "Bob"]
    assert names("status=cancelled") == ["Cy"]
    assert names(f"session={world['small'].id}") == ["Ada", "Bob"]
    assert names(f"session={world['small'].id}&status=confirmed&q=bob") == ["Bob"]
    assert names("mode=online") == []
    assert names("q=ADA@example") == ["Ada"]
    code = registration_by_name("Bob").checkin_code
    assert names(f"q={code.lower()}") == ["Bob"]
    # Filters ride along to the next page.
    paged = api.get("/api/v1/events/target/registrations?status=confirmed&per_page=1&q=%25", token).json
    assert paged["next"] is None and paged["registrations"] == []  # "%" matches itself only
    paged = api.get("/api/v1/events/target/registrations?status=confirmed&per_page=1", token).json
    assert "status=confirmed" in paged["next"] and "per_page=1" in paged["next"]
    bad = api.get(
        f"/api/v1/events/target/registrations?status=maybe&session={world['other'].id + 1000}&mode=x", token
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"status", "session", "mode"}
    elsewhere = api.get("/api/v1/events/other/registrations", world["tokens"]["stranger"]).json
    zed_session = elsewhere["registrations"][0]["sessions"][0]["id"]
    response = api.get(f"/api/v1/events/target/registrations?session={zed_session}", token)
    assert response.status_code == 422 and "session" in response.json["errors"]


def test_check_in_helpers_search_but_do_not_list_everyone(api, world):
    """Decision: the list takes the check-in page's action (`check_in`). Helpers find people by searching,
    as on the check-in page: without `q` they are refused (403); erased registrations never show."""
    token = world["tokens"]["helper"]
    response = api.get("/api/v1/events/target/registrations", token)
    assert response.status_code == 403 and "q" in response.json["error"]["message"]
    assert "Ada" not in response.get_data(as_text=True)
    found = api.get("/api/v1/events/target/registrations?q=ada", token).json
    assert [r["name"] for r in found["registrations"]] == ["Ada"]
    capacity.erase(registration_by_name("Cy"))
    erased_id = world["ids"]["cy"]
    owner_view = api.get("/api/v1/events/target/registrations?q=invalid", world["tokens"]["owner"]).json
    assert [r["id"] for r in owner_view["registrations"]] == [erased_id]
    assert (
        owner_view["registrations"][0]["erased"] is True and owner_view["registrations"][0]["email"] is None
    )
    assert api.get("/api/v1/events/target/registrations?q=invalid", token).json["registrations"] == []


# --- check-in --------------------------------------------------------------------------------------------


def test_check_in_by_a_helper_is_idempotent(api, world):
    url = f"/api/v1/events/target/registrations/{world['ids']['ada']}/check-in"
    first = api.post(url, world["tokens"]["helper"])
    assert first.status_code == 200 and first.json["already_checked_in"] is False
    checked_in_at = first.json["registration"]["checked_in_at"]
    assert checked_in_at is not None
    stored = registration_by_name("Ada").checked_in_at
    assert stored is not None
    again = api.post(url, world["tokens"]["owner"])
    assert again.status_code == 200 and again.json["already_checked_in"] is True
    assert again.json["registration"]["checked_in_at"] == checked_in_at
    assert registration_by_name("Ada").checked_in_at == stored
    # The organiser's list shows it too.
    listed = api.get("/api/v1/events/target/registrations?q=ada", world["tokens"]["manager"]).json
    assert listed["registrations"][0]["checked_in_at"] == checked_in_at


def test_check_in_of_a_registration_that_is_not_confirmed_is_409(api, world):
    response = api.post(
        f"/api/v1/events/target/registrations/{world['ids']['cy']}/check-in", world["tokens"]["helper"]
    )
    assert response.status_code == 409
    assert "cancelled" in response.json["errors"]["status"][0]
    assert registration_by_name("Cy").checked_in_at is None
    missing = api.post("/api/v1/events/target/registrations/999999/check-in", world["tokens"]["helper"])
    assert missing.status_code == 404


def test_check_in_ignores_a_body_but_refuses_malformed_json(api, world):
    url = f"/api/v1/events/target/registrations/{world['ids']['ada']}/check-in"
    token = world["tokens"]["helper"]
    malformed = api.post(url, token, data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.is_json
    assert registration_by_name("Ada").checked_in_at is None
    assert api.post(url, token, json={"anything": 1}).status_code == 200


# --- /me ------------------------------------------------------------------------------------------------


def test_me_names_the_account_its_events_roles_and_token(api, world):
    data = api.get("/api/v1/me", world["tokens"]["helper"]).json
    assert data["email"] == "helper@example.org" and data["admin"] is False
    assert data["token"]["name"] == "helper token" and data["token"]["prefix"].startswith("ct_")
    assert world["tokens"]["helper"].startswith(data["token"]["prefix"])
    assert data["events"] == [
        {
            "slug": "target",
            "title": TITLE,
            "status": "published",
            "starts_at": data["events"][0]["starts_at"],
            "role": "checkin",
            "actions": ["check_in"],
        }
    ]
    owner = api.get("/api/v1/me", world["tokens"]["owner"]).json["events"][0]
    assert owner["actions"] == sorted(a.value for a in Action if a in {
        Action.EDIT_EVENT, Action.MANAGE_TEAM, Action.MANAGE_OWNERS, Action.CHECK_IN, Action.VIEW_AUDIT})  # fmt: skip
    stranger = api.get("/api/v1/me", world["tokens"]["stranger"]).json
    assert [e["slug"] for e in stranger["events"]] == ["other"]
    assert api.get("/api/v1/me", world["tokens"]["admin"]).json["admin"] is True


# --- generated bad input, with a valid token (tests/test_generated_input.py sends none) ----------------

BAD = [
    "\x00",
    "a\x00b",
    "9" * 25,
    str(2**63),
    "-1",
    "0",
    "²",
    "١٢",
    "%",
    "_",
    "x" * 5000,
    "",
    " ",
    "1e3",
    "😀",
]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
@seed(10)
def test_generated_queries_with_a_token_never_make_a_5xx(api, world, data):  # noqa: ANN001
    """One world for all examples (check-ins may change it; answers stay within the documented ones)."""
    value = st.one_of(st.sampled_from(BAD), st.text(max_size=12), st.integers(-5, 300).map(str))
    keys = st.sampled_from(["page", "per_page", "status", "session", "mode", "q", "other"])
    query = data.draw(st.dictionaries(keys, value, max_size=5))
    token = world["tokens"][data.draw(st.sampled_from(["owner", "helper", "stranger", "admin"]))]
    response = api.get("/api/v1/events/target/registrations", token, query_string=query)
    assert response.status_code in (200, 400, 403, 404, 422), (query, response.get_data(as_text=True)[:300])
    assert response.is_json
    target = data.draw(st.sampled_from([*map(str, world["ids"].values()), "0", "9" * 19, "1" * 25, "²"]))
    response = api.post(f"/api/v1/events/target/registrations/{quote(target)}/check-in", token, json=query)
    assert response.status_code in (200, 400, 404, 409), (target, response.get_data(as_text=True)[:300])
