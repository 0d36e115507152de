"""JSON shapes of the public API.

Text is given in `language` (the API's `?lang=`, conference/translations.py) where a translation exists,
else in the text's own language; `languages` says which language each translated field is in."""

from __future__ import annotations

from datetime import datetime

from conference.events.models import Event
from conference.registrations.availability import session_registration_open
from conference.sessions.models import Session
from conference.speakers.assignment_states import is_public
from conference.timeutil import isoformat
from conference.translations import default_language, text
from conference.urls import absolute_url_for


def _texts(obj: object, names: tuple[str, ...], language: str | None) -> dict:
    return {name: text(obj, name, language or default_language(obj)) for name in names}


def event_summary(event: Event, language: str | None = None) -> dict:
    title = text(event, "title", language or event.language)
    return {
        "slug": event.slug,
        "title": title,
        "language": event.language,
        "languages": {"title": title.language},
        "kind": event.kind.value,
        "status": event.status.value,
        "timezone": event.timezone,
        "starts_at": isoformat(event.starts_at, event.timezone),
        "ends_at": isoformat(event.ends_at, event.timezone),
        "url": absolute_url_for("events.detail", slug=event.slug),
    }


def session_detail(event: Event, session: Session, now: datetime, language: str | None = None) -> dict:
    texts = _texts(session, ("title", "description"), language)
    return {
        "id": session.id,
        "title": texts["title"],
        "description": texts["description"],
        "languages": {name: value.language for name, value in texts.items()},
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
            {"name": a.person.name, "slug": a.person.slug, "role": a.role.value}
            for a in session.assignments
            if is_public(a)
        ],
        "recording_url": session.recording_url or None,
        "slides_url": session.slides_url or None,
        "links": [{"label": link["label"], "url": link["url"]} for link in session.links or []],
    }


def event_detail(event: Event, sessions: list[Session], now: datetime, language: str | None = None) -> dict:
    data = event_summary(event, language)
    texts = _texts(
        event, ("summary", "description", "venue_name", "venue_address", "city", "country"), language
    )
    data["languages"].update({name: value.language for name, value in texts.items()})
    data.update(
        {
            "summary": texts["summary"],
            "description": texts["description"],
            "attendance_mode": event.attendance_mode.value,
            "venue": {
                "name": texts["venue_name"],
                "address": texts["venue_address"],
                "city": texts["city"],
                "country": texts["country"],
            }
            if event.has_venue
            else None,
            "hashtag": event.hashtag or None,
            "series": event.series.title if event.series else None,
            "series_slug": event.series.slug if event.series else None,
            "hosts": [o.name for o in event.hosts],
            "partners": [o.name for o in event.partners],
            "sessions": [session_detail(event, s, now, language) for s in sessions],
        }
    )
    return data
