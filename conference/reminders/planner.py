"""Planning reminders: each round of `send-mail` writes the reminders that are due to the outbox.

Nothing waits in the outbox ahead of time: `plan(now)` runs at the start of every round of
`flask send-mail` (once, or each round of `--watch`) and writes, for every published event with a schedule,
the reminders due at `now` to the registrations confirmed at `now`; the same round sends them. So a moved
event or session is reminded of at its new time, a cancelled registration or event gets nothing, a
waiting-list registrant promoted in time gets the next reminder, and everything is read as it is when the
mail goes out. (A reminder written in a round and not yet sent when its registration is cancelled, or its
event or session moves or is cancelled, is taken back by the receivers below and planned again if due.)

The rule, per confirmed registration (not erased) of a published event:
- Its *starts*: the event's start; for an event over several days (in the event's zone) whose registrant
  chose sessions, the start of the first session they chose on each day instead (one mail per day, listing
  that day's sessions). Only sessions not cancelled, with a confirmed seat.
- A reminder `minutes_before` a start is due from start - minutes_before until the start itself: one that
  comes later than its own offset (past the start) is dropped, never sent late. (The 1-hour reminder of an
  event computed 2 hours late is dropped; the 1-day one 3 hours late still goes.)
- Once per registration, reminder and start: a `ReminderDelivery` row (unique on registration, reminder and
  start) records it. A start that moves keeps its reminders when it stays on the same day and within the
  reminder's own offset of the start reminded of (the move notice tells of it); else it is reminded of again.
- Not spammy: when several reminders of one start are due in the same round (someone registered late, or
  `send-mail` did not run for a while), only the nearest (smallest offset) is sent, the others recorded as
  passed over.

Two senders at once: each event is planned in its own write transaction holding the event's row
(`serialized_write`, `lock_row`), and the unique key stops a second planner anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote_plus

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import signals, translations
from conference.db import db, lock_row, serialized_write, utcnow
from conference.events.models import Event, EventStatus
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.reminders.models import EventReminder, ReminderDelivery
from conference.reminders.schedule import MAX_MINUTES
from conference.sessions.models import Session, SessionStatus
from conference.timeutil import local
from conference.zones import mail_language

KIND = "reminder"


@dataclass(frozen=True)
class Start:
    """One start a registrant is reminded of: when, and the sessions of theirs it opens (may be none)."""

    at: datetime
    sessions: tuple[Session, ...]


def multi_day(event: Event) -> bool:
    """Whether the event runs over more than one day in its own zone."""
    last = max(event.ends_at - timedelta(seconds=1), event.starts_at)
    return local(event.starts_at, event.timezone).date() != local(last, event.timezone).date()


def starts(event: Event, sessions: list[Session]) -> list[Start]:
    """The starts a registrant with these (chosen, not cancelled) sessions is reminded of."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    if not ordered or not multi_day(event):
        return [Start(event.starts_at, tuple(ordered))]
    days: dict[object, list[Session]] = defaultdict(list)
    for session in ordered:
        days[local(session.starts_at, event.timezone).date()].append(session)
    return [Start(group[0].starts_at, tuple(group)) for _day, group in sorted(days.items())]


def due(minutes: list[int], start: datetime, now: datetime) -> list[int]:
    """The reminders of a start that are due at `now`: from their time until the start (not later)."""
    return [m for m in minutes if start - timedelta(minutes=m) <= now <= start]


def covered(done: list[datetime], minutes: int, start: datetime, zone: str) -> bool:
    """Whether the reminder was already planned for this start: for one on the same day within its offset."""
    day = local(start, zone).date()
    return any(local(t, zone).date() == day and abs(t - start) < timedelta(minutes=minutes) for t in done)


