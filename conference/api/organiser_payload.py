"""Input of the organiser write endpoints: JSON payloads into the organiser pages' forms, answers to bad input.

The endpoints (organiser_events.py, organiser_sessions.py, organiser_people.py) are thin layers over the
operations the organiser pages call.

Each endpoint parses the JSON body, fills the organiser page's own form with it (so the same validators,
text cleaning and limits apply), calls ONE operation (`conference.{events,sessions,registrations}
.operations`) and serialises the result. Answers:
- bad input (a missing field, a wrong type, an unknown field, a time without offset, a form validator) or
  an `OperationError` about a field: 422 `{"errors": {field: [messages]}}` (`_` for the whole request);
- a status move the transition table refuses (publish, cancel...): 409 with the reason;
- malformed JSON or a body that is not an object: 400; another team's event (or session): 404.

Times are ISO 8601 with an offset (a naive time is refused); they are converted into the event's zone for
the form, exactly as a wall-clock time typed on the page. Every endpoint is described in
conference/api/openapi.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Response, abort, jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conference import translations
from conference.db import db
from conference.events import editing as event_editing
from conference.events.forms import EventForm
from conference.events.models import Event, Series
from conference.operations import OperationError
from conference.registrations import editing as registration_editing
from conference.registrations.forms import SettingsForm
from conference.sessions import editing as session_editing
from conference.sessions.forms import SessionForm
from conference.sessions.models import Session
from conference.timeutil import all_timezones, local

TEXT, CHOICE, TIME, OPTIONAL_TIME, BOOL, COUNT = "text", "choice", "time", "optional_time", "bool", "count"
SERIES = "series"  # a series' slug (or null) for the form's series choice

# API field -> (form field, kind). The forms are the organiser pages'.
EVENT_FIELDS = {
    "title": ("title", TEXT),
    "kind": ("kind", CHOICE),
    "timezone": ("timezone", CHOICE),
    "starts_at": ("starts_at", TIME),
    "ends_at": ("ends_at", TIME),
    "mode": ("attendance_mode", CHOICE),
    "online_url": ("online_url", TEXT),
    "venue_name": ("venue_name", TEXT),
    "venue_address": ("venue_address", TEXT),
    "city": ("city", TEXT),
    "country": ("country", TEXT),
    "hashtag": ("hashtag", TEXT),
    "series": ("series_id", SERIES),
    "summary": ("summary", TEXT),
    "description": ("description", TEXT),
    "language": ("language", CHOICE),
    "reply_to": ("reply_to", TEXT),
}
# Taken besides the form's fields: {"ja": {"title": ...}} (conference/translations.py).
TRANSLATIONS = "translations"
# The slugs of the event's co-located events, the whole list (conference/events/colocation.py).
COLOCATED = "colocated_with"
EVENT_REQUIRED = ("title", "kind", "timezone", "starts_at", "ends_at", "mode")
REGISTRATION_FIELDS = {
    "enabled": ("registration_enabled", BOOL),
    "opens_at": ("registration_opens_at", OPTIONAL_TIME),
    "closes_at": ("registration_closes_at", OPTIONAL_TIME),
    "capacity_in_person": ("capacity_in_person", COUNT),
    "capacity_online": ("capacity_online", COUNT),
    "waiting_list": ("waitlist_enabled", BOOL),
    "approval": ("approval_required", BOOL),
}
SESSION_FIELDS = {
    "title": ("title", TEXT),
    "kind": ("kind", CHOICE),
    "starts_at": ("starts_at", TIME),
    "ends_at": ("ends_at", TIME),
    "room": ("room_id", "room"),
    "capacity": ("capacity", COUNT),
    "registration_enabled": ("registration_enabled", BOOL),
    "description": ("description", TEXT),
    "recording_url": ("recording_url", TEXT),
    "slides_url": ("slides_url", TEXT),
    "links": ("links", "links"),
}
SESSION_REQUIRED = ("title", "kind", "starts_at", "ends_at")
# Accepted and passed on once the session operation takes it (notices come with the notices work).
SESSION_FLAGS = ("notify",)
PERSON_FIELDS = {
    "name": ("name", TEXT),
    "email": ("email", TEXT),
    "role": ("role", CHOICE),
    "position": ("position", TEXT),
    "affiliation": ("affiliation", TEXT),
    "bio": ("bio", TEXT),
    "language": ("language", CHOICE),
}
# A person's own details, as PATCH /people/<slug> changes them.
PERSON_EDIT_FIELDS = {name: spec for name, spec in PERSON_FIELDS.items() if name != "role"}
# Private and optional (empty or null: not given), checked by the people operations (conference.zones).
PERSON_MAIL_FIELDS = ("mail_language", "timezone")


class InputErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def invalid(errors: dict[str, list[str]]) -> tuple[Response, int]:
    return jsonify({"errors": errors}), 422


def refused(error: OperationError, fields: dict | None = None, status: int = 422) -> tuple[Response, int]:
    name = error.field or "_"
    by_form_field = {form_name: api_name for api_name, (form_name, _kind) in (fields or {}).items()}
    return jsonify({"errors": {by_form_field.get(name, name): [error.message]}}), status


def json_body() -> dict:
    payload = request.get_json(silent=True)
    if not request.get_data():
        payload = {}
    if not isinstance(payload, dict):
        abort(400, description=_("The body must be a JSON object."))
    return payload


def current_data(form) -> MultiDict:  # noqa: ANN001
    """The form data a filled form would send back (the starting point of a partial change)."""
    data: MultiDict = MultiDict()
    for field in form:
        value = field.data
        if isinstance(value, bool):
            if value:
                data[field.name] = "y"
        elif isinstance(value, datetime):
            data[field.name] = _wall(value)
        elif value is not None:
            data[field.name] = str(value)
    return data


def _wall(moment: datetime) -> str:
    """A wall-clock time as the page's datetime-local input sends it (seconds only when there are any)."""
    naive = moment.replace(tzinfo=None, microsecond=0)
    return naive.isoformat(timespec="seconds" if naive.second else "minutes")


