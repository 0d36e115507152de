"""Public event pages: the list of events, an event with its programme, its speakers."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from conference import page_keys, pages
from conference.events.blueprint import bp
from conference.events.browse import browse, parse_filters
from conference.events.models import EventKind
from conference.events.public_programme import ProgrammeWriter, public_programme
from conference.events.public_speakers import SpeakerSessionsWriter, public_speakers
from conference.events.queries import group_by_day
from conference.sessions.models import Session


@bp.get("/")
def index():  # noqa: ANN201
    """Every public event, upcoming first then the past, searchable and filtered by plain links
    (conference/events/browse.py). A bad value is dropped with a message (400); a page past the last: 404."""
    filters, problems = parse_filters(request.args)
    listing = browse(filters)
    status = 400 if problems else 200
    if filters.page > listing.pages:
        problems.append(
            _("There is no page %(page)s; the last is %(last)s.", page=filters.page, last=listing.pages)
        )
        status = 404
    return (
        render_template(
            "events/index.html", listing=listing, filters=filters, problems=problems, kinds=list(EventKind)
        ),
        status,
    )


@bp.get("/events/<slug>/")
def detail(slug: str):  # noqa: ANN201
    """Served from the page cache (conference/pages.py): the event with its key's figures in one query
    (`page_keys.page_event`) and the seats left in another, whatever the size of the programme; the programme is
    read only when the page is rendered, as plain rows (conference/events/public_programme.py)."""
    found = page_keys.page_event(slug, current_user) or abort(404)
    event = found.event
    figures = pages.seat_figures(event)

    def render() -> str:
        sessions = public_programme(event)
        return render_template(
            "events/detail.html",
            event=event,
            days=group_by_day(sessions, event.timezone),
            write=ProgrammeWriter(event, seated=figures),
            colocated=found.partners,
        )

    # The key holds which sessions have a capacity: only those get a seats-left hole.
    key = (*page_keys.event_key(found), tuple(figures))
    return pages.serve(key, render, event=event, sessions=figures)


@bp.get("/events/<slug>/speakers/")
def speakers(slug: str):  # noqa: ANN201
    found = page_keys.page_event(slug, current_user) or abort(404)
    event = found.event
    people = page_keys.people_key(Session.event_id == event.id)
    return pages.serve(
        (*page_keys.event_key(found), people),
        lambda: render_template(
            "events/speakers.html",
            event=event,
            speakers=public_speakers(event),
            write=SpeakerSessionsWriter(event),
        ),
    )
