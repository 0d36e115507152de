"""The organiser API's write endpoints: the page (form) path and the API path reach the same result through
the same operations; bad input is 422 by field, malformed JSON 400, another team's event 404, never 500.
Real database, real tokens, real CSRF on the pages; no mocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from conference.auth.api_tokens import create_token
from conference.auth.models import EventMember, TeamRole
from conference.db import db
from conference.events.models import Event, EventStatus
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Registration, RegistrationMode
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, Person, Role
from tests.api.organiser_world import Api, build_world
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor

START = datetime(2030, 5, 4, 7, 0, tzinfo=UTC)


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


@pytest.fixture
def owner(app: Flask):  # noqa: ANN201
    user = make_user("script-owner@example.org")
    db.session.commit()
    return user


@pytest.fixture
def token(owner) -> str:  # noqa: ANN001
    return create_token(owner, "script")[1]


def twin(slug: str, owner, **event_kw) -> Event:  # noqa: ANN001
    """One of two identical published events: a session with one seat (Ada confirmed, Bob waitlisted), a
    session without limit (both confirmed), a speaker with an email address in the first."""
    event = make_event(slug=slug, starts_at=START, capacity_in_person=event_kw.pop("capacity_in_person", None),
                       timezone="Europe/Berlin", **event_kw)  # fmt: skip
    small = make_session(event, title="Small", capacity=1, starts_at=START + timedelta(hours=1))
    large = make_session(event, title="Large", starts_at=START + timedelta(hours=3))
    speaker = make_person(name=f"Speaker of {slug}", email=f"speaker-{slug}@example.org")
    db.session.add(Assignment(session=small, person=speaker, role=Role.SPEAKER, position=0))
    add_member(event, owner, "owner")
    db.session.commit()
    for name in ("Ada", "Bob"):
        data = registering.RegistrationInput(
            name, f"{name.lower()}-{slug}@example.org", RegistrationMode.IN_PERSON, [small.id, large.id]
        )
        registering.register(event, data)
    return event


def state(slug: str) -> dict:
    """What an organiser's change can touch, by names (ids differ between the twins)."""
    db.session.rollback()
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).one()
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.name)
    ).all()
    return {
        "event": (event.status, event.capacity_in_person, event.seats_taken_in_person),
        "sessions": sorted(
            (s.title, s.status, s.capacity, s.seats_taken, [a.person.name.split()[0] for a in s.assignments])
            for s in event.sessions
        ),
        "registrations": [
            (r.name, r.status, sorted((seat.session.title, seat.status) for seat in r.seats))
            for r in registrations
        ],
        "outbox": sorted(
            (m.kind, m.to_address.split("-")[0])
            for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id))
        ),
    }


def session_of(slug: str, title: str) -> Session:
    return db.session.scalars(
        sa.select(Session).join(Event).where(Event.slug == slug, Session.title == title)
    ).one()


# --- the page and the API reach the same result ----------------------------------------------------------


def test_cancel_and_restore_a_session_with_registrants_page_and_api_agree(app, api, owner, token):
    twin("by-page", owner)
    twin("by-api", owner)
    page = Visitor(app, owner)
    before = state("by-page")
    assert before == state("by-api")

    small_page, small_api = session_of("by-page", "Small").id, session_of("by-api", "Small").id
    assert (
        page.post(f"/organise/events/by-page/sessions/{small_page}/cancel", data={"confirm": "y"}).status_code
        == 302
    )
    response = api.post(f"/api/v1/events/by-api/sessions/{small_api}/cancel", token)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert response.json["seats_taken"] == 0
    after = state("by-page")
    assert after == state("by-api") and after != before

    assert page.post(f"/organise/events/by-page/sessions/{small_page}/restore").status_code == 302
    assert api.post(f"/api/v1/events/by-api/sessions/{small_api}/restore", token).status_code == 200
    assert state("by-page") == state("by-api")
    again = api.post(f"/api/v1/events/by-api/sessions/{small_api}/restore", token)
    assert again.status_code == 409 and again.json["errors"]["_"]


