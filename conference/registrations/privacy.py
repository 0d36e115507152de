"""A registrant's own data, as a download (the organisers' erase lives in capacity.erase)."""

from __future__ import annotations

from conference.registrations.models import Registration
from conference.timeutil import isoformat


def export_data(registration: Registration) -> dict:
    event = registration.event
    return {
        "event": {"title": event.title, "slug": event.slug},
        "name": registration.name,
        "email": registration.email,
        "affiliation": registration.affiliation,
        "country": registration.country,
        "attendance_mode": registration.attendance_mode.value,
        "accessibility_needs": registration.accessibility_needs,
        "language": registration.language,
        "timezone": registration.timezone,
        "status": registration.status.value,
        "registered_at": isoformat(registration.created_at),
        "consent_at": isoformat(registration.consent_at),
        "cancelled_at": isoformat(registration.cancelled_at),
        "checked_in_at": isoformat(registration.checked_in_at),
        "sessions": [
            {"id": seat.session_id, "title": seat.session.title, "status": seat.status.value}
            for seat in registration.seats
        ],
        "answers": [{"question": a.question_label, "answer": a.value} for a in registration.answers],
    }
