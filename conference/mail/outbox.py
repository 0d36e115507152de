"""Writing mail to the outbox, in the caller's transaction: a message exists exactly when its change does."""

from __future__ import annotations

import base64

from conference.db import db, utcnow
from conference.mail.models import OutboxMessage, OutboxStatus


def attachment(filename: str, content_type: str, data: bytes) -> dict:
    return {
        "filename": filename,
        "content_type": content_type,
        "data": base64.b64encode(data).decode("ascii"),
    }


def write(
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    *,
    event_id: int | None = None,
    registration_id: int | None = None,
    body_html: str | None = None,
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    """Add a message to the outbox (the caller commits it together with the change it reports)."""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
        event_id=event_id,
        registration_id=registration_id,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message
