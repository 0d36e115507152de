"""Announcements in the OpenAPI document (conference/api/openapi.py): the audience, announcement schemas and
the path of conference/announcements/api.py."""

from __future__ import annotations

from conference.announcements.api import MAX_KEY as ANNOUNCEMENT_MAX_KEY
from conference.announcements.audience import MAX_SESSIONS as ANNOUNCEMENT_MAX_SESSIONS
from conference.announcements.operations import MAX_BODY as ANNOUNCEMENT_MAX_BODY
from conference.announcements.operations import MAX_SUBJECT as ANNOUNCEMENT_MAX_SUBJECT
from conference.api.openapi_pieces import (
    DATE_TIME,
    NULLABLE_STRING,
    SLUG,
    STRING,
    closed_object,
    endpoint,
    json_answer,
    ref,
    values_of,
)
from conference.auth.permissions import Action
from conference.registrations.models import RegistrationMode, RegistrationStatus

SCHEMAS: dict[str, dict] = {}
SCHEMAS["Audience"] = closed_object(
    {
        "status": {
            "type": "array",
            "items": {"enum": values_of(RegistrationStatus)},
            "minItems": 1,
            "description": 'Registration statuses; default ["confirmed"].',
        },
        "mode": {"enum": [*values_of(RegistrationMode), None], "description": "Attendance mode; null: both."},
        "sessions": {
            "type": "array",
            "items": {"type": "integer"},
            "maxItems": ANNOUNCEMENT_MAX_SESSIONS,
            "description": "Registered for at least one of these sessions of the event (seat not cancelled).",
        },
        "checked_in": {
            "type": ["boolean", "null"],
            "description": "Checked in at the door, or not; null: either.",
        },
        "question": {
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}, "answer": {"type": ["string", "boolean"]}},
            "required": ["id", "answer"],
            "additionalProperties": False,
            "description": "Answered this to a choice, checkbox (true/false) or country question of the event.",
        },
    },
    required=[],
    description="Who gets the announcement: every rule given narrows it. Erased registrations and those that "
    "unsubscribed from the event's announcements are never included.",
)
ANNOUNCEMENT = {
    "id": {"type": "integer"},
    "subject": STRING,
    "body": {"type": "string", "description": "Markdown, as written."},
    "audience": ref("Audience"),
    "audience_description": {"type": "string", "description": "The audience in words, as when sent."},
    "author": NULLABLE_STRING,
    "created_at": DATE_TIME,
    "recipients": {"type": "integer", "minimum": 0, "description": "Copies written, one per recipient."},
    "sent": {
        "type": "integer",
        "minimum": 0,
        "description": "Copies the mail server has accepted so far.",
    },
}
SCHEMAS["Announcement"] = closed_object(ANNOUNCEMENT, description="An announcement as sent.")
SCHEMAS["AnnouncementSent"] = closed_object(
    {
        **ANNOUNCEMENT,
        "already_sent": {"type": "boolean", "description": "True: a repeat; nothing more was sent."},
    },
    description="The announcement sent (or found already sent).",
)
SCHEMAS["AnnouncementList"] = closed_object(
    {"announcements": {"type": "array", "items": ref("Announcement")}}
)
PATHS: dict[str, dict] = {
    "/api/v1/events/{slug}/announcements": {
        "get": endpoint(
            "listAnnouncements",
            "The event's sent announcements, newest first, with their audience and counts.",
            {200: json_answer(ref("AnnouncementList"), "The announcements.")},
            errors=(403, 404),
            parameters=[SLUG],
            organiser=Action.EDIT_EVENT,
        ),
        "post": endpoint(
            "sendAnnouncement",
            "Send an announcement: one copy per recipient, each with List-Unsubscribe (one click, RFC 8058).",
            {
                202: json_answer(
                    ref("AnnouncementSent"), "Written to the outbox; `recipients` says how many."
                ),
                200: json_answer(
                    ref("AnnouncementSent"),
                    "A repeat (same Idempotency-Key, or the same subject, body and audience within ten minutes): "
                    "nothing more was sent; the announcement sent before, with `already_sent: true`.",
                ),
            },
            errors=(400, 403, 404, 422),
            parameters=[
                SLUG,
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "minLength": 1, "maxLength": ANNOUNCEMENT_MAX_KEY},
                    "description": "Any text; a repeated request with the same key sends nothing more.",
                },
            ],
            body=closed_object(
                {
                    "subject": {"type": "string", "minLength": 1, "maxLength": ANNOUNCEMENT_MAX_SUBJECT},
                    "body": {"type": "string", "minLength": 1, "maxLength": ANNOUNCEMENT_MAX_BODY},
                    "audience": ref("Audience"),
                },
                required=["subject", "body"],
            ),
            organiser=Action.EDIT_EVENT,
            description="Owners, managers and admins. Unknown fields or audience rules, wrong types, sessions or "
            "questions of another event, an empty subject or body: 422 with what to fix, by field. The text is "
            "sent as written (Markdown, sanitised in the HTML part); the lines under it are in each recipient's "
            "language.",
        ),
    }
}
