"""Whether registration is open: for an event as a whole and for each of its sessions."""

from __future__ import annotations

from datetime import datetime

from conference.db import utcnow
from conference.events.models import Event, EventStatus
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