def _local_time(value: str, zone: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            _("Give a date and time in ISO 8601 with its offset, e.g. 2026-05-04T09:30:00+02:00.")
        )
    return _wall(local(moment, zone))


def overlay(
    data: MultiDict,
    payload: dict,
    fields: dict,
    zone: str,
    errors: dict,
    rooms: dict[str, int] | None = None,
) -> None:
    """Put the payload's values (checked for type) into the form data, by the form's field names."""
    for api_name, value in payload.items():
        form_name, kind = fields[api_name]
        if kind in (TEXT, CHOICE):
            if value is None and kind == TEXT:
                value = ""
            if not isinstance(value, str):
                errors.setdefault(api_name, []).append(_("Give text."))
                continue
            data[form_name] = value
        elif kind in (TIME, OPTIONAL_TIME):
            if value is None and kind == OPTIONAL_TIME:
                data[form_name] = ""
                continue
            if not isinstance(value, str):
                errors.setdefault(api_name, []).append(_("Give a date and time as text."))
                continue
            try:
                data[form_name] = _local_time(value, zone)
            except ValueError as error:
                errors.setdefault(api_name, []).append(str(error))
        elif kind == BOOL:
            if not isinstance(value, bool):
                errors.setdefault(api_name, []).append(_("Give true or false."))
                continue
            data.pop(form_name, None)
            if value:
                data[form_name] = "y"
        elif kind == COUNT:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                errors.setdefault(api_name, []).append(_("Give a whole number, or null for no limit."))
                continue
            data[form_name] = "" if value is None else str(value)
        elif kind == SERIES:
            series_id = _series_id(value)
            if series_id is None:
                errors.setdefault(api_name, []).append(
                    _("Give the short name of a series (see /api/v1/series), or null.")
                )
            else:
                data[form_name] = str(series_id)
        elif kind == "links":
            lines = _link_lines(value)
            if lines is None:
                errors.setdefault(api_name, []).append(
                    _("Give a list of objects with a url (http or https) and an optional label.")
                )
                continue
            data[form_name] = lines
        elif kind == "room":
            if value is None:
                data[form_name] = "0"
            elif isinstance(value, str) and value in (rooms or {}):
                data[form_name] = str((rooms or {})[value])
            else:
                errors.setdefault(api_name, []).append(
                    _("Give the name of one of this event's rooms, or null.")
                )


def _series_id(value: object) -> int | None:
    """The id of the series with the slug `value` (0 for null: no series); None when there is none."""
    if value is None:
        return 0
    if not isinstance(value, str):
        return None
    return db.session.scalar(sa.select(Series.id).where(Series.slug == value))


