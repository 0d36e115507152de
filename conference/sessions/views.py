"""Public session pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from conference.db import db
from conference.events.queries import event_for_viewer
from conference.sessions.blueprint import bp
from conference.sessions.models import Session
from conference.speakers.models import Assignment


@bp.get("/events/<slug>/sessions/<int:session_id>/")
def detail(slug: str, session_id: int):  # noqa: ANN201
    event = event_for_viewer(slug, current_user) or abort(404)
    session = db.session.scalars(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id)
        .options(joinedload(Session.room), selectinload(Session.assignments).joinedload(Assignment.person))
    ).first() or abort(404)
    return render_template("sessions/detail.html", event=event, session=session)
