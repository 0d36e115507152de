"""Organiser API for speakers: the state of every assignment of an event, and sending an invitation again.
Routes of the api blueprint (documented in conference/api/openapi.py)."""

from __future__ import annotations

from flask import abort, g, jsonify
from flask_babel import gettext as _

from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.auth.permissions import Action
from conference.db import db
from conference.events.models import Event
from conference.sessions import editing as session_editing
from conference.speakers import assignment_states, operations
from conference.speakers.models import Assignment
from conference.speakers.organiser import speaker_rows
from conference.timeutil import isoformat


def assignment_state(assignment: Assignment, days: int | None = None) -> dict:
    """What the organiser API says of an assignment's invitation and answer."""
    event = assignment.session.event
    days = days if days is not None else assignment_states.reply_days(event)
    return {
        "status": assignment.status.value,
        "no_reply": assignment_states.overdue(assignment, days),
        "note": assignment.answer_note,
        "invited_at": isoformat(assignment.invited_at, event.timezone) if assignment.invited_at else None,
        "answered_at": isoformat(assignment.answered_at, event.timezone) if assignment.answered_at else None,
        "confirmed_by_organiser": assignment.confirmed_by_organiser,
    }


@bp.get("/events/<slug>/speakers")
@token_required(Action.EDIT_EVENT)
def event_speakers(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    days = assignment_states.reply_days(event)
    return jsonify(
        {
            "reply_days": days,
            "speakers": [
                {
                    "slug": row.person.slug,
                    "name": row.person.name,
                    "email": row.person.email,
                    "invitation_waiting": row.waiting,
                    "assignments": [
                        {
                            "id": a.id,
                            "session_id": a.session_id,
                            "session": a.session.title,
                            "role": a.role.value,
                            **assignment_state(a, days),
                        }
                        for a in row.assignments
                    ],
                }
                for row in speaker_rows(event)
            ],
        }
    )


@bp.post("/events/<slug>/sessions/<int:session_id>/people/<int:assignment_id>/invitation")
@token_required(Action.EDIT_EVENT)
def resend_invitation(slug: str, session_id: int, assignment_id: int):  # noqa: ANN201
    """Send the person's invitation for the event (again) with the next send-mail."""
    event: Event = g.api_event
    session = session_editing.event_session(event, session_id) or abort(404)
    assignment = session_editing.session_assignment(session, assignment_id) or abort(
        404, description=_("This session has no assignment with this id.")
    )
    person = assignment.person
    if not person.email:
        return jsonify({"errors": {"person": [_("%(name)s has no e-mail address.", name=person.name)]}}), 409
    if not operations.send_invitations(api_user(), event, [person]):
        return jsonify(
            {"errors": {"person": [_("Nothing left to invite %(name)s to.", name=person.name)]}}
        ), 409
    db.session.refresh(assignment)
    return jsonify({"id": assignment.id, **assignment_state(assignment)}), 202
