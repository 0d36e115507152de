"""Public session pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from conference import page_keys, pages
from conference.db import db
from conference.sessions.blueprint import bp
from conference.sessions.models import Session
from conference.speakers.assignment_states import settings_for
from conference.speakers.models import Assignment


@bp.get("/events/<slug>/sessions/<int:session_id>/")
def detail(slug: str, session_id: int):  # noqa: ANN201
    found = page_keys.page_event(slug, current_user) or abort(404)
    event = found.event
    session = db.session.scalars(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id)
        .options(joinedload(Session.room), selectinload(Session.assignments).joinedload(Assignment.person))
    ).first() or abort(404)
    # The key: the event, this session's row (not its seats: a hole) and its people, all loaded already.
    shown = page_keys.fingerprint(
        page_keys.columns(session, skip=("seats_taken",)),
        page_keys.columns(session.room),
        page_keys.columns(settings_for(event)),  # who is public: "confirmed only"
        tuple((page_keys.columns(a), page_keys.columns(a.person)) for a in session.assignments),
    )
    return pages.serve(
        page_keys.event_key(found, shown),
        lambda: render_template("sessions/detail.html", event=event, session=session),
        sessions={session.id: pages.figures_of(session)},
    )
