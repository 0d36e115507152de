"""The audit log's entries for announcements (connected by `connect()`, which `create_app` calls): who sent
what to whom, and that a registrant unsubscribed (no personal data beyond the registration's own entry)."""

from __future__ import annotations

from conference import signals
from conference.announcements.models import Announcement
from conference.audit.receivers import record
from conference.events.models import Event
from conference.registrations.models import Registration


def _sent(announcement: Announcement, *, actor: object, event: Event) -> None:
    record(
        actor,
        "announcement.sent",
        event_id=event.id,
        subject_type="announcement",
        subject_id=announcement.id,
        label=announcement.subject,
        after={"audience": announcement.audience, "recipients": announcement.recipient_count},
    )


def _unsubscribed(registration: Registration, *, actor: object) -> None:
    record(
        actor,
        "registration.unsubscribed",
        event_id=registration.event_id,
        subject_type="registration",
        subject_id=registration.id,
        label=registration.name,
    )


def connect() -> None:
    signals.announcement_sent.connect(_sent)
    signals.announcements_unsubscribed.connect(_unsubscribed)
