"""Helpers for posting real forms with the CSRF token taken from the page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.db import db
from conference.mail.models import OutboxMessage


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no csrf_token in page"
    return match.group(1)


def field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html
    )
    return match.group(1) if match else ""


def post_form(client, url: str, data: dict, page: str | None = None):  # noqa: ANN001, ANN201
    html = client.get(page or url).get_data(as_text=True)
    payload = {"csrf_token": csrf_from(html), **data}
    return client.post(url, data=payload)


def register_via_form(client, slug: str, **fields):  # noqa: ANN001, ANN201
    url = f"/events/{slug}/register"
    html = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": field_value(html, "idempotency_key"),
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "attendance_mode": "in_person",
        "consent": "y",
    }
    data.update(fields)
    return client.post(url, data=data)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))
