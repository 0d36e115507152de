"""Public registration pages: the form, the manage page (token link), cancel, lost link, own data."""

from __future__ import annotations

import json
import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from conference import translations
from conference.db import utcnow
from conference.events.queries import programme, public_event
from conference.extensions import limiter
from conference.operations import OperationError
from conference.ratelimit import registration_limit, too_many_requests
from conference.registrations import capacity, mails, operations, registering, tokens
from conference.registrations.availability import (
    event_seats_left,
    registrable_sessions,
    registration_state,
)
from conference.registrations.blueprint import bp
from conference.registrations.forms import (
    EmptyForm,
    LostLinkForm,
    ManageForm,
    PreferencesForm,
    answers_from,
    mode_choices,
    registration_form,
)
from conference.registrations.models import Registration, RegistrationMode, RegistrationStatus, SeatStatus
from conference.registrations.privacy import export_data
from conference.registrations.queries import active_questions, by_token
from conference.viewer_zone import viewer_zone
from conference.zones import page_language, suggested_zone


def _registration_or_404(token: str) -> Registration:
    return by_token(token) or abort(404)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(registration_limit, methods=["POST"], error_message=too_many_requests)
def register(slug: str):  # noqa: ANN201
    event = public_event(slug) or abort(404)
    state = registration_state(event)
    sessions = registrable_sessions(event, programme(event))
    questions = active_questions(event)
    form = registration_form(event, sessions, questions)
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_hex(16)
        form.timezone.data = viewer_zone()  # the zone the visitor views times in, if they chose one
    if state != "open":
        if request.method == "POST":
            form.validate()  # still answer a bad CSRF token with 400
        return render_template("registrations/closed.html", event=event, state=state), (
            409 if request.method == "POST" else 200
        )
    if form.validate_on_submit():
        allowed = {s.id for s in sessions}
        chosen = [sid for sid in form.sessions.data or [] if sid in allowed]
        if len(chosen) != len(set(form.sessions.data or [])):
            form.sessions.errors = [_("One of the chosen sessions is not open for registration.")]
        else:
            key = (form.idempotency_key.data or "").strip()
            data = registering.RegistrationInput(
                name=form.name.data.strip(),
                email=form.email.data,
                attendance_mode=RegistrationMode(form.attendance_mode.data),
                session_ids=list(dict.fromkeys(chosen)),
                affiliation=(form.affiliation.data or "").strip(),
                country=form.country.data or "",
                accessibility_needs=(form.accessibility_needs.data or "").strip(),
                answers=answers_from(form, questions),
                idempotency_key=key if registering.valid_key(key) else None,
                language=page_language(),
                timezone=form.timezone.data or suggested_zone(form.country.data or "", event.timezone),
            )
            try:
                result = registering.register(event, data)
            except registering.RegistrationFull:
                flash(_("Sorry, the event is full and has no waiting list."), "error")
                return redirect(url_for("events.detail", slug=event.slug))
            except registering.IdempotencyKeyTaken:
                # The hidden key came with another address or from another event's form: never hand
                # over that registration; a fresh key lets this form be sent again.
                form.idempotency_key.data = secrets.token_hex(16)
                form.form_errors.append(
                    _("Your form could not be told apart from another one. Please send it again.")
                )
                return _form_page(event, form, sessions, questions), 422
            if result.outcome == registering.Outcome.LINK_SENT:
                flash(
                    _(
                        "This address has a registration for this event. We have sent your link again: "
                        "open it from the mail to see or change your registration."
                    )
                )
                return redirect(url_for("registrations.sent", slug=event.slug))
            if result.outcome == registering.Outcome.CREATED:
                flash(_("Thank you for registering. We have sent you a confirmation by mail."))
            return redirect(url_for("registrations.manage", token=result.summary.token))
    return _form_page(event, form, sessions, questions), (422 if form.errors else 200)


def _form_page(event, form, sessions, questions) -> str:  # noqa: ANN001
    return render_template(
        "registrations/register.html",
        event=event,
        form=form,
        sessions=sessions,
        questions=questions,
        seats_left={m: event_seats_left(event, m) for m in ("in_person", "online")},
    )


@bp.get("/events/<slug>/register/sent")
def sent(slug: str):  # noqa: ANN201
    event = public_event(slug) or abort(404)
    return render_template("registrations/sent.html", event=event)


@bp.route("/registrations/lost-link", methods=["GET", "POST"])
@limiter.limit(registration_limit, methods=["POST"], error_message=too_many_requests)
def lost_link():  # noqa: ANN201
    form = LostLinkForm()
    if form.validate_on_submit():
        operations.mail_manage_links(form.email.data)  # normalised to lower case by the form
        # The same answer whether or not the address is registered, and whether or not a mail was written.
        flash(_("If this address is registered, a mail with the link is on its way."))
        return redirect(url_for("registrations.lost_link"))
    return render_template("registrations/lost_link.html", form=form)


