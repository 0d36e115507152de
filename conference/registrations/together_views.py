"""One registration form for several co-located events (`/events/<slug>/register/together`), and the
registrations made together on the manage page (`registered_together` in templates).

The form asks who you are once, then for each event of the gathering whose registration is open: whether to
register for it, how you attend, its sessions and its organisers' questions. What is sent is registered by
`conference.registrations.together.register_together` (one transaction, each event's own rules).
"""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice

from conference import translations
from conference.events import colocation
from conference.events.models import Event
from conference.events.queries import programme, public_event
from conference.extensions import limiter
from conference.ratelimit import registration_limit, too_many_requests
from conference.registrations import registering, together
from conference.registrations.availability import event_seats_left, registrable_sessions, registration_state
from conference.registrations.blueprint import bp
from conference.registrations.bundles import bundle_members
from conference.registrations.forms import (
    BaseRegistrationForm,
    MultiCheckboxField,
    _question_field,
    answers_from,
    country_choices,
    mode_choices,
    question_field_name,
    zone_field_choices,
)
from conference.registrations.models import QuestionKind, Registration, RegistrationMode
from conference.registrations.queries import active_questions
from conference.viewer_zone import viewer_zone
from conference.zones import page_language, suggested_zone


@bp.app_template_global()
def registered_together(registration: Registration) -> list[Registration]:
    """The other registrations made in the same form as this one (the manage page shows them)."""
    return bundle_members(registration)


