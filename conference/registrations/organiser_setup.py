"""Organiser pages that set an event's registration up: opening times, capacities, waiting list and
approval (registration settings), and the organisers' own questions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference import translations
from conference.auth.permissions import EDITORS, Action, require_event, requires
from conference.db import db
from conference.inputs import parse_id
from conference.operations import current_actor
from conference.registrations import operations
from conference.registrations.blueprint import bp
from conference.registrations.forms import EmptyForm, QuestionForm, SettingsForm
from conference.registrations.models import (
    Question,
    QuestionKind,
    RegistrationMode,
)
from conference.registrations.organiser import PREFIX
from conference.registrations.queries import (
    all_questions,
)
from conference.sessions.models import Session
from conference.timeutil import from_local, local

# --- settings --------------------------------------------------------------------------------------------


@bp.route(PREFIX + "/registration-settings", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def organiser_settings(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    sessions = list(
        db.session.scalars(sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at))
    )
    form = SettingsForm(obj=None if request.method == "POST" else event)
    if request.method == "GET":
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            getattr(form, name).data = local(value, event.timezone).replace(tzinfo=None) if value else None
    session_errors: dict[int, str] = {}
    session_values: dict[int, int | None] = {}
    if request.method == "POST":
        for s in sessions:
            raw = request.form.get(f"cap_{s.id}", "").strip()
            if raw == "":
                session_values[s.id] = None
            elif (number := parse_id(raw)) is not None and number <= 1_000_000:
                session_values[s.id] = number
            else:
                session_errors[s.id] = _("A whole number, or empty for no limit.")
    if form.validate_on_submit() and not session_errors:
        errors = _apply_settings(event, form, session_values)
        if not errors:
            flash(_("Registration settings saved."))
            return redirect(url_for("registrations.organiser_settings", slug=slug))
        for field, message in errors.items():
            if isinstance(field, int):
                session_errors[field] = message
            else:
                getattr(form, field).errors = [*getattr(form, field).errors, message]
    return render_template(
        "registrations/organiser/settings.html",
        event=event,
        form=form,
        sessions=sessions,
        session_errors=session_errors,
        session_values=session_values,
    ), (422 if form.errors or session_errors else 200)


def _apply_settings(event, form: SettingsForm, caps: dict) -> dict:  # noqa: ANN001
    """Save the settings through the one operation; returns its refusals by field (a session's by its id)."""

    def utc(value):  # noqa: ANN001, ANN202
        return from_local(value, event.timezone) if value else None

    try:
        operations.update_settings(
            current_actor(),
            event,
            enabled=form.registration_enabled.data,
            opens_at=utc(form.registration_opens_at.data),
            closes_at=utc(form.registration_closes_at.data),
            capacities={
                RegistrationMode.IN_PERSON: form.capacity_in_person.data,
                RegistrationMode.ONLINE: form.capacity_online.data,
            },
            waitlist=form.waitlist_enabled.data,
            approval=form.approval_required.data,
            session_capacities=caps,
        )
    except operations.OperationErrors as refused:
        return {int(e.field) if e.field and e.field.isdigit() else e.field: e.message for e in refused.errors}
    return {}


# --- questions -------------------------------------------------------------------------------------------


@bp.get(PREFIX + "/questions/")
@requires(Action.EDIT_EVENT)
def questions(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    return render_template(
        "registrations/organiser/questions.html",
        event=event,
        questions=all_questions(event),
        form=EmptyForm(),
    )


@bp.route(PREFIX + "/questions/new", methods=["GET", "POST"])
@bp.route(PREFIX + "/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def question_edit(slug: str, question_id: int | None = None):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    question = None
    if question_id is not None:
        question = db.session.get(Question, question_id)
        if question is None or question.event_id != event.id:
            abort(404)
    form = translations.with_translations(QuestionForm, "question")()
    if request.method == "GET" and question is not None:
        form.label.data, form.help_text.data = question.label, question.help_text
        form.kind.data, form.required.data = question.kind.value, question.required
        form.options.data = "\n".join(question.options or [])
        translations.fill_form(form, question)
    stored = None
    if (
        form.validate_on_submit()
        and (
            stored := translations.apply_form(
                form,
                "question",
                question.translations if question else {},
                event.language,
                options_count=len(form.option_list()),
            )  # fmt: skip
        )
        is not None
    ):
        # Answers keep the label and value they were given with, so editing never changes them.
        operations.save_question(
            current_actor(),
            event,
            question,
            label=form.label.data,
            help_text=form.help_text.data or "",
            kind=QuestionKind(form.kind.data),
            required=form.required.data,
            options=form.option_list(),
            translations=stored,
        )
        flash(_("Question saved."))
        return redirect(url_for("registrations.questions", slug=slug))
    return render_template(
        "registrations/organiser/question_form.html", event=event, form=form, question=question
    ), (422 if form.errors else 200)


@bp.post(PREFIX + "/questions/<int:question_id>/<action>")
@requires(Action.EDIT_EVENT)
def question_action(slug: str, question_id: int, action: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action in ("up", "down"):
        ordered = [q for q in all_questions(event) if not q.archived]
        operations.move_question(current_actor(), question, ordered, -1 if action == "up" else 1)
    elif action in ("archive", "restore"):
        operations.archive_question(current_actor(), question, archived=action == "archive")
    else:
        abort(404)
    return redirect(url_for("registrations.questions", slug=slug))
