"""The organiser page of an event's co-located events (`/organise/events/<slug>/colocated`): tick the events
held at the same place on adjoining dates. It calls the one operation, `colocation.set_colocated`, as the
API's `colocated_with` does (the rule of who may link what is there)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from conference.auth.permissions import Action, editable_event_ids, requires
from conference.db import db
from conference.events import colocation
from conference.events.models import Event
from conference.inputs import FlaskForm
from conference.operations import OperationError, current_actor
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.registrations.forms import MultiCheckboxField

# Events offered: those that overlap this one or start or end within this many days of it.
NEAR = timedelta(days=31)


class ColocatedForm(FlaskForm):
    events = MultiCheckboxField(_l("Co-located events"), coerce=int, validate_choice=False)


def _candidates(event: Event, current: list[Event]) -> list[Event]:
    """The events already linked (whoever may edit them: either side may unlink) and those near in time
    that the user may edit."""
    near = db.session.scalars(
        sa.select(Event)
        .where(
            Event.id != event.id,
            Event.id.in_(editable_event_ids(current_user)),
            Event.starts_at <= event.ends_at + NEAR,
            Event.ends_at >= event.starts_at - NEAR,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(100)
    ).all()
    known = {e.id for e in current}
    return sorted([*current, *(e for e in near if e.id not in known)], key=lambda e: (e.starts_at, e.id))


@bp.route("/events/<slug>/colocated", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def colocated(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    current = colocation.partners(event, public=False)
    candidates = _candidates(event, current)
    form = ColocatedForm()
    form.events.choices = [SelectChoice(e.id, e.title) for e in candidates]
    if not form.is_submitted():
        form.events.data = [e.id for e in current]
    if form.validate_on_submit():
        by_id = {e.id: e for e in candidates}
        chosen = list(dict.fromkeys(form.events.data or []))
        if any(event_id not in by_id for event_id in chosen):
            form.events.errors = [_("Choose events from the list.")]
        else:
            try:
                changed = colocation.set_colocated(current_actor(), event, [by_id[i] for i in chosen])
            except OperationError as error:
                form.events.errors = [error.message]
            else:
                flash(_("Co-located events saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("organise.colocated", slug=event.slug))
    return render_template(
        "organise/colocated.html", event=event, form=form, candidates=candidates, current=current
    ), (422 if form.errors else 200)
