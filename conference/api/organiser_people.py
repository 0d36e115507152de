"""Organiser API reads and writes of a person's own details (GET and PATCH /api/v1/people/<slug>), for
people the token's account may edit. Input as organiser_payload.py describes; described in
conference/api/openapi.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify
from flask_babel import gettext as _

from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.api.organiser_payload import (
    PERSON_EDIT_FIELDS,
    PERSON_MAIL_FIELDS,
    TRANSLATIONS,
    InputErrors,
    current_data,
    invalid,
    json_body,
    no_csrf,
    overlay,
    refused,
    translations_given,
    unknown_fields,
    validated,
)
from conference.auth.permissions import Action, may_edit_person
from conference.db import db
from conference.operations import OperationError
from conference.speakers import editing as people
from conference.speakers import operations as person_operations
from conference.speakers.forms import PersonForm
from conference.speakers.models import Person
from conference.urls import absolute_url_for


def organiser_person_json(person: Person) -> dict:
    return {
        "slug": person.slug,
        "name": person.name,
        "position": person.position,
        "affiliation": person.affiliation,
        "bio": person.bio,
        "language": person.language,
        "translations": person.translations or {},
        "mail_language": person.mail_language or None,
        "timezone": person.timezone or None,
        "url": absolute_url_for("speakers.detail", slug=person.slug),
    }


def _editable(slug: str) -> Person:
    """The person with this slug if the token's account may edit them (`may_edit_person`); else 404."""
    person = db.session.scalars(sa.select(Person).where(Person.slug == slug)).first()
    if person is None or not may_edit_person(api_user(), person):
        abort(404, description=_("No person with the slug %(slug)s that you may edit.", slug=repr(slug)))
    return person


@bp.get("/people/<person_slug>")
@token_required(Action.EDIT_PERSON)
def get_person(person_slug: str):  # noqa: ANN201
    return jsonify(organiser_person_json(_editable(person_slug)))


@bp.patch("/people/<person_slug>")
@token_required(Action.EDIT_PERSON)
def edit_person(person_slug: str):  # noqa: ANN201
    """Change a person's own details and translations (position and bio), as the person page does."""
    person = _editable(person_slug)
    payload = json_body()
    errors: dict[str, list[str]] = {}
    unknown_fields(payload, (*PERSON_EDIT_FIELDS, *PERSON_MAIL_FIELDS, TRANSLATIONS), errors)
    mail_values = {}
    for name in PERSON_MAIL_FIELDS:
        if name in payload:
            value = payload[name] if payload[name] is not None else ""
            if isinstance(value, str):
                mail_values[name] = value
            else:
                errors.setdefault(name, []).append(_("Give text."))
    current = PersonForm(formdata=None, obj=person, meta=no_csrf())
    current.links.data = people.format_links(person.links)
    data = current_data(current)
    overlay(data, {k: v for k, v in payload.items() if k in PERSON_EDIT_FIELDS}, PERSON_EDIT_FIELDS, "UTC",
             errors)  # fmt: skip
    form = PersonForm(formdata=data, meta=no_csrf())
    try:
        validated(form, PERSON_EDIT_FIELDS, errors)
        links, _link_errors = people.parse_links(form.links.data)
        values = people.person_values(form, links) | mail_values
        stored = translations_given("person", payload, person.translations, values["language"], errors)
        if errors:
            raise InputErrors(errors)
        if stored is not None:
            values["translations"] = stored
        person_operations.edit_person(api_user(), person, values)
    except InputErrors as bad_input:
        return invalid(bad_input.errors)
    except OperationError as error:
        return refused(error, PERSON_EDIT_FIELDS)
    return jsonify(organiser_person_json(person))
