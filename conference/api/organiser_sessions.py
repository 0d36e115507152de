"""Organiser API writes of sessions: add, edit, cancel and restore a session, put people into it and take
them out; the organiser's view of a session (`organiser_session_json`). Input as organiser_payload.py
describes; described in conference/api/openapi.py."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Response, abort, g, jsonify
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.api.organiser_payload import (
    PERSON_FIELDS,
    SESSION_FIELDS,
    SESSION_FLAGS,
    SESSION_REQUIRED,
    TEXT,
    TRANSLATIONS,
    InputErrors,
    check_flags,
    invalid,
    json_body,
    missing_fields,
    no_csrf,
    overlay,
    refused,
    session_form,
    translations_given,
    unknown_fields,
    validated,
)
from conference.api.serialise import session_detail
from conference.auth.permissions import Action, may_find_person
from conference.db import db, utcnow
from conference.events.models import Event
from conference.operations import OperationError
from conference.sessions import editing as session_editing
from conference.sessions import operations as session_operations
from conference.sessions.forms import SessionForm
from conference.sessions.models import Session
from conference.speakers import editing as people
from conference.speakers.api import assignment_state
from conference.speakers.forms import NewSpeakerForm
from conference.speakers.models import Person, Role


def _session(event: Event, session_id: int) -> Session:
    return session_editing.event_session(event, session_id) or abort(
        404, description=_("This event has no session with this id.")
    )


def organiser_session_json(event: Event, session: Session) -> dict:
    data = session_detail(event, session, utcnow())
    data.update(
        {
            "description": session.description,
            "translations": session.translations or {},
            "registration_enabled": session.registration_enabled,
            "seats_taken": session.seats_taken,
            "people": [
                {
                    "id": a.id,
                    "name": a.person.name,
                    "slug": a.person.slug,
                    "role": a.role.value,
                    **assignment_state(a),
                }
                for a in session.assignments
            ],
        }
    )
    return data


def _session_values(
    form: SessionForm, payload: dict, event: Event, session: Session | None, errors: dict
) -> dict:
    """The session form's values, with the payload's translations merged into the stored ones."""
    values = session_editing.session_values(form, event)
    stored = translations_given(
        "session", payload, session.translations if session else {}, event.language, errors
    )
    if errors:
        raise InputErrors(errors)
    if stored is not None:
        values["translations"] = stored
    return values


def _session_payload(payload: dict, errors: dict) -> dict:
    unknown_fields(payload, (*SESSION_FIELDS, *SESSION_FLAGS, TRANSLATIONS), errors)
    check_flags(payload, SESSION_FLAGS, errors)
    return {k: v for k, v in payload.items() if k in SESSION_FIELDS}


@bp.post("/events/<slug>/sessions")
@token_required(Action.EDIT_EVENT)
def create_session(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = json_body()
    errors: dict[str, list[str]] = {}
    fields = _session_payload(payload, errors)
    missing_fields(payload, SESSION_REQUIRED, errors)
    try:
        form = session_form(fields, event, None, errors)
        session = session_operations.create_session(
            api_user(), event, _session_values(form, payload, event, None, errors)
        )
    except InputErrors as bad_input:
        return invalid(bad_input.errors)
    except OperationError as error:
        return refused(error, SESSION_FIELDS)
    return jsonify(organiser_session_json(event, session)), 201


@bp.patch("/events/<slug>/sessions/<int:session_id>")
@token_required(Action.EDIT_EVENT)
def edit_session(slug: str, session_id: int):  # noqa: ANN201
    event: Event = g.api_event
    session = _session(event, session_id)
    payload = json_body()
    errors: dict[str, list[str]] = {}
    fields = _session_payload(payload, errors)
    try:
        form = session_form(fields, event, session, errors)
        session_operations.edit_session(
            api_user(),
            session,
            _session_values(form, payload, event, session, errors),
            notify=payload.get("notify", True) is not False,
        )
    except InputErrors as bad_input:
        return invalid(bad_input.errors)
    except OperationError as error:
        return refused(error, SESSION_FIELDS)
    db.session.refresh(session)
    return jsonify(organiser_session_json(event, session))


def _session_move(slug: str, session_id: int, move: Callable) -> tuple[Response, int] | Response:
    event: Event = g.api_event
    session = _session(event, session_id)
    try:
        move(api_user(), session)
    except OperationError as error:
        return refused(error, status=409)
    db.session.refresh(session)
    return jsonify(organiser_session_json(event, session))


@bp.post("/events/<slug>/sessions/<int:session_id>/cancel")
@token_required(Action.EDIT_EVENT)
def cancel_session(slug: str, session_id: int):  # noqa: ANN201
    return _session_move(slug, session_id, session_operations.cancel_session)


@bp.post("/events/<slug>/sessions/<int:session_id>/restore")
@token_required(Action.EDIT_EVENT)
def restore_session(slug: str, session_id: int):  # noqa: ANN201
    return _session_move(slug, session_id, session_operations.restore_session)


# --- people in a session ---------------------------------------------------------------------------------


def _person_by_slug(payload: dict, errors: dict) -> Person | None:
    slug = payload["person"]
    person = None
    if isinstance(slug, str):
        person = db.session.scalars(sa.select(Person).where(Person.slug == slug)).first()
    if person is None or not may_find_person(api_user(), person):
        errors.setdefault("person", []).append(_("No person with this slug that you may add."))
        return None
    return person


def _new_person(payload: dict, errors: dict, event: Event) -> Person | None:
    """Create the person as the session page's "new person" form does, unless a similar name exists
    (`create_anyway: true` confirms)."""
    missing_fields(payload, ("name",), errors)
    check_flags(payload, ("create_anyway",), errors)
    data: MultiDict = MultiDict({"role": Role.SPEAKER.value, "language": "en"})
    overlay(data, {k: v for k, v in payload.items() if k in PERSON_FIELDS}, PERSON_FIELDS, "UTC", errors)
    if payload.get("create_anyway") is True:
        data["create_anyway"] = "y"
    form = NewSpeakerForm(formdata=data, meta=no_csrf())
    validated(form, PERSON_FIELDS, errors)
    stored = translations_given("person", payload, {}, form.language.data, errors)
    if errors:
        raise InputErrors(errors)
    person, similar = people.create_unless_similar(
        form, api_user(), event_ids=[event.id], translations=stored or None
    )
    if person is None:
        messages = [str(m) for m in form.name.errors]
        if similar:
            messages.append(
                _(
                    'Similar: %(people)s. Send {"person": slug} to add one of them, or create_anyway: true.',
                    people=", ".join(f"{p.name} ({p.slug})" for p in similar),
                )
            )
        errors.setdefault("name", []).extend(messages)
        for name in ("links",):
            errors.setdefault("_", []).extend(str(m) for m in getattr(form, name).errors)
        db.session.rollback()
        raise InputErrors({k: v for k, v in errors.items() if v})
    return person


@bp.post("/events/<slug>/sessions/<int:session_id>/people")
@token_required(Action.EDIT_EVENT)
def add_person(slug: str, session_id: int):  # noqa: ANN201
    event: Event = g.api_event
    session = _session(event, session_id)
    payload = json_body()
    errors: dict[str, list[str]] = {}
    by_slug = "person" in payload
    unknown_fields(
        payload, ("person", "role") if by_slug else (*PERSON_FIELDS, "create_anyway", TRANSLATIONS), errors
    )
    role_value = payload.get("role", Role.SPEAKER.value)
    if not isinstance(role_value, str) or role_value not in {r.value for r in Role}:
        errors.setdefault("role", []).append(
            _("Choose one of: %(values)s.", values=", ".join(r.value for r in Role))
        )
    try:
        if by_slug:
            person = _person_by_slug(payload, errors)
            if errors:
                raise InputErrors(errors)
        else:
            person = _new_person(payload, errors, event)
        assignment = session_operations.assign_person(api_user(), session, person, Role(role_value))
    except InputErrors as bad_input:
        db.session.rollback()
        return invalid(bad_input.errors)
    except OperationError as error:
        db.session.rollback()
        return refused(error, {"person": ("person", TEXT)}) if by_slug else refused(error)
    return jsonify(
        {
            "id": assignment.id,
            "name": person.name,
            "slug": person.slug,
            "role": assignment.role.value,
            **assignment_state(assignment),
        }
    ), 201


@bp.delete("/events/<slug>/sessions/<int:session_id>/people/<int:assignment_id>")
@token_required(Action.EDIT_EVENT)
def remove_person(slug: str, session_id: int, assignment_id: int):  # noqa: ANN201
    event: Event = g.api_event
    session = _session(event, session_id)
    assignment = session_editing.session_assignment(session, assignment_id) or abort(
        404, description=_("This session has no assignment with this id.")
    )
    session_operations.remove_assignment(api_user(), assignment)
    return Response(status=204)
