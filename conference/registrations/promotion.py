"""The waiting-list rule: a seat given back goes to the earliest on the waiting list, in the same
transaction, and everyone promoted gets the "promoted" mail through the outbox.

`refill` applies it after seats were added; `give_back` after a registration frees what it held
(`conference.registrations.capacity`); the reactions to a restored session or event use `promote_session`
(`conference.registrations.withdrawal`). Every seat is taken or given back with one conditional UPDATE
(`conference.registrations.seats`), in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import Event
from conference.registrations import mails
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.seats import (
    release_event_seat,
    release_session_seat,
    take_event_seat,
    take_session_seat,
)


def release_seat(seat: SessionSeat) -> bool:
    """Cancel one session seat; True when it held a seat that is now free."""
    held = seat.status == SeatStatus.CONFIRMED
    seat.status = SeatStatus.CANCELLED
    seat.updated_at = utcnow()
    if held:
        release_session_seat(seat.session_id)
    return held


def promote_session(session_id: int) -> list[Registration]:
    """Fill free seats of a session from its waiting list, earliest first (confirmed registrants only)."""
    promoted = []
    while True:
        seat = db.session.scalars(
            sa.select(SessionSeat)
            .join(Registration)
            .where(
                SessionSeat.session_id == session_id,
                SessionSeat.status == SeatStatus.WAITLISTED,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(SessionSeat.created_at, SessionSeat.id)
            .limit(1)
            .with_for_update(of=SessionSeat)
        ).first()
        if seat is None or not take_session_seat(session_id):
            return promoted
        seat.status = SeatStatus.CONFIRMED
        seat.updated_at = utcnow()
        db.session.flush()
        promoted.append(seat.registration)


def promote_event(event: Event, mode: RegistrationMode) -> list[Registration]:
    """Fill free event seats of the attendance mode from its waiting list, earliest first (with the session
    seats each promoted registration waited for, where free)."""
    promoted = []
    while True:
        registration = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
                Registration.attendance_mode == mode,
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(1)
            .with_for_update()
        ).first()
        if registration is None or not take_event_seat(event.id, mode):
            return promoted
        registration.status = RegistrationStatus.CONFIRMED
        registration.holds_event_seat = True
        registration.updated_at = utcnow()
        for seat in registration.seats:
            if seat.status == SeatStatus.WAITLISTED and take_session_seat(seat.session_id):
                seat.status = SeatStatus.CONFIRMED
        db.session.flush()
        promoted.append(registration)


def give_back(registration: Registration, event: Event) -> list[Registration]:
    """Free everything the registration holds and promote others into it; returns who was promoted."""
    freed_sessions = [seat.session_id for seat in registration.seats if release_seat(seat)]
    promoted: list[Registration] = []
    mode = registration.attendance_mode
    if registration.holds_event_seat:
        registration.holds_event_seat = False
        release_event_seat(event.id, mode)
        db.session.flush()
        promoted += promote_event(event, mode)
    db.session.flush()
    for session_id in freed_sessions:
        promoted += promote_session(session_id)
    return promoted


def notify_promoted(promoted: list[Registration], exclude: Registration | None = None) -> None:
    """The "promoted" mail, once to each registration promoted (not to `exclude`, who made the change)."""
    seen = set()
    for registration in promoted:
        if registration.id in seen or registration is exclude:
            continue
        seen.add(registration.id)
        mails.queue(registration, "promoted")


def refill(event: Event, modes: Iterable[RegistrationMode] = (), session_ids: Iterable[int] = ()) -> list:
    """The capacity rule after seats were added (a larger or no limit, by whatever path: the session form,
    the registration settings, the API): the waiting lists of these attendance modes, then of these
    sessions, are promoted in order up to the new capacity, in the caller's transaction, and everyone
    promoted gets the "promoted" mail through the outbox. Returns who was promoted."""
    promoted: list[Registration] = []
    for mode in modes:
        promoted += promote_event(event, mode)
    for session_id in session_ids:
        promoted += promote_session(session_id)
    notify_promoted(promoted)
    return promoted
