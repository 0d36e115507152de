"""Read API: published events and their programmes."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_babel import gettext as _

from conference.api.blueprint import bp
from conference.api.serialise import event_detail, event_summary
from conference.db import utcnow
from conference.events.queries import programme, public_event, public_events
from conference.translations import requested_language


@bp.get("/events")
def events():  # noqa: ANN201
    upcoming_arg = request.args.get("upcoming", "").strip().lower()
    if upcoming_arg not in ("", "0", "1", "true", "false"):
        abort(400, description=_("upcoming must be 1 or 0"))
    upcoming = True if upcoming_arg in ("1", "true") else None
    language = requested_language()
    return jsonify({"events": [event_summary(e, language) for e in public_events(upcoming=upcoming)]})


@bp.get("/events/<slug>")
def event(slug: str):  # noqa: ANN201
    found = public_event(slug) or abort(
        404, description=_("No published event with the slug %(slug)s.", slug=repr(slug))
    )
    return jsonify(event_detail(found, programme(found), utcnow(), requested_language()))