def plan(now: datetime | None = None) -> int:
    """Write the reminders due at `now` to the outbox (each event in its own transaction, committed);
    returns how many messages were written. Run by every round of `send-mail`."""
    now = now or utcnow()
    event_ids = list(
        db.session.scalars(
            sa.select(Event.id)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at >= now,
                Event.starts_at <= now + timedelta(minutes=MAX_MINUTES),
                sa.exists().where(EventReminder.event_id == Event.id),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )
    db.session.commit()
    written = 0
    for event_id in event_ids:
        if _anything_due(event_id, now):
            written += _plan_event(event_id, now)
    return written


def _anything_due(event_id: int, now: datetime) -> bool:
    """Whether any start of the event could have a reminder due (a read, before taking the write lock)."""
    event = db.session.get(Event, event_id)
    minutes = _minutes(event_id)
    candidates = [event.starts_at]
    if multi_day(event):
        candidates += [s.starts_at for s in event.sessions if s.status != SessionStatus.CANCELLED]
    found = any(due(minutes, at, now) for at in candidates)
    db.session.commit()
    return found


def _minutes(event_id: int) -> list[int]:
    return list(
        db.session.scalars(sa.select(EventReminder.minutes_before).where(EventReminder.event_id == event_id))
    )


def _plan_event(event_id: int, now: datetime) -> int:
    written = 0
    with serialized_write():
        event = lock_row(Event, event_id)
        if event.status != EventStatus.PUBLISHED:
            db.session.commit()
            return 0
        minutes = _minutes(event_id)
        registrations = list(
            db.session.scalars(
                sa.select(Registration)
                .where(
                    Registration.event_id == event_id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.erased_at.is_(None),
                )
                .order_by(Registration.id)
            )
        )
        chosen: dict[int, list[Session]] = defaultdict(list)
        for registration_id, session in db.session.execute(
            sa.select(SessionSeat.registration_id, Session)
            .join(Session, Session.id == SessionSeat.session_id)
            .join(Registration, Registration.id == SessionSeat.registration_id)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.CONFIRMED,
                SessionSeat.status == SeatStatus.CONFIRMED,
                Session.status != SessionStatus.CANCELLED,
            )
        ).all():
            chosen[registration_id].append(session)
        done: dict[tuple[int, int], list[datetime]] = defaultdict(list)
        for registration_id, minutes_before, target_at in db.session.execute(
            sa.select(
                ReminderDelivery.registration_id, ReminderDelivery.minutes_before, ReminderDelivery.target_at
            ).where(ReminderDelivery.event_id == event_id)
        ).all():
            done[(registration_id, minutes_before)].append(target_at)
        for registration in registrations:
            for start in starts(event, chosen[registration.id]):
                fresh = [
                    m
                    for m in due(minutes, start.at, now)
                    if not covered(done[(registration.id, m)], m, start.at, event.timezone)
                ]
                if not fresh:
                    continue
                nearest = min(fresh)
                message_id = write(registration, start, now)
                written += 1
                for m in fresh:
                    db.session.add(
                        ReminderDelivery(
                            registration_id=registration.id,
                            event_id=event_id,
                            minutes_before=m,
                            target_at=start.at,
                            outbox_id=message_id if m == nearest else None,
                            planned_at=now,
                        )
                    )
                    done[(registration.id, m)].append(start.at)
        db.session.commit()
    return written


# --- the message ------------------------------------------------------------------------------------------


def map_url(event: Event) -> str | None:
    """A map of the venue (OpenStreetMap's search for its address), for directions; None without one."""
    parts = [event.venue_name, event.venue_address, event.city, event.country]
    query = ", ".join(p.strip() for p in parts if p and p.strip())
    if not query:
        return None
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


def render(registration: Registration, start: Start) -> tuple[str, str]:
    """(subject, plain-text body) of the reminder of `start` to the registration, in their language."""
    with force_locale(mail_language(registration.language)):
        return _render(registration, start)


def _render(registration: Registration, start: Start) -> tuple[str, str]:
    from conference.registrations.mails import manage_url

    event = registration.event
    sessions = list(start.sessions)
    # Over several days: the day's span of the registrant's sessions; else the event's.
    if sessions and multi_day(event):
        span = (sessions[0].starts_at, max(s.ends_at for s in sessions))
    else:
        span = (event.starts_at, event.ends_at)
    in_person = registration.attends_in_person
    context = {
        "registration": registration,
        "event": event,
        "sessions": sessions,
        "span": span,
        "zone": registration.timezone or event.timezone,
        "in_person": in_person,
        "map_url": map_url(event) if in_person and event.has_venue else None,
        # Only for a confirmed registration attending online (never an in-person attendee's).
        "join_url": registration.join_url,
        "manage_url": manage_url(registration.token),
        "site_name": current_app.config["SITE_NAME"],
    }
    body = render_template("mail/reminder.txt", **context)
    subject = _("Reminder: %(event)s", event=translations.text(event, "title"))
    return subject, body


