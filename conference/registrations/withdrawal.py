"""What a cancelled or restored session or event does to the registrations' seats (the reactions to
those signals, `conference.registrations.reactions`): `withdraw_*` cancels and marks them `withdrawn`,
promoting nobody; `give_back_*` brings back what was withdrawn, on the waiting list in its original order,
then promotes up to capacity (`conference.registrations.promotion`). In the caller's transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import Event
from conference.registrations import promotion
from conference.registrations.capacity import ACTIVE, ENDED
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.seats import release_all_seats


def withdraw_session_seats(session_ids: list[int]) -> tuple[int, int]:
    """A session was cancelled: every seat held or waited for in it is cancelled (marked `withdrawn`, so it
    is shown as cancelled with its session and can come back), its counter given back, and nobody is
    promoted into it. The registrations that had a seat there are told by the session's cancellation notice
    (`conference.mail.notices`), not here. In the caller's transaction. Returns (seats that were held,
    active registrations that had a seat there)."""
    seats: list[SessionSeat] = []
    for start in range(0, len(session_ids), 1000):
        seats += db.session.scalars(
            sa.select(SessionSeat)
            .where(
                SessionSeat.session_id.in_(session_ids[start : start + 1000]),
                SessionSeat.status != SeatStatus.CANCELLED,
            )
            .order_by(SessionSeat.id)
            .with_for_update()
        )
    released = 0
    for seat in seats:
        released += promotion.release_seat(seat)
        seat.withdrawn = True
    db.session.flush()
    told = {seat.registration_id: seat.registration for seat in seats}
    active = [r for r in told.values() if r.status not in ENDED]
    for registration in active:
        registration.updated_at = utcnow()
    return released, sum(1 for r in active if not r.erased_at)


def give_back_session_seats(session_id: int) -> list[Registration]:
    """A cancelled session was restored. The rule: every seat its cancellation withdrew from a registration
    that is still active comes back on the session's waiting list in its original place (the seat keeps its
    created_at), then the list is promoted in order up to the capacity ("promoted" mail to those who get
    a seat). Seats their holders had given up themselves stay cancelled. In the caller's transaction."""
    seats = db.session.scalars(
        sa.select(SessionSeat)
        .where(SessionSeat.session_id == session_id, SessionSeat.withdrawn.is_(True))
        .order_by(SessionSeat.created_at, SessionSeat.id)
        .with_for_update()
    ).all()
    now = utcnow()
    for seat in seats:
        registration = seat.registration
        if registration.status in ENDED:
            # Its event is cancelled too: the seat comes back with the registration if the event is restored.
            seat.withdrawn = registration.withdrawn
            continue
        seat.withdrawn = False
        seat.status = SeatStatus.WAITLISTED
        seat.updated_at = now
    db.session.flush()
    promoted = promotion.promote_session(session_id)
    promotion.notify_promoted(promoted)
    return promoted


def withdraw_event_registrations(event: Event) -> int:
    """An event was cancelled: every active registration is cancelled (marked `withdrawn`, with every seat
    it held or waited for), all the event's counters go back to zero, nobody is promoted. No mail here (the
    notice of a cancelled event is its own). In the caller's transaction. Returns how many were cancelled."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.id)
        .with_for_update()
    ).all()
    now = utcnow()
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.withdrawn = True
        registration.holds_event_seat = False
        registration.cancelled_at = registration.updated_at = now
        for seat in registration.seats:
            if seat.status != SeatStatus.CANCELLED:
                seat.status = SeatStatus.CANCELLED
                seat.withdrawn = True
                seat.updated_at = now
    db.session.flush()
    release_all_seats(event.id)
    return len(registrations)


def give_back_event_registrations(event: Event) -> list[Registration]:
    """A cancelled event was restored. The rule: the registrations its cancellation withdrew come back on the
    waiting list in their original order (by when they registered), with the seats withdrawn with them;
    then the event's waiting list and each session's are promoted up to capacity, as after a capacity
    change ("promoted" mail). Registrations cancelled by their registrants stay cancelled, and seats in a
    session that is itself cancelled stay with it (they come back if that session is restored)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.withdrawn.is_(True))
        .order_by(Registration.created_at, Registration.id)
        .with_for_update()
    ).all()
    now = utcnow()
    session_ids: set[int] = set()
    for registration in registrations:
        registration.withdrawn = False
        registration.status = RegistrationStatus.WAITLISTED
        registration.cancelled_at = None
        registration.updated_at = now
        for seat in registration.seats:
            if seat.withdrawn and not seat.session.is_cancelled:  # a cancelled session keeps its seats
                seat.withdrawn = False
                seat.status = SeatStatus.WAITLISTED
                seat.updated_at = now
                session_ids.add(seat.session_id)
    db.session.flush()
    return promotion.refill(event, list(RegistrationMode), sorted(session_ids))
