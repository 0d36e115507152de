"""Organiser pages that set an event's registration up: opening times, capacities, waiting list and
approval (registration settings), and the organisers' own questions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference import translation_forms
from conference.auth.permissions import EDITORS, Action, require_event, requires
from conference.db import db
from conference.operations import current_actor
from conference.organise.blueprint import bp
from conference.organise.registrations import PREFIX
from conference.registrations import editing, operations
from conference.registrations.forms import EmptyForm, QuestionForm, SettingsForm
from conference.registrations.models import (
    Question,
    QuestionKind,
)
from conference.registrations.queries import (
    all_questions,
)
from conference.sessions.models import Session

# --- settings --------------------------------------------------------------------------------------------


@bp.route(PREFIX + "/registration-settings", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def registration_settings(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    sessions = list(
        db.session.scalars(sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at))
    )
    form = SettingsForm()
    if request.method == "GET":
        editing.fill_settings_form(form, event, event.timezone)
    session_values, session_errors = editing.session_capacities(request.form, sessions)
    refused = False  # by the operation, on no field of the form
    if form.validate_on_submit() and not session_errors:
        try:
            editing.save_settings(current_actor(), event, form, event.timezone, session_values)
        except operations.OperationErrors as refusal:
            for error in refusal.errors:
                if error.field and error.field.isdigit():
                    session_errors[int(error.field)] = error.message
                elif error.field and error.field in form:
                    form[error.field].errors = [*form[error.field].errors, error.message]
                else:
                    flash(error.message, "error")
                    refused = True
        else:
            flash(_("Registration settings saved."))
            return redirect(url_for("organise.registration_settings", slug=slug))
    return render_template(
        "organise/registrations/settings.html",
        event=event,
        form=form,
        sessions=sessions,
        session_errors=session_errors,
    ), (422 if form.errors or session_errors or refused else 200)


# --- questions -------------------------------------------------------------------------------------------


@bp.get(PREFIX + "/questions/")
@requires(Action.EDIT_EVENT)
def questions(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    return render_template(
        "organise/registrations/questions.html",
        event=event,
        questions=all_questions(event),
        form=EmptyForm(),
    )


@bp.route(PREFIX + "/questions/new", methods=["GET", "POST"])
@bp.route(PREFIX + "/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_question(slug: str, question_id: int | None = None):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    question = None
    if question_id is not None:
        question = db.session.get(Question, question_id)
        if question is None or question.event_id != event.id:
            abort(404)
    form = translation_forms.with_translations(QuestionForm, "question")()
    if request.method == "GET" and question is not None:
        form.label.data, form.help_text.data = question.label, question.help_text
        form.kind.data, form.required.data = question.kind.value, question.required
        form.options.data = "\n".join(question.options or [])
        translation_forms.fill_form(form, question)
    stored = None
    if (
        form.validate_on_submit()
        and (
            stored := translation_forms.apply_form(
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
        return redirect(url_for("organise.questions", slug=slug))
    return render_template(
        "organise/registrations/question_form.html", event=event, form=form, question=question
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
    return redirect(url_for("organise.questions", slug=slug))
