"""Organiser pages of an event's registrations, under /organise/events/<slug>/...

Registrants' data is shown only to the event's team (require_event); the check-in helper role sees
the check-in page only.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.auth.permissions import EDITORS, EVERYONE, Action, require_event, requires
from conference.db import db
from conference.inputs import parse_id
from conference.mail import outbox
from conference.operations import OperationError, current_actor
from conference.organise import confirm
from conference.organise.blueprint import bp
from conference.organise.paging import page_number
from conference.registrations import export, operations
from conference.registrations.availability import event_seats_left
from conference.registrations.forms import EmptyForm
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
)
from conference.registrations.queries import (
    PER_PAGE,
    find_for_checkin,
    registration_page,
    session_counts,
    status_counts,
)

PREFIX = "/events/<slug>"  # under the blueprint's /organise


def _registration(event, registration_id: int) -> Registration:  # noqa: ANN001
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.get(PREFIX + "/registrations/")
@requires(Action.EDIT_EVENT)
def registrations(slug: str):  # noqa: ANN201
    """One page of the event's registrations (PER_PAGE rows, the columns shown only), the counts by status
    (one grouped query on an index) and links to the pages before and after that keep the filters."""
    event = require_event(slug, *EDITORS)
    status = request.args.get("status", "")
    mode = request.args.get("mode", "")
    status = status if status in {s.value for s in RegistrationStatus} else ""
    mode = mode if mode in {m.value for m in RegistrationMode} else ""
    session_id = request.args.get("session", type=parse_id)
    q = request.args.get("q", "").strip()[:200]
    page = page_number(request.args)
    rows, more = registration_page(
        event, status=status or None, session_id=session_id, mode=mode or None, q=q, page=page
    )
    filters = {"status": status, "mode": mode, "session": session_id, "q": q}
    return render_template(
        "organise/registrations/list.html",
        event=event,
        registrations=rows,
        page=page,
        more=more,
        first=(page - 1) * PER_PAGE + 1,
        counts=status_counts(event),
        sessions=session_counts(event),
        seats_left={m: event_seats_left(event, m) for m in ("in_person", "online")},
        filters=filters,
        kept={name: value for name, value in filters.items() if value},
        statuses=list(RegistrationStatus),
        modes=list(RegistrationMode),
    )


@bp.get(PREFIX + "/registrations/<int:registration_id>")
@requires(Action.EDIT_EVENT)
def registration(slug: str, registration_id: int):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    return render_template(
        "organise/registrations/detail.html",
        event=event,
        registration=_registration(event, registration_id),
        form=EmptyForm(),
    )


@bp.get(PREFIX + "/registrations/<int:registration_id>/erase")
@requires(Action.EDIT_EVENT)
def erase_registration(slug: str, registration_id: int):  # noqa: ANN201
    """The confirmation page of erasing a registration's personal data; its form POSTs to registration_action."""
    event = require_event(slug, *EDITORS)
    return _erase_page(event, _registration(event, registration_id))


def _erase_page(event, registration: Registration) -> str:  # noqa: ANN001
    back = url_for("organise.registration", slug=event.slug, registration_id=registration.id)
    if registration.erased_at:
        lines = [_("This registration's personal data was deleted already; nothing more follows.")]
    else:
        lines = [
            _(
                "The name, e-mail address, affiliation, country, accessibility needs and answers of "
                "%(name)s are deleted; their links stop working. This cannot be undone.",
                name=registration.name or registration.email,
            ),
            ngettext(
                "%(num)s message to or about them in the outbox is deleted.",
                "%(num)s messages to or about them in the outbox are deleted.",
                outbox.registration_message_count(registration.id),
            ),
            _("The audit log keeps its entries about this registration, without the personal data."),
        ]
        if registration.status in confirm.ACTIVE:
            lines.insert(
                1,
                _(
                    "The registration is cancelled first: its seats go to the waiting list; no mail is sent "
                    "to the address being erased."
                ),
            )
    return confirm.page(
        title=_("Delete this registration's personal data?"),
        lines=lines,
        action=url_for(
            "organise.registration_action", slug=event.slug, registration_id=registration.id, action="erase"
        ),
        back=back,
        button=_("Delete the personal data"),
        event=event,
    )


