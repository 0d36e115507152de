"""The operations of announcements: send one (forms, API and the follow-up alike) and unsubscribe.

`send` writes the announcement and one outbox message per recipient in ONE transaction: the recipients are
read, each copy rendered (per language once, see `mails.Writer`), and the messages inserted with one
executemany INSERT, so thousands of registrants take a few statements. It is safe to repeat: the same
idempotency key (the compose form's, or the API's Idempotency-Key header), or the same subject, body and
audience within DUPLICATE_WINDOW, finds the announcement already sent and sends nothing more.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from conference import signals
from conference.announcements import audience as audiences
from conference.announcements.mails import KIND, Writer, list_headers
from conference.announcements.models import Announcement, AnnouncementMessage, AnnouncementOptOut
from conference.db import db, lock_row, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.operations import OperationError, transaction
from conference.registrations.models import Registration
from conference.text import clean_text, one_line
from conference.zones import mail_language

MAX_SUBJECT = 200
MAX_BODY = 50_000
DUPLICATE_WINDOW = timedelta(minutes=10)


def check_text(subject: str, body: str) -> tuple[str, str]:
    """The subject and body as they will be sent; OperationError (on the field) when one cannot be."""
    subject = one_line(subject or "").strip()
    body = clean_text(body or "", multiline=True).strip()
    if not subject:
        raise OperationError(_("Write a subject."), "subject")
    if len(subject) > MAX_SUBJECT:
        raise OperationError(_("Keep the subject under %(n)s characters.", n=MAX_SUBJECT + 1), "subject")
    if not body:
        raise OperationError(_("Write the message."), "body")
    if len(body) > MAX_BODY:
        raise OperationError(_("Keep the message under %(n)s characters.", n=MAX_BODY + 1), "body")
    return subject, body


def content_hash(event: Event, subject: str, body: str, audience: audiences.Audience) -> str:
    data = json.dumps([event.id, subject, body, audience.to_json()], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def idempotency_key(scope: str, value: str) -> str:
    """The stored key of a client's key (hashed: any length and characters in, 64 hex characters out)."""
    return hashlib.sha256(f"{scope}\x00{value}".encode()).hexdigest()


def _already_sent(event: Event, key: str | None, digest: str) -> Announcement | None:
    if key is not None:
        found = db.session.scalars(sa.select(Announcement).where(Announcement.idempotency_key == key)).first()
        if found is not None:
            return found if found.event_id == event.id else None
    return db.session.scalars(
        sa.select(Announcement)
        .where(
            Announcement.event_id == event.id,
            Announcement.content_hash == digest,
            Announcement.created_at >= utcnow() - DUPLICATE_WINDOW,
        )
        .order_by(Announcement.id.desc())
    ).first()


def send(
    actor: object,
    event: Event,
    subject: str,
    body: str,
    audience: audiences.Audience,
    *,
    key: str | None = None,
) -> tuple[Announcement, bool]:
    """Send an announcement to everyone in `audience` now; (the announcement, True) when sent, (the one
    sent before, False) when this is a repeat (see the module's docstring)."""
    subject, body = check_text(subject, body)
    digest = content_hash(event, subject, body, audience)
    try:
        with transaction():
            lock_row(Event, event.id)  # PostgreSQL: two identical sends of one event wait for each other
            earlier = _already_sent(event, key, digest)
            if earlier is not None:
                return earlier, False
            announcement = _write(actor, event, subject, body, audience, key, digest)
    except IntegrityError:
        # The same key, committed by a concurrent request meanwhile: that one was sent.
        db.session.rollback()
        earlier = _already_sent(event, key, digest)
        if earlier is None:
            raise
        return earlier, False
    return announcement, True


def _write(
    actor: object,
    event: Event,
    subject: str,
    body: str,
    audience: audiences.Audience,
    key: str | None,
    digest: str,
) -> Announcement:
    recipients = audiences.recipients(event, audience)
    announcement = Announcement(
        event_id=event.id,
        subject=subject,
        body=body,
        audience=audience.to_json(),
        audience_label=audiences.describe(audience)[:1000],
        author_id=getattr(actor, "id", None),
        author_email=getattr(actor, "email", "") or "",
        created_at=utcnow(),
        recipient_count=len(recipients),
        idempotency_key=key,
        content_hash=digest,
    )
    db.session.add(announcement)
    db.session.flush()
    if recipients:
        writer = Writer(event, subject, body)
        now = utcnow()
        rows = []
        for recipient in recipients:
            copy = writer.copy(recipient)
            rows.append(
                outbox.message(
                    KIND,
                    recipient.email,
                    subject,
                    copy.body_text,
                    body_html=copy.body_html,
                    # A person wrote it: not auto-generated (RFC 3834); a list's unsubscribe (RFC 8058).
                    headers={"Auto-Submitted": "no", **list_headers(recipient.registration_id)},
                    language=mail_language(recipient.language),
                    event_id=event.id,
                    registration_id=recipient.registration_id,
                    now=now,
                )
            )
        outbox_ids = outbox.write_many(rows)
        db.session.execute(
            sa.insert(AnnouncementMessage.__table__),
            [{"outbox_id": outbox_id, "announcement_id": announcement.id} for outbox_id in outbox_ids],
        )
    signals.announcement_sent.send(announcement, actor=actor, event=event)
    return announcement


def sent_counts(announcement_ids: list[int]) -> dict[int, int]:
    """How many copies of each announcement the SMTP server has accepted so far."""
    if not announcement_ids:
        return {}
    rows = db.session.execute(
        sa.select(AnnouncementMessage.announcement_id, sa.func.count())
        .join(OutboxMessage, OutboxMessage.id == AnnouncementMessage.outbox_id)
        .where(
            AnnouncementMessage.announcement_id.in_(announcement_ids),
            OutboxMessage.status == OutboxStatus.SENT,
        )
        .group_by(AnnouncementMessage.announcement_id)
    )
    return {announcement_id: int(n) for announcement_id, n in rows}


def event_announcements(event: Event) -> list[Announcement]:
    return list(
        db.session.scalars(
            sa.select(Announcement).where(Announcement.event_id == event.id).order_by(Announcement.id.desc())
        )
    )


def is_unsubscribed(registration: Registration) -> bool:
    return db.session.get(AnnouncementOptOut, registration.id) is not None


def unsubscribe(registration: Registration) -> bool:
    """No more announcements of its event for this registration (its other mail continues). True when this
    changed something; again is harmless (one click may come twice: the mail client and the person)."""
    try:
        with transaction():
            if db.session.get(AnnouncementOptOut, registration.id) is not None:
                return False
            db.session.add(AnnouncementOptOut(registration_id=registration.id, created_at=utcnow()))
            db.session.flush()
            signals.announcements_unsubscribed.send(registration, actor=None)
    except IntegrityError:  # the same click, committed by a concurrent request meanwhile
        db.session.rollback()
        return False
    return True
