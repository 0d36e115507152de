"""Who may touch which event: admins everything; otherwise the event's team, by role.

Organiser views call `require_event(slug, *roles)`; an organiser who is not on the event's team
(or whose role is not among `roles`) gets 404, so the event's existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from conference.auth.models import EventMember, TeamRole, User
from conference.db import db
from conference.events.models import Event

# Roles that may edit an event; the check-in helper may only check people in.
EDITORS = (TeamRole.OWNER, TeamRole.MANAGER)
EVERYONE = (TeamRole.OWNER, TeamRole.MANAGER, TeamRole.CHECKIN)


def team_role(user: User, event: Event) -> TeamRole | None:
    return db.session.scalar(
        sa.select(EventMember.role).where(EventMember.event_id == event.id, EventMember.user_id == user.id)
    )


def may_access(user: User | None, event: Event, roles: Iterable[TeamRole] = EDITORS) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return team_role(user, event) in tuple(roles)


def require_event(slug: str, *roles: TeamRole) -> Event:
    """The event with this slug if the current user may work on it in one of `roles` (default: editors)."""
    if not current_user.is_authenticated:
        abort(401)
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).first()
    if event is None or not may_access(current_user, event, roles or EDITORS):
        abort(404)
    return event


def visible_events(user: User) -> sa.Select:
    """A query for the events the user may see in the organiser area."""
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if not user.is_admin:
        query = query.join(EventMember, EventMember.event_id == Event.id).where(
            EventMember.user_id == user.id
        )
    return query


# --- Routes meant for check-in helpers -------------------------------------------------------------
#
# Under /organise/ every route refuses check-in helpers unless it is marked with this decorator
# (issue 4's check-in pages use it). tests/organise/test_access.py walks app.url_map and reads the mark.
CHECKIN_ATTRIBUTE = "allows_checkin_helpers"


def for_checkin_helpers(view):  # noqa: ANN001, ANN201
    """Mark a view as one that check-in helpers may use (it must still call require_event(..., *EVERYONE))."""
    setattr(view, CHECKIN_ATTRIBUTE, True)
    return view


def allows_checkin_helpers(view) -> bool:  # noqa: ANN001
    return bool(getattr(view, CHECKIN_ATTRIBUTE, False))


def editable_event_ids(user: User) -> sa.Select:
    """The ids of events the user may edit (as owner or manager); admins: every event."""
    if user.is_admin:
        return sa.select(Event.id)
    return sa.select(EventMember.event_id).where(
        EventMember.user_id == user.id, EventMember.role.in_(EDITORS)
    )
