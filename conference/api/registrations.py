"""Registration endpoints of the JSON API.

Rate-limited by RATELIMIT_REGISTRATION; RATELIMIT_ENABLED=0 turns the limits off.
"""

from __future__ import annotations

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _

from conference.addresses import normalise_email
from conference.api.blueprint import bp
from conference.events.queries import session_rows
from conference.extensions import csrf, limiter
from conference.inputs import MAX_ROW_ID
from conference.registrations import capacity, mails, registering
from conference.registrations.availability import registrable_sessions, registration_state
from conference.registrations.forms import country_codes
from conference.registrations.models import QuestionKind, RegistrationMode
from conference.registrations.queries import active_questions, by_token, event_for_registering
from conference.text import clean_text
from conference.zones import default_language, known_language, known_zone, languages, suggested_zone

MAX_SESSIONS = 200


def _limit() -> str:
    return current_app.config["RATELIMIT_REGISTRATION"]


def registration_json(summary: registering.RegistrationSummary) -> dict:
    return {
        "status": summary.status.value,
        "attendance_mode": summary.attendance_mode.value,
        "sessions": [{"id": session_id, "status": status.value} for session_id, status in summary.seats],
        "manage_url": mails.manage_url(summary.token),
        "calendar_url": mails.calendar_url(summary.feed_token),
        "language": summary.language,
        "timezone": summary.timezone,
    }


def _check_answer(question, value, errors: dict) -> object:  # noqa: ANN001
    key = f"answers.{question.id}"
    empty = value in (None, "", [], False)
    if empty:
        if question.required:
            errors.setdefault(key, []).append(_("This field is required."))
        return None
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = 500 if kind == QuestionKind.SHORT_TEXT else 5000
        if not isinstance(value, str) or len(value) > limit:
            errors.setdefault(key, []).append(_("Give text of at most %(n)s characters.", n=limit))
            return value
        return clean_text(value, multiline=kind == QuestionKind.LONG_TEXT)
    if kind == QuestionKind.SINGLE_CHOICE:
        if value not in (question.options or []):
            errors.setdefault(key, []).append(_("Not one of the choices."))
        return value
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or any(v not in (question.options or []) for v in value):
            errors.setdefault(key, []).append(_("Give a list of the choices."))
        return value
    if kind == QuestionKind.CHECKBOX:
        if not isinstance(value, bool):
            errors.setdefault(key, []).append(_("Give true or false."))
        return value
    if value not in country_codes():
        errors.setdefault(key, []).append(_("Give a two-letter country code."))
    return value


