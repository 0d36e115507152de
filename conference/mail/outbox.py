"""Writing mail to the outbox, in the caller's transaction: a message exists exactly when its change does.

The HTML part of a message written from its text alone is made when the message is sent
(`conference.mail.sender.html_part`), not here: rendering the mail layout inside the registrant's request
cost about a sixth of a registration's time. A writer with richer HTML (an announcement) stores its own.

Attachments are either stored with the message (`attachment`) or made when the message is sent
(`generated`): the confirmation's agenda and check-in code are built by the sender from the registration
as it is then, which keeps the registrant's write transaction short and the attachment current.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import get_locale

from conference.db import db, utcnow
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.text import one_line
from conference.zones import mail_language

# name -> function(message, **params) giving the attachment's bytes, or None to leave it out.
Generator = Callable[..., "bytes | None"]
_GENERATORS: dict[str, Generator] = {}


def attachment(filename: str, content_type: str, data: bytes) -> dict:
    """An attachment stored with the message."""
    return {
        "filename": filename,
        "content_type": content_type,
        "data": base64.b64encode(data).decode("ascii"),
    }


def generated(filename: str, content_type: str, generator: str, **params: int | str) -> dict:
    """An attachment made at sending time by the generator registered under `generator`, called with the
    message and `params` (stored with it: e.g. which of a combined mail's registrations it is about)."""
    if generator not in _GENERATORS:
        raise KeyError(f"no attachment generator {generator!r}")
    item: dict = {"filename": filename, "content_type": content_type, "generator": generator}
    if params:
        item["params"] = params
    return item


def attachment_generator(name: str) -> Callable[[Generator], Generator]:
    """Register a function that makes an attachment from the message it belongs to."""

    def register(function: Generator) -> Generator:
        _GENERATORS[name] = function
        return function

    return register


def attachment_files(message: OutboxMessage) -> list[tuple[str, str, bytes]]:
    """(filename, content type, bytes) of each attachment as it would be sent now."""
    files = []
    for item in message.attachments or []:
        if "data" in item:
            data: bytes | None = base64.b64decode(item["data"])
        else:
            data = _GENERATORS[item["generator"]](message, **item.get("params", {}))
        if data is not None:
            files.append((item["filename"], item["content_type"], data))
    return files


_INSERT = sa.insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)


def message(
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    *,
    event_id: int | None = None,
    registration_id: int | None = None,
    body_html: str | None = None,
    attachments: list[dict] | None = None,
    headers: dict[str, str] | None = None,
    not_before: datetime | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> dict:
    """One outbox row, as `write` and `write_many` insert it. `headers` are extra headers of this message
    (they override the sender's own, e.g. `{"Auto-Submitted": "no"}` for a message a person wrote);
    `not_before` holds it until then (a reminder). `language`: the recipient's, the language of the HTML
    layout and the message's Content-Language (default: the locale in force). `body_html`: without it, the
    HTML part is made from `body_text` when the message is sent (`conference.mail.sender.html_part`); a
    writer with richer content passes `render_html(subject, body_text, language=..., event=..., content=...)`."""
    now = now or utcnow()
    subject = one_line(subject)[:300]
    language = mail_language(language or str(get_locale() or ""))
    headers = {"Content-Language": language, **(headers or {})}
    return {
        "kind": kind,
        "to_address": one_line(to),
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": attachments or [],
        "headers": {name: one_line(value) for name, value in headers.items()},
        "event_id": event_id,
        "registration_id": registration_id,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": not_before or now,
    }


def write(kind: str, to: str, subject: str, body_text: str, **options: object) -> int:
    """Add a message to the outbox in the caller's transaction (committed with the change it reports);
    returns its id. One INSERT statement: every registration writes a message. The options: `message`'s."""
    return db.session.execute(_INSERT, message(kind, to, subject, body_text, **options)).scalar_one()  # type: ignore[arg-type]


def write_many(rows: list[dict]) -> list[int]:
    """Add many messages (rows made by `message`) with one INSERT; their ids, in order."""
    if not rows:
        return []
    return list(db.session.execute(_INSERT, rows).scalars().all())


def schedule(message_id: int, at: datetime) -> None:
    """Hold a message written in this transaction until `at` (a notice or invitation waiting to fold)."""
    table = OutboxMessage.__table__
    db.session.execute(sa.update(table).where(table.c.id == message_id).values(next_attempt_at=at))


def rewrite_waiting(message_id: int, waiting_until: datetime, **values: object) -> bool:
    """Rewrite (subject, body_text, next_attempt_at, kind...) a message that still waits unsent and unclaimed
    for `waiting_until`: the fold of change notices and invitations. False when a sender claimed or tried it
    meanwhile (the conditional UPDATE finds it no longer waiting for that time): write a new one then.
    A new `body_text` without `body_html` drops any stored HTML part: it is made from the new text when sent."""
    table = OutboxMessage.__table__
    if "body_text" in values and "body_html" not in values:
        values["body_html"] = None
    done = db.session.execute(
        sa.update(table)
        .where(
            table.c.id == message_id,
            table.c.status == OutboxStatus.PENDING,
            table.c.attempts == 0,
            table.c.next_attempt_at == waiting_until,
        )
        .values(**values)
    ).rowcount
    return bool(done)


def withdraw(message_id: int) -> None:
    """Take back a message written earlier in the same transaction."""
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id == message_id))


def forget_registration(registration_id: int) -> None:
    """Delete every message to or about a registration whose personal data is being erased."""
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.registration_id == registration_id))


def registration_message_count(registration_id: int) -> int:
    """How many messages `forget_registration` would delete."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
        )
        or 0
    )