def test_session_capacity_raised_promotes_and_lowered_is_refused_page_and_api_agree(app, api, owner, token):
    twin("by-page", owner)
    twin("by-api", owner)
    page = Visitor(app, owner)
    small_page, small_api = session_of("by-page", "Small"), session_of("by-api", "Small")
    form = {
        "title": "Small",
        "kind": small_page.kind.value,
        "starts_at": "2030-05-04T10:00",
        "ends_at": "2030-05-04T11:30",  # as it is (10:00-11:30 in Berlin): no move, no notice
        "room_id": "0",
        "description": "",
        "registration_enabled": "y",
        "capacity": "2",
    }
    url = f"/organise/events/by-page/sessions/{small_page.id}/edit"
    assert page.post(url, data=form).status_code == 302
    response = api.open(
        "PATCH",
        f"/api/v1/events/by-api/sessions/{small_api.id}",
        token,
        json={"capacity": 2, "notify": False},
    )
    assert response.status_code == 200, response.json
    assert response.json["capacity"] == 2 and response.json["seats_taken"] == 2
    assert state("by-page") == state("by-api")
    bob = [r for r in state("by-api")["registrations"] if r[0] == "Bob"][0]
    assert ("Small", "confirmed") in [(t, s.value) for t, s in bob[2]]  # promoted from the waiting list

    lowered = api.open("PATCH", f"/api/v1/events/by-api/sessions/{small_api.id}", token, json={"capacity": 1})
    assert lowered.status_code == 422
    assert "2 seats are already taken" in lowered.json["errors"]["capacity"][0]
    assert page.post(url, data={**form, "capacity": "1"}).status_code == 200  # the form shows the refusal
    assert state("by-page") == state("by-api")


def test_event_capacity_and_details_in_one_patch_page_and_api_agree(app, api, owner, token):
    twin("by-page", owner, capacity_in_person=1, waitlist_enabled=True)
    twin("by-api", owner, capacity_in_person=1, waitlist_enabled=True)
    page = Visitor(app, owner)
    assert state("by-page") == state("by-api")
    settings = {"registration_enabled": "y", "capacity_in_person": "5", "waitlist_enabled": "y",
                f"cap_{session_of('by-page', 'Small').id}": "1"}  # fmt: skip
    assert page.post("/organise/events/by-page/registration-settings", data=settings).status_code == 302
    body = {"registration": {"enabled": True, "capacity_in_person": 5, "capacity_online": None,
                             "waiting_list": True, "approval": False, "opens_at": None, "closes_at": None}}  # fmt: skip
    response = api.open("PATCH", "/api/v1/events/by-api", token, json=body)
    assert response.status_code == 200, response.json
    assert response.json["registration"]["capacity_in_person"] == 5
    assert state("by-page") == state("by-api")
    assert state("by-api")["event"][2] == 2  # Bob was promoted into the event

    # Lowered below the seats taken: 422 with the count, and the details in the same request are not saved.
    refused = api.open(
        "PATCH",
        "/api/v1/events/by-api",
        token,
        json={"title": "Renamed", "registration": {"capacity_in_person": 1}},
    )
    assert refused.status_code == 422
    assert "2 seats are already taken" in refused.json["errors"]["registration.capacity_in_person"][0]
    db.session.rollback()
    assert db.session.scalars(sa.select(Event.title).where(Event.slug == "by-api")).one() != "Renamed"


def test_status_moves_follow_the_transition_table_as_on_the_page(app, api, owner, token):
    twin("by-page", owner)
    twin("by-api", owner)
    page = Visitor(app, owner)
    assert page.post("/organise/events/by-page/unpublish").status_code == 302
    assert api.post("/api/v1/events/by-api/unpublish", token).json["status"] == "draft"
    assert page.post("/organise/events/by-page/cancel", data={"confirm": "y"}).status_code == 302
    response = api.post("/api/v1/events/by-api/cancel", token)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert state("by-page") == state("by-api")
    assert all(r[1].value == "cancelled" for r in state("by-api")["registrations"])
    refused = api.post("/api/v1/events/by-api/publish", token, json={})
    assert refused.status_code == 409
    assert "restored as a draft first" in refused.json["errors"]["status"][0]