@bp.get(PREFIX + "/registrations/<int:registration_id>/cancel")
@requires(Action.EDIT_EVENT)
def cancel_registration(slug: str, registration_id: int):  # noqa: ANN201
    """The confirmation page of cancelling a registration on the registrant's behalf; its form POSTs to
    registration_action."""
    event = require_event(slug, *EDITORS)
    return _cancel_page(event, _registration(event, registration_id))


def _cancel_page(event, registration: Registration) -> str:  # noqa: ANN001
    from conference.organise import confirm

    return confirm.page(
        title=_("Cancel the registration of %(name)s?", name=registration.name or registration.email),
        lines=confirm.registration_cancel_lines(registration),
        action=url_for(
            "organise.registration_action",
            slug=event.slug,
            registration_id=registration.id,
            action="cancel",
        ),
        back=url_for("organise.registration", slug=event.slug, registration_id=registration.id),
        button=_("Cancel the registration"),
        event=event,
    )


@bp.post(PREFIX + "/registrations/<int:registration_id>/<action>")
@requires(Action.EDIT_EVENT)
def registration_action(slug: str, registration_id: int, action: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    registration = _registration(event, registration_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "erase" and request.form.get("confirm") != "y":
        return _erase_page(event, registration)
    if action == "cancel" and request.form.get("confirm") != "y":
        return _cancel_page(event, registration)
    actions = {
        "approve": (operations.approve, _("Registration approved.")),
        "reject": (operations.reject, _("Registration rejected.")),
        "cancel": (
            operations.cancel_registration,
            _("Registration cancelled; the next person on the waiting list was moved up."),
        ),
        "erase": (operations.erase, _("The personal data of this registration was deleted.")),
    }
    if action not in actions:
        abort(404)
    operation, message = actions[action]
    try:
        operation(current_actor(), registration)
    except OperationError as error:
        flash(error.message, "error")
    else:
        flash(message)
    return redirect(url_for("organise.registration", slug=slug, registration_id=registration_id))


@bp.get(PREFIX + "/registrations/export.csv")
@requires(Action.EDIT_EVENT)
def export_registrations(slug: str):  # noqa: ANN201
    """The registrations CSV, streamed (`conference.registrations.export`): constant memory, the first
    bytes at once."""
    event = require_event(slug, *EDITORS)
    return Response(
        export.csv_chunks(event),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(event)}"'},
    )


# --- check-in --------------------------------------------------------------------------------------------


@bp.route(PREFIX + "/checkin", methods=["GET", "POST"])
@requires(Action.CHECK_IN)
def checkin(slug: str):  # noqa: ANN201
    event = require_event(slug, *EVERYONE)
    form = EmptyForm()
    result = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        registration_id = request.form.get("registration_id", type=parse_id)
        registration = _registration(event, registration_id) if registration_id is not None else abort(400)
        try:
            arrived = operations.check_in(current_actor(), registration)
        except OperationError as error:
            flash(error.message, "error")
        else:
            if arrived:
                flash(_("%(name)s is checked in.", name=registration.name))
            else:
                flash(_("%(name)s is already checked in.", name=registration.name), "warning")
        return redirect(url_for("organise.checkin", slug=slug, q=request.form.get("q", "")))
    q = request.args.get("q", "").strip()[:200]
    found, more = find_for_checkin(event, q) if q else ([], False)
    return render_template(
        "organise/registrations/checkin.html",
        event=event,
        q=q,
        found=found,
        more=more,
        form=form,
        result=result,
        confirmed=SeatStatus.CONFIRMED,
    )
