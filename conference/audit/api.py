"""`GET /api/v1/events/<slug>/audit`: the event's audit log, newest first, paged and filtered as the
organiser page (bearer token; action `view_audit`, editors only). Described in conference/api/openapi.py."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from conference.api.auth import token_required
from conference.api.blueprint import bp
from conference.api.organiser import page_json, whole_number
from conference.audit.queries import (
    ACTION_PATTERN,
    MAX_PER_PAGE,
    PER_PAGE,
    SUBJECTS,
    entries_query,
    entry_json,
    page_of,
)
from conference.auth.permissions import Action
from conference.events.models import Event


@bp.get("/events/<slug>/audit")
@token_required(Action.VIEW_AUDIT)
def organiser_audit(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    errors: dict[str, list[str]] = {}
    page = whole_number("page", 1, 1, 10**9, errors)
    per_page = whole_number("per_page", PER_PAGE, 1, MAX_PER_PAGE, errors)
    subject = request.args.get("subject", "")
    if subject and subject not in SUBJECTS:
        errors.setdefault("subject", []).append(_("Choose one of: %(values)s.", values=", ".join(SUBJECTS)))
    action = request.args.get("action", "")
    if action and not ACTION_PATTERN.fullmatch(action):
        errors.setdefault("action", []).append(_("Give an action such as session.changed."))
    if errors:
        return jsonify({"errors": errors}), 422
    entries, total = page_of(entries_query(event, subject or None, action or None), page, per_page)
    items = [entry_json(event, e) for e in entries]
    filters = {"subject": subject, "action": action}
    return jsonify(page_json("entries", items, total, page, per_page, "api.organiser_audit", event, filters))
