"""Organiser endpoints of the JSON API (bearer tokens only, conference/api/auth.py).

- `GET /me`: who the token acts as, and the events and roles of that account.
- `GET /events/<slug>/registrations`: the event's registrations, paged, filterable. Action `check_in`, as
  the check-in page: owners, managers and admins list them; check-in helpers must search (`q`: a name,
  email or check-in code, as on the check-in page) and never see erased registrations.
- `POST /events/<slug>/registrations/<id>/check-in`: the check-in of the check-in page
  (`operations.check_in`); repeating it changes nothing; 409 for a registration that is not confirmed.
  `DELETE` on the same URL undoes a check-in (`operations.undo_check_in`); repeating it changes nothing.

Every endpoint here is described in conference/api/openapi.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, jsonify, request
from flask_babel import gettext as _

from conference.api.auth import api_user, token_required
from conference.api.blueprint import bp
from conference.auth.models import EventMember
from conference.auth.permissions import EVENT_ACTIONS, ROLE_MATRIX, Action, may
from conference.db import db
from conference.events.models import Event
from conference.inputs import parse_id
from conference.registrations import operations
from conference.registrations.models import Registration, RegistrationMode, RegistrationStatus
from conference.registrations.queries import registrations_query
from conference.sessions.models import Session
from conference.text import clean_text
from conference.timeutil import isoformat
from conference.urls import absolute_url_for

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_QUERY = 200


def registration_json(event: Event, registration: Registration) -> dict:
    """A registration as organisers see it (never its manage or feed token)."""
    erased = registration.erased_at is not None
    return {
        "id": registration.id,
        "name": registration.name,
        "email": None if erased else registration.email,
        "affiliation": registration.affiliation,
        "country": registration.country or None,
        "attendance_mode": registration.attendance_mode.value,
        "status": registration.status.value,
        "sessions": [
            {"id": seat.session_id, "title": seat.session.title, "status": seat.status.value}
            for seat in registration.seats
        ],
        "created_at": isoformat(registration.created_at, event.timezone),
        "checked_in_at": isoformat(registration.checked_in_at, event.timezone),
        "erased": erased,
    }


@bp.get("/me")
@token_required(Action.HOME)
def me():  # noqa: ANN201
    user = api_user()
    rows = db.session.execute(
        sa.select(Event, EventMember.role)
        .join(EventMember, EventMember.event_id == Event.id)
        .where(EventMember.user_id == user.id)
        .order_by(Event.starts_at.desc(), Event.id)
    ).all()
    token = g.api_token
    return jsonify(
        {
            "email": user.email,
            "name": user.name,
            "admin": user.is_admin,
            "token": {"name": token.name, "prefix": token.prefix, "created_at": isoformat(token.created_at)},
            "events": [
                {
                    "slug": event.slug,
                    "title": event.title,
                    "status": event.status.value,
                    "starts_at": isoformat(event.starts_at, event.timezone),
                    "role": role.value,
                    "actions": sorted(a.value for a in EVENT_ACTIONS if role in ROLE_MATRIX[a]),
                }
                for event, role in rows
            ],
        }
    )


def whole_number(name: str, default: int, low: int, high: int, errors: dict) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    number = parse_id(raw)
    if number is None or not low <= number <= high:
        errors.setdefault(name, []).append(
            _("Give a whole number from %(low)s to %(high)s.", low=low, high=high)
        )
        return default
    return number


@bp.get("/events/<slug>/registrations")
@token_required(Action.CHECK_IN)
def organiser_registrations(slug: str):  # noqa: ANN201
    event: Event = g.api_event
    errors: dict[str, list[str]] = {}
    page = whole_number("page", 1, 1, 10**9, errors)
    per_page = whole_number("per_page", PER_PAGE, 1, MAX_PER_PAGE, errors)
    status = request.args.get("status", "")
    if status and status not in {s.value for s in RegistrationStatus}:
        errors.setdefault("status", []).append(
            _("Choose one of: %(values)s.", values=", ".join(s.value for s in RegistrationStatus))
        )
    mode = request.args.get("mode", "")
    if mode and mode not in {m.value for m in RegistrationMode}:
        errors.setdefault("mode", []).append(
            _("Choose one of: %(values)s.", values=", ".join(m.value for m in RegistrationMode))
        )
    session_id = None
    if request.args.get("session"):
        session_id = parse_id(request.args["session"])
        in_event = session_id is not None and db.session.scalar(
            sa.select(sa.exists().where(Session.id == session_id, Session.event_id == event.id))
        )
        if not in_event:
            errors.setdefault("session", []).append(_("This event has no session with this id."))
    q = clean_text(request.args.get("q", "")).strip()
    if len(q) > MAX_QUERY:
        errors.setdefault("q", []).append(_("Give text of at most %(n)s characters.", n=MAX_QUERY))
    if errors:
        return jsonify({"errors": errors}), 422
    query = registrations_query(event, status or None, session_id, mode or None, q)
    if not may(api_user(), Action.EDIT_EVENT, event):
        # A check-in helper finds people by searching, as on the check-in page, and never lists them all.
        if not q:
            abort(403, description=_("Check-in helpers find registrations by searching: give q."))
        query = query.where(Registration.erased_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    registrations = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    filters = {"status": status, "mode": mode, "session": session_id, "q": q}
    items = [registration_json(event, r) for r in registrations]
    return jsonify(
        page_json(
            "registrations", items, total, page, per_page, "api.organiser_registrations", event, filters
        )
    )


def page_json(key: str, items: list, total: int, page: int, per_page: int, endpoint: str, event: Event,
              filters: dict) -> dict:  # fmt: skip
    """One page of a paged list: the items under `key`, the page's numbers and the absolute link to the next
    page with the same filters (None on the last page)."""
    filters = {name: value for name, value in filters.items() if value}
    more = page * per_page < total
    following = page + 1
    return {
        key: items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "next": absolute_url_for(endpoint, slug=event.slug, page=following, per_page=per_page, **filters)
        if more
        else None,
    }


@bp.post("/events/<slug>/registrations/<int:registration_id>/check-in")
@token_required(Action.CHECK_IN)
def check_in_registration(slug: str, registration_id: int):  # noqa: ANN201
    event: Event = g.api_event
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404, description=_("This event has no registration with this id."))
    if registration.status != RegistrationStatus.CONFIRMED:
        message = _(
            "Only confirmed registrations are checked in; this one is %(status)s.",
            status=registration.status.value,
        )
        return jsonify({"errors": {"status": [message]}}), 409
    checked_in = operations.check_in(api_user(), registration)  # the page's operation: audited
    return jsonify(
        {"already_checked_in": not checked_in, "registration": registration_json(event, registration)}
    )


@bp.delete("/events/<slug>/registrations/<int:registration_id>/check-in")
@token_required(Action.CHECK_IN)
def undo_check_in_registration(slug: str, registration_id: int):  # noqa: ANN201
    event: Event = g.api_event
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404, description=_("This event has no registration with this id."))
    undone = operations.undo_check_in(api_user(), registration)
    return jsonify({"was_checked_in": undone, "registration": registration_json(event, registration)})


@bp.get("/events/<slug>/badges.pdf")
@token_required(Action.EDIT_EVENT)
def badges_pdf(slug: str):  # noqa: ANN201
    """The badges PDF of the organiser pages (`layout`: a4 or l7163)."""
    from conference.registrations import badges

    layout = request.args.get("layout", badges.A4)
    if layout not in badges.LAYOUTS:
        return jsonify(
            {"errors": {"layout": [_("Choose one of: %(layouts)s.", layouts=", ".join(badges.LAYOUTS))]}}
        ), 422
    return badges.pdf_response(g.api_event, layout)
