"""The OpenAPI 3.1 document at /api/v1/openapi.json: valid (openapi-spec-validator), complete (every /api/v1
rule and method of app.url_map is in it, and nothing else), and true (real answers of every endpoint, for
every documented status, validate against the documented schema, with jsonschema)."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from conference.auth.permissions import required_action
from conference.db import db
from conference.events.models import Series
from conference.sessions import operations as sessions
from conference.speakers.models import Assignment, Role
from tests.api.organiser_world import Api, build_world
from tests.factories import make_event, make_person, make_room, make_session

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _document(app: Flask) -> dict:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.data)


def _template(rule: str) -> str:
    """/api/v1/events/<slug>/registrations/<int:registration_id> -> .../{slug}/registrations/{registration_id}"""
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi_3_1_served_compact(app):
    response = app.test_client().get("/api/v1/openapi.json")
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error
    assert b"\n" not in response.data and b'": ' not in response.data  # no indentation, compact separators
    assert app.test_client().get("/api/v1/openapi.json").data == response.data
    assert document["servers"] == [{"url": "https://conference.test"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }


def test_every_api_rule_and_method_is_documented_and_nothing_else(app):
    document = _document(app)
    in_app: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _template(rule.rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods & METHODS):
            in_app.add((path, method.lower()))
            operation = document["paths"].get(path, {}).get(method.lower())
            assert operation is not None, f"describe {method} {path} in conference/api/openapi.py"
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert documented == set(rule.arguments), (method, path)
            action = required_action(view)
            if action is None:  # public: no token
                assert "security" not in operation, (method, path)
            else:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert operation["x-action"] == action.value, (method, path)
                assert "401" in operation["responses"], (method, path)
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == in_app  # nothing described that the app does not serve
    assert len(in_app) >= 9


class Checker:
    """Validates answers against the document and records which (path, method, status) were seen."""

    def __init__(self, document: dict) -> None:
        self.document = document
        self.seen: set[tuple[str, str, str]] = set()

    def __call__(self, response, path: str, method: str):  # noqa: ANN001, ANN204
        status = str(response.status_code)
        operation = self.document["paths"][path][method]
        where = (method, path, status, response.get_data()[:300].decode("utf-8", "replace"))
        assert status in operation["responses"], ("undocumented status", *where)
        if status == "204":  # no content, and none documented
            assert response.get_data() == b"" and "content" not in operation["responses"][status], where
            self.seen.add((path, method, status))
            return response
        if "application/pdf" in operation["responses"][status].get("content", {}):
            assert response.mimetype == "application/pdf" and response.get_data().startswith(b"%PDF-"), where
            self.seen.add((path, method, status))
            return response
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert response.is_json, where
        # The document's components alongside, so that "#/components/schemas/..." resolves.
        validator = Draft202012Validator(
            {"components": self.document["components"], **schema},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(response.json)
        ]
        assert errors == [], where
        self.seen.add((path, method, status))
        return response

    def documented(self) -> set[tuple[str, str, str]]:
        return {
            (path, method, status)
            for path, item in self.document["paths"].items()
            for method, operation in item.items()
            for status in operation["responses"]
        }


@pytest.fixture
def world(app: Flask) -> dict:
    made = build_world()
    # A room and a speaker, so that the programme's people and rooms are in the answers too.
    event = made["event"]
    made["small"].room = make_room(event, "Seminar Room 2")
    made["small"].assignments.append(Assignment(person=make_person(name="Ann Speaker"), role=Role.MODERATOR))
    full = make_event(slug="full", capacity_in_person=1, waitlist_enabled=False)
    make_session(full)
    db.session.commit()
    return made


def test_real_answers_of_every_endpoint_match_the_document(app, make_app, world):
    document = _document(app)
    check = Checker(document)
    api = Api(app)
    tokens = world["tokens"]
    ada = world["ids"]["ada"]
    cy = world["ids"]["cy"]

    events = "/api/v1/events"
    check(api.get(events), events, "get")
    check(api.get(events + "?upcoming=1"), events, "get")
    check(api.get(events + "?upcoming=maybe"), events, "get")

    event = "/api/v1/events/{slug}"
    check(api.get("/api/v1/events/target"), event, "get")
    check(api.get("/api/v1/events/nope"), event, "get")
    check(api.get("/api/v1/events/target?lang=ja"), event, "get")
    check(api.get("/api/v1/events/target?lang=xx"), event, "get")  # 400: unknown language
    check(api.get("/api/v1/events/target", tokens["owner"]), event, "get")  # the organiser view
    check(api.get("/api/v1/events/target", tokens["revoked"]), event, "get")  # 401

    world["event"].series = Series(slug="essays", title="Essays")
    db.session.commit()
    check(api.get("/api/v1/series"), "/api/v1/series", "get")
    check(api.get("/api/v1/series/essays"), "/api/v1/series/{slug}", "get")
    check(api.get("/api/v1/series/nope"), "/api/v1/series/{slug}", "get")

    registrations = "/api/v1/events/{slug}/registrations"
    body = {"name": "Eve", "email": "eve@example.org", "attendance_mode": "in_person", "consent": True}
    created = check(api.post("/api/v1/events/target/registrations", json=body), registrations, "post")
    assert created.status_code == 201
    again = check(api.post("/api/v1/events/target/registrations", json=body), registrations, "post")
    assert again.status_code == 202
    check(api.post("/api/v1/events/target/registrations", json={"name": ""}), registrations, "post")
    check(
        api.post("/api/v1/events/target/registrations", data="{x", content_type="application/json"),
        registrations,
        "post",
    )
    check(api.post("/api/v1/events/nope/registrations", json=body), registrations, "post")
    first = {**body, "email": "first@example.org"}
    assert (
        check(api.post("/api/v1/events/full/registrations", json=first), registrations, "post").status_code
        == 201
    )
    late = {**body, "email": "late@example.org"}
    assert (
        check(api.post("/api/v1/events/full/registrations", json=late), registrations, "post").status_code
        == 409
    )

    check(api.get("/api/v1/events/target/registrations", tokens["owner"]), registrations, "get")
    check(api.get("/api/v1/events/target/registrations?per_page=1", tokens["owner"]), registrations, "get")
    check(api.get("/api/v1/events/target/registrations?q=ada", tokens["helper"]), registrations, "get")
    check(api.get("/api/v1/events/target/registrations", tokens["helper"]), registrations, "get")  # 403
    check(api.get("/api/v1/events/target/registrations"), registrations, "get")  # 401
    check(api.get("/api/v1/events/target/registrations", tokens["stranger"]), registrations, "get")  # 404
    check(api.get("/api/v1/events/target/registrations?page=0", tokens["owner"]), registrations, "get")  # 422

    check_in = "/api/v1/events/{slug}/registrations/{registration_id}/check-in"
    url = f"/api/v1/events/target/registrations/{ada}/check-in"
    check(api.post(url, tokens["helper"]), check_in, "post")
    check(api.post(url, tokens["helper"]), check_in, "post")
    check(api.post(url), check_in, "post")
    check(api.post(url, tokens["stranger"]), check_in, "post")
    check(api.post(f"/api/v1/events/target/registrations/{cy}/check-in", tokens["owner"]), check_in, "post")
    check(api.open("DELETE", url, tokens["helper"]), check_in, "delete")
    check(api.open("DELETE", url), check_in, "delete")  # 401
    check(api.open("DELETE", url, tokens["stranger"]), check_in, "delete")  # 404
    badges = "/api/v1/events/{slug}/badges.pdf"
    check(api.get("/api/v1/events/target/badges.pdf", tokens["owner"]), badges, "get")
    check(api.get("/api/v1/events/target/badges.pdf?layout=l7163", tokens["owner"]), badges, "get")
    check(api.get("/api/v1/events/target/badges.pdf?layout=poster", tokens["owner"]), badges, "get")  # 422
    check(api.get("/api/v1/events/target/badges.pdf"), badges, "get")  # 401
    check(api.get("/api/v1/events/target/badges.pdf", tokens["helper"]), badges, "get")  # 403
    check(api.get("/api/v1/events/target/badges.pdf", tokens["stranger"]), badges, "get")  # 404

    me = "/api/v1/me"
    for token in tokens.values():
        check(api.get(me, token), me, "get")

    manage = created.json["manage_url"].rstrip("/").rsplit("/", 1)[1]
    by_token = "/api/v1/registrations/{token}"
    check(api.get(f"/api/v1/registrations/{manage}"), by_token, "get")
    check(api.get("/api/v1/registrations/not-a-token"), by_token, "get")
    check(api.open("DELETE", f"/api/v1/registrations/{manage}"), by_token, "delete")
    check(api.open("DELETE", "/api/v1/registrations/not-a-token"), by_token, "delete")

    check(api.get("/api/v1/openapi.json"), "/api/v1/openapi.json", "get")

    writes = organiser_writes(check, api, tokens, world)

    audit = "/api/v1/events/{slug}/audit"
    owner, small = world["users"]["owner"], world["small"]
    values = {
        "title": "Smaller seminar",
        "capacity": 2,
        "starts_at": small.starts_at,
        "ends_at": small.ends_at,
    }
    sessions.edit_session(owner, small, values)
    sessions.cancel_session(owner, small)
    check(api.get("/api/v1/events/target/audit", tokens["owner"]), audit, "get")
    check(api.get("/api/v1/events/target/audit?per_page=1&subject=session", tokens["owner"]), audit, "get")
    check(api.get("/api/v1/events/target/audit"), audit, "get")  # 401
    check(api.get("/api/v1/events/target/audit", tokens["helper"]), audit, "get")  # 403
    check(api.get("/api/v1/events/target/audit", tokens["stranger"]), audit, "get")  # 404
    check(api.get("/api/v1/events/target/audit?subject=nope", tokens["owner"]), audit, "get")  # 422
    announcements = "/api/v1/events/{slug}/announcements"
    url_a = "/api/v1/events/target/announcements"
    note = {"subject": "Room change", "body": "Hall B.", "audience": {"sessions": [world["small"].id]}}
    assert check(api.post(url_a, tokens["owner"], json=note), announcements, "post").status_code == 202
    assert check(api.post(url_a, tokens["owner"], json=note), announcements, "post").status_code == 200
    check(api.post(url_a, tokens["owner"], json={"subject": ""}), announcements, "post")  # 422
    check(api.post(url_a, tokens["owner"], data="{x", content_type="application/json"), announcements, "post")
    check(api.post(url_a, json=note), announcements, "post")  # 401
    check(api.post(url_a, tokens["helper"], json=note), announcements, "post")  # 403
    check(api.post(url_a, tokens["stranger"], json=note), announcements, "post")  # 404
    check(api.get(url_a, tokens["owner"]), announcements, "get")
    check(api.get(url_a), announcements, "get")  # 401
    check(api.get(url_a, tokens["helper"]), announcements, "get")  # 403
    check(api.get(url_a, tokens["stranger"]), announcements, "get")  # 404
    # Rate limits (429), in an app with limits on: one request each, then refused.
    limited = Api(
        make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="1/minute", RATELIMIT_API_AUTH="1/minute")
    )
    for _ in range(2):
        check(limited.post("/api/v1/events/nope/registrations", json=body), registrations, "post")
        check(limited.get("/api/v1/registrations/not-a-token"), by_token, "get")
        check(limited.open("DELETE", "/api/v1/registrations/not-a-token"), by_token, "delete")
        check(limited.get(me, "ct_" + "Z" * 43), me, "get")
    check(limited.get("/api/v1/events/target/registrations", tokens["owner"]), registrations, "get")
    check(limited.post(url, tokens["owner"]), check_in, "post")
    check(limited.open("DELETE", url, tokens["owner"]), check_in, "delete")
    check(limited.get("/api/v1/events/target/badges.pdf", tokens["owner"]), badges, "get")
    check(limited.get("/api/v1/events/target/audit", tokens["owner"]), audit, "get")
    check(limited.get(url_a, tokens["owner"]), announcements, "get")
    check(limited.post(url_a, tokens["owner"], json=note), announcements, "post")
    check(limited.get(me), me, "get")  # 429 before any token is looked at
    for method, url, path in writes:
        check(limited.open(method.upper(), url, tokens["owner"], json={}), path, method)

    missing = check.documented() - check.seen
    assert missing == set(), "documented answers never seen (add them to this test): " + repr(sorted(missing))


def organiser_writes(check: Checker, api: Api, tokens: dict, world: dict) -> list[tuple[str, str, str]]:
    """Every answer of the organiser write endpoints; returns (method, url, path) of each endpoint."""
    owner, helper, stranger = tokens["owner"], tokens["helper"], tokens["stranger"]
    bad_json = {"data": "{x", "content_type": "application/json"}
    done: list[tuple[str, str, str]] = []

    def walk(method: str, url: str, path: str, ok: dict, *bad: dict, foreign: str | None = None) -> object:
        """The allowed answer, then each bad body, 401, 403 (a check-in helper) and 404 (another team)."""
        answer = check(api.open(method.upper(), url, owner, **ok), path, method)
        for kwargs in bad:
            check(api.open(method.upper(), url, owner, **kwargs), path, method)
        check(api.open(method.upper(), url, None, **ok), path, method)
        check(api.open(method.upper(), url, helper, **ok), path, method)
        if foreign:
            check(api.open(method.upper(), foreign, stranger, **ok), path, method)
        done.append((method, url, path))
        return answer

    events = "/api/v1/events"
    new_event = {
        "title": "Made by the API",
        "kind": "conference",
        "timezone": "Europe/Berlin",
        "starts_at": "2030-05-04T09:00:00+02:00",
        "ends_at": "2030-05-05T17:00:00+02:00",
        "mode": "in_person",
    }
    created = walk("post", events, events, {"json": new_event}, {"json": {"title": 5}}, bad_json)
    assert created.status_code == 201
    slug = created.json["slug"]

    event = "/api/v1/events/{slug}"
    changes = {"json": {"summary": "Changed", "registration": {"capacity_in_person": 50}}}
    too_small = {"json": {"registration": {"capacity_in_person": 0}}}  # Ada and Bob hold seats
    walk(
        "patch", "/api/v1/events/target", event, changes, too_small, bad_json, foreign="/api/v1/events/target"
    )

    publish = "/api/v1/events/{slug}/publish"
    url = f"/api/v1/events/{slug}/publish"
    walk(
        "post", url, publish, {"json": {}}, {"json": {}}, {"json": {"confirm": "yes"}}, bad_json, foreign=url
    )
    url = f"/api/v1/events/{slug}/unpublish"
    walk("post", url, "/api/v1/events/{slug}/unpublish", {}, {}, foreign=url)  # then 409: done already
    url = f"/api/v1/events/{slug}/cancel"
    bad_notify = {"json": {"notify": "no"}}
    walk(
        "post",
        url,
        "/api/v1/events/{slug}/cancel",
        {"json": {"notify": False}},
        {},
        bad_notify,
        bad_json,
        foreign=url,
    )

    sessions = "/api/v1/events/{slug}/sessions"
    new_session = {
        "title": "Made by the API",
        "kind": "talk",
        "starts_at": "2030-05-04T09:00:00+02:00",
        "ends_at": "2030-05-04T10:00:00+02:00",
    }
    url = "/api/v1/events/target/sessions"
    made = walk("post", url, sessions, {"json": new_session}, {"json": {}}, bad_json, foreign=url)
    session_id = made.json["id"]

    one = "/api/v1/events/{slug}/sessions/{session_id}"
    url = f"/api/v1/events/target/sessions/{world['small'].id}"
    walk("patch", url, one, {"json": {"room": None}}, {"json": {"capacity": 0}}, bad_json, foreign=url)
    for move in ("cancel", "restore"):
        url = f"/api/v1/events/target/sessions/{session_id}/{move}"
        walk("post", url, one + "/" + move, {}, {}, foreign=url)  # then 409: done already

    people = one + "/people"
    url = f"/api/v1/events/target/sessions/{session_id}/people"
    added = walk("post", url, people, {"json": {"name": "Zoe Newcomer", "role": "chair"}}, {"json": {}}, bad_json,
                 foreign=url)  # fmt: skip
    person = "/api/v1/people/{person_slug}"
    person_url = f"/api/v1/people/{added.json['slug']}"
    walk("get", person_url, person, {}, foreign=person_url)
    translated = {
        "json": {
            "position": "Professor",
            "translations": {"ja": {"position": "教授"}},
            "timezone": "Asia/Seoul",
        }
    }
    walk("patch", person_url, person, translated, {"json": {"translations": {"xx": {}}}}, bad_json,
         foreign=person_url)  # fmt: skip
    # Sending an invitation again: Zoe has no address (409); Yara has one (202 with the state).
    invitation = people + "/{assignment_id}/invitation"
    resend = f"{url}/{added.json['id']}/invitation"
    walk("post", resend, invitation, {}, foreign=resend)
    yara = {"name": "Yara Mailed", "email": "yara@example.org", "role": "speaker"}
    mailed = check(api.post(url, owner, json=yara), people, "post")
    assert mailed.json["status"] == "invited"
    sent = check(api.post(f"{url}/{mailed.json['id']}/invitation", owner), invitation, "post")
    assert sent.status_code == 202 and sent.json["status"] == "invited"
    speakers = "/api/v1/events/{slug}/speakers"
    listed = walk(
        "get", "/api/v1/events/target/speakers", speakers, {}, foreign="/api/v1/events/target/speakers"
    )
    assert {"Yara Mailed", "Zoe Newcomer"} <= {p["name"] for p in listed.json["speakers"]}
    url = f"{url}/{added.json['id']}"
    walk("delete", url, people + "/{assignment_id}", {}, foreign=url)
    return done
