"""Organiser API writes of events: create and edit an event (details, registration settings, reminders,
translations, co-located events), publish, unpublish and cancel it; the organiser's view of an event
(`organiser_event_json`). Input as organiser_payload.py describes; described in conference/api/openapi.py."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, g, jsonify
from flask_babel import gettext as _

from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.api.organiser_payload import (
    COLOCATED,
    EVENT_FIELDS,
    EVENT_REQUIRED,
    REGISTRATION_FIELDS,
    TRANSLATIONS,
    InputErrors,
    check_flags,
    event_form,
    invalid,
    json_body,
    missing_fields,
    refused,
    settings_form,
    translations_given,
    unknown_fields,
)
from conference.api.organiser_sessions import organiser_session_json
from conference.api.serialise import event_detail, event_summary
from conference.auth.permissions import Action
from conference.db import db, utcnow
from conference.events import colocation
from conference.events import editing as event_editing
from conference.events import operations as event_operations
from conference.events import status as event_status
from conference.events.models import Event, EventStatus
from conference.operations import OperationError
from conference.registrations import editing as registration_editing
from conference.registrations import operations as registration_operations
from conference.reminders import schedule as reminder_schedule
from conference.timeutil import isoformat


def registration_settings_json(event: Event) -> dict:
    return {
        "enabled": event.registration_enabled,
        "opens_at": isoformat(event.registration_opens_at, event.timezone),
        "closes_at": isoformat(event.registration_closes_at, event.timezone),
        "capacity_in_person": event.capacity_in_person,
        "capacity_online": event.capacity_online,
        "waiting_list": event.waitlist_enabled,
        "approval": event.approval_required,
    }


REMINDERS = "reminders"


def _reminders(value: object) -> list[int]:
    """The minutes of `"reminders": [{"minutes_before": 1440}, ...]`, checked by the schedule's one rule;
    InputErrors naming the item and what to fix."""
    if not isinstance(value, list):
        raise InputErrors({REMINDERS: [_('Give a list of reminders, each an object with "minutes_before".')]})
    minutes: list[object] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(value):
        where = f"{REMINDERS}[{index}]"
        if not isinstance(item, dict) or set(item) != {"minutes_before"}:
            errors[where] = [_('Each reminder is an object with only "minutes_before".')]
            continue
        minutes.append(item["minutes_before"])
    if errors:
        raise InputErrors(errors)
    try:
        return reminder_schedule.check(minutes)
    except OperationError as error:
        raise InputErrors({REMINDERS: [error.message]}) from error


def organiser_event_json(event: Event) -> dict:
    sessions = sorted(event.sessions, key=lambda s: (s.starts_at, s.id))
    data = event_detail(event, [], utcnow())
    data.update(
        {
            "sessions": [organiser_session_json(event, s) for s in sessions],
            "description": event.description,
            "online_url": event.online_url,
            "registration": registration_settings_json(event),
            "language": event.language,
            "translations": event.translations or {},
            REMINDERS: [{"minutes_before": m} for m in reminder_schedule.minutes_of(event)],
            "reply_to": event.reply_to,
            **_colocated_json(event),
        }
    )
    return data


def _colocated_json(event: Event) -> dict:
    together = colocation.partners(event, public=False)  # the organiser sees drafts too
    return {COLOCATED: [other.slug for other in together], "colocated": [event_summary(o) for o in together]}


@bp.post("/events")
@token_required(Action.ORGANISE)
def create_event():  # noqa: ANN201
    payload = json_body()
    errors: dict[str, list[str]] = {}
    unknown_fields(payload, (*EVENT_FIELDS, TRANSLATIONS, COLOCATED), errors)
    missing_fields(payload, EVENT_REQUIRED, errors)
    try:
        form = event_form({k: v for k, v in payload.items() if k in EVENT_FIELDS}, None, errors)
        values = event_editing.event_values(form)
        stored = translations_given("event", payload, {}, values["language"], errors)
        if errors:
            raise InputErrors(errors)
        if stored is not None:
            values["translations"] = stored
        others = _colocated(payload, None)
        event = event_operations.create_event(api_user(), values)
        if others:
            colocation.set_colocated(api_user(), event, others)
    except InputErrors as bad_input:
        return invalid(bad_input.errors)
    except OperationError as error:
        return refused(error, EVENT_FIELDS)
    return jsonify(organiser_event_json(event)), 201


@bp.patch("/events/<slug>")
@token_required(Action.EDIT_EVENT)
def edit_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = json_body()
    errors: dict[str, list[str]] = {}
    unknown_fields(payload, (*EVENT_FIELDS, "registration", TRANSLATIONS, REMINDERS, COLOCATED), errors)
    fields = {k: v for k, v in payload.items() if k in EVENT_FIELDS}
    try:
        others = _colocated(payload, event)  # checked first: a refusal writes nothing
        reminders = _reminders(payload[REMINDERS]) if REMINDERS in payload else None
        form = event_form(fields, event, errors) if fields or errors or TRANSLATIONS in payload else None
        values = event_editing.event_values(form) if form is not None else None
        if values is not None:
            stored = translations_given("event", payload, event.translations, values["language"], errors)
            if errors:
                raise InputErrors(errors)
            if stored is not None:
                values["translations"] = stored
        settings = None
        if "registration" in payload:
            zone = form.timezone.data if form is not None else event.timezone
            settings = settings_form(payload["registration"], event, zone, {})
        # The registration settings first: the only step that can still be refused (a capacity below the
        # seats taken), so that a refusal leaves the event's details unchanged too.
        if settings is not None:
            registration_editing.save_settings(api_user(), event, settings, zone)
        if reminders is not None:
            reminder_schedule.set_reminders(api_user(), event, reminders)
        if values is not None:
            event_operations.edit_event(api_user(), event, values, None)
        if others is not None:
            colocation.set_colocated(api_user(), event, others)
    except InputErrors as bad_input:
        return invalid(bad_input.errors)
    except registration_operations.OperationErrors as refusals:
        by_form_field = {form_name: api_name for api_name, (form_name, _k) in REGISTRATION_FIELDS.items()}
        return invalid(
            {
                f"registration.{by_form_field.get(e.field, e.field or '_')}": [e.message]
                for e in refusals.errors
            }
        )
    except OperationError as error:
        return refused(error, EVENT_FIELDS)
    db.session.refresh(event)
    return jsonify(organiser_event_json(event))


def _colocated(payload: dict, event: Event | None) -> list[Event] | None:
    """The events `colocated_with` names (None when not given), checked as `set_colocated` will check
    them, so that a refusal comes before anything is written (OperationError)."""
    if COLOCATED not in payload:
        return None
    if event is None:
        # A new event is its creator's: only the events to link are checked.
        others = colocation.resolve_slugs(api_user(), Event(slug=""), payload[COLOCATED])
        colocation.check_addable(api_user(), others)
        return others
    others = colocation.resolve_slugs(api_user(), event, payload[COLOCATED])
    colocation.check_colocated(api_user(), event, others)
    return others


def _status_move(event: Event, move: Callable[[], object]) -> tuple[Response, int] | Response:
    try:
        move()
    except OperationError as error:
        return refused(error, status=409)
    db.session.refresh(event)
    return jsonify(organiser_event_json(event))


def _move_with_flag(
    name: str, default: bool, move: Callable[[bool], object]
) -> tuple[Response, int] | Response:
    """A status move whose body may give one field `name`, true or false (`default` when not given): 422
    when the body has other fields or the value is not a boolean, else the move made with the value."""
    event: Event = g.api_event
    payload = json_body()
    errors: dict[str, list[str]] = {}
    unknown_fields(payload, (name,), errors)
    check_flags(payload, (name,), errors)
    if errors:
        return invalid(errors)
    value = payload.get(name, default)
    return _status_move(event, lambda: move(value))


@bp.post("/events/<slug>/publish")
@token_required(Action.EDIT_EVENT)
def publish_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    return _move_with_flag(
        "confirm",
        False,
        lambda confirm: event_status.publish(api_user(), event, clashes_confirmed=confirm),
    )


@bp.post("/events/<slug>/unpublish")
@token_required(Action.EDIT_EVENT)
def unpublish_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    return _status_move(event, lambda: event_status.change_status(api_user(), event, EventStatus.DRAFT))


@bp.post("/events/<slug>/cancel")
@token_required(Action.EDIT_EVENT)
def cancel_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    return _move_with_flag(
        "notify", True, lambda notify: event_status.cancel_event(api_user(), event, notify=notify)
    )
