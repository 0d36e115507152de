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

from conference.announcements.api import MAX_KEY as ANNOUNCEMENT_MAX_KEY
from conference.announcements.audience import MAX_SESSIONS as ANNOUNCEMENT_MAX_SESSIONS
from conference.announcements.operations import MAX_BODY as ANNOUNCEMENT_MAX_BODY
from conference.announcements.operations import MAX_SUBJECT as ANNOUNCEMENT_MAX_SUBJECT
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
from conference.speakers.models import AssignmentStatus, Role
from conference.translations import CHOICES, FIELDS

BEARER = [{"bearerAuth": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# An event's reminder schedule (conference/reminders/schedule.py), the earliest first.
REMINDERS_SCHEMA = {
    "type": "array",
    "maxItems": 5,
    "items": {
        "type": "object",
        "properties": {
            "minutes_before": {
                "type": "integer",
                "minimum": 1,
                "maximum": 43200,
                "description": "Minutes before the start (of the event, or of each day's first chosen session "
                "for an event over several days).",
            }
        },
        "required": ["minutes_before"],
        "additionalProperties": False,
    },
}


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

LANGUAGE = {
    "type": "string",
    "description": "A language of the LANGUAGES setting (en, ja, ko, th by default).",
}


def _languages(fields: tuple[str, ...]) -> dict:
    return _object(
        {name: LANGUAGE for name in fields},
        description="The language each text field of this answer is in: the `?lang=` asked for where a "
        "translation exists, else the text's own language.",
    )


def _translations_in(kind: str) -> dict:
    """The `translations` object of a model, as written (and as the organiser answers return it)."""
    fields = {
        f.name: {"type": ["array", "null"], "items": {"type": "string", "maxLength": f.max_length},
                 "description": "One label per choice, in the order of the choices."}
        if f.kind == CHOICES
        else {"type": ["string", "null"], "maxLength": f.max_length}
        for f in FIELDS[kind]
    }  # fmt: skip
    return {
        "type": "object",
        "additionalProperties": {
            "oneOf": [_object(fields, required=[]), {"type": "null"}],
        },
        "description": "Translations by language (any of the LANGUAGES setting but the default language): "
        '{"ja":{"title":"…"}}. Written: a field given replaces the stored one, an empty text or null '
        "removes it, a language given as null is removed, languages not given are kept. An unknown "
        "language or field, the default language, control characters or text over the limit: 422 "
        "(`translations.<lang>.<field>`).",
    }


EVENT_SUMMARY = {
    "slug": STRING,
    "title": STRING,
    "language": {**LANGUAGE, "description": "The language the event is written in (its default)."},
    "languages": _languages(("title",)),
    "kind": {"enum": _values(EventKind)},
    "status": {"enum": _values(EventStatus)},
    "timezone": {"type": "string", "description": "IANA time zone; times are given in it."},
    "starts_at": DATE_TIME,
    "ends_at": DATE_TIME,
    "url": URL,
}

SERIES_SUMMARY = {
    "slug": STRING,
    "title": STRING,
    "description": {"type": "string", "description": "Markdown."},
    "event_count": {"type": "integer", "description": "Its published (and publicly cancelled) events."},
    "url": URL,
    "calendar": {**URL, "description": "The series' calendar feed: every session of its events."},
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
            "description": {"type": "string", "description": "Markdown."},
            "languages": _languages(("title", "description")),
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
            "languages": _languages(
                ("title", "summary", "description", "venue_name", "venue_address", "city", "country")
            ),
            "summary": STRING,
            "description": {"type": "string", "description": "Markdown."},
            "attendance_mode": {"enum": _values(AttendanceMode)},
            "venue": {
                "oneOf": [
                    {"type": "null"},
                    _object({"name": STRING, "address": STRING, "city": STRING, "country": STRING}),
                ]
            },
            "hashtag": NULLABLE_STRING,
            "series": {"type": ["string", "null"], "description": "The series' title."},
            "series_slug": {
                "type": ["string", "null"],
                "description": "The series' slug (`/api/v1/series/{slug}`).",
            },
            "hosts": {"type": "array", "items": STRING},
            "partners": {"type": "array", "items": STRING},
            "sessions": {"type": "array", "items": _ref("Session")},
            # Co-located events (conference/events/colocation.py): the public sees the published ones.
            "colocated_with": {
                "type": "array",
                "items": STRING,
                "description": "The slugs of the events co-located with this one (same place, adjoining dates).",
            },
            "colocated": {"type": "array", "items": _ref("EventSummary"), "description": "The same events."},
        }
    ),
    "SeriesSummary": _object(SERIES_SUMMARY),
    "SeriesDetail": _object(
        {
            **SERIES_SUMMARY,
            "organisers": {"type": "array", "items": STRING, "description": "Hosts of its events."},
            "upcoming": {"type": "array", "items": _ref("EventSummary"), "description": "Soonest first."},
            "past": {"type": "array", "items": _ref("EventSummary"), "description": "Latest first."},
            "publications": {
                "type": "array",
                "items": _object(
                    {
                        "title": STRING,
                        "kind": NULLABLE_STRING,
                        "published_on": {"type": ["string", "null"], "format": "date"},
                        "authors": NULLABLE_STRING,
                        "url": {"type": ["string", "null"]},
                        "event": {"type": "string", "description": "The slug of the event it belongs to."},
                    }
                ),
            },
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
            "language": {
                "type": "string",
                "description": "The language of the registrant's mails, one of the site's languages (en, ja, "
                "ko, th); default: the best match of Accept-Language.",
            },
            "timezone": {
                "type": "string",
                "maxLength": 64,
                "description": "The registrant's IANA time zone (Asia/Seoul): mails give times in the event's "
                "zone and in this one; default: the country's zone, else the event's.",
            },
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
            "language": STRING,
            "timezone": STRING,
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
            "language": STRING,
            "timezone": STRING,
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
    "reply_to": {
        "type": ["string", "null"],
        "format": "email",
        "maxLength": 320,
        "description": "Where replies to the event's mail go (its Reply-To header); empty or null: the sender.",
    },
    "series": {
        "type": ["string", "null"],
        "description": "The slug of a series (`GET /api/v1/series`); null: none.",
    },
    "summary": TEXT_IN,
    "description": TEXT_IN,
    "language": {
        **LANGUAGE,
        "description": "The language the event's own fields are written in (default en).",
    },
    "translations": _translations_in("event"),
    "colocated_with": {
        "type": "array",
        "items": STRING,
        "description": "The slugs of the events co-located with this one: the whole list (an empty list "
        "unlinks it from all). Linking an event needs edit rights on it too; unlinking needs rights on either "
        "side. The events form one gathering, shown both ways.",
    },
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
    "translations": _translations_in("session"),
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
PERSON_FIELDS_IN = {
    "position": {"type": ["string", "null"], "maxLength": 300},
    "affiliation": {"type": ["string", "null"], "maxLength": 300},
    "bio": {"type": ["string", "null"], "maxLength": 10_000, "description": "Markdown."},
    "language": {**LANGUAGE, "description": "The language position and bio are written in (default en)."},
    "translations": _translations_in("person"),
}
# An assignment's invitation and answer (docs/speakers.md).
ASSIGNMENT_STATE = {
    "status": {"enum": _values(AssignmentStatus)},
    "no_reply": {"type": "boolean", "description": "Invited and no answer after the event's reply days."},
    "note": {"type": "string", "description": "The speaker's note with their answer."},
    "invited_at": NULLABLE_DATE_TIME,
    "answered_at": NULLABLE_DATE_TIME,
    "confirmed_by_organiser": {"type": "boolean"},
}
ORGANISER_SESSION = {
    **SCHEMAS["Session"]["properties"],
    "description": STRING,
    "translations": _translations_in("session"),
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
                **ASSIGNMENT_STATE,
            }
        ),
        "SpeakerAssignment": _object(
            {
                "id": {"type": "integer"},
                "session_id": {"type": "integer"},
                "session": STRING,
                "role": {"enum": _values(Role)},
                **ASSIGNMENT_STATE,
            }
        ),
        "AssignmentState": _object({"id": {"type": "integer"}, **ASSIGNMENT_STATE}),
        "EventSpeakers": _object(
            {
                "reply_days": {"type": "integer", "minimum": 0},
                "speakers": {
                    "type": "array",
                    "items": _object(
                        {
                            "slug": STRING,
                            "name": STRING,
                            "email": NULLABLE_STRING,
                            "invitation_waiting": {
                                "type": "boolean",
                                "description": "An invitation waits in the outbox (it may still be held).",
                            },
                            "assignments": {"type": "array", "items": _ref("SpeakerAssignment")},
                        }
                    ),
                },
            }
        ),
        "OrganiserSession": _object(ORGANISER_SESSION, description="A session as the event's team sees it."),
        "OrganiserEvent": _object(
            {
                **SCHEMAS["EventDetail"]["properties"],
                "sessions": {"type": "array", "items": _ref("OrganiserSession")},
                "description": STRING,
                "online_url": NULLABLE_STRING,
                "reply_to": {
                    **NULLABLE_STRING,
                    "description": "The Reply-To of the event's mail; null: none.",
                },
                "registration": _object(REGISTRATION_SETTINGS),
                "translations": _translations_in("event"),
                "reminders": REMINDERS_SCHEMA,
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
                "reminders": {
                    **REMINDERS_SCHEMA,
                    "description": "The whole reminder schedule, replacing the one there is (`[]`: none). "
                    "Each `minutes_before` is a whole number from 1 to 43200 (30 days), no two alike, at most 5; "
                    "otherwise 422 naming what to fix (`reminders` or `reminders[<index>]`).",
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
                        **PERSON_FIELDS_IN,
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
        "OrganiserPerson": _object(
            {
                "slug": STRING,
                "name": STRING,
                "position": STRING,
                "affiliation": STRING,
                "bio": {"type": "string", "description": "Markdown."},
                "language": {**LANGUAGE, "description": "The language position and bio are written in."},
                "translations": _translations_in("person"),
                "mail_language": {
                    **NULLABLE_STRING,
                    "description": "Private: the language of their invitation and notices (null: the site's).",
                },
                "timezone": {
                    **NULLABLE_STRING,
                    "description": "Private: their IANA zone; their mails give times in it too (null: not given).",
                },
                "url": URL,
            },
            description="A person as organisers who may edit them see them (without the private e-mail).",
        ),
        "PersonChanges": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                **PERSON_FIELDS_IN,
                "mail_language": {
                    "type": ["string", "null"],
                    "description": "One of LANGUAGES; empty or null: not given. Unknown: 422.",
                },
                "timezone": {
                    "type": ["string", "null"],
                    "description": "An IANA zone (Asia/Seoul); empty or null: not given. Unknown: 422.",
                },
            },
            "additionalProperties": False,
            "description": "Any of the fields; the others keep their values.",
        },
        "Publish": {
            "type": "object",
            "properties": {"confirm": {"type": "boolean", "description": "Publish although sessions clash."}},
            "additionalProperties": False,
        },
        "CancelEvent": {
            "type": "object",
            "properties": {
                "notify": {
                    "type": "boolean",
                    "description": "false: nobody is told (default true: every registrant and assigned "
                    "person with an e-mail address gets one notice with a METHOD:CANCEL calendar).",
                }
            },
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
LANG = {
    "name": "lang",
    "in": "query",
    "schema": STRING,
    "description": "The language to give text in (one of the LANGUAGES setting, else 400), where a "
    "translation exists; without it, each text in its own language. `languages` says which is which.",
}
PERSON_SLUG = {
    "name": "person_slug",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The person's slug.",
}
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


SERIES_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The series' slug.",
}

PATHS: dict[str, dict] = {
    "/api/v1/series": {
        "get": _operation(
            "listSeries",
            "Every series with at least one published (or publicly cancelled) event, by title.",
            {
                200: _json(
                    _object({"series": {"type": "array", "items": _ref("SeriesSummary")}}), "The series."
                )
            },
        ),
    },
    "/api/v1/series/{slug}": {
        "get": _operation(
            "getSeries",
            "One series: its public events (upcoming, then past), organisers and related publications.",
            {200: _json(_ref("SeriesDetail"), "The series.")},
            errors=(404,),
            parameters=[SERIES_SLUG],
        ),
    },
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
                },
                LANG,
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
            {
                200: _json(
                    {"anyOf": [_ref("EventDetail"), _ref("OrganiserEvent")]},
                    "The event: `EventDetail`, or `OrganiserEvent` for its team's token.",
                )
            },
            errors=(400, 401, 404),
            parameters=[SLUG, LANG],
            description="Public, no token needed. With `Authorization: Bearer <token>` of someone who may "
            "edit the event (x-action edit_event), the answer is the organiser view instead (`OrganiserEvent`, "
            "drafts too, texts untranslated): every session's people with each assignment's state (status, "
            "no_reply, note, invited_at, answered_at, confirmed_by_organiser), sent `Cache-Control: private, "
            "no-store`. Anyone else's token gets the public answer; an unknown or revoked token 401. Every "
            "answer says `Vary: Authorization`.",
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
            "(422 with the count) and nothing changes. `reminders` replaces the event's reminder schedule "
            "(offsets before the start; see docs/organising.md, Reminders).",
        ),
    },
    **{
        f"/api/v1/events/{{slug}}/{move}": {
            "post": _operation(
                f"{move}Event",
                summary,
                {200: _json(_ref("OrganiserEvent"), "The event as it is now.")},
                errors=(400, 403, 404, 409, 422) if move in ("publish", "cancel") else (403, 404, 409),
                parameters=[SLUG],
                body={"publish": _ref("Publish"), "cancel": _ref("CancelEvent")}.get(move),
                body_required=False,
                organiser=Action.EDIT_EVENT,
                description="409 with the reason when the status table does not allow the move"
                + (" (or when sessions clash and `confirm` is not true)." if move == "publish" else "."),
            )
        }
        for move, summary in (
            ("publish", "Publish a draft event."),
            ("unpublish", "Make a published event a draft again."),
            ("cancel", "Cancel an event: its registrations go with their seats; each person is told once."),
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
    "/api/v1/events/{slug}/sessions/{session_id}/people/{assignment_id}/invitation": {
        "post": _operation(
            "resendInvitation",
            "Send the person's invitation for the event (again) with the next send-mail.",
            {202: _json(_ref("AssignmentState"), "Queued: the assignment's state.")},
            errors=(403, 404, 409),
            parameters=[
                SLUG,
                SESSION_ID,
                {"name": "assignment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            ],
            organiser=Action.EDIT_EVENT,
            description="One message lists all the person's sessions at the event. 409 when the person has "
            "no e-mail address or nothing left to be invited to (every session declined or cancelled).",
        )
    },
    "/api/v1/events/{slug}/speakers": {
        "get": _operation(
            "eventSpeakers",
            "Everyone in the event's sessions with the state of each invitation and answer.",
            {200: _json(_ref("EventSpeakers"), "People by name, each with their assignments.")},
            errors=(403, 404),
            parameters=[SLUG],
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
    "/api/v1/people/{person_slug}": {
        "get": _operation(
            "getPerson",
            "A person's details and translations (one the token's account may edit).",
            {200: _json(_ref("OrganiserPerson"), "The person.")},
            errors=(403, 404),
            parameters=[PERSON_SLUG],
            organiser=Action.EDIT_PERSON,
        ),
        "patch": _operation(
            "editPerson",
            "Change a person's details, language and translations (as the person page does).",
            {200: _json(_ref("OrganiserPerson"), "The person as they are now.")},
            errors=(400, 403, 404, 422),
            parameters=[PERSON_SLUG],
            body=_ref("PersonChanges"),
            organiser=Action.EDIT_PERSON,
            description="A person may be edited with a role that may edit on every event they take part in.",
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


# --- announcements (conference/announcements/api.py) -------------------------------------------------------

SCHEMAS["Audience"] = _object(
    {
        "status": {
            "type": "array",
            "items": {"enum": _values(RegistrationStatus)},
            "minItems": 1,
            "description": 'Registration statuses; default ["confirmed"].',
        },
        "mode": {"enum": [*_values(RegistrationMode), None], "description": "Attendance mode; null: both."},
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
    "audience": _ref("Audience"),
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
SCHEMAS["Announcement"] = _object(ANNOUNCEMENT, description="An announcement as sent.")
SCHEMAS["AnnouncementSent"] = _object(
    {
        **ANNOUNCEMENT,
        "already_sent": {"type": "boolean", "description": "True: a repeat; nothing more was sent."},
    },
    description="The announcement sent (or found already sent).",
)
SCHEMAS["AnnouncementList"] = _object({"announcements": {"type": "array", "items": _ref("Announcement")}})
PATHS["/api/v1/events/{slug}/announcements"] = {
    "get": _operation(
        "listAnnouncements",
        "The event's sent announcements, newest first, with their audience and counts.",
        {200: _json(_ref("AnnouncementList"), "The announcements.")},
        errors=(403, 404),
        parameters=[SLUG],
        organiser=Action.EDIT_EVENT,
    ),
    "post": _operation(
        "sendAnnouncement",
        "Send an announcement: one copy per recipient, each with List-Unsubscribe (one click, RFC 8058).",
        {
            202: _json(_ref("AnnouncementSent"), "Written to the outbox; `recipients` says how many."),
            200: _json(
                _ref("AnnouncementSent"),
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
        body=_object(
            {
                "subject": {"type": "string", "minLength": 1, "maxLength": ANNOUNCEMENT_MAX_SUBJECT},
                "body": {"type": "string", "minLength": 1, "maxLength": ANNOUNCEMENT_MAX_BODY},
                "audience": _ref("Audience"),
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
