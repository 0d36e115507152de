"""POST/GET/DELETE registrations through the JSON API."""

from __future__ import annotations

from conference.db import db
from tests.factories import make_event, make_session


def _body(**kw) -> dict:
    return {"name": "Ada", "email": "ada@example.org", "attendance_mode": "in_person", "consent": True, **kw}


def test_create_get_delete_and_promotion(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=1)
    db.session.commit()
    first = client.post("/api/v1/events/ev/registrations", json=_body(session_ids=[panel.id]))
    assert first.status_code == 201
    data = first.get_json()
    assert data["status"] == "confirmed" and data["sessions"] == [{"id": panel.id, "status": "confirmed"}]
    assert data["manage_url"].startswith("https://conference.test/registrations/")
    second = client.post(
        "/api/v1/events/ev/registrations", json=_body(email="bob@example.org", session_ids=[panel.id])
    )
    assert second.get_json()["sessions"][0]["status"] == "waitlisted"
    assert client.get("/api/v1/events/ev").get_json()["sessions"][0]["seats_left"] == 0

    repeat = client.post("/api/v1/events/ev/registrations", json=_body(session_ids=[panel.id]))
    assert repeat.status_code == 202 and repeat.get_json() == {"status": "link_sent"}

    token = data["manage_url"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/api/v1/registrations/{token}").get_json()["status"] == "confirmed"
    assert client.delete(f"/api/v1/registrations/{token}").get_json() == {"status": "cancelled"}
    bob_token = second.get_json()["manage_url"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/api/v1/registrations/{bob_token}").get_json()["sessions"][0]["status"] == "confirmed"
    assert client.get("/api/v1/events/ev").get_json()["sessions"][0]["seats_left"] == 0


def test_invalid_input_is_422_with_messages_and_malformed_json_400(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    response = client.post(
        "/api/v1/events/ev/registrations",
        json={"name": "", "email": "nope", "consent": False, "session_ids": [99999]},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"name", "email", "consent", "session_ids"} <= set(errors)
    malformed = client.post(
        "/api/v1/events/ev/registrations", data="{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert client.post("/api/v1/events/ev/registrations", json=[1, 2]).status_code == 400
    assert client.post("/api/v1/events/missing/registrations", json=_body()).status_code == 404


def test_only_open_sessions_of_this_event_can_be_chosen(client, app) -> None:  # noqa: ANN001
    from conference.registrations.models import Registration

    event = make_event(slug="ev")
    panel = make_session(event)
    closed = make_session(event, registration_enabled=False)
    elsewhere = make_session(make_event(slug="other"))
    db.session.commit()
    for chosen in (
        [elsewhere.id],
        [closed.id],
        [panel.id, elsewhere.id],
        list(range(1, 302)),
        [2**31],
        [0],
    ):
        response = client.post("/api/v1/events/ev/registrations", json=_body(session_ids=chosen))
        assert response.status_code == 422, chosen
        assert "session_ids" in response.get_json()["errors"]
    # A number beyond 64 bits is refused with the JSON body, before any view reads it.
    response = client.post("/api/v1/events/ev/registrations", json=_body(session_ids=[2**70]))
    assert response.status_code == 400
    assert "$.session_ids[0]" in response.get_json()["error"]["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0
    ok = client.post("/api/v1/events/ev/registrations", json=_body(session_ids=[panel.id, panel.id]))
    assert ok.status_code == 201 and ok.get_json()["sessions"] == [{"id": panel.id, "status": "confirmed"}]


def test_an_idempotency_key_of_another_event_is_refused_with_a_message(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    make_event(slug="other")
    db.session.commit()
    key = "k" * 32
    first = client.post("/api/v1/events/other/registrations", json=_body(idempotency_key=key))
    assert first.status_code == 201
    again = client.post("/api/v1/events/other/registrations", json=_body(idempotency_key=key))
    assert (again.status_code, again.get_json()) == (201, first.get_json())  # the same request: same answer
    elsewhere = client.post(
        "/api/v1/events/ev/registrations", json=_body(email="bob@example.org", idempotency_key=key)
    )
    assert elsewhere.status_code == 422
    assert "another event" in elsewhere.get_json()["errors"]["idempotency_key"][0]


def test_rate_limit_applies_when_enabled(make_app) -> None:  # noqa: ANN001
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="2/minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/api/v1/registrations/" + "x" * 43).status_code for _ in range(3)]
        assert codes == [404, 404, 429]


def _messages(kind: str | None = None) -> list:
    import sqlalchemy as sa

    from conference.mail.models import OutboxMessage

    db.session.rollback()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.where(OutboxMessage.kind == kind) if kind else query))


def test_a_repeat_registration_gets_no_token_or_data_and_the_link_goes_to_the_address(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    first = client.post("/api/v1/events/ev/registrations", json=_body(affiliation="Analytical Engines"))
    assert first.status_code == 201
    manage_url = first.get_json()["manage_url"]
    token = manage_url.rstrip("/").rsplit("/", 1)[1]

    repeat = client.post("/api/v1/events/ev/registrations", json=_body(name="Mallory"))
    assert repeat.status_code == 202
    assert repeat.get_json() == {"status": "link_sent"}
    body = repeat.get_data(as_text=True)
    assert token not in body and "Analytical" not in body and "Ada" not in body
    (mail,) = _messages("manage_link")
    assert mail.to_address == "ada@example.org" and manage_url in mail.body_text
    # The same request with a new key is a repeat too (a key binds nothing it did not create).
    other_key = client.post("/api/v1/events/ev/registrations", json=_body(idempotency_key="n" * 20))
    assert (other_key.status_code, other_key.get_json()) == (202, {"status": "link_sent"})


def test_an_idempotency_key_is_bound_to_its_first_address(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    key = "a-secret-key-of-ada-0123456789"
    first = client.post("/api/v1/events/ev/registrations", json=_body(idempotency_key=key))
    assert first.status_code == 201
    stolen = client.post(
        "/api/v1/events/ev/registrations", json=_body(email="mallory@example.org", idempotency_key=key)
    )
    assert stolen.status_code == 422
    assert "another email address" in stolen.get_json()["errors"]["idempotency_key"][0]
    assert "/registrations/" not in stolen.get_data(as_text=True)
    from conference.registrations.models import Registration

    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 1
    # The first client repeating its own request (same key, same address) gets its first answer again.
    again = client.post("/api/v1/events/ev/registrations", json=_body(idempotency_key=key))
    assert (again.status_code, again.get_json()) == (201, first.get_json())
    assert _messages("manage_link") == []


def test_idempotency_keys_need_at_least_16_characters(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    for key in ("short-key", "x" * 15, "x" * 65, 12345678901234567):
        response = client.post("/api/v1/events/ev/registrations", json=_body(idempotency_key=key))
        assert response.status_code == 422, key
        assert "16 to 64" in response.get_json()["errors"]["idempotency_key"][0]
    ok = client.post("/api/v1/events/ev/registrations", json=_body(idempotency_key="x" * 16))
    assert ok.status_code == 201


def test_the_api_calendar_url_uses_the_feed_token_not_the_manage_token(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    data = client.post("/api/v1/events/ev/registrations", json=_body()).get_json()
    manage_token = data["manage_url"].rstrip("/").rsplit("/", 1)[1]
    feed_token = data["calendar_url"].rsplit("/", 2)[1]
    assert feed_token != manage_token
    assert client.get(f"/registrations/{feed_token}/calendar.ics").status_code == 200
    assert client.get(f"/registrations/{manage_token}/calendar.ics").status_code == 404
    assert client.get(f"/api/v1/registrations/{feed_token}").status_code == 404
    assert (
        client.get(f"/api/v1/registrations/{manage_token}").get_json()["calendar_url"] == data["calendar_url"]
    )
