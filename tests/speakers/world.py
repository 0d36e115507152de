"""A published event with two sessions, an owner with an API token, and helpers to read the mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from conference.auth.api_tokens import create_token
from conference.db import db
from tests.factories import add_member, make_event, make_room, make_session, make_user

LINK = re.compile(r"https?://\S+/speaking/([A-Za-z0-9_-]+)/")


def build(app) -> dict:  # noqa: ANN001
    start = datetime(2031, 3, 10, 8, 0, tzinfo=UTC)
    event = make_event(slug="panel", title="Online panel", starts_at=start, timezone="Europe/Berlin")
    room = make_room(event, "Hall B")
    opening = make_session(event, title="Opening panel", starts_at=start + timedelta(hours=1), room=room)
    closing = make_session(event, title="Closing round", starts_at=start + timedelta(hours=5))
    owner = make_user("owner@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    token = create_token(owner, "test")[1]
    return {"event": event, "opening": opening, "closing": closing, "owner": owner, "token": token}


def mails(handler) -> list:  # noqa: ANN001
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]


def body(mail) -> str:  # noqa: ANN001
    return mail.get_body(preferencelist=("plain",)).get_content()


def link_token(mail) -> str:  # noqa: ANN001
    match = LINK.search(body(mail))
    assert match, body(mail)
    return match.group(1)
