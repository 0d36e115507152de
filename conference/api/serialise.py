"""JSON shapes of the public API."""

from __future__ import annotations

from datetime import datetime

from conference.events.models import Event
from conference.registrations.availability import session_registration_open
from conference.sessions.models import Session
from conference.timeutil import isoformat
from conference.urls import absolute_url_for


def event_summary(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind.value,
        "status": event.status.value,
        "timezone": event.timezone,
        "starts_at": isoformat(event.starts_at, event.timezone),
        "ends_at": isoformat(event.ends_at, event.timezone),
        "url": absolute_url_for("events.detail", slug=event.slug),
    }


def session_detail(event: Event, session: Session, now: datetime) -> dict:
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind.value,
        "status": session.status.value,
        "starts_at": isoformat(session.starts_at, event.timezone),
        "ends_at": isoformat(session.ends_at, event.timezone),
        "room": session.room.name if session.room else None,
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "registration_open": session_registration_open(event, session, now),
        "url": absolute_url_for("sessions.detail", slug=event.slug, session_id=session.id),
        "people": [
            {"name": a.person.name, "slug": a.person.slug, "role": a.role.value} for a in session.assignments
        ],
        "recording_url": session.recording_url or None,
        "slides_url": session.slides_url or None,
        "links": [{"label": link["label"], "url": link["url"]} for link in session.links or []],
    }


def event_detail(event: Event, sessions: list[Session], now: datetime) -> dict:
    data = event_summary(event)
    data.update(
        {
            "summary": event.summary,
            "attendance_mode": event.attendance_mode.value,
            "venue": {
                "name": event.venue_name,
                "address": event.venue_address,
                "city": event.city,
                "country": event.country,
            }
            if event.has_venue
            else None,
            "hashtag": event.hashtag or None,
            "series": event.series.title if event.series else None,
            "hosts": [o.name for o in event.hosts],
            "partners": [o.name for o in event.partners],
            "sessions": [session_detail(event, s, now) for s in sessions],
        }
    )
    return data
