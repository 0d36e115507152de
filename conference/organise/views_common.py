"""Queries shared by the organiser views."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Session
from conference.speakers.models import Assignment


def programme_sessions(event: Event) -> list[Session]:
    """Every session of the event (cancelled ones too), with rooms and people loaded."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id)
            .options(
                selectinload(Session.room), selectinload(Session.assignments).joinedload(Assignment.person)
            )
            .order_by(Session.starts_at, Session.id)
        )
    )
