"""POST/GET /api/v1/events/<slug>/announcements: 202 with the number of recipients (and the copies go out
over real SMTP), what to fix for bad input, another team's event not found, a repeat not sent twice."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from conference.announcements.models import Announcement
from conference.audit.models import AuditEntry
from conference.db import db
from conference.mail import sender
from tests.announcements.world import build
from tests.api.organiser_world import Api

URL = "/api/v1/events/ev/announcements"


@pytest.fixture
def world(app, smtp):  # noqa: ANN001, ANN201
    return build(smtp[1])


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Announcement))


def test_an_announcement_to_one_sessions_registrants_reaches_exactly_them_each_alone(
    app, world, smtp
) -> None:  # noqa: ANN001
    api = Api(app)
    body = {
        "subject": "Room change",
        "body": "We meet in *Hall B*.",
        "audience": {"sessions": [world["s2"].id]},
    }
    response = api.post(URL, world["tokens"]["owner"], json=body)
    assert response.status_code == 202, response.json
    assert response.json["recipients"] == 2 and response.json["already_sent"] is False
    assert response.json["audience"] == {"status": ["confirmed"], "sessions": [world["s2"].id]}
    assert "Workshop on maps" in response.json["audience_description"]
    assert sender.send_due().sent == 2
    assert sorted(smtp[1].recipients()) == ["bob@example.org", "dee@example.org"]
    for message in smtp[1].received:
        assert message["List-Unsubscribe"].strip().startswith("<https://conference.test/unsubscribe/")
        assert message["Cc"] is None and message["Bcc"] is None
    listed = api.get(URL, world["tokens"]["owner"])
    assert listed.status_code == 200
    (item,) = listed.json["announcements"]
    assert (item["recipients"], item["sent"], item["author"]) == (2, 2, "owner@example.org")
    # In the audit log: who sent what to whom.
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "announcement.sent")).one()
    assert (entry.actor_email, entry.subject_label, entry.after["recipients"]) == (
        "owner@example.org",
        "Room change",
        2,
    )


def test_a_repeated_post_does_not_send_twice(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    token = world["tokens"]["owner"]
    body = {"subject": "Hello", "body": "Once."}
    first = api.post(URL, token, json=body)
    again = api.post(URL, token, json=body)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["already_sent"] is True and again.json["id"] == first.json["id"]
    keyed = {"subject": "Keyed", "body": "Twice?"}
    one = api.post(URL, token, json=keyed, headers={"Idempotency-Key": "abc"})
    # Another body with the same key is the same request retried: nothing more is sent.
    two = api.post(URL, token, json={**keyed, "body": "Changed"}, headers={"Idempotency-Key": "abc"})
    assert (one.status_code, two.status_code) == (202, 200) and two.json["id"] == one.json["id"]
    assert _count() == 2


BAD = [
    ({"subject": "", "body": "x"}, "subject"),
    ({"subject": "   ", "body": "x"}, "subject"),
    ({"subject": "x", "body": ""}, "body"),
    ({"body": "x"}, "subject"),
    ({"subject": 5, "body": "x"}, "subject"),
    ({"subject": "x", "body": "x", "sent_by": "me"}, "sent_by"),
    ({"subject": "x", "body": "x", "audience": []}, "audience"),
    ({"subject": "x", "body": "x", "audience": {"everyone": True}}, "audience.everyone"),
    ({"subject": "x", "body": "x", "audience": {"status": "confirmed"}}, "audience.status"),
    ({"subject": "x", "body": "x", "audience": {"status": ["gone"]}}, "audience.status"),
    ({"subject": "x", "body": "x", "audience": {"mode": "hybrid"}}, "audience.mode"),
    ({"subject": "x", "body": "x", "audience": {"sessions": ["1"]}}, "audience.sessions"),
    ({"subject": "x", "body": "x", "audience": {"sessions": [True]}}, "audience.sessions"),
    ({"subject": "x", "body": "x", "audience": {"sessions": [2**40]}}, "audience.sessions"),
    ({"subject": "x", "body": "x", "audience": {"checked_in": "yes"}}, "audience.checked_in"),
    ({"subject": "x", "body": "x", "audience": {"question": {"id": "1"}}}, "audience.question.id"),
    ({"subject": "x", "body": "x", "audience": {"question": {"id": 1, "answer": "x", "more": 1}}},
     "audience.question.more"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field"), BAD, ids=[field for _, field in BAD])
def test_bad_input_is_refused_saying_what_to_fix_and_nothing_is_sent(app, world, body, field) -> None:  # noqa: ANN001
    response = Api(app).post(URL, world["tokens"]["owner"], json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert all(isinstance(m, str) and m for m in response.json["errors"][field])
    assert _count() == 0


def test_sessions_and_questions_of_another_event_are_refused(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    token = world["tokens"]["owner"]
    foreign = api.post(
        URL, token, json={"subject": "x", "body": "y", "audience": {"sessions": [world["other_session"].id]}}
    )
    assert foreign.status_code == 422
    assert str(world["other_session"].id) in foreign.json["errors"]["audience.sessions"][0]
    text_question = {"id": 10_000, "answer": "x"}
    missing = api.post(
        URL, token, json={"subject": "x", "body": "y", "audience": {"question": text_question}}
    )
    assert missing.status_code == 422 and "audience.question.id" in missing.json["errors"]
    fish = {"question": {"id": world["meal"].id, "answer": "Fish"}}
    wrong = api.post(URL, token, json={"subject": "x", "body": "y", "audience": fish})
    assert wrong.status_code == 422 and "Vegetarian" in wrong.json["errors"]["audience.question.answer"][0]
    assert _count() == 0


def test_malformed_deep_or_huge_json_is_refused(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    token = world["tokens"]["owner"]
    assert api.post(URL, token, data="{x", content_type="application/json").status_code == 400
    assert api.post(URL, token, json=["subject"]).status_code == 400
    deep = {"subject": "x", "body": "y", "audience": {"question": json.loads("[" * 100 + "]" * 100)}}
    assert api.post(URL, token, json=deep).status_code == 400
    huge = {"subject": "x", "body": "y" * (2**20 + 1)}
    assert api.post(URL, token, json=huge).status_code == 413
    too_long = api.post(URL, token, json={"subject": "x", "body": "y" * 50_001})
    assert too_long.status_code == 422 and "body" in too_long.json["errors"]
    assert _count() == 0


def test_only_the_events_editors_may(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    body = {"subject": "x", "body": "y"}
    assert api.post(URL, None, json=body).status_code == 401
    assert api.post(URL, world["tokens"]["stranger"], json=body).status_code == 404
    assert api.get(URL, world["tokens"]["stranger"]).status_code == 404
    assert api.post(URL, world["tokens"]["helper"], json=body).status_code in (403, 404)
    assert (
        api.post("/api/v1/events/other/announcements", world["tokens"]["owner"], json=body).status_code == 404
    )
    assert _count() == 0
