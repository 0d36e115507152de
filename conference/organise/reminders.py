"""The organiser page of an event's reminders: the schedule (offsets before the start) and a preview."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.auth.permissions import EDITORS, Action, require_event, requires
from conference.operations import OperationError, current_actor
from conference.organise.blueprint import bp
from conference.organise.registrations import PREFIX
from conference.registrations.forms import EmptyForm
from conference.reminders import planner, schedule
from conference.zones import when

# unit -> minutes; the page writes each offset in the largest unit that divides it.
UNITS = {"days": schedule.DAY, "hours": schedule.HOUR, "minutes": 1}


def unit_choices() -> list[tuple[str, str]]:
    return [("days", _("days")), ("hours", _("hours")), ("minutes", _("minutes"))]


def split(minutes: int) -> tuple[int, str]:
    """1440 -> (1, "days"), 90 -> (90, "minutes")."""
    for unit, size in UNITS.items():
        if minutes % size == 0:
            return minutes // size, unit
    return minutes, "minutes"


def describe(minutes: int) -> str:
    """ "1 day before", "2 hours before", "90 minutes before"."""
    amount, unit = split(minutes)
    if unit == "days":
        return ngettext("%(num)s day before", "%(num)s days before", amount)
    if unit == "hours":
        return ngettext("%(num)s hour before", "%(num)s hours before", amount)
    return ngettext("%(num)s minute before", "%(num)s minutes before", amount)


def _parse(form: dict) -> tuple[list[int], dict[int, str]]:
    """The minutes of the rows filled in, and each bad row's message (by row)."""
    minutes: list[int] = []
    errors: dict[int, str] = {}
    for row in range(schedule.MAX_REMINDERS):
        amount = (form.get(f"amount-{row}") or "").strip()
        unit = form.get(f"unit-{row}") or "minutes"
        if not amount:
            continue
        if unit not in UNITS:
            errors[row] = _("Choose days, hours or minutes.")
        elif not amount.isascii() or not amount.isdigit() or int(amount) < 1:
            errors[row] = _("Give a whole number, 1 or more.")
        elif int(amount) * UNITS[unit] > schedule.MAX_MINUTES:
            errors[row] = _(
                "A reminder goes from 1 minute to %(days)s days before the start.",
                days=schedule.MAX_MINUTES // schedule.DAY,
            )
        else:
            minutes.append(int(amount) * UNITS[unit])
    return minutes, errors


def _going_out(event, minutes: int) -> str:  # noqa: ANN001
    """When the reminder goes for the event's start, in the event's zone."""
    return when(event.starts_at - timedelta(minutes=minutes), None, event.timezone)


@bp.route(PREFIX + "/reminders", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def reminders(slug: str):  # noqa: ANN201
    event = require_event(slug, *EDITORS)
    form = EmptyForm()
    saved = schedule.minutes_of(event)
    rows = [split(m) for m in saved]
    row_errors: dict[int, str] = {}
    refusal = None
    if request.method == "POST":
        if not form.validate_on_submit():
            refusal = _("The form expired; please try again.")
        else:
            wanted, row_errors = _parse(request.form)
            if not row_errors:
                try:
                    schedule.set_reminders(current_actor(), event, wanted)
                except OperationError as error:
                    refusal = error.message
                else:
                    flash(_("Reminders saved."))
                    return redirect(url_for("organise.reminders", slug=slug))
        rows = [
            (request.form.get(f"amount-{i}", ""), request.form.get(f"unit-{i}", "days"))
            for i in range(schedule.MAX_REMINDERS)
        ]
    rows = (rows + [("", "days")] * schedule.MAX_REMINDERS)[: schedule.MAX_REMINDERS]
    return render_template(
        "organise/reminders.html",
        event=event,
        form=form,
        rows=rows,
        row_errors=row_errors,
        refusal=refusal,
        saved=[(m, describe(m), _going_out(event, m)) for m in saved],
        units=unit_choices(),
        multi_day=planner.multi_day(event),
        preview=planner.preview(event),
        max_reminders=schedule.MAX_REMINDERS,
    ), (422 if row_errors or refusal else 200)
