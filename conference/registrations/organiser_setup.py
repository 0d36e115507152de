"""Organiser pages that set an event's registration up: opening times, capacities, waiting list and
approval (registration settings), and the organisers' own questions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.auth.permissions import EDITORS, Action, require_event, requires
from conference.db import db, serialized_write
from conference.inputs import parse_id
from conference.registrations import capacity
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
        errors = _apply_settings(event, form, sessions, session_values)
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


def _apply_settings(event, form: SettingsForm, sessions: list[Session], caps: dict) -> dict:  # noqa: ANN001
    """Save the settings in one transaction; a capacity below the seats already taken is refused."""
    errors: dict = {}
    opens = (
        from_local(form.registration_opens_at.data, event.timezone)
        if form.registration_opens_at.data
        else None
    )
    closes = (
        from_local(form.registration_closes_at.data, event.timezone)
        if form.registration_closes_at.data
        else None
    )
    if opens and closes and closes <= opens:
        return {"registration_closes_at": _("Closing must come after opening.")}
    with serialized_write():
        fresh = db.session.scalars(
            sa.select(type(event))
            .where(type(event).id == event.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        for field, taken in (
            ("capacity_in_person", fresh.seats_taken_in_person),
            ("capacity_online", fresh.seats_taken_online),
        ):
            value = getattr(form, field).data
            if value is not None and value < taken:
                errors[field] = _("%(n)s seats are already taken.", n=taken)
        locked = {
            s.id: s
            for s in db.session.scalars(
                sa.select(Session)
                .where(Session.event_id == event.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        }
        for sid, value in caps.items():
            if value is not None and value < locked[sid].seats_taken:
                errors[sid] = _("%(n)s seats are already taken.", n=locked[sid].seats_taken)
        if errors:
            db.session.rollback()
            return errors
        fresh.registration_enabled = form.registration_enabled.data
        fresh.registration_opens_at = opens
        fresh.registration_closes_at = closes
        fresh.capacity_in_person = form.capacity_in_person.data
        fresh.capacity_online = form.capacity_online.data
        fresh.waitlist_enabled = form.waitlist_enabled.data
        fresh.approval_required = form.approval_required.data
        for sid, value in caps.items():
            locked[sid].capacity = value
        db.session.flush()
        # Seats freed by a larger capacity go to the waiting list at once.
        promoted = []
        for mode in RegistrationMode:
            promoted += capacity._promote_event(fresh, mode)
        for sid in caps:
            promoted += capacity._promote_session(sid)
        capacity._notify_promoted(promoted)
        db.session.commit()
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
    form = QuestionForm()
    if request.method == "GET" and question is not None:
        form.label.data, form.help_text.data = question.label, question.help_text
        form.kind.data, form.required.data = question.kind.value, question.required
        form.options.data = "\n".join(question.options or [])
    if form.validate_on_submit():
        kind = QuestionKind(form.kind.data)
        if question is None:
            position = db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.max(Question.position), 0)).where(
                    Question.event_id == event.id
                )
            )
            question = Question(event_id=event.id, position=position + 1)
            db.session.add(question)
        # Answers keep the label and value they were given with, so editing never changes them.
        question.label = form.label.data.strip()
        question.help_text = (form.help_text.data or "").strip()
        question.kind = kind
        question.required = form.required.data
        question.options = (
            form.option_list() if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) else []
        )
        db.session.commit()
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
    ordered = [q for q in all_questions(event) if not q.archived]
    if action in ("up", "down") and question in ordered:
        i = ordered.index(question)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
        for position, q in enumerate(ordered, start=1):
            q.position = position
    elif action == "archive":
        question.archived = True
    elif action == "restore":
        question.archived = False
    else:
        abort(404)
    db.session.commit()
    return redirect(url_for("registrations.questions", slug=slug))