def test_create_an_event_the_token_s_account_owns_as_with_the_form(app, api, owner, token):
    page = Visitor(app, owner)
    form = {"title": "Form Event", "kind": "workshop", "timezone": "Europe/Berlin",
            "starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T17:00", "attendance_mode": "in_person",
            "series_id": "0", "city": "Bonn"}  # fmt: skip
    assert page.post("/organise/events/new", data=form).status_code == 302
    body = {"title": "Api Event", "kind": "workshop", "timezone": "Europe/Berlin",
            "starts_at": "2030-06-01T07:00:00Z", "ends_at": "2030-06-01T17:00:00+02:00", "mode": "in_person",
            "city": "Bonn"}  # fmt: skip
    response = api.post("/api/v1/events", token, json=body)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "draft" and response.json["starts_at"] == "2030-06-01T09:00:00+02:00"
    assert response.json["venue"]["city"] == "Bonn"
    by_form = db.session.scalars(sa.select(Event).where(Event.title == "Form Event")).one()
    by_api = db.session.scalars(sa.select(Event).where(Event.title == "Api Event")).one()
    for name in ("status", "kind", "timezone", "starts_at", "ends_at", "attendance_mode", "city"):
        assert getattr(by_form, name) == getattr(by_api, name), name
    roles = db.session.scalars(sa.select(EventMember.role).where(EventMember.event_id == by_api.id)).all()
    assert roles == [TeamRole.OWNER]

    session = api.post(
        f"/api/v1/events/{by_api.slug}/sessions",
        token,
        json={
            "title": "Opening",
            "kind": "talk",
            "starts_at": "2030-06-01T09:00:00+02:00",
            "ends_at": "2030-06-01T10:00:00+02:00",
            "capacity": 30,
        },  # fmt: skip
    )
    assert session.status_code == 201 and session.json["id"] and session.json["capacity"] == 30


