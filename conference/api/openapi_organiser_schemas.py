"""The organiser schemas of the OpenAPI document (conference/api/openapi.py): what the organiser endpoints
answer (events and sessions as the team sees them, registrations, the audit log, check-in, the account) and the
bodies they take (new events, sessions, people and their changes)."""

from __future__ import annotations

from conference.api.openapi_pieces import (
    DATE_TIME,
    LANGUAGE,
    NULLABLE_DATE_TIME,
    NULLABLE_STRING,
    STRING,
    URL,
    closed_object,
    page_of,
    ref,
    translations_in,
    values_of,
)
from conference.api.openapi_public import SCHEMAS as PUBLIC_SCHEMAS
from conference.api.organiser import MAX_PER_PAGE
from conference.audit.queries import MAX_PER_PAGE as AUDIT_MAX_PER_PAGE
from conference.audit.queries import SUBJECTS as AUDIT_SUBJECTS
from conference.auth.models import TeamRole
from conference.auth.permissions import Action
from conference.events.models import AttendanceMode, EventKind, EventStatus
from conference.registrations.models import RegistrationMode, RegistrationStatus, SeatStatus
from conference.sessions.models import SessionKind
from conference.speakers.models import AssignmentStatus, Role

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

SCHEMAS: dict[str, dict] = {
    "Registration": closed_object(
        {
            "id": {"type": "integer"},
            "name": STRING,
            "email": {"type": ["string", "null"], "description": "null once the personal data is erased."},
            "affiliation": STRING,
            "country": NULLABLE_STRING,
            "attendance_mode": {"enum": values_of(RegistrationMode)},
            "status": {"enum": values_of(RegistrationStatus)},
            "sessions": {
                "type": "array",
                "items": closed_object(
                    {"id": {"type": "integer"}, "title": STRING, "status": {"enum": values_of(SeatStatus)}}
                ),
            },
            "created_at": DATE_TIME,
            "checked_in_at": NULLABLE_DATE_TIME,
            "erased": {"type": "boolean"},
        },
        description="A registration as the event's team sees it (without its secret links).",
    ),
    "RegistrationPage": page_of("registrations", "Registration", MAX_PER_PAGE),
    "AuditEntry": closed_object(
        {
            "id": {"type": "integer"},
            "created_at": DATE_TIME,
            "actor": {
                "type": ["string", "null"],
                "description": "The account's e-mail at the time; null for the command line or an import.",
            },
            "action": {"type": "string", "description": "What happened, e.g. session.changed."},
            "subject": closed_object(
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
    "AuditPage": page_of("entries", "AuditEntry", AUDIT_MAX_PER_PAGE),
    "CheckIn": closed_object(
        {
            "already_checked_in": {"type": "boolean", "description": "true when an earlier request did it."},
            "registration": ref("Registration"),
        }
    ),
    "CheckInUndone": closed_object(
        {
            "was_checked_in": {"type": "boolean", "description": "false when there was nothing to undo."},
            "registration": ref("Registration"),
        }
    ),
    "Me": closed_object(
        {
            "email": STRING,
            "name": STRING,
            "admin": {"type": "boolean", "description": "Admins may work on every event."},
            "token": closed_object({"name": STRING, "prefix": STRING, "created_at": DATE_TIME}),
            "events": {
                "type": "array",
                "description": "The events on whose team the account is.",
                "items": closed_object(
                    {
                        "slug": STRING,
                        "title": STRING,
                        "status": {"enum": values_of(EventStatus)},
                        "starts_at": DATE_TIME,
                        "role": {"enum": values_of(TeamRole)},
                        "actions": {
                            "type": "array",
                            "items": {"enum": values_of(Action)},
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
PERSON_FIELDS_IN = {
    "position": {"type": ["string", "null"], "maxLength": 300},
    "affiliation": {"type": ["string", "null"], "maxLength": 300},
    "bio": {"type": ["string", "null"], "maxLength": 10_000, "description": "Markdown."},
    "language": {**LANGUAGE, "description": "The language position and bio are written in (default en)."},
    "translations": translations_in("person"),
}
# An assignment's invitation and answer (docs/speakers.md).
ASSIGNMENT_STATE = {
    "status": {"enum": values_of(AssignmentStatus)},
    "no_reply": {"type": "boolean", "description": "Invited and no answer after the event's reply days."},
    "note": {"type": "string", "description": "The speaker's note with their answer."},
    "invited_at": NULLABLE_DATE_TIME,
    "answered_at": NULLABLE_DATE_TIME,
    "confirmed_by_organiser": {"type": "boolean"},
}
ORGANISER_SESSION = {
    **PUBLIC_SCHEMAS["Session"]["properties"],
    "description": STRING,
    "translations": translations_in("session"),
    "registration_enabled": {"type": "boolean"},
    "seats_taken": {"type": "integer", "minimum": 0},
    "people": {"type": "array", "items": ref("Assignment")},
}
SCHEMAS.update(
    {
        "Assignment": closed_object(
            {
                "id": {"type": "integer", "description": "The assignment's id (for DELETE)."},
                "name": STRING,
                "slug": STRING,
                "role": {"enum": values_of(Role)},
                **ASSIGNMENT_STATE,
            }
        ),
        "SpeakerAssignment": closed_object(
            {
                "id": {"type": "integer"},
                "session_id": {"type": "integer"},
                "session": STRING,
                "role": {"enum": values_of(Role)},
                **ASSIGNMENT_STATE,
            }
        ),
        "AssignmentState": closed_object({"id": {"type": "integer"}, **ASSIGNMENT_STATE}),
        "EventSpeakers": closed_object(
            {
                "reply_days": {"type": "integer", "minimum": 0},
                "speakers": {
                    "type": "array",
                    "items": closed_object(
                        {
                            "slug": STRING,
                            "name": STRING,
                            "email": NULLABLE_STRING,
                            "invitation_waiting": {
                                "type": "boolean",
                                "description": "An invitation waits in the outbox (it may still be held).",
                            },
                            "assignments": {"type": "array", "items": ref("SpeakerAssignment")},
                        }
                    ),
                },
            }
        ),
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
        "NewAssignment": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"person": STRING, "role": {"enum": values_of(Role)}},
                    "required": ["person"],
                    "additionalProperties": False,
                    "description": "A person by slug (one the token's account may find).",
                },
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 200},
                        "email": {"type": ["string", "null"], "format": "email"},
                        "role": {"enum": values_of(Role)},
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
        "OrganiserPerson": closed_object(
            {
                "slug": STRING,
                "name": STRING,
                "position": STRING,
                "affiliation": STRING,
                "bio": {"type": "string", "description": "Markdown."},
                "language": {**LANGUAGE, "description": "The language position and bio are written in."},
                "translations": translations_in("person"),
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
