"""The `send-mail` command and, in demo mode, a local mailbox (the organisers' outbox page is in
conference/organise/outbox.py)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Response, abort, current_app, render_template

from conference.db import db
from conference.mail import sender
from conference.mail.blueprint import bp
from conference.mail.models import OutboxMessage
from conference.mail.outbox import attachment_files


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