@bp.post("/events/<slug>/registrations")
@csrf.exempt
@limiter.limit(_limit)
def create_registration(slug: str):  # noqa: ANN201
    event, asks_questions = event_for_registering(slug)
    if event is None:
        abort(404, description=_("No published event with the slug %(slug)s.", slug=repr(slug)))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description=_("The body must be a JSON object."))
    if registration_state(event) != "open":
        return jsonify({"errors": {"event": [_("Registration is not open.")]}}), 422
    errors: dict[str, list[str]] = {}

    def text(name: str, limit: int, required: bool = False, multiline: bool = False) -> str:
        value = payload.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value) > limit:
            errors.setdefault(name, []).append(_("Give text of at most %(n)s characters.", n=limit))
            return ""
        value = clean_text(value, multiline)  # as the form's fields are cleaned (conference.inputs)
        if required and not value.strip():
            errors.setdefault(name, []).append(_("This field is required."))
        return value.strip()

    name = text("name", 200, required=True)
    email_raw = text("email", 320, required=True)
    email = ""
    if email_raw:
        try:
            email = normalise_email(email_raw)
        except ValueError as error:
            errors.setdefault("email", []).append(str(error))
    affiliation = text("affiliation", 300)
    country = text("country", 2).upper()
    if country and country not in country_codes():
        errors.setdefault("country", []).append(_("Give a two-letter country code."))
    accessibility = text("accessibility_needs", 2000, multiline=True)
    from conference.registrations.forms import registration_modes

    modes = [mode.value for mode in registration_modes(event)]
    mode = payload.get("attendance_mode", modes[0] if len(modes) == 1 else None)
    if mode not in modes:
        errors.setdefault("attendance_mode", []).append(
            _("Choose one of: %(modes)s.", modes=", ".join(modes))
        )
    if payload.get("consent") is not True:
        errors.setdefault("consent", []).append(_("Consent is required."))
    session_ids = payload.get("session_ids", [])
    if not isinstance(session_ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ROW_ID for i in session_ids
    ):
        errors.setdefault("session_ids", []).append(_("Give a list of session ids."))
        session_ids = []
    session_ids = list(dict.fromkeys(session_ids))
    if len(session_ids) > MAX_SESSIONS:
        errors.setdefault("session_ids", []).append(_("Choose at most %(n)s sessions.", n=MAX_SESSIONS))
        session_ids = []
    # Only the chosen sessions are read (kept loaded for the confirmation mail), however big the programme.
    sessions = registrable_sessions(event, session_rows(event, ids=session_ids))
    allowed = {s.id for s in sessions}
    if any(i not in allowed for i in session_ids):
        errors.setdefault("session_ids", []).append(_("One of the sessions is not open for registration."))
    raw_answers = payload.get("answers", {}) or {}
    answers: dict[int, tuple[str, object]] = {}
    if not isinstance(raw_answers, dict):
        errors.setdefault("answers", []).append(_("Give an object of answers by question id."))
        raw_answers = {}
    for question in active_questions(event) if asks_questions else ():
        value = raw_answers.get(str(question.id), raw_answers.get(question.id))
        checked = _check_answer(question, value, errors)
        if checked not in (None, "", [], False):
            answers[question.id] = (question.label, checked)
    key = payload.get("idempotency_key")
    if key is not None and not registering.valid_key(key):
        low, high = registering.KEY_LENGTH
        errors.setdefault("idempotency_key", []).append(
            _("Give a string of %(low)s to %(high)s characters.", low=low, high=high)
        )
    language = payload.get("language")
    if language is None:
        language = request.accept_languages.best_match(languages()) or default_language()
    elif not known_language(language):
        errors.setdefault("language", []).append(_("Choose one of: %(modes)s.", modes=", ".join(languages())))
    timezone = payload.get("timezone")
    if timezone is None:
        timezone = suggested_zone(country, event.timezone)
    elif not known_zone(timezone):
        errors.setdefault("timezone", []).append(
            _("Give an IANA time zone name, such as Asia/Seoul or America/New_York.")
        )
    if errors:
        return jsonify({"errors": errors}), 422
    data = registering.RegistrationInput(
        name=name,
        email=email,
        attendance_mode=RegistrationMode(mode),
        session_ids=session_ids,
        affiliation=affiliation,
        country=country,
        accessibility_needs=accessibility,
        answers=answers,
        idempotency_key=key,
        language=language,
        timezone=timezone,
    )
    try:
        result = registering.register(event, data)
    except registering.RegistrationFull:
        return jsonify({"errors": {"event": [_("The event is full and has no waiting list.")]}}), 409
    except registering.IdempotencyKeyTaken as taken:
        if taken.other_event:
            message = _("This key was used for a registration for another event; send a new one.")
        else:
            message = _("This key was used with another email address; send a new one.")
        return jsonify({"errors": {"idempotency_key": [message]}}), 422
    if result.outcome == registering.Outcome.LINK_SENT:
        # The address is registered: its link goes to the address, never to whoever typed it.
        return jsonify({"status": "link_sent"}), 202
    # A new registration, or the same request again (same key, address and event): the first answer.
    return jsonify(registration_json(result.summary)), 201


@bp.get("/registrations/<token>")
@limiter.limit(_limit)
def get_registration(token: str):  # noqa: ANN201
    registration = by_token(token) or abort(404, description=_("No such registration."))
    body = registration_json(registering.summarise(registration))
    # What the organisers cancelled shows: the event's status, and each chosen session's.
    body["event_status"] = registration.event.status.value
    sessions = {seat.session_id: seat.session for seat in registration.seats}
    for item in body["sessions"]:
        item["session_status"] = sessions[item["id"]].status.value
    return jsonify(body)


@bp.delete("/registrations/<token>")
@csrf.exempt
@limiter.limit(_limit)
def delete_registration(token: str):  # noqa: ANN201
    registration = by_token(token) or abort(404, description=_("No such registration."))
    capacity.cancel(registration)
    return jsonify({"status": "cancelled"})
