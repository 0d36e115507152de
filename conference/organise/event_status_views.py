"""Organiser routes that change an event's status (`conference.events.status`): publish, unpublish, cancel,
restore and delete, with the confirmation pages of cancelling and deleting (`conference.organise.confirm`).
The event's own pages (its overview, form, copy, hosts, publications and team) are in views.py. A refusal
is shown on the event's page."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from conference.auth.permissions import Action, requires
from conference.events import status as event_status
from conference.events.forms import PublishForm
from conference.events.models import Event
from conference.operations import OperationError, current_actor
from conference.organise import confirm
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.sessions.forms import ConfirmForm


def _status_action(event: Event, operation, message: str, anchor: str | None = None):  # noqa: ANN001, ANN202
    """Run one status operation; a refusal is shown on the event's page."""
    try:
        operation()
    except OperationError as error:
        flash(error.message, "warning" if error.field == "confirm" else "error")
        return redirect(url_for("organise.event", slug=event.slug, _anchor=anchor))
    flash(message, "success")
    return redirect(url_for("organise.event", slug=event.slug))


@bp.post("/events/<slug>/publish")
@requires(Action.EDIT_EVENT)
def publish_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    return _status_action(
        event,
        lambda: event_status.publish(current_actor(), event, clashes_confirmed=bool(form.confirm.data)),
        _("Published: the event page is public now."),
        anchor="publish",
    )


@bp.post("/events/<slug>/unpublish")
@requires(Action.EDIT_EVENT)
def unpublish_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _status_action(
        event,
        lambda: event_status.unpublish(current_actor(), event),
        _("The event is a draft again and no longer public."),
    )


@bp.route("/events/<slug>/cancel", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def cancel_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirm.confirmed():
        notify = confirm.event_cancel_notify(event)
        return confirm.page(
            title=_("Cancel “%(event)s”?", event=event.title),
            lines=confirm.event_cancel_lines(event, notify),
            action=url_for("organise.cancel_event", slug=event.slug),
            back=url_for("organise.event", slug=event.slug),
            button=_("Cancel the event"),
            event=event,
            notify=notify,
            preview=confirm.event_notice_preview(event) if notify[0] or notify[1] else None,
        )
    if event.first_published_at is None:
        message = _("The draft is cancelled; it was never published and stays private.")
    else:
        message = _(
            "The event is cancelled; its page stays, marked cancelled. Its registrations are cancelled."
        )
    notify = confirm.notify_wanted()
    return _status_action(
        event, lambda: event_status.cancel_event(current_actor(), event, notify=notify), message
    )


@bp.post("/events/<slug>/restore")
@requires(Action.EDIT_EVENT)
def restore_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _status_action(
        event,
        lambda: event_status.restore_event(current_actor(), event),
        _(
            "The event is a draft again. Registrations cancelled with it are back on the waiting list, "
            "and those with a free seat have it again."
        ),
    )


@bp.route("/events/<slug>/delete", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def delete_event(slug: str):  # noqa: ANN201
    """Delete a draft that was never published (`event_status.deletion_refusal`), after a confirmation page
    that says what goes with it; any other event is cancelled instead, which the page says."""
    event = editable_event(slug)
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = event_status.deletion_refusal(event)
    if refusal and request.method == "POST":
        flash(refusal, "error")
        return redirect(url_for("organise.event", slug=event.slug))
    if refusal:  # the page says why, and what to do instead
        return confirm.page(
            title=_("“%(event)s” cannot be deleted", event=event.title),
            lines=[refusal],
            action=url_for("organise.cancel_event", slug=event.slug),
            back=url_for("organise.event", slug=event.slug),
            button="",
            event=event,
        )
    if not confirm.confirmed():
        return confirm.page(
            title=_("Delete “%(event)s”?", event=event.title),
            lines=confirm.event_delete_lines(event),
            action=url_for("organise.delete_event", slug=event.slug),
            back=url_for("organise.event", slug=event.slug),
            button=_("Delete the event"),
            event=event,
        )
    title = event.title
    try:
        event_status.delete_event(current_actor(), event)
    except OperationError as error:
        flash(error.message, "error")
        return redirect(url_for("organise.event", slug=slug))
    flash(_("“%(event)s” is deleted.", event=title), "success")
    return redirect(url_for("organise.home"))
