"""Sending the outbox over SMTP: due messages in order, retries with exponential backoff.

A message stays in the table until the SMTP server has accepted it, so an outage loses nothing: the
failed attempt is recorded (attempts, last_error, next_attempt_at) and the message is tried again later.
After MAX_ATTEMPTS it is marked failed and shown to organisers, who can send it again. Each message is
claimed before it is sent (see `_claim`), so several senders can run at once. `watch` keeps sending through
database outages: a failed round is logged and rolled back, and the next waits longer (up to a minute).
"""

from __future__ import annotations

import contextlib
import email.policy
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from conference.db import db, serialized_write, utcnow
from conference.mail.html import render_html
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.mail.outbox import attachment_files
from conference.text import one_line

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
WATCH_MAX_BACKOFF_SECONDS = 60.0


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set: nothing can be sent (a configuration error, not an outage)."""


def lease() -> timedelta:
    """How long a claimed message is out of every other sender's reach (MAIL_LEASE_SECONDS, 10 minutes)."""
    return timedelta(seconds=float(current_app.config.get("MAIL_LEASE_SECONDS", 600)))


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failures: 30 s, 60 s, 2 min, ... capped at 6 hours."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def message_domain(sender: str) -> str:
    """The domain of Message-IDs: the sender address's, else BASE_URL's host (never the machine's name,
    which says nothing to the recipient's server and may be "localhost")."""
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].strip().strip("[]")
    if not domain or domain.lower() == "localhost":
        domain = urlsplit(current_app.config.get("BASE_URL", "")).hostname or domain or "localhost"
    return domain


def _event(message: OutboxMessage) -> object | None:
    """The event the message is about, as it is now (one read for its Reply-To and the HTML part's footer:
    the session's identity map)."""
    if message.event_id is None:
        return None
    from conference.events.models import Event

    return db.session.get(Event, message.event_id)


def _reply_to(message: OutboxMessage) -> str | None:
    """The Reply-To of the event the message is about, as the event is now (set by its organisers)."""
    return getattr(_event(message), "reply_to", None) or None


# Headers a message's stored headers never replace.
_OWN_HEADERS = frozenset(("from", "to", "cc", "bcc", "subject", "date", "message-id"))


_SENDING_POLICY = email.policy.default.clone(max_line_length=998)


def html_part(message: OutboxMessage) -> str:
    """The HTML part of the message: the one stored with it (an announcement's), else made now from its
    text in the mail layout, in the message's language (its Content-Language) with its event in the footer."""
    if message.body_html:
        return message.body_html
    language = (message.headers or {}).get("Content-Language")
    return render_html(message.subject, message.body_text, language=language, event=_event(message))


def build_message(message: OutboxMessage, sender: str, now: datetime | None = None) -> EmailMessage:
    """The message as it goes out. Every mail the system writes is automatic (RFC 3834
    `Auto-Submitted: auto-generated`: vacation responders stay quiet); it carries a Message-ID in the
    sender's domain, the Date it is sent, its event's Reply-To when the organisers set one, and the HTML part
    beside the text (`html_part`). A header stored with the message (`outbox.write(headers=...)`) replaces the sender's
    own of that name (except From, To, Cc, Bcc, Subject, Date and Message-ID): an announcement a person
    wrote passes `{"Auto-Submitted": "no"}`."""
    mail = EmailMessage()
    headers: dict[str, str] = {
        "From": sender,
        # Headers are one line each, whatever was stored (a line break in a header makes the mail unsendable).
        "To": message.to_address,
        "Subject": message.subject,
        "Date": format_datetime(now or utcnow()),
        # Unique without the machine's name or clock: the outbox row and 64 random bits.
        "Message-ID": f"<outbox-{message.id}.{secrets.token_hex(8)}@{message_domain(sender)}>",
        "Auto-Submitted": "auto-generated",
    }
    reply_to = _reply_to(message)
    if reply_to:
        headers["Reply-To"] = reply_to
    by_name = {name.lower(): name for name in headers}
    for name, value in (message.headers or {}).items():
        name = one_line(name)
        if name.lower() in _OWN_HEADERS:
            continue  # who it goes to and what identifies it are the outbox row's
        headers.pop(by_name.get(name.lower(), name), None)
        by_name[name.lower()] = name
        headers[name] = value
    # Content-* headers (Content-Language) after the parts: making a message multipart moves them into
    # its first part.
    content = {name: value for name, value in headers.items() if name.lower().startswith("content-")}
    for name, value in headers.items():
        if name not in content:
            mail[name] = one_line(value)
    mail.set_content(message.body_text)
    mail.add_alternative(html_part(message), subtype="html")
    for filename, content_type, data in attachment_files(message):
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    for name, value in content.items():
        del mail[name]
        mail[name] = one_line(value)
    # Headers unfolded up to RFC 5322's 998: with the default 78 a long address (List-Unsubscribe under a
    # long BASE_URL) would be written as RFC 2047 encoded words, which no mail client opens as a link. The
    # parts were encoded above with the default policy, so their lines stay short.
    mail.policy = _SENDING_POLICY
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
    """Take a due message for this sender: a conditional UPDATE moves it out of everyone's reach for the
    lease (`lease()` from `now`, the time of the claim), so that several `send-mail --watch` processes
    never send one message twice. A sender that dies while sending leaves it pending with the lease's
    end as its next attempt: it is sent again, by any sender, when the lease runs out."""
    table = OutboxMessage.__table__
    with serialized_write():
        claimed = db.session.execute(
            sa.update(table)
            .where(
                table.c.id == message_id,
                table.c.status == OutboxStatus.PENDING,
                table.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + lease())
        ).rowcount
        db.session.commit()
    return claimed == 1


