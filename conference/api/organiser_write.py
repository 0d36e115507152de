"""Organiser write endpoints of the JSON API: thin layers over the operations the organiser pages call.

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

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import Response, abort, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conference import translations
from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.api.serialise import event_detail, event_summary, session_detail
from conference.auth.permissions import Action, may_edit_person, may_find_person
from conference.db import db, utcnow
from conference.events import colocation
from conference.events import editing as event_editing
from conference.events import operations as event_operations
from conference.events.forms import EventForm
from conference.events.models import Event, EventStatus, Series
from conference.operations import OperationError
from conference.registrations import editing as registration_editing
from conference.registrations import operations as registration_operations
from conference.registrations.forms import SettingsForm
from conference.reminders import schedule as reminder_schedule
from conference.sessions import editing as session_editing
from conference.sessions import operations as session_operations
from conference.sessions.forms import SessionForm
from conference.sessions.models import Session
from conference.speakers import editing as people
from conference.speakers import operations as person_operations
from conference.speakers.api import assignment_state
from conference.speakers.forms import NewSpeakerForm, PersonForm
from conference.speakers.models import Person, Role
from conference.timeutil import all_timezones, isoformat, local
from conference.urls import absolute_url_for

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


def _invalid(errors: dict[str, list[str]]) -> tuple[Response, int]:
    return jsonify({"errors": errors}), 422


def _refused(error: OperationError, fields: dict | None = None, status: int = 422) -> tuple[Response, int]:
    name = error.field or "_"
    by_form_field = {form_name: api_name for api_name, (form_name, _kind) in (fields or {}).items()}
    return jsonify({"errors": {by_form_field.get(name, name): [error.message]}}), status


def _body() -> dict:
    payload = request.get_json(silent=True)
    if not request.get_data():
        payload = {}
    if not isinstance(payload, dict):
        abort(400, description=_("The body must be a JSON object."))
    return payload


def _current(form) -> MultiDict:  # noqa: ANN001
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


def _overlay(
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


def _unknown(payload: dict, known: tuple | dict, errors: dict) -> None:
    for name in payload:
        if name not in known:
            errors.setdefault(name, []).append(_("This field is unknown here."))


def _missing(payload: dict, required: tuple, errors: dict) -> None:
    for name in required:
        if name not in payload:
            errors.setdefault(name, []).append(_("This field is required."))


def _validated(form, fields: dict, errors: dict) -> None:  # noqa: ANN001
    """Run the page form's validators; their messages by API field name."""
    by_form_field = {form_name: api_name for api_name, (form_name, _kind) in fields.items()}
    if not form.validate():
        for name, messages in form.errors.items():
            errors.setdefault(by_form_field.get(name, name), []).extend(str(m) for m in messages)
    if errors:
        raise InputErrors(errors)


def _translations(
    kind: str, payload: dict, current: dict | None, default: str, errors: dict, **kw
) -> dict | None:  # noqa: ANN003
    """The translations to store when the payload has `translations` (None when it has none); refusals go
    into `errors` as "translations.<lang>.<field>"."""
    if TRANSLATIONS not in payload:
        return None
    try:
        return translations.apply(kind, current or {}, payload[TRANSLATIONS], default, **kw)
    except translations.TranslationErrors as refused:
        for where, messages in refused.errors.items():
            key = TRANSLATIONS if where == "_" else f"{TRANSLATIONS}.{where}"
            errors.setdefault(key, []).extend(messages)
        return None


def _zone(payload: dict, default: str) -> str:
    zone = payload.get("timezone", default)
    return zone if isinstance(zone, str) and zone in all_timezones() else default


def _no_csrf() -> dict:
    return {"csrf": False}


# --- events ----------------------------------------------------------------------------------------------


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


def _event_form(payload: dict, event: Event | None, errors: dict) -> EventForm:
    current = EventForm(formdata=None, meta=_no_csrf(), series_choices=event_editing.series_choices())
    if event is not None:
        event_editing.fill_event_form(current, event)
    else:
        current.series_id.data = 0
    data = _current(current)
    _overlay(data, payload, EVENT_FIELDS, _zone(payload, event.timezone if event else "UTC"), errors)
    form = EventForm(formdata=data, meta=_no_csrf(), series_choices=event_editing.series_choices())
    _validated(form, EVENT_FIELDS, errors)
    return form


def _settings_form(payload: object, event: Event, zone: str, errors: dict) -> SettingsForm | None:
    if not isinstance(payload, dict):
        errors["registration"] = [_("Give an object of registration settings.")]
        raise InputErrors(errors)
    _unknown(payload, REGISTRATION_FIELDS, errors)
    if errors:
        raise InputErrors({f"registration.{k}" if k != "registration" else k: v for k, v in errors.items()})
    current = SettingsForm(formdata=None, meta=_no_csrf())
    registration_editing.fill_settings_form(current, event, zone)
    data = _current(current)
    _overlay(data, payload, REGISTRATION_FIELDS, zone, errors)
    form = SettingsForm(formdata=data, meta=_no_csrf())
    try:
        _validated(form, REGISTRATION_FIELDS, errors)
    except InputErrors as invalid:
        raise InputErrors({f"registration.{k}": v for k, v in invalid.errors.items()}) from invalid
    return form


