"""Public pages of co-located events: the "also here" block of an event page (`colocated_events` in
templates) and the combined programme of a gathering, `/events/<slug>/together/`: the sessions of every
published event of the gathering by day, in the zone of the event the page is opened from."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from conference.events import colocation
from conference.events.blueprint import bp
from conference.events.models import Event
from conference.events.queries import event_for_viewer, group_by_day, programme
from conference.registrations.availability import registration_state


@bp.app_template_global()
def colocated_events(event: Event) -> list[Event]:
    """The published events co-located with `event` (one query), for the "also here" block."""
    return colocation.partners(event)


@bp.app_template_global()
def register_together_open(event: Event, others: list[Event]) -> bool:
    """Whether one form can register for this event and at least one co-located one (both open)."""
    return registration_state(event) == "open" and any(registration_state(o) == "open" for o in others)


@bp.get("/events/<slug>/together/")
def together(slug: str):  # noqa: ANN201
    event = event_for_viewer(slug, current_user) or abort(404)
    others = colocation.partners(event)
    if not others:
        abort(404)
    gathering = sorted([event, *others], key=lambda e: (e.starts_at, e.id))
    sessions = sorted(
        (s for member in gathering for s in programme(member)), key=lambda s: (s.starts_at, s.event_id, s.id)
    )
    return render_template(
        "events/together.html",
        event=event,
        gathering=gathering,
        others=others,
        days=group_by_day(sessions, event.timezone),
        by_id={member.id: member for member in gathering},
    )
