"""Giving seats back and everything after a registration exists: cancel (promoting the waiting list),
approve or reject, change mode and sessions, erase personal data, check in.

Every change runs inside `conference.db.serialized_write()` (SQLite: BEGIN IMMEDIATE) and takes or gives
back a seat with a single conditional UPDATE (`conference.registrations.seats`), so two writers can never
both take the last seat; the CHECK constraints `seats_taken <= capacity` are the backstop. Giving a seat
back promotes the earliest waitlisted person in the same transaction, and their mail is written to the
outbox in that transaction. Registering itself is `conference.registrations.registering`.
"""

from __future__ import annotations

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


def release_cancelled_sessions(session_ids: list[int]) -> tuple[int, int]:
    """Give back every seat held or waited for in these (cancelled) sessions and tell each registration
    that had one by mail, in the caller's transaction (run it inside `serialized_write()`). Nobody is
    promoted: the sessions are gone. Returns (seats given back, registrations told)."""
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
    released = sum(_release_seat(seat) for seat in seats)
    db.session.flush()
    told = {seat.registration_id: seat.registration for seat in seats}
    for registration in told.values():
        if registration.status not in ENDED:
            mails.queue(registration, "changed")
    return released, sum(1 for r in told.values() if r.status not in ENDED and not r.erased_at)


def _lock(registration: Registration) -> tuple[Event, Registration]:
    """The registration's event and the registration, fresh and locked (event first, always)."""
    return lock_event(registration.event_id), lock_registration(registration.id)


def _cancel_locked(event: Event, registration: Registration, mail: str | None) -> list[Registration]:
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
        event, registration = _lock(registration)
        if registration.status in ENDED:
            db.session.commit()
            return []
        mail = None if registration.erased_at else ("cancelled_by_organiser" if by_organiser else "cancelled")
        promoted = _cancel_locked(event, registration, mail)
        db.session.commit()
        return promoted


def decide(registration: Registration, approve: bool) -> None:
    """An organiser approves (seats are allocated now) or rejects a pending registration."""
    with serialized_write():
        event, registration = _lock(registration)
        if registration.status != RegistrationStatus.PENDING:
            db.session.commit()
            return
        if approve:
            session_ids = [
                seat.session_id for seat in registration.seats if seat.status != SeatStatus.CANCELLED
            ]
            try:
                with db.session.begin_nested():  # a full event gives back the seats taken so far
                    allocation.allocate_to(registration, event, session_ids)
            except allocation.RegistrationFull:
                registration.status = RegistrationStatus.WAITLISTED
                registration.holds_event_seat = False
            mails.queue(registration, "approved")
        else:
            registration.status = RegistrationStatus.REJECTED
            for seat in registration.seats:
                seat.status = SeatStatus.CANCELLED
            mails.queue(registration, "rejected")
        registration.updated_at = utcnow()
        db.session.commit()


def change(registration: Registration, mode: RegistrationMode, session_ids: list[int]) -> list[Registration]:
    """Change attendance mode and session choices; capacity rules apply. Raises NoSeatForMode."""
    with serialized_write():
        event, registration = _lock(registration)
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


def erase(registration: Registration) -> None:
    """Delete a registration's personal data, in one transaction: an active registration is cancelled
    first (its seats go to the waiting list; no mail to the address being erased), then its data and the
    mail to and about it are deleted. A failure leaves everything as it was; erasing twice (also at the
    same time) changes nothing the second time."""
    with serialized_write():
        event, registration = _lock(registration)
        if registration.erased_at is not None:
            db.session.commit()
            return
        if registration.status not in ENDED:
            _cancel_locked(event, registration, mail=None)
        _scrub(registration)
        db.session.commit()


def _scrub(registration: Registration) -> None:
    registration.name = ""
    registration.email = f"erased-{registration.id}@invalid"
    registration.affiliation = ""
    registration.country = ""
    registration.accessibility_needs = ""
    registration.idempotency_key = None
    registration.token = new_token()
    registration.feed_token = new_token()  # both links stop working, whatever the queries check
    registration.answers.clear()
    registration.erased_at = utcnow()
    outbox.forget_registration(registration.id)  # the mail to and about them holds the same data


def check_in(registration: Registration) -> bool:
    """Mark someone as arrived; False when they had already been checked in."""
    table = Registration.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == registration.id, table.c.checked_in_at.is_(None))
        .values(checked_in_at=utcnow())
    )
    db.session.commit()
    db.session.refresh(registration)
    return result.rowcount == 1