@bp.post("/events")
@token_required(Action.ORGANISE)
def create_event():  # noqa: ANN201
    payload = _body()
    errors: dict[str, list[str]] = {}
    _unknown(payload, (*EVENT_FIELDS, TRANSLATIONS, COLOCATED), errors)
    _missing(payload, EVENT_REQUIRED, errors)
    try:
        form = _event_form({k: v for k, v in payload.items() if k in EVENT_FIELDS}, None, errors)
        values = event_editing.event_values(form)
        stored = _translations("event", payload, {}, values["language"], errors)
        if errors:
            raise InputErrors(errors)
        if stored is not None:
            values["translations"] = stored
        others = _colocated(payload, None)
        event = event_operations.create_event(api_user(), values)
        if others:
            colocation.set_colocated(api_user(), event, others)
    except InputErrors as invalid:
        return _invalid(invalid.errors)
    except OperationError as error:
        return _refused(error, EVENT_FIELDS)
    return jsonify(organiser_event_json(event)), 201


@bp.patch("/events/<slug>")
@token_required(Action.EDIT_EVENT)
def edit_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = _body()
    errors: dict[str, list[str]] = {}
    _unknown(payload, (*EVENT_FIELDS, "registration", TRANSLATIONS, REMINDERS, COLOCATED), errors)
    fields = {k: v for k, v in payload.items() if k in EVENT_FIELDS}
    try:
        others = _colocated(payload, event)  # checked first: a refusal writes nothing
        reminders = _reminders(payload[REMINDERS]) if REMINDERS in payload else None
        form = _event_form(fields, event, errors) if fields or errors or TRANSLATIONS in payload else None
        values = event_editing.event_values(form) if form is not None else None
        if values is not None:
            stored = _translations("event", payload, event.translations, values["language"], errors)
            if errors:
                raise InputErrors(errors)
            if stored is not None:
                values["translations"] = stored
        settings = None
        if "registration" in payload:
            zone = form.timezone.data if form is not None else event.timezone
            settings = _settings_form(payload["registration"], event, zone, {})
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
    except InputErrors as invalid:
        return _invalid(invalid.errors)
    except registration_operations.OperationErrors as refused:
        by_form_field = {form_name: api_name for api_name, (form_name, _k) in REGISTRATION_FIELDS.items()}
        return _invalid(
            {
                f"registration.{by_form_field.get(e.field, e.field or '_')}": [e.message]
                for e in refused.errors
            }
        )
    except OperationError as error:
        return _refused(error, EVENT_FIELDS)
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
        return _refused(error, status=409)
    db.session.refresh(event)
    return jsonify(organiser_event_json(event))


@bp.post("/events/<slug>/publish")
@token_required(Action.EDIT_EVENT)
def publish_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = _body()
    errors: dict[str, list[str]] = {}
    _unknown(payload, ("confirm",), errors)
    if "confirm" in payload and not isinstance(payload["confirm"], bool):
        errors.setdefault("confirm", []).append(_("Give true or false."))
    if errors:
        return _invalid(errors)
    confirm = bool(payload.get("confirm", False))
    return _status_move(event, lambda: event_operations.publish(api_user(), event, clashes_confirmed=confirm))


@bp.post("/events/<slug>/unpublish")
@token_required(Action.EDIT_EVENT)
def unpublish_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    return _status_move(event, lambda: event_operations.change_status(api_user(), event, EventStatus.DRAFT))


