"""The organiser schemas of the OpenAPI document (conference/api/openapi.py) for people: registrations as the
team sees them, the audit log, check-in, the account (`Me`), speakers and their assignments, and the bodies
that assign and change people. Events and sessions: openapi_organiser_events.py."""

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
from conference.api.organiser import MAX_PER_PAGE
from conference.audit.queries import MAX_PER_PAGE as AUDIT_MAX_PER_PAGE
from conference.audit.queries import SUBJECTS as AUDIT_SUBJECTS
from conference.auth.models import TeamRole
from conference.auth.permissions import Action
from conference.events.models import EventStatus
from conference.registrations.models import RegistrationMode, RegistrationStatus, SeatStatus
from conference.speakers.models import AssignmentStatus, Role

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
}
