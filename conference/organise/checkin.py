"""The event day, under /organise/events/<slug>/: the check-in desk (a phone-width page for the team's
check-in helpers: find someone by name, email or the code of their QR, scanned with the camera where the
browser can; check them in; undo a mistake), its live counter (`counts.json`) and the badges PDF.

Views parse, call one operation (`conference.registrations.operations.check_in` / `undo_check_in`) and
render. Who may: `Action.CHECK_IN` (every member of the event's team, check-in helpers included) for the
desk and the counter; `Action.EDIT_EVENT` for the badges of every registrant.
"""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.auth.permissions import EDITORS, EVERYONE, Action, require_event, requires
from conference.db import db
from conference.events.models import Event
from conference.inputs import parse_id
from conference.operations import OperationError, current_actor
from conference.organise.blueprint import bp
from conference.registrations import badges, operations
from conference.registrations.forms import EmptyForm
from conference.registrations.models import Registration
from conference.registrations.queries import checkin_counts, find_for_checkin

PREFIX = "/events/<slug>/checkin/desk"
MAX_QUERY = 200


def _registration(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.erased_at is not None:
        abort(404)
    return registration


def _back(slug: str, registration: Registration | None = None) -> Response:
    """Back to the desk, with the person just handled (for the undo button)."""
    args = {"last": registration.id} if registration is not None else {}
    return redirect(url_for("organise.checkin_desk", slug=slug, **args))


@bp.get(PREFIX)
@requires(Action.CHECK_IN)
def checkin_desk(slug: str):  # noqa: ANN201
    event = require_event(slug, *EVERYONE)
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    found, more = find_for_checkin(event, q) if q else ([], False)
    last_id = request.args.get("last", type=parse_id)
    last = db.session.get(Registration, last_id) if last_id is not None else None
    if last is not None and (last.event_id != event.id or last.erased_at is not None):
        last = None
    return render_template(
        "organise/checkin_desk.html",
        event=event,
        q=q,
        found=found,
        more=more,
        last=last,
        form=EmptyForm(),
        counts=checkin_counts(event),
    )


@bp.post(PREFIX + "/<int:registration_id>/arrive")
@requires(Action.CHECK_IN)
def checkin_arrive(slug: str, registration_id: int):  # noqa: ANN201
    event = require_event(slug, *EVERYONE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    registration = _registration(event, registration_id)
    try:
        arrived = operations.check_in(current_actor(), registration)
    except OperationError as error:
        flash(error.message, "error")
        return _back(slug)
    if arrived:
        flash(_("%(name)s is checked in.", name=registration.name))
    else:
        flash(_("%(name)s is already checked in.", name=registration.name), "warning")
    return _back(slug, registration)


@bp.post(PREFIX + "/<int:registration_id>/undo")
@requires(Action.CHECK_IN)
def checkin_undo(slug: str, registration_id: int):  # noqa: ANN201
    event = require_event(slug, *EVERYONE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    registration = _registration(event, registration_id)
    if operations.undo_check_in(current_actor(), registration):
        flash(_("Check-in of %(name)s undone.", name=registration.name))
    else:
        flash(_("%(name)s was not checked in.", name=registration.name), "warning")
    return _back(slug)


@bp.get("/events/<slug>/checkin/counts.json")
@requires(Action.CHECK_IN)
def checkin_counts_json(slug: str):  # noqa: ANN201
    """The desk's counter, refreshed by a small fetch where JavaScript runs."""
    return jsonify(checkin_counts(require_event(slug, *EVERYONE)))


@bp.get("/events/<slug>/badges.pdf")
@requires(Action.EDIT_EVENT)
def badges_pdf(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    layout = request.args.get("layout", badges.A4)
    if layout not in badges.LAYOUTS:
        abort(400, description=_("Choose one of the badge layouts."))
    return badges.pdf_response(event, layout)