def send_due(now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send every message that is due; each outcome is committed on its own.

    `now` fixes the clock (tests); by default each claim and retry counts from the time it is made, so
    that a long round (slow SMTP) never claims a message with a lease that has already run out."""
    config = current_app.config
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    report = SendReport()
    _plan_reminders(clock())
    message_ids = [message.id for message in due_messages(clock(), limit)]
    db.session.commit()
    if not message_ids:
        return report
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured("MAIL_SERVER is not set; nothing can be sent")
    smtp: smtplib.SMTP | None = None
    try:
        for message_id in message_ids:
            if not _claim(message_id, clock()):
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
                except Exception as send_error:  # noqa: BLE001  (a message that cannot be sent must not stop the rest)
                    current_app.logger.exception("outbox message %s could not be sent", message_id)
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
                    _record_failure(message, error, clock(), report)
                db.session.commit()
    finally:
        _close(smtp)
    return report


def _plan_reminders(now: datetime) -> None:
    """Write the reminders due now (conference/reminders/planner.py), to go out in this round. A failure
    there is logged and rolled back; the rest of the mail still goes."""
    from conference.reminders import planner

    try:
        planner.plan(now)
    except Exception:  # noqa: BLE001  (reminders that cannot be planned must not stop the other mail)
        current_app.logger.exception("send-mail: reminders could not be planned")
        db.session.rollback()


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


def watch(
    interval: float, echo: Callable[[str], None], max_backoff: float = WATCH_MAX_BACKOFF_SECONDS
) -> None:
    """Send due mail every `interval` seconds until stopped (`send-mail --watch`).

    A round that fails (PostgreSQL restarting, SQLite locked past its busy timeout, anything else) is
    logged and rolled back, the pooled connections are dropped, and the next round waits twice as long as
    the last, up to `max_backoff` seconds; the first good round goes back to `interval`. A message claimed in
    the failed round is sent when its lease runs out. Only a missing MAIL_SERVER ends the loop."""
    logger = current_app.logger
    failures = 0
    while True:
        try:
            report = send_due()
        except MailNotConfigured:
            raise
        except Exception as error:  # noqa: BLE001  (the watcher must outlive any one failed round)
            failures += 1
            delay = min(max(interval, 1.0) * 2 ** (failures - 1), max_backoff)
            logger.error(
                "send-mail: round failed (%s: %s); retrying in %.0f s (failure %d in a row)",
                type(error).__name__,
                str(error).strip().splitlines()[0] if str(error).strip() else "",
                delay,
                failures,
                exc_info=failures == 1,  # the traceback once per outage, then one line per round
            )
            _drop_connections()
        else:
            if failures:
                logger.warning("send-mail: working again after %d failed rounds", failures)
            failures = 0
            delay = interval
            if report.sent or report.failed:
                echo(f"sent {report.sent}, failed {report.failed} (gave up on {report.gave_up})")
        db.session.remove()
        time.sleep(delay)


def _drop_connections() -> None:
    """After a failed round: end the transaction and drop every pooled connection, so the next round
    starts on a fresh one (a restarted PostgreSQL has closed the old ones)."""
    with contextlib.suppress(Exception):  # a dead connection may fail even to roll back
        db.session.rollback()
    db.session.remove()
    db.engine.dispose()


def resend(message: OutboxMessage) -> None:
    """Queue a message again (an organiser's resend button)."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()
    message.attempts = 0
    db.session.commit()
