"""Read API: published events and their programmes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import gettext as _

from conference import page_keys, pages
from conference.api.auth import token_optional, token_sent, token_user
from conference.api.blueprint import bp
from conference.api.organiser_events import organiser_event_json
from conference.api.serialise import event_detail, event_summary
from conference.auth.permissions import Action
from conference.db import db, utcnow
from conference.events.models import Event
from conference.events.queries import programme, public_events
from conference.feeds.http import conditional_response
from conference.registrations.availability import session_registration_open
from conference.sessions.models import Session
from conference.translations import requested_language


@bp.get("/events")
def events():  # noqa: ANN201
    upcoming_arg = request.args.get("upcoming", "").strip().lower()
    if upcoming_arg not in ("", "0", "1", "true", "false"):
        abort(400, description=_("upcoming must be 1 or 0"))
    upcoming = True if upcoming_arg in ("1", "true") else None
    language = requested_language()
    return jsonify({"events": [event_summary(e, language) for e in public_events(upcoming=upcoming)]})


_KEY_COLUMNS = sa.select(
    Session.id,
    Session.revision,
    Session.updated_at,
    Session.capacity,
    Session.seats_taken,
    Session.registration_enabled,
    Session.status,
    Session.kind,
    Session.starts_at,
)


def _public_event_document(found: page_keys.PageEvent, language: str | None):  # noqa: ANN202
    """The public event document from the page cache (conference/pages.py): its key holds the event, each
    session's revision, seats and whether it takes registrations now (one query); the JSON is rebuilt only
    when one of them changed."""
    event, together = found.event, found.partners  # the published co-located events, read once
    now = utcnow()
    rows = db.session.execute(_KEY_COLUMNS.where(Session.event_id == event.id)).all()
    shown = page_keys.fingerprint(
        *((*row[:7], session_registration_open(event, row, now)) for row in rows),  # type: ignore[arg-type]
    )
    key = (
        page_keys.event_key(found, shown, now),
        language,
        event.seats_taken_in_person,
        event.seats_taken_online,
    )

    def build() -> bytes:
        data = event_detail(event, programme(event), now, language)
        data["colocated_with"] = [other.slug for other in together]
        data["colocated"] = [event_summary(other, language) for other in together]
        return jsonify(data).get_data()

    body, etag = pages.cached_bytes(key, build)
    return conditional_response(
        body, None, "application/json", etag=etag, cache_control=pages.PAGE_CACHE_CONTROL
    )


@bp.get("/events/<slug>")
@token_optional
def event(slug: str):  # noqa: ANN201
    """The published event with its programme; to a bearer token of someone who may edit the event, the
    organiser view (any status, each session's people with their assignment state) that is never stored."""
    language = requested_language()  # ?lang=xx is refused whoever asks
    # Without a token, no query beyond the public answer's (tests/events/test_query_counts.py).
    team_event = (
        db.session.scalars(sa.select(Event).where(Event.slug == slug)).first() if token_sent() else None
    )
    if team_event is not None and token_user(team_event, Action.EDIT_EVENT) is not None:
        response = jsonify(organiser_event_json(team_event))
        response.headers["Cache-Control"] = "private, no-store"
    else:
        found = page_keys.page_event(slug, None) or abort(
            404, description=_("No published event with the slug %(slug)s.", slug=repr(slug))
        )
        response = _public_event_document(found, language)
    response.vary.add("Authorization")  # one URL, two answers: caches must key on the token
    return response