def _link_lines(value: object) -> str | None:
    """[{"label", "url"}] as the form's 'label url' lines (its validator checks the links); None if malformed."""
    if not isinstance(value, list):
        return None
    lines = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"label", "url"}:
            return None
        label, url = item.get("label", ""), item.get("url")
        if not isinstance(label, str) or not isinstance(url, str) or not url.strip() or " " in url.strip():
            return None
        if any(c in label + url for c in "\r\n"):
            return None
        lines.append(f"{' '.join(label.split())} {url.strip()}".strip())
    return "\n".join(lines)


def unknown_fields(payload: dict, known: tuple | dict, errors: dict) -> None:
    for name in payload:
        if name not in known:
            errors.setdefault(name, []).append(_("This field is unknown here."))


def missing_fields(payload: dict, required: tuple, errors: dict) -> None:
    for name in required:
        if name not in payload:
            errors.setdefault(name, []).append(_("This field is required."))


def validated(form, fields: dict, errors: dict) -> None:  # noqa: ANN001
    """Run the page form's validators; their messages by API field name."""
    by_form_field = {form_name: api_name for api_name, (form_name, _kind) in fields.items()}
    if not form.validate():
        for name, messages in form.errors.items():
            errors.setdefault(by_form_field.get(name, name), []).extend(str(m) for m in messages)
    if errors:
        raise InputErrors(errors)


def translations_given(
    kind: str, payload: dict, current: dict | None, default: str, errors: dict, **kw
) -> dict | None:  # noqa: ANN003
    """The translations to store when the payload has `translations` (None when it has none); refusals go
    into `errors` as "translations.<lang>.<field>"."""
    if TRANSLATIONS not in payload:
        return None
    try:
        return translations.apply(kind, current or {}, payload[TRANSLATIONS], default, **kw)
    except translations.TranslationErrors as rejected:
        for where, messages in rejected.errors.items():
            key = TRANSLATIONS if where == "_" else f"{TRANSLATIONS}.{where}"
            errors.setdefault(key, []).extend(messages)
        return None


def zone_of(payload: dict, default: str) -> str:
    zone = payload.get("timezone", default)
    return zone if isinstance(zone, str) and zone in all_timezones() else default


def no_csrf() -> dict:
    return {"csrf": False}


def check_flags(payload: dict, names: tuple[str, ...], errors: dict) -> None:
    """Each of `names` the payload gives is true or false."""
    for name in names:
        if name in payload and not isinstance(payload[name], bool):
            errors.setdefault(name, []).append(_("Give true or false."))


def event_form(payload: dict, event: Event | None, errors: dict) -> EventForm:
    current = EventForm(formdata=None, meta=no_csrf(), series_choices=event_editing.series_choices())
    if event is not None:
        event_editing.fill_event_form(current, event)
    else:
        current.series_id.data = 0
    data = current_data(current)
    overlay(data, payload, EVENT_FIELDS, zone_of(payload, event.timezone if event else "UTC"), errors)
    form = EventForm(formdata=data, meta=no_csrf(), series_choices=event_editing.series_choices())
    validated(form, EVENT_FIELDS, errors)
    return form


def settings_form(payload: object, event: Event, zone: str, errors: dict) -> SettingsForm | None:
    if not isinstance(payload, dict):
        errors["registration"] = [_("Give an object of registration settings.")]
        raise InputErrors(errors)
    unknown_fields(payload, REGISTRATION_FIELDS, errors)
    if errors:
        raise InputErrors({f"registration.{k}" if k != "registration" else k: v for k, v in errors.items()})
    current = SettingsForm(formdata=None, meta=no_csrf())
    registration_editing.fill_settings_form(current, event, zone)
    data = current_data(current)
    overlay(data, payload, REGISTRATION_FIELDS, zone, errors)
    form = SettingsForm(formdata=data, meta=no_csrf())
    try:
        validated(form, REGISTRATION_FIELDS, errors)
    except InputErrors as bad_input:
        raise InputErrors({f"registration.{k}": v for k, v in bad_input.errors.items()}) from bad_input
    return form


def session_form(payload: dict, event: Event, session: Session | None, errors: dict) -> SessionForm:
    current = SessionForm(formdata=None, meta=no_csrf(), rooms=event.rooms)
    if session is not None:
        session_editing.fill_session_form(current, session, event)
    else:
        current.room_id.data = 0
        current.registration_enabled.data = True
    data = current_data(current)
    rooms = {room.name: room.id for room in event.rooms}
    overlay(data, payload, SESSION_FIELDS, event.timezone, errors, rooms)
    form = SessionForm(formdata=data, meta=no_csrf(), rooms=event.rooms)
    validated(form, SESSION_FIELDS, errors)
    return form