@bp.post("/events/<slug>/cancel")
@token_required(Action.EDIT_EVENT)
def cancel_event(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = _body()
    errors: dict[str, list[str]] = {}
    _unknown(payload, ("notify",), errors)
    if "notify" in payload and not isinstance(payload["notify"], bool):
        errors.setdefault("notify", []).append(_("Give true or false."))
    if errors:
        return _invalid(errors)
    notify = payload.get("notify", True) is not False
    return _status_move(event, lambda: event_operations.cancel_event(api_user(), event, notify=notify))


# --- sessions --------------------------------------------------------------------------------------------


def _session(event: Event, session_id: int) -> Session:
    return session_editing.event_session(event, session_id) or abort(
        404, description=_("This event has no session with this id.")
    )


def _session_form(payload: dict, event: Event, session: Session | None, errors: dict) -> SessionForm:
    current = SessionForm(formdata=None, meta=_no_csrf(), rooms=event.rooms)
    if session is not None:
        session_editing.fill_session_form(current, session, event)
    else:
        current.room_id.data = 0
        current.registration_enabled.data = True
    data = _current(current)
    rooms = {room.name: room.id for room in event.rooms}
    _overlay(data, payload, SESSION_FIELDS, event.timezone, errors, rooms)
    form = SessionForm(formdata=data, meta=_no_csrf(), rooms=event.rooms)
    _validated(form, SESSION_FIELDS, errors)
    return form


def _session_values(
    form: SessionForm, payload: dict, event: Event, session: Session | None, errors: dict
) -> dict:
    """The session form's values, with the payload's translations merged into the stored ones."""
    values = session_editing.session_values(form, event)
    stored = _translations(
        "session", payload, session.translations if session else {}, event.language, errors
    )
    if errors:
        raise InputErrors(errors)
    if stored is not None:
        values["translations"] = stored
    return values


def _session_payload(payload: dict, errors: dict) -> dict:
    _unknown(payload, (*SESSION_FIELDS, *SESSION_FLAGS, TRANSLATIONS), errors)
    for flag in SESSION_FLAGS:
        if flag in payload and not isinstance(payload[flag], bool):
            errors.setdefault(flag, []).append(_("Give true or false."))
    return {k: v for k, v in payload.items() if k in SESSION_FIELDS}


@bp.post("/events/<slug>/sessions")
@token_required(Action.EDIT_EVENT)
def create_session(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    payload = _body()
    errors: dict[str, list[str]] = {}
    fields = _session_payload(payload, errors)
    _missing(payload, SESSION_REQUIRED, errors)
    try:
        form = _session_form(fields, event, None, errors)
        session = session_operations.create_session(
            api_user(), event, _session_values(form, payload, event, None, errors)
        )
    except InputErrors as invalid:
        return _invalid(invalid.errors)
    except OperationError as error:
        return _refused(error, SESSION_FIELDS)
    return jsonify(organiser_session_json(event, session)), 201


@bp.patch("/events/<slug>/sessions/<int:session_id>")
@token_required(Action.EDIT_EVENT)
def edit_session(slug: str, session_id: int):  # noqa: ANN201
    event: Event = g.api_event
    session = _session(event, session_id)
    payload = _body()
    errors: dict[str, list[str]] = {}
    fields = _session_payload(payload, errors)
    try:
        form = _session_form(fields, event, session, errors)
        session_operations.edit_session(
            api_user(),
            session,
            _session_values(form, payload, event, session, errors),
            notify=payload.get("notify", True) is not False,
        )
    except InputErrors as invalid:
        return _invalid(invalid.errors)
    except OperationError as error:
        return _refused(error, SESSION_FIELDS)
    db.session.refresh(session)
    return jsonify(organiser_session_json(event, session))


def _session_move(slug: str, session_id: int, move: Callable) -> tuple[Response, int] | Response:
    event: Event = g.api_event
    session = _session(event, session_id)
    try:
        move(api_user(), session)
    except OperationError as error:
        return _refused(error, status=409)
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
    _missing(payload, ("name",), errors)
    if "create_anyway" in payload and not isinstance(payload["create_anyway"], bool):
        errors.setdefault("create_anyway", []).append(_("Give true or false."))
    data: MultiDict = MultiDict({"role": Role.SPEAKER.value, "language": "en"})
    _overlay(data, {k: v for k, v in payload.items() if k in PERSON_FIELDS}, PERSON_FIELDS, "UTC", errors)
    if payload.get("create_anyway") is True:
        data["create_anyway"] = "y"
    form = NewSpeakerForm(formdata=data, meta=_no_csrf())
    _validated(form, PERSON_FIELDS, errors)
    stored = _translations("person", payload, {}, form.language.data, errors)
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
    payload = _body()
    errors: dict[str, list[str]] = {}
    by_slug = "person" in payload
    _unknown(
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
    except InputErrors as invalid:
        db.session.rollback()
        return _invalid(invalid.errors)
    except OperationError as error:
        db.session.rollback()
        return _refused(error, {"person": ("person", TEXT)}) if by_slug else _refused(error)
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


# --- people ----------------------------------------------------------------------------------------------


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
    payload = _body()
    errors: dict[str, list[str]] = {}
    _unknown(payload, (*PERSON_EDIT_FIELDS, *PERSON_MAIL_FIELDS, TRANSLATIONS), errors)
    mail_values = {}
    for name in PERSON_MAIL_FIELDS:
        if name in payload:
            value = payload[name] if payload[name] is not None else ""
            if isinstance(value, str):
                mail_values[name] = value
            else:
                errors.setdefault(name, []).append(_("Give text."))
    current = PersonForm(formdata=None, obj=person, meta=_no_csrf())
    current.links.data = people.format_links(person.links)
    data = _current(current)
    _overlay(data, {k: v for k, v in payload.items() if k in PERSON_EDIT_FIELDS}, PERSON_EDIT_FIELDS, "UTC",
             errors)  # fmt: skip
    form = PersonForm(formdata=data, meta=_no_csrf())
    try:
        _validated(form, PERSON_EDIT_FIELDS, errors)
        links, _link_errors = people.parse_links(form.links.data)
        values = people.person_values(form, links) | mail_values
        stored = _translations("person", payload, person.translations, values["language"], errors)
        if errors:
            raise InputErrors(errors)
        if stored is not None:
            values["translations"] = stored
        person_operations.edit_person(api_user(), person, values)
    except InputErrors as invalid:
        return _invalid(invalid.errors)
    except OperationError as error:
        return _refused(error, PERSON_EDIT_FIELDS)
    return jsonify(organiser_person_json(person))
