"""The public part of the OpenAPI document (conference/api/openapi.py): the schemas of what anyone may read
(events, series, programme) or send (a registration), and the paths and methods that need no token."""

from __future__ import annotations

from conference.api.openapi_pieces import (
    DATE_TIME,
    LANG,
    LANGUAGE,
    NULLABLE_STRING,
    SERIES_SLUG,
    SLUG,
    STRING,
    TOKEN,
    URL,
    closed_object,
    endpoint,
    json_answer,
    languages_object,
    ref,
    values_of,
)
from conference.api.registrations import MAX_SESSIONS
from conference.events.models import AttendanceMode, EventKind, EventStatus
from conference.registrations.models import RegistrationMode, RegistrationStatus, SeatStatus
from conference.registrations.registering import KEY_LENGTH
from conference.sessions.models import SessionKind, SessionStatus
from conference.speakers.models import Role

EVENT_SUMMARY = {
    "slug": STRING,
    "title": STRING,
    "language": {**LANGUAGE, "description": "The language the event is written in (its default)."},
    "languages": languages_object(("title",)),
    "kind": {"enum": values_of(EventKind)},
    "status": {"enum": values_of(EventStatus)},
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
    "EventSummary": closed_object(EVENT_SUMMARY),
    "Person": closed_object({"name": STRING, "slug": STRING, "role": {"enum": values_of(Role)}}),
    "Session": closed_object(
        {
            "id": {"type": "integer"},
            "title": STRING,
            "description": {"type": "string", "description": "Markdown."},
            "languages": languages_object(("title", "description")),
            "kind": {"enum": values_of(SessionKind)},
            "status": {"enum": values_of(SessionStatus)},
            "starts_at": DATE_TIME,
            "ends_at": DATE_TIME,
            "room": NULLABLE_STRING,
            "capacity": {"type": ["integer", "null"]},
            "seats_left": {"type": ["integer", "null"]},
            "registration_open": {"type": "boolean"},
            "url": URL,
            "people": {"type": "array", "items": ref("Person")},
            "recording_url": {"type": ["string", "null"], "format": "uri"},
            "slides_url": {"type": ["string", "null"], "format": "uri"},
            "links": {"type": "array", "items": ref("Link")},
        }
    ),
    "Link": closed_object({"label": STRING, "url": URL}),
    "EventDetail": closed_object(
        {
            **EVENT_SUMMARY,
            "languages": languages_object(
                ("title", "summary", "description", "venue_name", "venue_address", "city", "country")
            ),
            "summary": STRING,
            "description": {"type": "string", "description": "Markdown."},
            "attendance_mode": {"enum": values_of(AttendanceMode)},
            "venue": {
                "oneOf": [
                    {"type": "null"},
                    closed_object({"name": STRING, "address": STRING, "city": STRING, "country": STRING}),
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
            "sessions": {"type": "array", "items": ref("Session")},
            # Co-located events (conference/events/colocation.py): the public sees the published ones.
            "colocated_with": {
                "type": "array",
                "items": STRING,
                "description": "The slugs of the events co-located with this one (same place, adjoining dates).",
            },
            "colocated": {"type": "array", "items": ref("EventSummary"), "description": "The same events."},
        }
    ),
    "SeriesSummary": closed_object(SERIES_SUMMARY),
    "SeriesDetail": closed_object(
        {
            **SERIES_SUMMARY,
            "organisers": {"type": "array", "items": STRING, "description": "Hosts of its events."},
            "upcoming": {"type": "array", "items": ref("EventSummary"), "description": "Soonest first."},
            "past": {"type": "array", "items": ref("EventSummary"), "description": "Latest first."},
            "publications": {
                "type": "array",
                "items": closed_object(
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
                "enum": values_of(RegistrationMode),
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
    "RegistrationSummary": closed_object(
        {
            "status": {"enum": values_of(RegistrationStatus)},
            "attendance_mode": {"enum": values_of(RegistrationMode)},
            "sessions": {
                "type": "array",
                "items": closed_object(
                    {"id": {"type": "integer"}, "status": {"enum": values_of(SeatStatus)}}
                ),
            },
            "manage_url": URL,
            "calendar_url": URL,
            "language": STRING,
            "timezone": STRING,
        }
    ),
    "OwnRegistration": closed_object(
        {
            "status": {"enum": values_of(RegistrationStatus)},
            "attendance_mode": {"enum": values_of(RegistrationMode)},
            "event_status": {"enum": values_of(EventStatus)},
            "sessions": {
                "type": "array",
                "items": closed_object(
                    {
                        "id": {"type": "integer"},
                        "status": {"enum": values_of(SeatStatus)},
                        "session_status": {"enum": values_of(SessionStatus)},
                    }
                ),
            },
            "manage_url": URL,
            "calendar_url": URL,
            "language": STRING,
            "timezone": STRING,
        }
    ),
    "LinkSent": closed_object({"status": {"const": "link_sent"}}),
    "Cancelled": closed_object({"status": {"const": "cancelled"}}),
}

PATHS: dict[str, dict] = {
    "/api/v1/series": {
        "get": endpoint(
            "listSeries",
            "Every series with at least one published (or publicly cancelled) event, by title.",
            {
                200: json_answer(
                    closed_object({"series": {"type": "array", "items": ref("SeriesSummary")}}), "The series."
                )
            },
        ),
    },
    "/api/v1/series/{slug}": {
        "get": endpoint(
            "getSeries",
            "One series: its public events (upcoming, then past), organisers and related publications.",
            {200: json_answer(ref("SeriesDetail"), "The series.")},
            errors=(404,),
            parameters=[SERIES_SLUG],
        ),
    },
    "/api/v1/events": {
        "get": endpoint(
            "listEvents",
            "Published (and publicly cancelled) events, past and upcoming.",
            {
                200: json_answer(
                    closed_object({"events": {"type": "array", "items": ref("EventSummary")}}), "The events."
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
    },
    "/api/v1/events/{slug}": {
        "get": endpoint(
            "getEvent",
            "One published event with its programme.",
            {
                200: json_answer(
                    {"anyOf": [ref("EventDetail"), ref("OrganiserEvent")]},
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
    },
    "/api/v1/events/{slug}/registrations": {
        "post": endpoint(
            "register",
            "Register for an event (and some of its sessions).",
            {
                201: json_answer(ref("RegistrationSummary"), "Registered: the manage and calendar links."),
                202: json_answer(
                    ref("LinkSent"), "The address is registered already: its link was mailed to it."
                ),
            },
            errors=(400, 404, 409, 422, 429),
            parameters=[SLUG],
            body=ref("NewRegistration"),
            description="Rate-limited per client (RATELIMIT_REGISTRATION). An `idempotency_key` makes a "
            "repeated request answer as the first did. 409: the event is full and has no waiting list.",
        ),
    },
    "/api/v1/registrations/{token}": {
        "get": endpoint(
            "getRegistration",
            "One's own registration, by its manage token, with the status of its event and of each chosen "
            "session (what the organisers cancelled shows).",
            {200: json_answer(ref("OwnRegistration"), "The registration.")},
            errors=(404, 429),
            parameters=[TOKEN],
        ),
        "delete": endpoint(
            "cancelRegistration",
            "Cancel one's own registration, by its manage token.",
            {200: json_answer(ref("Cancelled"), "Cancelled; the waiting list moves up.")},
            errors=(404, 429),
            parameters=[TOKEN],
        ),
    },
    "/api/v1/openapi.json": {
        "get": endpoint(
            "openapi",
            "This document.",
            {200: json_answer({"type": "object"}, "The OpenAPI 3.1 document.")},
        )
    },
}
