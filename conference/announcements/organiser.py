"""The organiser pages of announcements (the *Announcements* tab, on the organise blueprint): the sent
announcements with their audience and counts; compose → preview (exact count, the message as a recipient
sees it) → send. `Action.EDIT_EVENT`, CSRF on every POST. Views parse, call one operation, render."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.announcements import audience as audiences
from conference.announcements import follow_up, operations
from conference.announcements.forms import AnnouncementForm
from conference.announcements.mails import Writer
from conference.auth.permissions import EDITORS, Action, require_event, requires
from conference.db import db
from conference.events.models import Event
from conference.inputs import parse_int
from conference.operations import OperationError, current_actor, show_error
from conference.organise.blueprint import bp
from conference.registrations.queries import all_questions
from conference.sessions.models import Session
from conference.zones import page_language, when

PREFIX = "/events/<slug>/announcements"


def _form(event: Event) -> AnnouncementForm:
    form = AnnouncementForm()
    sessions = list(
        db.session.scalars(
            sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at, Session.id)
        )
    )
    questions = [q for q in all_questions(event) if q.kind in audiences.CHOICE_QUESTIONS and not q.archived]
    form.set_event_choices(event, sessions, questions)
    return form


def _checked(event: Event, form: AnnouncementForm) -> tuple[audiences.Audience, str, str] | None:
    """The audience, subject and body of a valid form; None (errors on the form) otherwise."""
    if not form.validate_on_submit():
        return None
    try:
        audience = audiences.parse(event, form.to_audience())
    except audiences.AudienceErrors as refused:
        for key, messages in refused.errors.items():
            field = {"status": form.status, "mode": form.mode, "sessions": form.sessions,
                     "checked_in": form.checked_in}.get(key, form.answer)  # fmt: skip
            field.errors = [*field.errors, *messages]
        return None
    try:
        subject, body = operations.check_text(form.subject.data, form.body.data)
    except OperationError as error:
        show_error(form, error)
        return None
    return audience, subject, body


@bp.get(PREFIX + "/")
@requires(Action.EDIT_EVENT)
def announcements(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    sent = operations.event_announcements(event)
    return render_template(
        "organise/announcements/list.html",
        event=event,
        announcements=sent,
        sent_counts=operations.sent_counts([a.id for a in sent]),
        when=lambda moment: when(moment, None, event.timezone),
        follow_ups=event.has_ended,
    )


@bp.route(PREFIX + "/new", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def new_announcement(slug: str):  # noqa: ANN201
    """GET: the compose form (pre-filled as a follow-up with ?follow_up=attended|absent). POST: the
    preview with the exact count, or the form again with what to fix (or to change it: `edit`)."""
    event = require_event(slug, *EDITORS)
    form = _form(event)
    if request.method == "GET":
        form.key.data = secrets.token_urlsafe(24)
        which = request.args.get("follow_up")
        if which in follow_up.AUDIENCES:
            form.subject.data, form.body.data, audience = follow_up.draft(event, which)
            form.fill(audience)
        else:
            form.fill({})
        return render_template("organise/announcements/compose.html", event=event, form=form)
    if request.form.get("edit"):  # "Change" on the preview: the form again, as it was
        valid = form.validate_on_submit()
        if form.csrf_token.errors:
            abort(400)
        page = render_template("organise/announcements/compose.html", event=event, form=form)
        return page, (200 if valid else 422)
    checked = _checked(event, form)
    if checked is None:
        return render_template("organise/announcements/compose.html", event=event, form=form), 422
    audience, subject, body = checked
    if not form.key.data:
        form.key.data = secrets.token_urlsafe(24)
    count = audiences.count(event, audience)
    form.previewed.data = str(count)
    copy = Writer(event, subject, body).copy(audiences.Recipient(0, "", page_language(), "preview"))
    return render_template(
        "organise/announcements/preview.html",
        event=event,
        form=form,
        subject=subject,
        copy=copy,
        count=count,
        audience_label=audiences.describe(audience),
    )


@bp.post(PREFIX + "/send")
@requires(Action.EDIT_EVENT)
def send_announcement(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    form = _form(event)
    checked = _checked(event, form)
    if checked is None:
        return render_template("organise/announcements/compose.html", event=event, form=form), 422
    audience, subject, body = checked
    key = operations.idempotency_key(f"form:{event.id}", form.key.data) if form.key.data else None
    try:
        announcement, sent = operations.send(current_actor(), event, subject, body, audience, key=key)
    except OperationError as error:
        show_error(form, error)
        return render_template("organise/announcements/compose.html", event=event, form=form), 422
    if not sent:
        flash(
            _("This announcement was already sent (to %(n)s people); it was not sent again.",
              n=announcement.recipient_count),
            "warning",
        )  # fmt: skip
        return redirect(url_for("organise.announcements", slug=slug))
    n = announcement.recipient_count
    flash(ngettext("Announcement sent to %(num)s person.", "Announcement sent to %(num)s people.", n))
    previewed = parse_int(form.previewed.data)
    if previewed is not None and previewed != n:
        flash(
            ngettext(
                "The audience changed since the preview, which counted %(num)s person.",
                "The audience changed since the preview, which counted %(num)s people.",
                previewed,
            ),
            "warning",
        )
    return redirect(url_for("organise.announcements", slug=slug))
