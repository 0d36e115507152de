"""Feed routes (calendar feeds and schedule exchange). Views parse the request and hand over."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import abort

from conference import page_keys, pages
from conference.db import db
from conference.events.models import Event
from conference.events.queries import public_event
from conference.events.series import public_series
from conference.feeds import builders, links, programme_pdf, schedule_export
from conference.feeds.blueprint import bp
from conference.feeds.entries import config_key
from conference.feeds.http import conditional_response, feed_response
from conference.registrations.queries import by_feed_token
from conference.sessions.models import Session
from conference.speakers.queries import public_person


def _public_event(slug: str) -> Event:
    """One query: the event row only (the feed cache is keyed by its updated_at)."""
    return public_event(slug, details=False) or abort(404)


def _public_session(slug: str, session_id: int) -> Session:
    """A session of a published event (404 for another event's session or an unknown one)."""
    event = _public_event(slug)
    return db.session.scalars(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id)
    ).first() or abort(404)


@bp.app_context_processor
def subscribe_links() -> dict:
    return {"calendar_links": links.calendar_links, "add_links": links.add_links}


@bp.get("/calendar.ics")
def all_events():  # noqa: ANN201
    return feed_response(builders.all_events_feed(), "events.ics")


@bp.get("/events/<slug>/calendar.ics")
def event(slug: str):  # noqa: ANN201
    return feed_response(builders.event_feed(_public_event(slug)), f"{slug}.ics")


@bp.get("/events/<slug>/sessions/<int:session_id>.ics")
def session(slug: str, session_id: int):  # noqa: ANN201
    found = _public_session(slug, session_id)
    return feed_response(builders.session_feed(found), f"{slug}-session-{session_id}.ics")


def _added(feed, filename: str):  # noqa: ANN001, ANN202
    """A one-off download (METHOD:PUBLISH, the feeds' UIDs): saved as a file, imported once."""
    response = feed_response(feed, filename)
    if response.status_code == 200:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/events/<slug>/add.ics")
def add_event(slug: str):  # noqa: ANN201
    return _added(builders.add_event_calendar(_public_event(slug)), f"{slug}.ics")


@bp.get("/events/<slug>/sessions/<int:session_id>/add.ics")
def add_session(slug: str, session_id: int):  # noqa: ANN201
    found = _public_session(slug, session_id)
    return _added(builders.add_session_calendar(found), f"{slug}-session-{session_id}.ics")


@bp.get("/speakers/<slug>/calendar.ics")
def speaker(slug: str):  # noqa: ANN201
    person = public_person(slug) or abort(404)
    return feed_response(builders.speaker_feed(person), f"{slug}.ics")


@bp.get("/series/<slug>/calendar.ics")
def series(slug: str):  # noqa: ANN201
    found = public_series(slug) or abort(404)
    return feed_response(builders.series_feed(found), f"{slug}.ics")


@bp.get("/registrations/<token>/calendar.ics")
def registration(token: str):  # noqa: ANN201
    # The URL keeps its <token> name (public URL contract); the value is the feed token, not the manage token.
    found = by_feed_token(token) or abort(404)
    return feed_response(builders.registration_feed_data(found), "agenda.ics", private=True)


def _schedule_event(slug: str) -> tuple[Event, tuple]:
    """The published event and what a schedule export of it shows: the event and its programme (one
    statement for both, `page_keys.page_event`), in the `?lang=` asked for. A draft is a 404 (no user given)."""
    found = page_keys.page_event(slug, None) or abort(404)
    event = found.event
    return event, (
        event.id,
        page_keys.event_key(found),
        config_key(),
    )


@bp.get("/events/<slug>/schedule.json")
def schedule_json(slug: str):  # noqa: ANN201
    event, key = _schedule_event(slug)
    # Compact, without indent=: indent bypasses json's C encoder (about 5x slower on a large programme).
    body, etag = pages.cached_bytes(
        key,
        lambda: json.dumps(
            schedule_export.schedule_json(event), ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8"),
    )
    return conditional_response(
        body, event.updated_at, "application/json", filename="schedule.json", etag=etag
    )


@bp.get("/events/<slug>/schedule.xml")
def schedule_xml(slug: str):  # noqa: ANN201
    event, key = _schedule_event(slug)
    body, etag = pages.cached_bytes(key, lambda: schedule_export.schedule_xml(event))
    return conditional_response(
        body, event.updated_at, "application/xml; charset=utf-8", filename="schedule.xml", etag=etag
    )


@bp.get("/events/<slug>/programme.pdf")
def programme(slug: str):  # noqa: ANN201
    """The programme to print (the event page prints too, with its print stylesheet)."""
    event = _public_event(slug)
    return conditional_response(
        programme_pdf.programme_pdf(event),
        event.updated_at,
        "application/pdf",
        filename=f"{slug}-programme.pdf",
    )
