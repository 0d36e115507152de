"""The organiser API of announcements: POST sends one (202 with its number of recipients), GET lists the
sent ones. The same operation and audience rules as the organiser pages; described in conference/api/openapi.py.

A repeated POST does not send twice: with the same `Idempotency-Key` header (any text up to 200
characters), or with the same subject, body and audience within ten minutes, the answer is 200 with the
announcement already sent and `"already_sent": true`.
"""

from __future__ import annotations

from flask import Response, abort, g, jsonify, request
from flask_babel import gettext as _

from conference.announcements import audience as audiences
from conference.announcements import operations
from conference.announcements.models import Announcement
from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.auth.permissions import Action
from conference.events.models import Event
from conference.operations import OperationError
from conference.timeutil import isoformat

FIELDS = ("subject", "body", "audience")
MAX_KEY = 200


def announcement_json(event: Event, announcement: Announcement, sent: int) -> dict:
    return {
        "id": announcement.id,
        "subject": announcement.subject,
        "body": announcement.body,
        "audience": announcement.audience,
        "audience_description": announcement.audience_label,
        "author": announcement.author_email or None,
        "created_at": isoformat(announcement.created_at, event.timezone),
        "recipients": announcement.recipient_count,
        "sent": sent,
    }


def _payload() -> dict:
    payload = request.get_json(silent=True) if request.get_data() else None
    if not isinstance(payload, dict):
        abort(400, description=_("The body must be a JSON object."))
    return payload


@bp.post("/events/<slug>/announcements")
@token_required(Action.EDIT_EVENT)
def send_announcement(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = _payload()
    errors: dict[str, list[str]] = {}
    for name in payload:
        if name not in FIELDS:
            errors.setdefault(str(name)[:60], []).append(_("This field is unknown here."))
    for name in ("subject", "body"):
        if not isinstance(payload.get(name), str):
            errors.setdefault(name, []).append(_("This field is required: give it as text."))
    key_header = request.headers.get("Idempotency-Key")
    if key_header is not None and not 0 < len(key_header) <= MAX_KEY:
        errors.setdefault("Idempotency-Key", []).append(_("Use a key of 1 to %(n)s characters.", n=MAX_KEY))
    audience = None
    try:
        audience = audiences.parse(event, payload.get("audience"))
    except audiences.AudienceErrors as refused:
        for key, messages in refused.errors.items():
            errors.setdefault(key if key == "audience" else f"audience.{key}", []).extend(messages)
    if not errors:
        try:
            operations.check_text(payload["subject"], payload["body"])
        except OperationError as error:
            errors.setdefault(error.field or "_", []).append(error.message)
    if errors or audience is None:
        return jsonify({"errors": errors}), 422
    key = operations.idempotency_key(f"api:{event.id}:{api_user().id}", key_header) if key_header else None
    announcement, sent = operations.send(
        api_user(), event, payload["subject"], payload["body"], audience, key=key
    )
    counts = operations.sent_counts([announcement.id])
    body = {
        **announcement_json(event, announcement, counts.get(announcement.id, 0)),
        "already_sent": not sent,
    }
    return jsonify(body), (202 if sent else 200)


@bp.get("/events/<slug>/announcements")
@token_required(Action.EDIT_EVENT)
def list_announcements(slug: str) -> Response:
    event: Event = g.api_event
    sent = operations.event_announcements(event)
    counts = operations.sent_counts([a.id for a in sent])
    return jsonify({"announcements": [announcement_json(event, a, counts.get(a.id, 0)) for a in sent]})
