"""The `send-mail` command, the organisers' outbox page (with resend) and, in demo mode, a local mailbox."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.auth.models import EventMember, TeamRole
from conference.auth.permissions import Action, requires
from conference.db import db
from conference.mail import sender
from conference.mail.blueprint import bp
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.mail.outbox import attachment_files
from conference.registrations.forms import EmptyForm


@bp.cli.command("send-mail")
@click.option("--watch", is_flag=True, help="Keep running and send new mail as it arrives.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds with --watch.")
@click.option(
    "--max-backoff",
    default=sender.WATCH_MAX_BACKOFF_SECONDS,
    show_default=True,
    help="With --watch: the longest wait after failed rounds (e.g. while the database restarts).",
)
def send_mail_command(watch: bool, interval: float, max_backoff: float) -> None:
    """Send the mail waiting in the outbox (once, or continuously with --watch)."""
    try:
        if watch:
            sender.watch(interval, click.echo, max_backoff=max_backoff)  # ends only by an exception
            return
        report = sender.send_due()
    except sender.MailNotConfigured as error:
        raise click.ClickException(f"{error} (in demo mode the mail is shown at /demo-mailbox/)") from error
    if report.sent or report.failed:
        click.echo(f"sent {report.sent}, failed {report.failed} (gave up on {report.gave_up})")
    db.session.remove()


def _visible_messages():  # noqa: ANN202
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if not current_user.is_admin:
        events = sa.select(EventMember.event_id).where(
            EventMember.user_id == current_user.id, EventMember.role.in_((TeamRole.OWNER, TeamRole.MANAGER))
        )
        query = query.where(OutboxMessage.event_id.in_(events))
    return query


@bp.get("/organise/outbox/")
@requires(Action.ORGANISE)
@login_required
def outbox():  # noqa: ANN201
    status = request.args.get("status", "")
    query = _visible_messages()
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    messages = db.session.scalars(query.limit(200)).all()
    return render_template(
        "mail/outbox.html", messages=messages, form=EmptyForm(), status=status, statuses=list(OutboxStatus)
    )


@bp.post("/organise/outbox/<int:message_id>/resend")
@requires(Action.EDIT_EVENT)  # on the message's event: _visible_messages()
@login_required
def resend(message_id: int):  # noqa: ANN201
    message = db.session.scalars(_visible_messages().where(OutboxMessage.id == message_id)).first() or abort(
        404
    )
    if not EmptyForm().validate_on_submit():
        abort(400)
    sender.resend(message)
    flash(_("The message will be sent again."))
    return redirect(url_for("mail.outbox"))


@bp.get("/demo-mailbox/")
def demo_mailbox():  # noqa: ANN201
    """In demo mode (`make run`) mail is shown here instead of being sent."""
    if not current_app.config.get("DEMO_MODE"):
        abort(404)
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)).all()
    return render_template("mail/demo_mailbox.html", messages=messages)


@bp.get("/demo-mailbox/<int:message_id>/<filename>")
def demo_attachment(message_id: int, filename: str):  # noqa: ANN201
    """An attachment of a message in the demo mailbox, made as the sender would make it now."""
    if not current_app.config.get("DEMO_MODE"):
        abort(404)
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    for name, content_type, data in attachment_files(message):
        if name == filename:
            return Response(data, mimetype=content_type)
    abort(404)
