"""Helpers shared by the organiser views: the event being edited and links for clash warnings."""

from __future__ import annotations

from flask import g, url_for
from flask_login import current_user

from conference.auth.permissions import EDITORS, may_access, require_event
from conference.events.models import Event
from conference.sessions.models import Session


def editable_event(slug: str) -> Event:
    """The event if the current user is an owner or manager (or admin); else 401/404."""
    return require_event(slug, *EDITORS)


def session_link(session: Session) -> str | None:
    """Where a clash warning links a session: the organiser page if the user may edit its event,
    else the public page if the event is public, else nowhere."""
    cache: dict[int, bool] = g.setdefault("_editable_events", {})
    event = session.event
    if event.id not in cache:
        cache[event.id] = may_access(current_user, event, EDITORS)
    if cache[event.id]:
        return url_for("organise.edit_session", slug=event.slug, session_id=session.id)
    if event.is_published:
        return url_for("sessions.detail", slug=event.slug, session_id=session.id)
    return None
