"""Writing a session's notices to the outbox, folded into the ones still waiting.

Folding: a notice waits NOTICE_DELAY_SECONDS (default 120) in the outbox. A later change to the same session
within that time rewrites the waiting message in place (one `SessionNotice` row per message keeps how the
session stood before the first change), and the wait starts again; a fold that ends with the session back
where it was deletes the message. A message that a sender has claimed, or that has been tried, is never
rewritten: the next change writes a new one. The texts and the calendar attachment: render.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus, SessionNotice
from conference.mail.notices.recipients import CANCELLED, MOVED, Place, Recipient, delay, place, recipients
from conference.mail.notices.render import render
from conference.sessions.models import Session, SessionStatus


def still_waiting(
    now: datetime, not_before: sa.ColumnElement = SessionNotice.not_before
) -> sa.ColumnElement[bool]:
    """Notices whose message may still be rewritten: pending, never tried, not claimed by a sender (its next
    attempt is still the notice's time, `not_before`: a session notice's or a speaker invitation's) and not
    due yet."""
    return sa.and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.attempts == 0,
        OutboxMessage.next_attempt_at == not_before,
        not_before > now,
    )


def _waiting(session: Session, address: str, now: datetime) -> SessionNotice | None:
    """The notice to this address about this session that may still be rewritten (unsent, unclaimed)."""
    return db.session.scalars(
        sa.select(SessionNotice)
        .join(OutboxMessage, OutboxMessage.id == SessionNotice.outbox_id)
        .where(
            SessionNotice.session_id == session.id,
            sa.func.lower(OutboxMessage.to_address) == address.lower(),
            still_waiting(now),
        )
        .order_by(SessionNotice.id.desc())
        .limit(1)
    ).first()


def rewrite(notice: SessionNotice, kind: str, subject: str, body: str, not_before: datetime) -> bool:
    """Rewrite a waiting message in place; False when a sender claimed it meanwhile (the conditional
    UPDATE finds it no longer waiting for the notice's time)."""
    done = outbox.rewrite_waiting(
        notice.outbox_id,
        notice.not_before,
        subject=subject,
        body_text=body,
        next_attempt_at=not_before,
        kind=f"session_{kind}",
    )
    if done:
        notice.kind = kind
        notice.not_before = not_before
    return bool(done)


def withdraw(notice: SessionNotice) -> None:
    outbox_id = notice.outbox_id
    db.session.delete(notice)
    db.session.flush()
    outbox.withdraw(outbox_id)


def _write(kind: str, session: Session, recipient: Recipient, old: Place, not_before: datetime) -> None:
    subject, body = render(kind, session, recipient, old)
    attachment = outbox.generated("invite.ics", "text/calendar", "session_notice")
    message_id = outbox.write(
        f"session_{kind}",
        recipient.address,
        subject,
        body,
        event_id=session.event_id,
        registration_id=recipient.registration_id,
        attachments=[attachment],
        language=recipient.language,
    )
    outbox.schedule(message_id, not_before)
    db.session.add(
        SessionNotice(
            outbox_id=message_id,
            session_id=session.id,
            kind=kind,
            old_starts_at=old.starts_at,
            old_ends_at=old.ends_at,
            old_timezone=old.timezone,
            old_room=old.room,
            not_before=not_before,
        )
    )


def send_notices(session: Session, kind: str, old: Place) -> int:
    """Tell everyone the session touches that it moved (from `old`) or was cancelled, folding into the
    notices still waiting; in the caller's transaction. Returns how many notices were written or rewritten."""
    event = session.event
    if event.first_published_at is None:
        return 0
    if kind == MOVED and session.status == SessionStatus.CANCELLED:
        return 0
    now = utcnow()
    not_before = now + delay()
    new = place(session)
    told = 0
    for recipient in recipients(session):
        notice = _waiting(session, recipient.address, now)
        if notice is not None:
            first = Place(notice.old_starts_at, notice.old_ends_at, notice.old_timezone, notice.old_room)
            # A cancelled session that moves is still cancelled: its notice stays a cancellation.
            folded = CANCELLED if CANCELLED in (kind, notice.kind) else MOVED
            if folded == MOVED and first == new:
                withdraw(notice)  # back where it was before the first change: nothing to tell
                continue
            subject, body = render(folded, session, recipient, first)
            if rewrite(notice, folded, subject, body, not_before):
                told += 1
                continue
            # A sender took the message meanwhile: it tells of the earlier changes, a new one of this.
        if kind == MOVED and old == new:
            continue
        _write(kind, session, recipient, old, not_before)
        told += 1
    return told
