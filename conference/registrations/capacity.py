"""Giving seats back and everything after a registration exists: cancel (promoting the waiting list),
approve or reject, change mode and sessions, erase personal data, check in; and what a cancelled, restored
or enlarged session or event does to the seats (`withdraw_*`, `give_back_*`, `refill`).

Every change runs inside `conference.db.serialized_write()` (SQLite: BEGIN IMMEDIATE) and takes or gives
back a seat with a single conditional UPDATE (`conference.registrations.seats`), so two writers can never
both take the last seat; the CHECK constraints `seats_taken <= capacity` are the backstop. Giving a seat
back promotes the earliest waitlisted person in the same transaction, and their mail is written to the
outbox in that transaction. Registering itself is `conference.registrations.registering`.

The `*_locked` functions and the seat reactions write in the caller's transaction and never commit: the
organiser's operations (`conference.registrations.operations`) and the reactions to other areas' signals
(`conference.registrations.reactions`) call them. `cancel`, `change`, `decide`, `erase` and `check_in`
are whole transactions (for the registrant's own pages and the API).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.registrations import allocation, mails
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.seats import (
    lock_event,
    lock_registration,
    release_all_seats,
    release_event_seat,
    release_session_seat,
    take_event_seat,
    take_session_seat,
)
from conference.registrations.tokens import new_token

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
ENDED = (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)


class NoSeatForMode(Exception):
    """The attendance mode asked for has no seat left."""


# --- giving seats back and promotion ---------------------------------------------------------------------


def _release_seat(seat: SessionSeat) -> bool:
    """Cancel one session seat; True when it held a seat that is now free."""
    held = seat.status == SeatStatus.CONFIRMED
    seat.status = SeatStatus.CANCELLED
    seat.updated_at = utcnow()
    if held:
        release_session_seat(seat.session_id)
    return held


def _promote_session(session_id: int) -> list[Registration]:
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


def _promote_event(event: Event, mode: RegistrationMode) -> list[Registration]:
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


def _give_back(registration: Registration, event: Event) -> list[Registration]:
    """Free everything the registration holds and promote others into it; returns who was promoted."""
    freed_sessions = [seat.session_id for seat in registration.seats if _release_seat(seat)]
    promoted: list[Registration] = []
    mode = registration.attendance_mode
    if registration.holds_event_seat:
        registration.holds_event_seat = False
        release_event_seat(event.id, mode)
        db.session.flush()
        promoted += _promote_event(event, mode)
    db.session.flush()
    for session_id in freed_sessions:
        promoted += _promote_session(session_id)
    return promoted


def _notify_promoted(promoted: list[Registration], exclude: Registration | None = None) -> None:
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
        promoted += _promote_event(event, mode)
    for session_id in session_ids:
        promoted += _promote_session(session_id)
    _notify_promoted(promoted)
    return promoted


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
        released += _release_seat(seat)
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
    promoted = _promote_session(session_id)
    _notify_promoted(promoted)
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
    return refill(event, list(RegistrationMode), sorted(session_ids))


def lock(registration: Registration) -> tuple[Event, Registration]:
    """The registration's event and the registration, fresh and locked (event first, always)."""
    return lock_event(registration.event_id), lock_registration(registration.id)


def cancel_locked(event: Event, registration: Registration, mail: str | None) -> list[Registration]:
    """Cancel a locked registration, give its seats back and tell those promoted; the caller commits."""
    promoted = _give_back(registration, event)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = registration.updated_at = utcnow()
    if mail:
        mails.queue(registration, mail)
    _notify_promoted(promoted)
    return promoted


def cancel(registration: Registration, *, by_organiser: bool = False) -> list[Registration]:
    """Cancel a registration and promote the next waitlisted people in the same transaction."""
    with serialized_write():
        event, registration = lock(registration)
        if registration.status in ENDED:
            db.session.commit()
            return []
        mail = None if registration.erased_at else ("cancelled_by_organiser" if by_organiser else "cancelled")
        promoted = cancel_locked(event, registration, mail)
        db.session.commit()
        return promoted


def approve_locked(event: Event, registration: Registration) -> None:
    """Approve a locked pending registration: its seats are allocated now (or it waits); mail "approved"."""
    session_ids = [seat.session_id for seat in registration.seats if seat.status != SeatStatus.CANCELLED]
    try:
        with db.session.begin_nested():  # a full event gives back the seats taken so far
            allocation.allocate_to(registration, event, session_ids)
    except allocation.RegistrationFull:
        registration.status = RegistrationStatus.WAITLISTED
        registration.holds_event_seat = False
    mails.queue(registration, "approved")
    registration.updated_at = utcnow()


def reject_locked(registration: Registration) -> None:
    """Reject a locked pending registration (it holds no seat); mail "rejected"."""
    registration.status = RegistrationStatus.REJECTED
    for seat in registration.seats:
        seat.status = SeatStatus.CANCELLED
    mails.queue(registration, "rejected")
    registration.updated_at = utcnow()


