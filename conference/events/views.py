"""Public event pages: the list of events, an event with its programme, its speakers."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from conference.db import utcnow
from conference.events.blueprint import bp
from conference.events.queries import event_for_viewer, group_by_day, programme, public_events
from conference.speakers.queries import event_speakers


@bp.get("/")
def index():  # noqa: ANN201
    now = utcnow()
    return render_template(
        "events/index.html",
        upcoming=public_events(upcoming=True, now=now),
        past=public_events(upcoming=False, now=now),
    )


@bp.get("/events/<slug>/")
def detail(slug: str):  # noqa: ANN201
    event = event_for_viewer(slug, current_user) or abort(404)
    sessions = programme(event)
    return render_template(
        "events/detail.html", event=event, days=group_by_day(sessions, event.timezone), sessions=sessions
    )


@bp.get("/events/<slug>/speakers/")
def speakers(slug: str):  # noqa: ANN201
    event = event_for_viewer(slug, current_user) or abort(404)
    return render_template("events/speakers.html", event=event, speakers=event_speakers(event))
