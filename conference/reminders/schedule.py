"""An event's reminder schedule: the defaults, the one validation rule (pages and API alike) and the
operation that saves it.

A schedule is a list of offsets in minutes before the start; each between 1 minute and MAX_MINUTES (30
days), no two alike, at most MAX_REMINDERS. New events get the defaults (`DEFAULT_MINUTES`): a day before,
and an hour before as well when people may attend online (online and hybrid events); a duplicated event
keeps its source's schedule.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from conference import signals
from conference.auth.models import User
from conference.db import db, lock_row
from conference.events.models import AttendanceMode, Event
from conference.operations import OperationError, transaction
from conference.reminders.models import EventReminder

DAY = 1440
HOUR = 60
MAX_MINUTES = 30 * DAY
MAX_REMINDERS = 5


def default_minutes(mode: AttendanceMode) -> list[int]:
    """The schedule a new event starts with: 1 day before; also 1 hour before when online or hybrid."""
    return [DAY, HOUR] if mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID) else [DAY]


def minutes_of(event: Event) -> list[int]:
    """The event's schedule, the earliest reminder first (largest offset first)."""
    return list(
        db.session.scalars(
            sa.select(EventReminder.minutes_before)
            .where(EventReminder.event_id == event.id)
            .order_by(EventReminder.minutes_before.desc())
        )
    )


def check(values: Iterable[object]) -> list[int]:
    """The schedule as a sorted list of minutes (largest first), or OperationError saying what to fix.

    Each value must be a whole number of minutes from 1 to MAX_MINUTES (30 days; booleans and fractions
    are refused); no two alike; at most MAX_REMINDERS. An empty list is allowed: no reminders."""
    values = list(values)
    if len(values) > MAX_REMINDERS:
        raise OperationError(
            ngettext(
                "At most %(num)s reminder per event.", "At most %(num)s reminders per event.", MAX_REMINDERS
            ),
            "reminders",
        )
    minutes: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OperationError(
                _("Each reminder needs a whole number of minutes before the start."), "reminders"
            )
        if not 1 <= value <= MAX_MINUTES:
            raise OperationError(
                _(
                    "A reminder goes from 1 minute to %(days)s days before the start.",
                    days=MAX_MINUTES // DAY,
                ),
                "reminders",
            )
        if value in minutes:
            raise OperationError(_("Two reminders at the same time: remove one."), "reminders")
        minutes.append(value)
    return sorted(minutes, reverse=True)


def set_reminders(actor: User | None, event: Event, values: Iterable[object]) -> list[int]:
    """Replace the event's schedule (checked by `check`); announces `settings_changed` with the action
    "reminders.changed" when it changed. Returns the schedule saved."""
    minutes = check(values)
    with transaction():
        event = lock_row(Event, event.id)
        old = minutes_of(event)
        if old != minutes:
            db.session.execute(sa.delete(EventReminder).where(EventReminder.event_id == event.id))
            db.session.add_all(EventReminder(event_id=event.id, minutes_before=m) for m in minutes)
            db.session.flush()
            signals.settings_changed.send(
                event,
                actor=actor,
                action="reminders.changed",
                subject_type="reminders",
                subject_id=event.id,
                label=event.title,
                changes={"reminders": (old, minutes)},
            )
    return minutes


# --- receivers: a new event's defaults, a duplicate's copy ----------------------------------------------


def event_created(event: Event, **_: object) -> None:
    db.session.add_all(
        EventReminder(event_id=event.id, minutes_before=m) for m in default_minutes(event.attendance_mode)
    )
    db.session.flush()


def event_duplicated(event: Event, *, source: Event, **_: object) -> None:
    db.session.add_all(EventReminder(event_id=event.id, minutes_before=m) for m in minutes_of(source))
    db.session.flush()


def add_defaults(event: Event) -> None:
    """Give an event made without the operations (the demo) the default schedule, in the caller's
    transaction."""
    event_created(event)
