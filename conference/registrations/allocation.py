"""The allocation rule: which seats a registration gets, taken by conditional UPDATEs or predicted from the
counters as loaded (see `conference.registrations.registering` for why a prediction is useful)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from conference.db import db, utcnow
from conference.events.models import Event
from conference.registrations.availability import event_seats_left
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.seats import take_seats
from conference.sessions.models import Session


class RegistrationFull(Exception):
    """No seat is free and the event has no waiting list."""


@dataclass
class Allocation:
    status: RegistrationStatus
    holds_event_seat: bool
    seats: dict[int, SeatStatus]

    @property
    def mail_kind(self) -> str:
        return "confirmed" if self.status == RegistrationStatus.CONFIRMED else "waitlisted"


def _choose(
    event: Event,
    mode: RegistrationMode,
    session_ids: Iterable[int],
    held: Collection[int],
    event_seat: Callable[[RegistrationMode], bool],
    session_seat: Callable[[int], bool],
) -> Allocation:
    """The allocation rule: the event's seat for the attendance mode first, then a seat in each chosen
    session (only for a confirmed registration); what is full goes on the waiting list, or the
    registration is refused (RegistrationFull) when the event has no waiting list."""
    if event_seat(mode):
        status, holds_event_seat = RegistrationStatus.CONFIRMED, True
    elif event.waitlist_enabled:
        status, holds_event_seat = RegistrationStatus.WAITLISTED, False
    else:
        raise RegistrationFull
    seats = {}
    for session_id in session_ids:
        if session_id in held:
            continue
        if status == RegistrationStatus.CONFIRMED and session_seat(session_id):
            seats[session_id] = SeatStatus.CONFIRMED
        elif event.waitlist_enabled:
            seats[session_id] = SeatStatus.WAITLISTED
        else:
            raise RegistrationFull
    return Allocation(status, holds_event_seat, seats)


def allocate(
    event: Event, mode: RegistrationMode, session_ids: Iterable[int], *, held: Collection[int] = ()
) -> Allocation:
    """Take the seats by conditional UPDATEs (those in `held` are already confirmed): the event's seat and,
    with it, each session's (`seats.take_seats`: one statement on PostgreSQL). On RegistrationFull the
    caller rolls back the seats taken."""
    session_ids = list(session_ids)
    event_seat, session_seats = take_seats(event.id, mode, [i for i in session_ids if i not in held])
    return _choose(event, mode, session_ids, held, lambda _mode: event_seat, session_seats.__contains__)


def predict(event: Event, mode: RegistrationMode, session_ids: Iterable[int]) -> Allocation | None:
    """What `allocate` will most likely give, from the counters as loaded, without taking anything;
    None when it would refuse (then nothing is guessed)."""

    def session_has_room(session_id: int) -> bool:
        session = db.session.get(Session, session_id)
        return session is not None and session.seats_left != 0

    try:
        return _choose(
            event, mode, session_ids, (), lambda m: event_seats_left(event, m) != 0, session_has_room
        )
    except RegistrationFull:
        return None


def apply(registration: Registration, allocation: Allocation) -> None:
    registration.status = allocation.status
    registration.holds_event_seat = allocation.holds_event_seat
    existing = {seat.session_id: seat for seat in registration.seats}
    now = utcnow()
    for session_id, status in allocation.seats.items():
        seat = existing.get(session_id)
        if seat is None:
            seat = SessionSeat(session_id=session_id, created_at=now)
            registration.seats.append(seat)
        seat.status = status
        seat.updated_at = now


def allocate_to(registration: Registration, event: Event, session_ids: Iterable[int]) -> None:
    """Give an existing registration its event seat and session seats, or put it on the waiting list."""
    held = {seat.session_id for seat in registration.seats if seat.status == SeatStatus.CONFIRMED}
    apply(registration, allocate(event, registration.attendance_mode, session_ids, held=held))


def all_waitlisted(session_ids: Iterable[int]) -> Allocation:
    return Allocation(RegistrationStatus.WAITLISTED, False, dict.fromkeys(session_ids, SeatStatus.WAITLISTED))
