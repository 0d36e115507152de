"""The organiser paths of the OpenAPI document (conference/api/openapi.py): every method that needs a bearer
token (events, sessions, people and speakers, registrations and check-in, badges, the audit log, the account).
Paths with a public method too (GET /api/v1/events...) have it in openapi_public.py."""

from __future__ import annotations

from conference.api.openapi_pieces import (
    ASSIGNMENT_ID,
    PERSON_SLUG,
    REGISTRATION_ID,
    SESSION_ID,
    SLUG,
    endpoint,
    json_answer,
    paging,
    ref,
    values_of,
)
from conference.api.organiser import MAX_PER_PAGE, MAX_QUERY, PER_PAGE
from conference.audit.queries import ACTION_PATTERN as AUDIT_ACTION_PATTERN
from conference.audit.queries import MAX_PER_PAGE as AUDIT_MAX_PER_PAGE
from conference.audit.queries import PER_PAGE as AUDIT_PER_PAGE
from conference.audit.queries import SUBJECTS as AUDIT_SUBJECTS
from conference.auth.permissions import Action
from conference.registrations.models import RegistrationMode, RegistrationStatus

PATHS: dict[str, dict] = {
    "/api/v1/events": {
        "post": endpoint(
            "createEvent",
            "Create a draft event (as the new-event page does); the token's account becomes its owner.",
            {201: json_answer(ref("OrganiserEvent"), "The new draft event.")},
            errors=(400, 403, 422),
            body=ref("NewEvent"),
            organiser=Action.ORGANISE,
        ),
    },
    "/api/v1/events/{slug}": {
        "patch": endpoint(
            "editEvent",
            "Change an event's details and registration settings (the edit and settings pages' operations).",
            {200: json_answer(ref("OrganiserEvent"), "The event as it is now.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG],
            body=ref("EventChanges"),
            organiser=Action.EDIT_EVENT,
            description="A capacity raised promotes the waiting list; one below the seats taken is refused "
            "(422 with the count) and nothing changes. `reminders` replaces the event's reminder schedule "
            "(offsets before the start; see docs/organising.md, Reminders).",
        ),
    },
    **{
        f"/api/v1/events/{{slug}}/{move}": {
            "post": endpoint(
                f"{move}Event",
                summary,
                {200: json_answer(ref("OrganiserEvent"), "The event as it is now.")},
                errors=(400, 403, 404, 409, 422) if move in ("publish", "cancel") else (403, 404, 409),
                parameters=[SLUG],
                body={"publish": ref("Publish"), "cancel": ref("CancelEvent")}.get(move),
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
        "post": endpoint(
            "createSession",
            "Add a session to the event's programme.",
            {201: json_answer(ref("OrganiserSession"), "The new session (with its `id`).")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG],
            body=ref("NewSession"),
            organiser=Action.EDIT_EVENT,
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}": {
        "patch": endpoint(
            "editSession",
            "Change or move a session (a capacity below the seats taken: 422 with the count).",
            {200: json_answer(ref("OrganiserSession"), "The session as it is now.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG, SESSION_ID],
            body=ref("SessionChanges"),
            organiser=Action.EDIT_EVENT,
        )
    },
    **{
        f"/api/v1/events/{{slug}}/sessions/{{session_id}}/{move}": {
            "post": endpoint(
                f"{move}Session",
                summary,
                {200: json_answer(ref("OrganiserSession"), "The session as it is now.")},
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
        "post": endpoint(
            "addPerson",
            "Put a person (by slug, or a new one) into the session with a role.",
            {201: json_answer(ref("Assignment"), "The assignment.")},
            errors=(400, 403, 404, 422),
            parameters=[SLUG, SESSION_ID],
            body=ref("NewAssignment"),
            organiser=Action.EDIT_EVENT,
            description="A new name similar to someone's the account may find is refused (422 naming "
            "them) unless `create_anyway` is true. 422 when the person is in the session already.",
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}/people/{assignment_id}": {
        "delete": endpoint(
            "removePerson",
            "Take a person out of the session.",
            {204: {"description": "Removed."}},
            errors=(403, 404),
            parameters=[
                SLUG,
                SESSION_ID,
                ASSIGNMENT_ID,
            ],
            organiser=Action.EDIT_EVENT,
        )
    },
    "/api/v1/events/{slug}/sessions/{session_id}/people/{assignment_id}/invitation": {
        "post": endpoint(
            "resendInvitation",
            "Send the person's invitation for the event (again) with the next send-mail.",
            {202: json_answer(ref("AssignmentState"), "Queued: the assignment's state.")},
            errors=(403, 404, 409),
            parameters=[
                SLUG,
                SESSION_ID,
                ASSIGNMENT_ID,
            ],
            organiser=Action.EDIT_EVENT,
            description="One message lists all the person's sessions at the event. 409 when the person has "
            "no e-mail address or nothing left to be invited to (every session declined or cancelled).",
        )
    },
    "/api/v1/events/{slug}/speakers": {
        "get": endpoint(
            "eventSpeakers",
            "Everyone in the event's sessions with the state of each invitation and answer.",
            {200: json_answer(ref("EventSpeakers"), "People by name, each with their assignments.")},
            errors=(403, 404),
            parameters=[SLUG],
            organiser=Action.EDIT_EVENT,
        )
    },
    "/api/v1/events/{slug}/registrations": {
        "get": endpoint(
            "listRegistrations",
            "The event's registrations, oldest first, paged and filtered.",
            {200: json_answer(ref("RegistrationPage"), "One page of registrations.")},
            errors=(403, 404, 422),
            parameters=[
                SLUG,
                *paging(MAX_PER_PAGE, PER_PAGE),
                {"name": "status", "in": "query", "schema": {"enum": values_of(RegistrationStatus)}},
                {
                    "name": "session",
                    "in": "query",
                    "schema": {"type": "integer"},
                    "description": "Only registrations that chose this session (and did not cancel it).",
                },
                {"name": "mode", "in": "query", "schema": {"enum": values_of(RegistrationMode)}},
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
        "post": endpoint(
            "checkIn",
            "Check a confirmed registration in (repeating it changes nothing).",
            {200: json_answer(ref("CheckIn"), "Checked in, now or before.")},
            errors=(404, 409),
            parameters=[
                SLUG,
                REGISTRATION_ID,
            ],
            organiser=Action.CHECK_IN,
            description="Any member of the event's team. 409 when the registration is not confirmed.",
        ),
        "delete": endpoint(
            "undoCheckIn",
            "Undo a check-in made by mistake (repeating it changes nothing).",
            {200: json_answer(ref("CheckInUndone"), "Not checked in (any more).")},
            errors=(404,),
            parameters=[
                SLUG,
                REGISTRATION_ID,
            ],
            organiser=Action.CHECK_IN,
            description="Any member of the event's team; recorded in the audit log.",
        ),
    },
    "/api/v1/events/{slug}/badges.pdf": {
        "get": endpoint(
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
        "get": endpoint(
            "listAudit",
            "The event's audit log, newest first, paged and filtered: who changed what, when, before and after.",
            {200: json_answer(ref("AuditPage"), "One page of entries.")},
            errors=(403, 404, 422),
            parameters=[
                SLUG,
                *paging(AUDIT_MAX_PER_PAGE, AUDIT_PER_PAGE),
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
    "/api/v1/people/{person_slug}": {
        "get": endpoint(
            "getPerson",
            "A person's details and translations (one the token's account may edit).",
            {200: json_answer(ref("OrganiserPerson"), "The person.")},
            errors=(403, 404),
            parameters=[PERSON_SLUG],
            organiser=Action.EDIT_PERSON,
        ),
        "patch": endpoint(
            "editPerson",
            "Change a person's details, language and translations (as the person page does).",
            {200: json_answer(ref("OrganiserPerson"), "The person as they are now.")},
            errors=(400, 403, 404, 422),
            parameters=[PERSON_SLUG],
            body=ref("PersonChanges"),
            organiser=Action.EDIT_PERSON,
            description="A person may be edited with a role that may edit on every event they take part in.",
        ),
    },
    "/api/v1/me": {
        "get": endpoint(
            "me",
            "Who the token acts as: the account, and its events and roles.",
            {200: json_answer(ref("Me"), "The account.")},
            organiser=Action.HOME,
        )
    },
}