def decide(registration: Registration, approve: bool) -> None:
    """An organiser approves (seats are allocated now) or rejects a pending registration."""
    with serialized_write():
        event, registration = lock(registration)
        if registration.status == RegistrationStatus.PENDING:
            if approve:
                approve_locked(event, registration)
            else:
                reject_locked(registration)
        db.session.commit()


def change(registration: Registration, mode: RegistrationMode, session_ids: list[int]) -> list[Registration]:
    """Change attendance mode and session choices; capacity rules apply. Raises NoSeatForMode."""
    with serialized_write():
        event, registration = lock(registration)
        if registration.status in ENDED:
            db.session.commit()
            return []
        promoted: list[Registration] = []
        if mode != registration.attendance_mode:
            old_mode = registration.attendance_mode
            if registration.holds_event_seat:
                if not take_event_seat(event.id, mode):
                    db.session.rollback()
                    raise NoSeatForMode
                release_event_seat(event.id, old_mode)
                db.session.flush()
                registration.attendance_mode = mode
                promoted += _promote_event(event, old_mode)
            else:
                registration.attendance_mode = mode
                if registration.status == RegistrationStatus.WAITLISTED and take_event_seat(event.id, mode):
                    registration.holds_event_seat = True
                    registration.status = RegistrationStatus.CONFIRMED
                    # Confirmed now: the sessions it waited for give it a seat where one is free.
                    for seat in registration.seats:
                        if seat.status == SeatStatus.WAITLISTED and take_session_seat(seat.session_id):
                            seat.status = SeatStatus.CONFIRMED
        wanted = set(session_ids)
        freed = []
        for seat in registration.seats:
            if seat.session_id not in wanted and seat.status != SeatStatus.CANCELLED and _release_seat(seat):
                freed.append(seat.session_id)
        current = {s.session_id for s in registration.seats if s.status != SeatStatus.CANCELLED}
        added = [sid for sid in session_ids if sid not in current]
        if registration.status == RegistrationStatus.PENDING:
            existing = {seat.session_id: seat for seat in registration.seats}
            for sid in added:
                if sid in existing:
                    existing[sid].status = SeatStatus.WAITLISTED
                else:
                    registration.seats.append(SessionSeat(session_id=sid, status=SeatStatus.WAITLISTED))
        else:
            existing = {seat.session_id: seat for seat in registration.seats}
            for sid in added:
                seat = existing.get(sid)
                if seat is None:
                    seat = SessionSeat(session_id=sid, status=SeatStatus.WAITLISTED)
                    registration.seats.append(seat)
                seat.created_at = utcnow()  # back of the queue
                seat.status = (
                    SeatStatus.CONFIRMED
                    if registration.status == RegistrationStatus.CONFIRMED and take_session_seat(sid)
                    else SeatStatus.WAITLISTED
                )
        db.session.flush()
        for session_id in freed:
            promoted += _promote_session(session_id)
        registration.updated_at = utcnow()
        mails.queue(registration, "changed")
        _notify_promoted(promoted, exclude=registration)
        db.session.commit()
        return promoted


def erase_locked(event: Event, registration: Registration) -> None:
    """Erase a locked registration's personal data (see `erase`); the caller commits."""
    if registration.status not in ENDED:
        cancel_locked(event, registration, mail=None)
    _scrub(registration)


def erase(registration: Registration) -> None:
    """Delete a registration's personal data, in one transaction: an active registration is cancelled
    first (its seats go to the waiting list; no mail to the address being erased), then its data and the
    mail to and about it are deleted. A failure leaves everything as it was; erasing twice (also at the
    same time) changes nothing the second time."""
    with serialized_write():
        event, registration = lock(registration)
        if registration.erased_at is None:
            erase_locked(event, registration)
        db.session.commit()


def _scrub(registration: Registration) -> None:
    registration.name = ""
    registration.email = f"erased-{registration.id}@invalid"
    registration.affiliation = ""
    registration.country = ""
    registration.accessibility_needs = ""
    registration.timezone = ""  # where they live is theirs; the language (of the event's page) says nothing
    registration.idempotency_key = None
    registration.token = new_token()
    registration.feed_token = new_token()  # both links stop working, whatever the queries check
    registration.answers.clear()
    registration.erased_at = utcnow()
    outbox.forget_registration(registration.id)  # the mail to and about them holds the same data


def mark_checked_in(registration: Registration) -> bool:
    """Mark someone as arrived, in the caller's transaction; False when they had already been checked in."""
    table = Registration.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == registration.id, table.c.checked_in_at.is_(None))
        .values(checked_in_at=utcnow())
    )
    return result.rowcount == 1


def check_in(registration: Registration) -> bool:
    """Mark someone as arrived; False when they had already been checked in."""
    done = mark_checked_in(registration)
    db.session.commit()
    db.session.refresh(registration)
    return done