def test_people_by_name_with_the_similar_name_rule_by_slug_with_the_people_rule_and_removed(
    app, api, owner, token
):
    twin("by-api", owner)
    small = session_of("by-api", "Small").id
    url = f"/api/v1/events/by-api/sessions/{small}/people"
    # A similar name (the speaker already in the event): refused with the list, unless create_anyway.
    similar = api.post(url, token, json={"name": "Dr Speaker of by-api", "role": "chair"})
    assert similar.status_code == 422 and "Speaker of by-api (" in " ".join(similar.json["errors"]["name"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    made = api.post(url, token, json={"name": "Dr Speaker of by-api", "role": "chair", "create_anyway": True})
    assert made.status_code == 201 and made.json["role"] == "chair"
    # A person in another team's (unpublished) event only: not findable, so not addable.
    hidden = make_event(slug="hidden", status=EventStatus.DRAFT)
    secret = make_person(name="Secret Person", slug="secret-person")
    db.session.add(Assignment(session=make_session(hidden), person=secret, role=Role.SPEAKER, position=0))
    db.session.commit()
    refused = api.post(url, token, json={"person": "secret-person", "role": "speaker"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["person"]
    # The same person twice: the operation's refusal.
    twice = api.post(url, token, json={"person": made.json["slug"]})
    assert twice.status_code == 422 and "already in this session" in twice.json["errors"]["_"][0]
    gone = api.open("DELETE", f"{url}/{made.json['id']}", token)
    assert gone.status_code == 204 and gone.data == b""
    assert api.open("DELETE", f"{url}/{made.json['id']}", token).status_code == 404
    db.session.rollback()
    assert [a.person.name for a in session_of("by-api", "Small").assignments] == ["Speaker of by-api"]


# --- bad input, other teams --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "2030-05-04T09:00"}, "starts_at"),  # naive: no offset
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"title": 5}, "title"),
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"mode": ["online"]}, "mode"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"colour": "red"}, "colour"),
        ({"registration": []}, "registration"),
        ({"registration": {"capacity_online": "ten"}}, "registration.capacity_online"),
        ({"registration": {"capacity_online": True}}, "registration.capacity_online"),
        ({"registration": {"opens_at": "2030-01-01T09:00"}}, "registration.opens_at"),
        ({"registration": {"enabled": "yes"}}, "registration.enabled"),
        ({"registration": {"open": True}}, "registration.open"),
    ],
)
def test_bad_event_input_is_422_naming_the_field_and_changes_nothing(api, owner, token, body, field):
    twin("by-api", owner)
    before = state("by-api")
    response = api.open("PATCH", "/api/v1/events/by-api", token, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert state("by-api") == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"capacity": -1}, "capacity"),
        ({"capacity": 1.5}, "capacity"),
        ({"room": "Nowhere"}, "room"),
        ({"ends_at": "2030-05-04T08:00:00+02:00"}, "ends_at"),
        ({"notify": "no"}, "notify"),
        ({"registration_enabled": 1}, "registration_enabled"),
    ],
)
def test_bad_session_input_is_422_naming_the_field(api, owner, token, body, field):
    twin("by-api", owner)
    small = session_of("by-api", "Small").id
    response = api.open("PATCH", f"/api/v1/events/by-api/sessions/{small}", token, json=body)
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_missing_fields_malformed_json_and_non_objects(api, owner, token):
    missing = api.post("/api/v1/events", token, json={"title": "Only a title"})
    assert missing.status_code == 422
    assert {"kind", "timezone", "starts_at", "ends_at", "mode"} <= set(missing.json["errors"])
    for data in ("{x", "[1, 2]", '"text"'):
        response = api.post("/api/v1/events", token, data=data, content_type="application/json")
        assert response.status_code == 400 and response.is_json, data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_other_organisers_tokens_get_nothing(app, api, owner, token):
    world = build_world()
    stranger = world["tokens"]["stranger"]
    helper = world["tokens"]["helper"]
    small = world["small"].id
    before = state("target")
    requests = [
        ("PATCH", "/api/v1/events/target", {"title": "Taken over"}),
        ("POST", "/api/v1/events/target/cancel", {}),
        ("POST", "/api/v1/events/target/unpublish", {}),
        ("POST", "/api/v1/events/target/sessions", {"title": "x"}),
        ("PATCH", f"/api/v1/events/target/sessions/{small}", {"capacity": 100}),
        ("POST", f"/api/v1/events/target/sessions/{small}/cancel", {}),
        ("POST", f"/api/v1/events/target/sessions/{small}/people", {"name": "Intruder"}),
        ("DELETE", f"/api/v1/events/target/sessions/{small}/people/{world['ids']['assignment']}", {}),
    ]
    for method, url, body in requests:
        response = api.open(method, url, stranger, json=body)
        assert response.status_code == 404 and "Target" not in response.get_data(as_text=True), url
        assert api.open(method, url, helper, json=body).status_code == 403, url  # a check-in helper
        assert api.open(method, url, None, json=body).status_code == 401, url
        assert api.open(method, url, token, json=body).status_code == 404, url  # an owner of nothing here
    # A session of the stranger's own event is not reachable through the target either, and vice versa.
    elsewhere = db.session.scalars(sa.select(Session).where(Session.title == "Elsewhere")).one()
    response = api.post(f"/api/v1/events/other/sessions/{small}/cancel", stranger)
    assert response.status_code == 404
    assert (
        api.post(
            f"/api/v1/events/target/sessions/{elsewhere.id}/cancel", world["tokens"]["owner"]
        ).status_code
        == 404
    )
    assert state("target") == before
    db.session.rollback()
    assert db.session.get(Session, elsewhere.id).status == SessionStatus.SCHEDULED