def _manage_form(registration: Registration, sessions: list) -> ManageForm:
    form = ManageForm()
    form.attendance_mode.choices = mode_choices(registration.event)
    chosen = {s.session_id: s for s in registration.seats if s.status != SeatStatus.CANCELLED}
    choices = [SelectChoice(s.id, translations.inline(translations.text(s, "title"))) for s in sessions]
    known = {c.value for c in choices}
    choices += [
        SelectChoice(sid, translations.inline(translations.text(seat.session, "title")))
        for sid, seat in chosen.items()
        if sid not in known
    ]
    form.sessions.choices = choices
    if request.method == "GET":
        form.attendance_mode.data = registration.attendance_mode.value
        form.sessions.data = list(chosen)
    return form


@bp.get("/registrations/<token>/")
def manage(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    event = registration.event
    sessions = registrable_sessions(event, programme(event))
    active = registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
    return render_template(
        "registrations/manage.html",
        registration=registration,
        event=event,
        form=_manage_form(registration, sessions),
        preferences=_preferences_form(registration),
        button=EmptyForm(),
        active=active,
        can_change=active and registration_state(event) == "open",
        qr=(
            mails.qr_svg(registration)
            if registration.status == RegistrationStatus.CONFIRMED and registration.attends_in_person
            else None
        ),
        # Seats the registrant gave up are gone; those a cancelled session or event took stay, marked.
        seats=[s for s in registration.seats if s.status != SeatStatus.CANCELLED or s.withdrawn],
    )


def _preferences_form(registration: Registration) -> PreferencesForm:
    form = PreferencesForm()
    if request.method == "GET":
        form.language.data = registration.language or page_language()
        form.timezone.data = registration.timezone or registration.event.timezone
    return form


def _refused(form, token: str) -> Response:  # noqa: ANN001
    """A manage-page form that did not validate: 400 for a missing or stale CSRF token, else back to the
    manage page with what to correct."""
    if form.csrf_token.errors:
        abort(400)
    flash(_("Please check the form: %(errors)s", errors="; ".join(sum(form.errors.values(), []))), "error")
    return redirect(url_for("registrations.manage", token=token))


@bp.post("/registrations/<token>/preferences")
def preferences(token: str):  # noqa: ANN201
    """The registrant's language and time zone for mail (any status: a cancelled registration still hears
    of a revival or of the event's cancellation)."""
    registration = _registration_or_404(token)
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _refused(form, token)
    try:
        operations.set_preferences(
            None, registration, language=form.language.data, timezone=form.timezone.data
        )
    except OperationError as error:
        flash(error.message, "error")
        return redirect(url_for("registrations.manage", token=token))
    flash(_("Your language and time zone were saved: our mails use them from now on."))
    return redirect(url_for("registrations.manage", token=token))


@bp.post("/registrations/<token>/")
def change(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    event = registration.event
    sessions = registrable_sessions(event, programme(event))
    form = _manage_form(registration, sessions)
    if not form.validate_on_submit():
        return _refused(form, token)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        flash(_("This registration is cancelled; register again to take part."), "error")
        return redirect(url_for("registrations.manage", token=token))
    if registration_state(event) != "open":
        flash(_("Registration is closed; changes are no longer possible."), "error")
        return redirect(url_for("registrations.manage", token=token))
    allowed = {s.id for s in sessions}
    kept = {s.session_id for s in registration.seats if s.status != SeatStatus.CANCELLED}
    wanted = [sid for sid in dict.fromkeys(form.sessions.data or []) if sid in allowed or sid in kept]
    try:
        capacity.change(registration, RegistrationMode(form.attendance_mode.data), wanted)
    except capacity.NoSeatForMode:
        flash(_("There is no seat left for that way of attending; nothing was changed."), "error")
        return redirect(url_for("registrations.manage", token=token))
    flash(_("Your registration was updated."))
    return redirect(url_for("registrations.manage", token=token))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        capacity.cancel(registration)
        flash(_("Your registration is cancelled."))
        return redirect(url_for("registrations.manage", token=token))
    return render_template(
        "registrations/cancel.html", registration=registration, event=registration.event, form=form
    )


@bp.post("/registrations/<token>/new-link")
def new_link(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    new_token = tokens.regenerate_token(registration)
    flash(_("Your registration has a new link; the old one no longer works. We have mailed you the new one."))
    return redirect(url_for("registrations.manage", token=new_token))


@bp.post("/registrations/<token>/new-calendar-link")
def new_calendar_link(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    tokens.regenerate_feed_token(registration)
    flash(
        _("Your calendar has a new address; the old one no longer works. Subscribe again with the new one.")
    )
    return redirect(url_for("registrations.manage", token=token))


@bp.get("/registrations/<token>/my-data.json")
def my_data(token: str):  # noqa: ANN201
    registration = _registration_or_404(token)
    body = json.dumps(export_data(registration), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="registration-{utcnow():%Y%m%d}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.app_context_processor
def registration_helpers() -> dict:
    return {"registration_state": registration_state, "event_seats_left": event_seats_left}
