"""Whether registration is open: for an event as a whole and for each of its sessions."""

from __future__ import annotations

from datetime import datetime

from conference.db import utcnow
from conference.events.models import Event, EventStatus
from conference.registrations.seats import event_taken_and_capacity
from conference.sessions.models import Session, SessionKind, SessionStatus

# Session kinds nobody registers for separately.
NO_REGISTRATION_KINDS = (SessionKind.BREAK, SessionKind.RECEPTION)


def event_registration_open(event: Event, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED or not event.registration_enabled:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    closes = event.registration_closes_at or event.ends_at
    return now < closes


def session_registration_open(event: Event, session: Session, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        event_registration_open(event, now)
        and session.registration_enabled
        and session.kind not in NO_REGISTRATION_KINDS
        and session.status == SessionStatus.SCHEDULED
        and now < session.starts_at
    )


def registration_state(event: Event, now: datetime | None = None) -> str:
    """ "open", "not_yet" (opens later), "closed" or "off" (not taking registrations)."""
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED or not event.registration_enabled:
        return "off"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    return "open" if event_registration_open(event, now) else "closed"


def registrable_sessions(event: Event, sessions: list[Session], now: datetime | None = None) -> list[Session]:
    """The sessions one may choose on the form right now."""
    now = now or utcnow()
    return [s for s in sessions if session_registration_open(event, s, now)]


def event_seats_left(event: Event, mode: str) -> int | None:
    """Seats left for an attendance mode ("in_person" / "online"); None when there is no limit."""
    taken, capacity = event_taken_and_capacity(event, mode)
    if capacity is None:
        return None
    return max(capacity - taken, 0)
