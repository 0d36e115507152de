"""Sending the outbox over SMTP: due messages in order, retries with exponential backoff.

A message stays in the table until the SMTP server has accepted it, so an outage loses nothing: the
failed attempt is recorded (attempts, last_error, next_attempt_at) and the message is tried again later.
After MAX_ATTEMPTS it is marked failed and shown to organisers, who can send it again. Each message is
claimed before it is sent (see `_claim`), so several senders can run at once.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from conference.db import db, serialized_write, utcnow
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.mail.outbox import attachment_files
from conference.text import one_line

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
LEASE = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failures: 30 s, 60 s, 2 min, ... capped at 6 hours."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    # Headers are one line each, whatever was stored (a line break in a header makes the mail unsendable).
    mail["To"] = one_line(message.to_address)
    mail["Subject"] = one_line(message.subject)
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    for filename, content_type, data in attachment_files(message):
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    return mail


def _connect(config: dict) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=20)
    if config.get("MAIL_USE_TLS"):
        smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def due_messages(now: datetime, limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Take a due message for this sender: a conditional UPDATE moves it out of everyone's reach for
    LEASE, so that several `send-mail --watch` processes never send one message twice. A sender that
    dies while sending leaves it to be tried again when the lease runs out."""
    table = OutboxMessage.__table__
    with serialized_write():
        claimed = db.session.execute(
            sa.update(table)
            .where(
                table.c.id == message_id,
                table.c.status == OutboxStatus.PENDING,
                table.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
        ).rowcount
        db.session.commit()
    return claimed == 1


def send_due(now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send every message that is due; each outcome is committed on its own."""
    config = current_app.config
    now = now or utcnow()
    report = SendReport()
    message_ids = [message.id for message in due_messages(now, limit)]
    db.session.commit()
    if not message_ids:
        return report
    if not config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER is not set; nothing can be sent")
    smtp: smtplib.SMTP | None = None
    try:
        for message_id in message_ids:
            if not _claim(message_id, now):
                continue  # another sender has it
            error: Exception | None = None
            try:
                mail = build_message(db.session.get(OutboxMessage, message_id), config["MAIL_FROM"])
            except Exception as build_error:  # noqa: BLE001  (one message that cannot be built must not stop the rest)
                current_app.logger.exception("outbox message %s could not be built", message_id)
                error = build_error
            # Nothing is held while the SMTP server talks (on SQLite a read transaction would also make
            # the write afterwards fail if anyone wrote meanwhile).
            db.session.rollback()
            if error is None:
                try:
                    if smtp is None:
                        smtp = _connect(config)
                    smtp.send_message(mail)
                except (OSError, smtplib.SMTPException) as send_error:
                    smtp = _close(smtp)
                    error = send_error
            with serialized_write():
                message = db.session.get(OutboxMessage, message_id)
                if error is None:
                    message.attempts += 1
                    message.status = OutboxStatus.SENT
                    message.sent_at = utcnow()
                    message.last_error = None
                    report.sent += 1
                else:
                    _record_failure(message, error, now, report)
                db.session.commit()
    finally:
        _close(smtp)
    return report


def _record_failure(message: OutboxMessage, error: Exception, now: datetime, report: SendReport) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        report.gave_up += 1
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    report.failed += 1


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def resend(message: OutboxMessage) -> None:
    """Queue a message again (an organiser's resend button)."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()
    message.attempts = 0
    db.session.commit()
