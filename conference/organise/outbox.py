"""The organisers' outbox page: the mail of their events, with resend."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.auth.permissions import Action, editable_event_ids, requires
from conference.db import db
from conference.mail import sender
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.organise.blueprint import bp
from conference.organise.paging import page_number
from conference.registrations.forms import EmptyForm

PER_PAGE = 50


def _visible_messages():  # noqa: ANN202
    """The messages of the events the user may edit (the role matrix's); an admin sees every message, those
    about no event too."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if not current_user.is_admin:
        query = query.where(OutboxMessage.event_id.in_(editable_event_ids(current_user)))
    return query


@bp.get("/outbox/")
@requires(Action.ORGANISE)
@login_required
def outbox():  # noqa: ANN201
    """Newest first, PER_PAGE messages a page (one more is read to know whether a next page exists, rather
    than counting them all), with links to the pages before and after that keep the status filter."""
    status = request.args.get("status", "")
    status = status if status in {s.value for s in OutboxStatus} else ""
    query = _visible_messages()
    if status:
        query = query.where(OutboxMessage.status == status)
    page = page_number(request.args)
    messages = db.session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "organise/outbox.html",
        messages=messages[:PER_PAGE],
        more=len(messages) > PER_PAGE,
        page=page,
        form=EmptyForm(),
        status=status,
        kept={"status": status} if status else {},
        statuses=list(OutboxStatus),
    )


@bp.post("/outbox/<int:message_id>/resend")
@requires(Action.EDIT_EVENT)  # on the message's event: _visible_messages()
@login_required
def resend_message(message_id: int):  # noqa: ANN201
    message = db.session.scalars(_visible_messages().where(OutboxMessage.id == message_id)).first() or abort(
        404
    )
    if not EmptyForm().validate_on_submit():
        abort(400)
    sender.resend(message)
    flash(_("The message will be sent again."))
    return redirect(url_for("organise.outbox"))
