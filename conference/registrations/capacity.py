"""Everything after a registration exists: cancel (promoting the waiting list), approve or reject, change
mode and sessions, erase personal data, check in. The waiting-list rule is `conference.registrations.promotion`
(`refill` after seats were added); what a cancelled or restored session or event does to the seats is
`conference.registrations.withdrawal`.

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

import sqlalchemy as sa

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.registrations import allocation, mails, promotion
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
    take_event_seat,
    take_session_seat,
)
from conference.registrations.tokens import new_token

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
ENDED = (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)


class NoSeatForMode(Exception):
    """The attendance mode asked for has no seat left."""


def lock(registration: Registration) -> tuple[Event, Registration]:
    """The registration's event and the registration, fresh and locked (event first, always)."""
    return lock_event(registration.event_id), lock_registration(registration.id)


def cancel_locked(event: Event, registration: Registration, mail: str | None) -> list[Registration]:
    """Cancel a locked registration, give its seats back and tell those promoted; the caller commits."""
    promoted = promotion.give_back(registration, event)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = registration.updated_at = utcnow()
    if mail:
        mails.queue(registration, mail)
    promotion.notify_promoted(promoted)
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
                promoted += promotion.promote_event(event, old_mode)
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
            if (
                seat.session_id not in wanted
                and seat.status != SeatStatus.CANCELLED
                and promotion.release_seat(seat)
            ):
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
            promoted += promotion.promote_session(session_id)
        registration.updated_at = utcnow()
        mails.queue(registration, "changed")
        promotion.notify_promoted(promoted, exclude=registration)
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
