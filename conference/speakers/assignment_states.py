"""Where a speaker's assignment stands, and the public rule.

The event's speaker settings (`settings_for`: defaults when it has none yet), the days a speaker has to reply
(`reply_days`), "no reply after N days" (`overdue`), the text organisers read for an assignment (`state_text`),
and which assignments public pages, feeds and the API show (`is_public`; the same rule in SQL:
`public_condition`). Queueing the invitations: `conference.speakers.invitations`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.db import utcnow
from conference.events.models import Event
from conference.speakers.models import Assignment, AssignmentStatus, SpeakerSettings


def settings_for(event: Event) -> SpeakerSettings:
    """The event's speaker settings (defaults, not added to the session, when it has none yet)."""
    found = event.speaker_settings
    if found is None:
        found = SpeakerSettings(
            event_id=event.id,
            invitation_message="",
            instructions="",
            confirmed_only=False,
            hold_invitations=False,
        )
    return found


def reply_days(event: Event) -> int:
    days = settings_for(event).reply_days
    return days if days is not None else int(current_app.config.get("SPEAKER_REPLY_DAYS", 7))


def overdue(assignment: Assignment, days: int, now: datetime | None = None) -> bool:
    """Invited, no answer, and the invitation is older than `days` days."""
    now = now or utcnow()
    return (
        assignment.status == AssignmentStatus.INVITED
        and assignment.invited_at is not None
        and assignment.invited_at <= now - timedelta(days=days)
    )


def state_text(assignment: Assignment, days: int, now: datetime | None = None) -> str:
    """What the organiser reads for an assignment: its status, or "no reply after N days"."""
    from conference.labels import label

    if overdue(assignment, days, now):
        return _("No reply after %(days)s days", days=days)
    if assignment.status == AssignmentStatus.ACCEPTED and assignment.confirmed_by_organiser:
        return _("Confirmed by an organiser")
    return label(assignment.status)


def is_public(assignment: Assignment, settings: SpeakerSettings | None = None) -> bool:
    """Whether the assignment shows on public pages: never when declined; with the event's "confirmed only"
    setting, only once accepted (by the speaker, or confirmed by an organiser)."""
    if assignment.status == AssignmentStatus.DECLINED:
        return False
    if settings is None:  # the event's settings as stored (no defaults object made per assignment)
        settings = assignment.session.event.speaker_settings
    confirmed_only = settings is not None and settings.confirmed_only
    return not confirmed_only or assignment.status == AssignmentStatus.ACCEPTED


def public_condition(event_id_column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL for `is_public` (the event's settings joined by `event_id_column`)."""
    confirmed_only = (
        sa.select(SpeakerSettings.confirmed_only)
        .where(SpeakerSettings.event_id == event_id_column)
        .scalar_subquery()
    )
    return sa.and_(
        Assignment.status != AssignmentStatus.DECLINED,
        sa.or_(
            sa.func.coalesce(confirmed_only, sa.false()).is_(sa.false()),
            Assignment.status == AssignmentStatus.ACCEPTED,
        ),
    )
