"""The organiser page of an event's audit log (/organise/events/<slug>/audit), on the organiser blueprint:
newest first, filtered by subject and action, paged."""

from __future__ import annotations

from flask import render_template, request

from conference.audit import fields
from conference.audit.queries import (
    ACTION_PATTERN,
    ACTIONS,
    PER_PAGE,
    SUBJECTS,
    actions,
    entries_query,
    page_of,
)
from conference.auth.permissions import Action, requires
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.organise.paging import page_number


def filters(args: dict) -> dict:
    """The filters of a request's query string; unknown values filter nothing."""
    subject = args.get("subject", "")
    action = args.get("action", "")
    return {
        "subject": subject if subject in SUBJECTS else "",
        "action": action if ACTION_PATTERN.fullmatch(action) else "",
    }


@bp.get("/events/<slug>/audit")
@requires(Action.VIEW_AUDIT)
def audit(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    chosen = filters(request.args)
    page = page_number(request.args)
    entries, total = page_of(entries_query(event, chosen["subject"], chosen["action"]), page, PER_PAGE)
    return render_template(
        "organise/audit.html",
        event=event,
        entries=[(entry, fields.changes(entry, event)) for entry in entries],
        total=total,
        page=page,
        more=page * PER_PAGE < total,
        filters=chosen,
        subjects=SUBJECTS,
        actions=actions(event),
        action_labels=ACTIONS,
    )