def write(registration: Registration, start: Start, now: datetime) -> int:
    """Write the reminder to the outbox, due at `now` (in the caller's transaction); its id."""
    subject, body = render(registration, start)
    return outbox.write(
        KIND,
        registration.email,
        subject,
        body,
        event_id=registration.event_id,
        registration_id=registration.id,
        not_before=now,
        language=registration.language,
    )


def preview(event: Event, now: datetime | None = None) -> tuple[str, str] | None:
    """(subject, body) of a reminder as the event's first confirmed registrant would get it (their own link
    blanked out); None without one. Nothing is written."""
    from conference.registrations.mails import manage_url

    registration = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.id)
        .limit(1)
    ).first()
    if registration is None:
        return None
    sessions = [
        seat.session
        for seat in registration.seats
        if seat.status == SeatStatus.CONFIRMED and seat.session.status != SessionStatus.CANCELLED
    ]
    subject, body = render(registration, starts(event, sessions)[0])
    with force_locale(mail_language(registration.language)):
        hidden = _("(their registration's own link)")
    return subject, body.replace(manage_url(registration.token), hidden)


# --- pending reminders follow the changes --------------------------------------------------------------
#
# A reminder is written when it is due and sent in the same round; one written but not yet claimed by a
# sender when its registration is cancelled, or its event or one of its sessions moves or is cancelled, is
# taken back (the message and its record), so the next round plans it again from how things are then.


def withdraw_pending(*conditions: sa.ColumnElement[bool]) -> int:
    """Delete the unclaimed reminders (and their records) matching `conditions` on ReminderDelivery."""
    table = OutboxMessage.__table__
    rows = db.session.execute(
        sa.select(ReminderDelivery.id, ReminderDelivery.outbox_id, ReminderDelivery.planned_at)
        .join(OutboxMessage, OutboxMessage.id == ReminderDelivery.outbox_id)
        .where(
            *conditions,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at == ReminderDelivery.planned_at,
        )
    ).all()
    taken = 0
    for delivery_id, message_id, planned_at in rows:
        gone = db.session.execute(
            sa.delete(table).where(
                table.c.id == message_id,
                table.c.status == OutboxStatus.PENDING,
                table.c.attempts == 0,
                table.c.next_attempt_at == planned_at,
            )
        ).rowcount
        if gone:
            # The reminders passed over for this one go too: the next round plans them all again.
            delivery = db.session.get(ReminderDelivery, delivery_id)
            db.session.execute(
                sa.delete(ReminderDelivery).where(
                    ReminderDelivery.registration_id == delivery.registration_id,
                    ReminderDelivery.target_at == delivery.target_at,
                    sa.or_(ReminderDelivery.outbox_id.is_(None), ReminderDelivery.id == delivery_id),
                )
            )
            taken += 1
    return taken


def _event_changed(event: Event, *, moved: bool = False, **_: object) -> None:
    if moved:
        withdraw_pending(ReminderDelivery.event_id == event.id)


def _event_withdrawn(event: Event, **_: object) -> None:
    withdraw_pending(ReminderDelivery.event_id == event.id)


def _session_changed(session: Session, *, moved: bool = False, **_: object) -> None:
    if moved:
        withdraw_pending(ReminderDelivery.event_id == session.event_id)


def _session_withdrawn(session: Session, **_: object) -> None:
    withdraw_pending(ReminderDelivery.event_id == session.event_id)


def _registration_cancelled(registration: Registration, **_: object) -> None:
    withdraw_pending(ReminderDelivery.registration_id == registration.id)


def connect() -> None:
    """Connect the receivers (idempotent): defaults for new events, a duplicate's copy, and pending
    reminders taken back when what they tell of changes."""
    from conference.reminders import schedule

    for signal, receiver in (
        (signals.event_created, schedule.event_created),
        (signals.event_duplicated, schedule.event_duplicated),
        (signals.event_changed, _event_changed),
        (signals.event_cancelled, _event_withdrawn),
        (signals.event_unpublished, _event_withdrawn),
        (signals.session_changed, _session_changed),
        (signals.session_cancelled, _session_withdrawn),
        (signals.registration_cancelled, _registration_cancelled),
    ):
        signal.connect(receiver)
