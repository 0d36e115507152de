"""Notices of a moved or cancelled session to everyone it touches, through the outbox.

When: a session moved (`session_changed` with moved: start, end or room; `event_changed` with moved: the
event's zone or dates, for each of its scheduled sessions) or cancelled (`session_cancelled`); an event
cancelled (`event_cancelled`). An operation called with `notify=False` sends the signal with notify=False and
nobody is told. A cancelled session restored before its cancellation notice went out takes the notice back
(or turns it into a move notice if the session is not where it was); so does an event restored.

The parts: recipients.py (who is told, `Place`, counts), folding.py (writing notices, folded into the
waiting ones), render.py (texts and calendar attachments), event_cancelled.py (an event's cancellation).
This module connects the receivers and gives the previews; callers use the notices through it.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference import signals
from conference.db import db, utcnow
from conference.events.models import Event
from conference.mail.models import OutboxMessage, OutboxStatus, SessionNotice
from conference.mail.notices.event_cancelled import (
    EVENT_CANCELLED,
    event_counts,
    event_preview,
    send_event_notices,
)
from conference.mail.notices.folding import rewrite, send_notices, still_waiting, withdraw
from conference.mail.notices.recipients import (
    ACTIVE,
    CANCELLED,
    MOVED,
    Place,
    Recipient,
    counts,
    delay,
    place,
    recipients,
)
from conference.mail.notices.render import render, without_own_link
from conference.sessions.models import Room, Session, SessionStatus

# What the organiser pages, the speakers' invitations and the app use of the notices.
__all__ = [
    "ACTIVE",
    "CANCELLED",
    "EVENT_CANCELLED",
    "MOVED",
    "Place",
    "connect",
    "counts",
    "delay",
    "event_counts",
    "event_preview",
    "place",
    "preview",
    "recipients",
    "send_notices",
]


def session_changed(
    session: Session, *, changes: dict, moved: bool, notify: bool = True, **_: object
) -> None:
    if not (moved and notify):
        return
    old = place(session)
    room_id = changes.get("room_id", (session.room_id,))[0]
    room = db.session.get(Room, room_id) if room_id is not None else None
    old = Place(
        changes.get("starts_at", (session.starts_at,))[0],
        changes.get("ends_at", (session.ends_at,))[0],
        old.timezone,
        room.name if room is not None else None,
    )
    send_notices(session, MOVED, old)


def event_changed(event: Event, *, changes: dict, moved: bool, notify: bool = True, **_: object) -> None:
    if not (moved and notify):
        return
    timezone = changes.get("timezone", (event.timezone,))[0]
    for session in event.sessions:
        if session.status == SessionStatus.CANCELLED:
            continue
        old = place(session)
        send_notices(session, MOVED, Place(old.starts_at, old.ends_at, timezone, old.room))


def session_cancelled(session: Session, *, notify: bool = True, **_: object) -> None:
    if notify:
        send_notices(session, CANCELLED, place(session))


def session_restored(session: Session, **_: object) -> None:
    """A cancellation taken back before its notice went out: the notice goes too (or tells of the move)."""
    now = utcnow()
    waiting = db.session.scalars(
        sa.select(SessionNotice)
        .join(OutboxMessage, OutboxMessage.id == SessionNotice.outbox_id)
        .where(
            SessionNotice.session_id == session.id,
            SessionNotice.kind == CANCELLED,
            still_waiting(now),
        )
    ).all()
    for notice in waiting:
        first = Place(notice.old_starts_at, notice.old_ends_at, notice.old_timezone, notice.old_room)
        message = db.session.get(OutboxMessage, notice.outbox_id)
        if first == place(session):
            if message is not None and message.next_attempt_at == notice.not_before:
                withdraw(notice)
            continue
        address = message.to_address.lower()
        recipient = next(
            (r for r in recipients(session) if r.address.lower() == address),
            Recipient(message.to_address, "", message.registration_id),
        )
        subject, body = render(MOVED, session, recipient, first)
        rewrite(notice, MOVED, subject, body, now + delay())


def event_cancelled(event: Event, *, notify: bool = True, **_: object) -> None:
    if notify:
        send_event_notices(event)


def event_restored(event: Event, **_: object) -> None:
    """A cancellation taken back before its notices went out: they go too. A message a sender has claimed
    (its next attempt moved past the delay by the lease) or tried is left alone; the conditional DELETE
    loses to a claim made meanwhile."""
    now = utcnow()
    table = OutboxMessage.__table__
    waiting = db.session.execute(
        sa.select(table.c.id, table.c.created_at, table.c.next_attempt_at).where(
            table.c.event_id == event.id,
            table.c.kind == EVENT_CANCELLED,
            table.c.status == OutboxStatus.PENDING,
            table.c.attempts == 0,
            table.c.next_attempt_at > now,
        )
    ).all()
    for message_id, created_at, next_attempt_at in waiting:
        if next_attempt_at <= created_at + delay():
            db.session.execute(
                sa.delete(table).where(
                    table.c.id == message_id,
                    table.c.status == OutboxStatus.PENDING,
                    table.c.next_attempt_at == next_attempt_at,
                )
            )


RECEIVERS = (
    (signals.event_cancelled, event_cancelled),
    (signals.event_restored, event_restored),
    (signals.session_changed, session_changed),
    (signals.event_changed, event_changed),
    (signals.session_cancelled, session_cancelled),
    (signals.session_restored, session_restored),
)


def connect() -> None:
    """Connect the receivers (idempotent)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)


def preview(session: Session, kind: str, new: Place | None = None) -> tuple[str, str] | None:
    """(subject, plain-text body) of the notice of `kind` as its first recipient would get it, the session
    moving from where it is to `new` (default: where it is); None when nobody would get one. Nothing is
    written."""
    found = recipients(session)
    if not found:
        return None
    recipient = found[0]
    subject, body = render(kind, session, recipient, place(session), new)
    return subject, without_own_link(body, recipient)
