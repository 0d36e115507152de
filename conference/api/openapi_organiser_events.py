"""The organiser schemas of the OpenAPI document (conference/api/openapi.py) for events and sessions: how the
event's team sees them (`OrganiserEvent`, `OrganiserSession`) and the bodies that create, change, publish and
cancel them. Registrations, the audit log, check-in, the account and people: openapi_organiser_people.py."""

from __future__ import annotations

from conference.api.openapi_pieces import (
    LANGUAGE,
    NULLABLE_STRING,
    STRING,
    closed_object,
    ref,
    translations_in,
    values_of,
)
from conference.api.openapi_public import SCHEMAS as PUBLIC_SCHEMAS
from conference.events.models import AttendanceMode, EventKind
from conference.sessions.models import SessionKind

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

TIME_IN = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 with offset (a naive time is refused).",
}
TEXT_IN = {"type": ["string", "null"]}
EVENT_FIELDS_IN = {
    "title": {"type": "string", "maxLength": 300},
    "kind": {"enum": values_of(EventKind)},
    "timezone": {"type": "string", "description": "IANA time zone; the event's times are wall-clock in it."},
    "starts_at": TIME_IN,
    "ends_at": TIME_IN,
    "mode": {"enum": values_of(AttendanceMode)},
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
    "translations": translations_in("event"),
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
    "kind": {"enum": values_of(SessionKind)},
    "starts_at": TIME_IN,
    "ends_at": TIME_IN,
    "room": {"type": ["string", "null"], "description": "The name of one of the event's rooms."},
    "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "null: no limit of its own."},
    "registration_enabled": {"type": "boolean"},
    "description": TEXT_IN,
    "translations": translations_in("session"),
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
    **PUBLIC_SCHEMAS["Session"]["properties"],
    "description": STRING,
    "translations": translations_in("session"),
    "registration_enabled": {"type": "boolean"},
    "seats_taken": {"type": "integer", "minimum": 0},
    "people": {"type": "array", "items": ref("Assignment")},
}

SCHEMAS: dict[str, dict] = {
    "OrganiserSession": closed_object(
        ORGANISER_SESSION, description="A session as the event's team sees it."
    ),
    "OrganiserEvent": closed_object(
        {
            **PUBLIC_SCHEMAS["EventDetail"]["properties"],
            "sessions": {"type": "array", "items": ref("OrganiserSession")},
            "description": STRING,
            "online_url": NULLABLE_STRING,
            "reply_to": {
                **NULLABLE_STRING,
                "description": "The Reply-To of the event's mail; null: none.",
            },
            "registration": closed_object(REGISTRATION_SETTINGS),
            "translations": translations_in("event"),
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