class _Offer:
    """One event of the form: its sessions open for registration and its questions."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.sessions = registrable_sessions(event, programme(event))
        self.questions = active_questions(event)
        self.seats_left = {m: event_seats_left(event, m) for m in ("in_person", "online")}

    def field(self, form: BaseRegistrationForm, name: str):  # noqa: ANN201
        return form[f"{name}_{self.event.id}"]

    def own_fields(self, form: BaseRegistrationForm) -> list:
        names = [f"join_{self.event.id}", f"mode_{self.event.id}", f"sessions_{self.event.id}"]
        return [form[n] for n in names] + [form[question_field_name(q)] for q in self.questions]


def _form(offers: list[_Offer], main: Event) -> BaseRegistrationForm:
    class TogetherForm(BaseRegistrationForm):
        attendance_mode = None  # one per event instead
        sessions = None

    for offer in offers:
        event_id = offer.event.id
        setattr(TogetherForm, f"join_{event_id}", BooleanField(_l("Register for this event")))
        setattr(
            TogetherForm, f"mode_{event_id}", RadioField(_l("How will you attend?"), validate_choice=False)
        )
        setattr(
            TogetherForm,
            f"sessions_{event_id}",
            MultiCheckboxField(_l("Sessions you want to attend"), coerce=int, validate_choice=False),
        )
        for question in offer.questions:
            setattr(TogetherForm, question_field_name(question), _question_field(question))
    form = TogetherForm()
    countries = [SelectChoice("", "—"), *country_choices()]
    form.country.choices = countries
    form.timezone.choices = zone_field_choices(str(_l("From my country, or the event's zone")))
    for offer in offers:
        mode = offer.field(form, "mode")
        mode.choices = mode_choices(offer.event)
        if len(mode.choices) == 1 and not mode.data:
            mode.data = mode.choices[0].value
        offer.field(form, "sessions").choices = [
            SelectChoice(s.id, translations.inline(translations.text(s, "title"))) for s in offer.sessions
        ]
        for question in offer.questions:
            if question.kind == QuestionKind.COUNTRY:
                form[question_field_name(question)].choices = countries
        if request.method == "GET" and offer.event.id == main.id:
            offer.field(form, "join").data = True
    return form


def _checked(form: BaseRegistrationForm, offers: list[_Offer]) -> list[_Offer]:
    """The events ticked, after dropping the errors of the fields of those not ticked and checking what
    only a ticked event needs (a way of attending, sessions open for registration)."""
    chosen = []
    for offer in offers:
        if not offer.field(form, "join").data:
            for field in offer.own_fields(form):
                field.errors = []
            continue
        chosen.append(offer)
        mode = offer.field(form, "mode")
        if mode.data not in {c.value for c in mode.choices}:
            mode.errors = [_("Choose how you will attend.")]
        sessions = offer.field(form, "sessions")
        allowed = {s.id for s in offer.sessions}
        if any(sid not in allowed for sid in sessions.data or []):
            sessions.errors = [_("One of the chosen sessions is not open for registration.")]
    if not chosen and not any(f.errors for f in form):
        form.form_errors.append(_("Tick at least one event to register for."))
    return chosen


@bp.route("/events/<slug>/register/together", methods=["GET", "POST"])
@limiter.limit(registration_limit, methods=["POST"], error_message=too_many_requests)
def together_form(slug: str):  # noqa: ANN201
    event = public_event(slug) or abort(404)
    state = registration_state(event)
    if state != "open":
        return render_template("registrations/closed.html", event=event, state=state), (
            409 if request.method == "POST" else 200
        )
    others = [o for o in colocation.partners(event) if registration_state(o) == "open"]
    if not others:  # nothing to register for together (any more): the event's own form is on its page
        abort(404)
    gathering = sorted([event, *others], key=lambda e: (e.starts_at, e.id))
    offers = [_Offer(member) for member in gathering]
    form = _form(offers, event)
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_hex(16)
        form.timezone.data = viewer_zone()
        return _page(event, form, offers), 200
    form.validate()
    if form.csrf_token.errors:
        abort(400)
    chosen = _checked(form, offers)
    if any(f.errors for f in form) or form.form_errors:
        return _page(event, form, offers), 422
    key = (form.idempotency_key.data or "").strip()
    key = key if registering.valid_key(key) else None
    parts = [
        together.Part(
            offer.event,
            registering.RegistrationInput(
                name=form.name.data.strip(),
                email=form.email.data,
                attendance_mode=RegistrationMode(offer.field(form, "mode").data),
                session_ids=list(dict.fromkeys(offer.field(form, "sessions").data or [])),
                affiliation=(form.affiliation.data or "").strip(),
                country=form.country.data or "",
                accessibility_needs=(form.accessibility_needs.data or "").strip(),
                answers=answers_from(form, offer.questions),
                idempotency_key=together.part_key(key, offer.event),
                language=page_language(),
                timezone=form.timezone.data or suggested_zone(form.country.data or "", offer.event.timezone),
            ),
        )
        for offer in chosen
    ]
    try:
        result = together.register_together(parts)
    except together.TogetherFull as full:
        form.form_errors.append(
            _(
                "%(title)s has no seat left for what you chose, and no waiting list. Nothing was registered: "
                "untick it or choose otherwise, and send the form again.",
                title=translations.text(full.event, "title"),
            )
        )
        return _page(event, form, offers), 422
    except registering.IdempotencyKeyTaken:
        form.idempotency_key.data = secrets.token_hex(16)
        form.form_errors.append(
            _("Your form could not be told apart from another one. Please send it again.")
        )
        return _page(event, form, offers), 422
    for other in result.link_sent:
        flash(
            _(
                "This address has a registration for %(title)s. We have sent its link again: open it from the "
                "mail to see or change that registration.",
                title=translations.text(other, "title"),
            )
        )
    token = result.first_token
    if token is None:
        return redirect(url_for("registrations.sent", slug=event.slug))
    if any(r.outcome == registering.Outcome.CREATED for _e, r in result.created):
        flash(_("Thank you for registering. We have sent you a confirmation by mail."))
    return redirect(url_for("registrations.manage", token=token))


def _page(event: Event, form: BaseRegistrationForm, offers: list[_Offer]) -> str:
    return render_template("registrations/together.html", event=event, form=form, offers=offers)
