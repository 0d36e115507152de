"""The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json.

Kept here as data, one entry per endpoint and method. tests/api/test_openapi.py validates the document,
fails for any /api/v1 rule or method of app.url_map that is not described here, and checks real answers
of every endpoint against the schemas. Enumerations are read from the models, so they cannot drift.
Built once per BASE_URL and served as compact JSON (the C encoder).
"""

from __future__ import annotations

import functools
import json

from flask import Response, current_app

from conference.api.blueprint import bp
from conference.api.organiser import MAX_PER_PAGE, MAX_QUERY, PER_PAGE
from conference.api.registrations import MAX_SESSIONS
from conference.audit.queries import ACTION_PATTERN as AUDIT_ACTION_PATTERN
from conference.audit.queries import MAX_PER_PAGE as AUDIT_MAX_PER_PAGE
from conference.audit.queries import PER_PAGE as AUDIT_PER_PAGE
from conference.audit.queries import SUBJECTS as AUDIT_SUBJECTS
from conference.auth.models import TeamRole
from conference.auth.permissions import Action
from conference.events.models import AttendanceMode, EventKind, EventStatus
from conference.registrations.models import RegistrationMode, RegistrationStatus, SeatStatus
from conference.registrations.registering import KEY_LENGTH
from conference.sessions.models import SessionKind, SessionStatus
from conference.speakers.models import Role

