"""Reading the audit log: an event's entries, newest first, filtered by subject and action (the organiser
page and the API use the same filters)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.audit.models import AuditEntry
from conference.db import db
from conference.events.models import Event
from conference.timeutil import isoformat

# The kinds of subject an entry is about, with what the filter shows for each.
SUBJECTS = {
    "event": _l("Event"),
    "session": _l("Sessions"),
    "person": _l("People"),
    "registration": _l("Registrations"),
    "settings": _l("Registration settings"),
    "question": _l("Questions"),
    "room": _l("Rooms"),
    "team": _l("Team"),
    "series": _l("Series"),
    "organisation": _l("Organisations"),
    "reminders": _l("Reminders"),
    "announcement": _l("Announcements"),
}
# What an action filter may name (an action that never occurs simply matches nothing).
ACTION_PATTERN = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,30}")
PER_PAGE = 50
MAX_PER_PAGE = 200


def entries_query(event: Event, subject: str | None = None, action: str | None = None) -> sa.Select:
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event.id)
    if subject:
        query = query.where(AuditEntry.subject_type == subject)
    if action:
        query = query.where(AuditEntry.action == action)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def actions(event: Event) -> list[str]:
    """The actions that occur in the event's log (the action filter offers these)."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.event_id == event.id)
            .distinct()
            .order_by(AuditEntry.action)
        )
    )


def page_of(query: sa.Select, page: int, per_page: int) -> tuple[list[AuditEntry], int]:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total


def entry_json(event: Event, entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "created_at": isoformat(entry.created_at, event.timezone),
        "actor": entry.actor_email,
        "action": entry.action,
        "subject": {"type": entry.subject_type, "id": entry.subject_id, "label": entry.subject_label},
        "before": entry.before,
        "after": entry.after,
    }


# What the page shows for each action (the API gives the action itself).
ACTIONS = {
    "event.created": _l("Event created"),
    "event.changed": _l("Event changed"),
    "event.published": _l("Event published"),
    "event.unpublished": _l("Event back to draft"),
    "event.cancelled": _l("Event cancelled"),
    "event.restored": _l("Event restored as draft"),
    "event.duplicated": _l("Event duplicated"),
    "settings.changed": _l("Registration settings changed"),
    "settings.capacity_changed": _l("Event capacity changed"),
    "session.created": _l("Session created"),
    "session.changed": _l("Session changed"),
    "session.cancelled": _l("Session cancelled"),
    "session.restored": _l("Session restored"),
    "session.deleted": _l("Session deleted"),
    "session.capacity_changed": _l("Session capacity changed"),
    "person.assigned": _l("Person added to a session"),
    "person.role_changed": _l("Person's role changed"),
    "person.unassigned": _l("Person removed from a session"),
    "person.changed": _l("Person's details changed"),
    "person.created": _l("Person created"),
    "person.invited": _l("Speaker invited"),
    "person.accepted": _l("Speaker accepted"),
    "person.declined": _l("Speaker declined"),
    "invitation.held": _l("Invitation held"),
    "speakers.settings_changed": _l("Speaker settings changed"),
    "announcement.sent": _l("Announcement sent"),
    "registration.unsubscribed": _l("Unsubscribed from announcements"),
    "series.created": _l("Series created"),
    "series.changed": _l("Series changed"),
    "organisation.created": _l("Organisation created"),
    "organisation.changed": _l("Organisation changed"),
    "registration.approved": _l("Registration approved"),
    "registration.rejected": _l("Registration rejected"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.erased": _l("Registrant's data erased"),
    "registration.checked_in": _l("Checked in"),
    "registration.check_in_undone": _l("Check-in undone"),
    "question.added": _l("Question added"),
    "question.changed": _l("Question changed"),
    "question.moved": _l("Question moved"),
    "question.archived": _l("Question retired"),
    "question.restored": _l("Question asked again"),
    "room.added": _l("Room added"),
    "room.changed": _l("Room changed"),
    "room.removed": _l("Room removed"),
    "team.added": _l("Team member added"),
    "team.role_changed": _l("Team role changed"),
    "team.removed": _l("Team member removed"),
    "reminders.changed": _l("Reminders changed"),
    "colocation.changed": _l("Co-located events changed"),
}