BEARER = [{"bearerAuth": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _values(enum_class: type) -> list[str]:
    return [member.value for member in enum_class]


def _object(properties: dict, required: list[str] | None = None, **extra: object) -> dict:
    """A closed object: every property required unless listed otherwise, no other properties."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset."}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": "string", "format": "uri"}

EVENT_SUMMARY = {
    "slug": STRING,
    "title": STRING,
    "kind": {"enum": _values(EventKind)},
    "status": {"enum": _values(EventStatus)},
    "timezone": {"type": "string", "description": "IANA time zone; times are given in it."},
    "starts_at": DATE_TIME,
    "ends_at": DATE_TIME,
    "url": URL,
}

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        {"error": _object({"code": {"type": "integer"}, "message": STRING})},
        description="Any refusal that is not about the input's fields (400, 401, 403, 404, 429).",
    ),
    "ValidationErrors": _object(
        {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
                "description": "Messages by field name (nested fields as `answers.<question id>`).",
            }
        },
    ),
    "EventSummary": _object(EVENT_SUMMARY),
    "Person": _object({"name": STRING, "slug": STRING, "role": {"enum": _values(Role)}}),
    "Session": _object(
        {
            "id": {"type": "integer"},
            "title": STRING,
            "kind": {"enum": _values(SessionKind)},
            "status": {"enum": _values(SessionStatus)},
            "starts_at": DATE_TIME,
            "ends_at": DATE_TIME,
            "room": NULLABLE_STRING,
            "capacity": {"type": ["integer", "null"]},
            "seats_left": {"type": ["integer", "null"]},
            "registration_open": {"type": "boolean"},
            "url": URL,
            "people": {"type": "array", "items": _ref("Person")},
            "recording_url": {"type": ["string", "null"], "format": "uri"},
            "slides_url": {"type": ["string", "null"], "format": "uri"},
            "links": {"type": "array", "items": _ref("Link")},
        }
    ),
    "Link": _object({"label": STRING, "url": URL}),
    "EventDetail": _object(
        {
            **EVENT_SUMMARY,
            "summary": STRING,
            "attendance_mode": {"enum": _values(AttendanceMode)},
            "venue": {
                "oneOf": [
                    {"type": "null"},
                    _object({"name": STRING, "address": STRING, "city": STRING, "country": STRING}),
                ]
            },
            "hashtag": NULLABLE_STRING,
            "series": NULLABLE_STRING,
            "hosts": {"type": "array", "items": STRING},
            "partners": {"type": "array", "items": STRING},
            "sessions": {"type": "array", "items": _ref("Session")},
        }
    ),
    "NewRegistration": {
        "type": "object",
        "required": ["name", "email", "consent"],
        "properties": {
            "name": {"type": "string", "maxLength": 200},
            "email": {"type": "string", "format": "email", "maxLength": 320},
            "affiliation": {"type": "string", "maxLength": 300},
            "country": {"type": "string", "description": "ISO 3166 two-letter code.", "maxLength": 2},
            "accessibility_needs": {"type": "string", "maxLength": 2000},
            "attendance_mode": {
                "enum": _values(RegistrationMode),
                "description": "Required when the event is hybrid.",
            },
            "consent": {"const": True},
            "session_ids": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "maxItems": MAX_SESSIONS,
            },
            "answers": {
                "type": "object",
                "description": "Answers by question id: text, a choice, a list of choices or a boolean.",
                "additionalProperties": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "array", "items": STRING},
                        {"type": "boolean"},
                        {"type": "null"},
                    ]
                },
            },
            "idempotency_key": {"type": "string", "minLength": KEY_LENGTH[0], "maxLength": KEY_LENGTH[1]},
        },
    },
    "RegistrationSummary": _object(
        {
            "status": {"enum": _values(RegistrationStatus)},
            "attendance_mode": {"enum": _values(RegistrationMode)},
            "sessions": {
                "type": "array",
                "items": _object({"id": {"type": "integer"}, "status": {"enum": _values(SeatStatus)}}),
            },
            "manage_url": URL,
            "calendar_url": URL,
        }
    ),
    "OwnRegistration": _object(
        {
            "status": {"enum": _values(RegistrationStatus)},
            "attendance_mode": {"enum": _values(RegistrationMode)},
            "event_status": {"enum": _values(EventStatus)},
            "sessions": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"type": "integer"},
                        "status": {"enum": _values(SeatStatus)},
                        "session_status": {"enum": _values(SessionStatus)},
                    }
                ),
            },
            "manage_url": URL,
            "calendar_url": URL,
        }
    ),
    "LinkSent": _object({"status": {"const": "link_sent"}}),
    "Cancelled": _object({"status": {"const": "cancelled"}}),
    "Registration": _object(
        {
            "id": {"type": "integer"},
            "name": STRING,
            "email": {"type": ["string", "null"], "description": "null once the personal data is erased."},
            "affiliation": STRING,
            "country": NULLABLE_STRING,
            "attendance_mode": {"enum": _values(RegistrationMode)},
            "status": {"enum": _values(RegistrationStatus)},
            "sessions": {
                "type": "array",
                "items": _object(
                    {"id": {"type": "integer"}, "title": STRING, "status": {"enum": _values(SeatStatus)}}
                ),
            },
            "created_at": DATE_TIME,
            "checked_in_at": NULLABLE_DATE_TIME,
            "erased": {"type": "boolean"},
        },
        description="A registration as the event's team sees it (without its secret links).",
    ),
    "RegistrationPage": _object(
        {
            "registrations": {"type": "array", "items": _ref("Registration")},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri", "description": "The next page, if any."},
        }
    ),
    "AuditEntry": _object(
        {
            "id": {"type": "integer"},
            "created_at": DATE_TIME,
            "actor": {
                "type": ["string", "null"],
                "description": "The account's e-mail at the time; null for the command line or an import.",
            },
            "action": {"type": "string", "description": "What happened, e.g. session.changed."},
            "subject": _object(
                {
                    "type": {"enum": list(AUDIT_SUBJECTS)},
                    "id": {"type": ["integer", "null"]},
                    "label": {"type": "string", "description": "Empty for an erased registrant."},
                }
            ),
            "before": {"type": "object", "description": "The changed fields' old values."},
            "after": {"type": "object", "description": "The changed fields' new values."},
        },
        description="One entry of an event's audit log.",
    ),
    "AuditPage": _object(
        {
            "entries": {"type": "array", "items": _ref("AuditEntry")},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": AUDIT_MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri", "description": "The next page, if any."},
        }
    ),
    "CheckIn": _object(
        {
            "already_checked_in": {"type": "boolean", "description": "true when an earlier request did it."},
            "registration": _ref("Registration"),
        }
    ),
    "CheckInUndone": _object(
        {
            "was_checked_in": {"type": "boolean", "description": "false when there was nothing to undo."},
            "registration": _ref("Registration"),
        }
    ),
    "Me": _object(
        {
            "email": STRING,
            "name": STRING,
            "admin": {"type": "boolean", "description": "Admins may work on every event."},
            "token": _object({"name": STRING, "prefix": STRING, "created_at": DATE_TIME}),
            "events": {
                "type": "array",
                "description": "The events on whose team the account is.",
                "items": _object(
                    {
                        "slug": STRING,
                        "title": STRING,
                        "status": {"enum": _values(EventStatus)},
                        "starts_at": DATE_TIME,
                        "role": {"enum": _values(TeamRole)},
                        "actions": {
                            "type": "array",
                            "items": {"enum": _values(Action)},
                            "description": "What the role allows on the event (docs/organising.md).",
                        },
                    }
                ),
            },
        }
    ),
}

TIME_IN = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 with offset (a naive time is refused).",
}
TEXT_IN = {"type": ["string", "null"]}
EVENT_FIELDS_IN = {
    "title": {"type": "string", "maxLength": 300},
    "kind": {"enum": _values(EventKind)},
    "timezone": {"type": "string", "description": "IANA time zone; the event's times are wall-clock in it."},
    "starts_at": TIME_IN,
    "ends_at": TIME_IN,
    "mode": {"enum": _values(AttendanceMode)},
    "online_url": TEXT_IN,
    "venue_name": TEXT_IN,
    "venue_address": TEXT_IN,
    "city": TEXT_IN,
    "country": TEXT_IN,
    "hashtag": TEXT_IN,
    "summary": TEXT_IN,
    "description": TEXT_IN,
}
REGISTRATION_SETTINGS = {
    "enabled": {"type": "boolean"},
    "opens_at": {"type": ["string", "null"], "format": "date-time"},
    "closes_at": {"type": ["string", "null"], "format": "date-time"},
    "capacity_in_person": {"type": ["integer", "null"], "minimum": 0},
    "capacity_online": {"type": ["integer", "null"], "minimum": 0},
    "waiting_list": {"type": "boolean"},
    "approval": {"type": "boolean"},
}
SESSION_FIELDS_IN = {
    "title": {"type": "string", "maxLength": 300},
    "kind": {"enum": _values(SessionKind)},
    "starts_at": TIME_IN,
    "ends_at": TIME_IN,
    "room": {"type": ["string", "null"], "description": "The name of one of the event's rooms."},
    "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "null: no limit of its own."},
    "registration_enabled": {"type": "boolean"},
    "description": TEXT_IN,
    "recording_url": {**TEXT_IN, "maxLength": 500, "description": "An http(s) link; empty or null: none."},
    "slides_url": {**TEXT_IN, "maxLength": 500, "description": "An http(s) link; empty or null: none."},
    "links": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"label": {"type": "string"}, "url": {"type": "string"}},
            "required": ["url"],
            "additionalProperties": False,
        },
        "description": "Related links (essays, papers), in order; each url http(s). Replaces the list.",
    },
    "notify": {
        "type": "boolean",
        "description": "false: a move notifies nobody (default true: registrants and speakers of a moved "
        "session get one notice, folded with other changes within NOTICE_DELAY_SECONDS).",
    },
}
ORGANISER_SESSION = {
    **SCHEMAS["Session"]["properties"],
    "description": STRING,
    "registration_enabled": {"type": "boolean"},
    "seats_taken": {"type": "integer", "minimum": 0},
    "people": {"type": "array", "items": _ref("Assignment")},
}
SCHEMAS.update(
    {
        "Assignment": _object(
            {
                "id": {"type": "integer", "description": "The assignment's id (for DELETE)."},
                "name": STRING,
                "slug": STRING,
                "role": {"enum": _values(Role)},
            }
        ),
        "OrganiserSession": _object(ORGANISER_SESSION, description="A session as the event's team sees it."),
        "OrganiserEvent": _object(
            {
                **SCHEMAS["EventDetail"]["properties"],
                "sessions": {"type": "array", "items": _ref("OrganiserSession")},
                "description": STRING,
                "online_url": NULLABLE_STRING,
                "registration": _object(REGISTRATION_SETTINGS),
            },
            description="An event (of any status) as its team sees it.",
        ),
        "NewEvent": {
            "type": "object",
            "properties": EVENT_FIELDS_IN,
            "required": ["title", "kind", "timezone", "starts_at", "ends_at", "mode"],
            "additionalProperties": False,
        },
        "EventChanges": {
            "type": "object",
            "properties": {
                **EVENT_FIELDS_IN,
                "registration": {
                    "type": "object",
                    "properties": REGISTRATION_SETTINGS,
                    "additionalProperties": False,
                    "description": "The registration settings page's fields (any of them).",
                },
            },
            "additionalProperties": False,
            "description": "Any of the fields; the others keep their values.",
        },
        "NewSession": {
            "type": "object",
            "properties": SESSION_FIELDS_IN,
            "required": ["title", "kind", "starts_at", "ends_at"],
            "additionalProperties": False,
        },
        "SessionChanges": {
            "type": "object",
            "properties": SESSION_FIELDS_IN,
            "additionalProperties": False,
            "description": "Any of the fields; the others keep their values.",
        },
        "NewAssignment": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"person": STRING, "role": {"enum": _values(Role)}},
                    "required": ["person"],
                    "additionalProperties": False,
                    "description": "A person by slug (one the token's account may find).",
                },
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 200},
                        "email": {"type": ["string", "null"], "format": "email"},
                        "role": {"enum": _values(Role)},
                        "create_anyway": {
                            "type": "boolean",
                            "description": "Create although someone has a similar name (422 names them).",
                        },
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                    "description": "A new person, as the session page's form creates one.",
                },
            ]
        },
        "Publish": {
            "type": "object",
            "properties": {"confirm": {"type": "boolean", "description": "Publish although sessions clash."}},
            "additionalProperties": False,
        },
    }
)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {
    400: _json(_ref("Error"), "Malformed request (bad JSON, NUL characters, bad query values)."),
    401: _json(
        _ref("Error"), "No API token, or one that is unknown or revoked (`WWW-Authenticate: Bearer`)."
    ),
    403: _json(_ref("Error"), "The account's roles do not allow this."),
    404: _json(_ref("Error"), "Not found (or not yours to see)."),
    409: _json(_ref("ValidationErrors"), "The request conflicts with the current state."),
    422: _json(_ref("ValidationErrors"), "Invalid input: messages by field."),
    429: _json(_ref("Error"), "Too many requests from this client; wait and try again."),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": STRING, "description": "The event's slug."}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The registration's secret manage token (from its manage link).",
}


def _operation(
    operation_id: str,
    summary: str,
    responses: dict,
    *,
    errors: tuple[int, ...] = (),
    parameters: list | None = None,
    body: dict | None = None,
    body_required: bool = True,
    organiser: Action | None = None,
    description: str = "",
) -> dict:
    operation: dict = {"operationId": operation_id, "summary": summary, "tags": ["public"]}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
    if organiser is not None:
        operation["tags"] = ["organiser"]
        operation["security"] = BEARER
        operation["x-action"] = organiser.value
        errors = (401, *errors, 429)
    operation["responses"] = {str(code): response for code, response in responses.items()} | {
        str(code): ERROR[code] for code in errors
    }
    return operation


PATHS: dict[str, dict] = {
    "/api/v1/events": {
        "get": _operation(
            "listEvents",
            "Published (and publicly cancelled) events, past and upcoming.",
            {
                200: _json(
                    _object({"events": {"type": "array", "items": _ref("EventSummary")}}), "The events."
                )
            },
            errors=(400,),
            parameters=[
                {
                    "name": "upcoming",
                    "in": "query",
                    "schema": {"enum": ["1", "0", "true", "false"]},
                    "description": "1: only events that have not ended.",
                }
            ],
        ),
        "post": _operation(
            "createEvent",
            "Create a draft event (as the new-event page does); the token's account becomes its owner.",
            {201: _json(_ref("OrganiserEvent"), "The new draft event.")},
            errors=(400, 403, 422),
            body=_ref("NewEvent"),
            organiser=Action.ORGANISE,
        ),
    },
    "/api/v1/events/{slug}": {
        "get": _operation(
            "getEvent",
            "One published event with its programme.",
            {200: _json(_ref("EventDetail"), "The event.")},
            errors=(404,),
            parameters=[SLUG],
        ),
        "patch": _operation(
            "editEvent",
            "Change an event's details and registration settings (the edit and settings pages' operations).",
            {200: _json(_ref("OrganiserEvent"), "The event as it is now.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG],
            body=_ref("EventChanges"),
            organiser=Action.EDIT_EVENT,
            description="A capacity raised promotes the waiting list; one below the seats taken is refused "
            "(422 with the count) and nothing changes.",
        ),
    },
    **{
        f"/api/v1/events/{{slug}}/{move}": {
            "post": _operation(
                f"{move}Event",
                summary,
                {200: _json(_ref("OrganiserEvent"), "The event as it is now.")},
                errors=(400, 403, 404, 409, 422) if move == "publish" else (403, 404, 409),
                parameters=[SLUG],
                body=_ref("Publish") if move == "publish" else None,
                body_required=False,
                organiser=Action.EDIT_EVENT,
                description="409 with the reason when the status table does not allow the move"
                + (" (or when sessions clash and `confirm` is not true)." if move == "publish" else "."),
            )
        }
        for move, summary in (
            ("publish", "Publish a draft event."),
            ("unpublish", "Make a published event a draft again."),
            ("cancel", "Cancel an event; its registrations are cancelled with their seats."),
        )
    },
    "/api/v1/events/{slug}/sessions": {
        "post": _operation(
            "createSession",
            "Add a session to the event's programme.",
            {201: _json(_ref("OrganiserSession"), "The new session (with its `id`).")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG],
            body=_ref("NewSession"),
            organiser=Action.EDIT_EVENT,
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}": {
        "patch": _operation(
            "editSession",
            "Change or move a session (a capacity below the seats taken: 422 with the count).",
            {200: _json(_ref("OrganiserSession"), "The session as it is now.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG, SESSION_ID],
            body=_ref("SessionChanges"),
            organiser=Action.EDIT_EVENT,
        )
    },
    **{
        f"/api/v1/events/{{slug}}/sessions/{{session_id}}/{move}": {
            "post": _operation(
                f"{move}Session",
                summary,
                {200: _json(_ref("OrganiserSession"), "The session as it is now.")},
                errors=(403, 404, 409),
                parameters=[SLUG, SESSION_ID],
                organiser=Action.EDIT_EVENT,
                description="409 when it is cancelled already (cancel) or not cancelled (restore).",
            )
        }
        for move, summary in (
            ("cancel", "Cancel a session: its seats are given back; it stays in the programme, marked."),
            ("restore", "Schedule a cancelled session again: its registrants come back by the waiting list."),
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}/people": {
        "post": _operation(
            "addPerson",
            "Put a person (by slug, or a new one) into the session with a role.",
            {201: _json(_ref("Assignment"), "The assignment.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG, SESSION_ID],
            body=_ref("NewAssignment"),
            organiser=Action.EDIT_EVENT,
            description="A new name similar to someone's the account may find is refused (422 naming "
            "them) unless `create_anyway` is true. 422 when the person is in the session already.",
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}/people/{assignment_id}": {
        "delete": _operation(
            "removePerson",
            "Take a person out of the session.",
            {204: {"description": "Removed."}},
            errors=(403, 404),
            parameters=[
                SLUG,
                SESSION_ID,
                {"name": "assignment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            ],
            organiser=Action.EDIT_EVENT,
        )
    },
    "/api/v1/events/{slug}/registrations": {
        "post": _operation(
            "register",
            "Register for an event (and some of its sessions).",
            {
                201: _json(_ref("RegistrationSummary"), "Registered: the manage and calendar links."),
                202: _json(_ref("LinkSent"), "The address is registered already: its link was mailed to it."),
            },
            errors=(400, 404, 409, 422, 429),
            parameters=[SLUG],
            body=_ref("NewRegistration"),
            description="Rate-limited per client (RATELIMIT_REGISTRATION). An `idempotency_key` makes a "
            "repeated request answer as the first did. 409: the event is full and has no waiting list.",
        ),
        "get": _operation(
            "listRegistrations",
            "The event's registrations, oldest first, paged and filtered.",
            {200: _json(_ref("RegistrationPage"), "One page of registrations.")},
            errors=(403, 404, 422),
            parameters=[
                SLUG,
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE},
                },
                {"name": "status", "in": "query", "schema": {"enum": _values(RegistrationStatus)}},
                {
                    "name": "session",
                    "in": "query",
                    "schema": {"type": "integer"},
                    "description": "Only registrations that chose this session (and did not cancel it).",
                },
                {"name": "mode", "in": "query", "schema": {"enum": _values(RegistrationMode)}},
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": MAX_QUERY},
                    "description": "Name or email contains this, or the check-in code is this.",
                },
            ],
            organiser=Action.CHECK_IN,
            description="Owners, managers and admins list every registration. Check-in helpers must "
            "search with `q` (403 without it) and do not see erased registrations.",
        ),
    },
    "/api/v1/events/{slug}/registrations/{registration_id}/check-in": {
        "post": _operation(
            "checkIn",
            "Check a confirmed registration in (repeating it changes nothing).",
            {200: _json(_ref("CheckIn"), "Checked in, now or before.")},
            errors=(404, 409),
            parameters=[
                SLUG,
                {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            ],
            organiser=Action.CHECK_IN,
            description="Any member of the event's team. 409 when the registration is not confirmed.",
        ),
        "delete": _operation(
            "undoCheckIn",
            "Undo a check-in made by mistake (repeating it changes nothing).",
            {200: _json(_ref("CheckInUndone"), "Not checked in (any more).")},
            errors=(404,),
            parameters=[
                SLUG,
                {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            ],
            organiser=Action.CHECK_IN,
            description="Any member of the event's team; recorded in the audit log.",
        ),
    },
    "/api/v1/events/{slug}/badges.pdf": {
        "get": _operation(
            "badges",
            "Name badges (name, affiliation, role of speakers, check-in QR code) as a PDF for printing.",
            {
                200: {
                    "description": "The PDF.",
                    "content": {
                        "application/pdf": {
                            "schema": {"type": "string", "contentMediaType": "application/pdf"}
                        }
                    },
                }
            },  # fmt: skip
            errors=(403, 404, 422),
            parameters=[
                SLUG,
                {
                    "name": "layout",
                    "in": "query",
                    "schema": {"enum": ["a4", "l7163"], "default": "a4"},
                    "description": "a4: four A6 badges per A4 sheet; l7163: Avery L7163 labels, 14 per A4.",
                },
            ],
            organiser=Action.EDIT_EVENT,
            description="Confirmed in-person registrants, then speakers who did not register.",
        )
    },
    "/api/v1/events/{slug}/audit": {
        "get": _operation(
            "listAudit",
            "The event's audit log, newest first, paged and filtered: who changed what, when, before and after.",
            {200: _json(_ref("AuditPage"), "One page of entries.")},
            errors=(403, 404, 422),
            parameters=[
                SLUG,
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": AUDIT_MAX_PER_PAGE,
                        "default": AUDIT_PER_PAGE,
                    },
                },
                {"name": "subject", "in": "query", "schema": {"enum": list(AUDIT_SUBJECTS)}},
                {
                    "name": "action",
                    "in": "query",
                    "schema": {"type": "string", "pattern": AUDIT_ACTION_PATTERN.pattern},
                    "description": "Only entries of this action, e.g. session.cancelled.",
                },
            ],
            organiser=Action.VIEW_AUDIT,
            description="Owners, managers and admins. An erased registrant's entries keep their action, "
            "time and author, without the personal data.",
        )
    },
    "/api/v1/registrations/{token}": {
        "get": _operation(
            "getRegistration",
            "One's own registration, by its manage token, with the status of its event and of each chosen "
            "session (what the organisers cancelled shows).",
            {200: _json(_ref("OwnRegistration"), "The registration.")},
            errors=(404, 429),
            parameters=[TOKEN],
        ),
        "delete": _operation(
            "cancelRegistration",
            "Cancel one's own registration, by its manage token.",
            {200: _json(_ref("Cancelled"), "Cancelled; the waiting list moves up.")},
            errors=(404, 429),
            parameters=[TOKEN],
        ),
    },
    "/api/v1/me": {
        "get": _operation(
            "me",
            "Who the token acts as: the account, and its events and roles.",
            {200: _json(_ref("Me"), "The account.")},
            organiser=Action.HOME,
        )
    },
    "/api/v1/openapi.json": {
        "get": _operation(
            "openapi",
            "This document.",
            {200: _json({"type": "object"}, "The OpenAPI 3.1 document.")},
        )
    },
}


def document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Conference API",
            "version": "1",
            "description": "Public endpoints need no authentication. Organiser endpoints need a personal API "
            "token (made on /account/tokens or with `flask create-api-token`), sent as "
            "`Authorization: Bearer <token>`; it acts as its account, on the events that account's team "
            "roles allow (`x-action`: the action of the role matrix in docs/organising.md). Times are "
            "ISO 8601 with the offset of the event's time zone.",
        },
        "servers": [{"url": base_url}],
        "tags": [
            {"name": "public", "description": "Anyone; no token."},
            {"name": "organiser", "description": "A bearer token of a member of the event's team."},
        ],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (`ct_...`), shown once when it is made.",
                }
            },
        },
    }


@functools.cache
def _encoded(base_url: str) -> bytes:
    return json.dumps(document(base_url), ensure_ascii=False, separators=(",", ":")).encode()


@bp.get("/openapi.json")
def openapi():  # noqa: ANN201
    return Response(_encoded(current_app.config["BASE_URL"]), mimetype="application/json")
