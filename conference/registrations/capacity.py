"""The one place that takes and gives back seats: event seats (per attendance mode) and session seats.

Every change runs inside `conference.db.serialized_write()` (SQLite: BEGIN IMMEDIATE) and takes a seat
with a single conditional UPDATE whose row count says whether a seat was free, so two writers can never
both take the last seat (PostgreSQL re-checks the WHERE clause under the row lock of the UPDATE). The
CHECK constraints `seats_taken <= capacity` are the backstop. Giving a seat back promotes the earliest
waitlisted person in the same transaction, and their mail is written to the outbox in that transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.registrations import mails
from conference.registrations.models import (
    Answer,
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
from conference.registrations.tokens import new_checkin_code, new_token

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class RegistrationFull(Exception):
    """No seat is free and the event has no waiting list."""


class NoSeatForMode(Exception):
    """The attendance mode asked for has no seat left."""


@dataclass
class RegistrationInput:
    name: str
    email: str
    attendance_mode: RegistrationMode
    session_ids: list[int] = field(default_factory=list)
    affiliation: str = ""
    country: str = ""
    accessibility_needs: str = ""
    # {question_id: (label, value)}
    answers: dict[int, tuple[str, object]] = field(default_factory=dict)
    idempotency_key: str | None = None


@dataclass
class RegisterResult:
    registration: Registration
    created: bool


# --- allocation -----------------------------------------------------------------------------------------


def _allocate(registration: Registration, event: Event, session_ids: Iterable[int]) -> None:
    """Give a registration its event seat and session seats, or put it on the waiting list."""
    if take_event_seat(event.id, registration.attendance_mode):
        registration.holds_event_seat = True
        registration.status = RegistrationStatus.CONFIRMED
    elif event.waitlist_enabled:
        registration.status = RegistrationStatus.WAITLISTED
    else:
        raise RegistrationFull
    existing = {seat.session_id: seat for seat in registration.seats}
    for session_id in session_ids:
        seat = existing.get(session_id)
        if seat is None:
            seat = SessionSeat(session_id=session_id, status=SeatStatus.WAITLISTED)
            registration.seats.append(seat)
        elif seat.status == SeatStatus.CONFIRMED:
            continue
        seat.updated_at = utcnow()
        if registration.status == RegistrationStatus.CONFIRMED and take_session_seat(session_id):
            seat.status = SeatStatus.CONFIRMED
        elif event.waitlist_enabled:
            seat.status = SeatStatus.WAITLISTED
        else:
            raise RegistrationFull


def register(event: Event, data: RegistrationInput) -> RegisterResult:
    """Register for the event (or hand back the existing registration of this email address)."""
    event_id = event.id
    for attempt in range(3):
        try:
            with serialized_write():
                result = _register(event_id, data)
                db.session.commit()
                return result
        except IntegrityError:
            # A concurrent request with the same email or idempotency key won; hand back theirs.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _existing(event_id: int, data: RegistrationInput) -> Registration | None:
    conditions = [Registration.email == data.email]
    if data.idempotency_key:
        conditions.append(Registration.idempotency_key == data.idempotency_key)
    return db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id, sa.or_(*conditions))
    ).first()


def _register(event_id: int, data: RegistrationInput) -> RegisterResult:
    # No event row lock here: the conditional UPDATEs decide the seats and the unique constraints
    # (event, email) and (idempotency key) catch a concurrent duplicate, so registrations only queue
    # behind each other for the counter rows they really touch.
    event = db.session.get(Event, event_id, populate_existing=True)
    existing = _existing(event_id, data)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        if existing.idempotency_key != data.idempotency_key or not data.idempotency_key:
            mails.queue(existing, "manage_link")
        return RegisterResult(existing, created=False)
    now = utcnow()
    if existing is not None:  # a cancelled registration comes back to life with the new details
        registration = existing
        registration.cancelled_at = None
        registration.seats.clear()
        registration.answers.clear()
        db.session.flush()
    else:
        registration = Registration(
            event_id=event.id,
            token=new_token(),
            checkin_code=new_checkin_code(),
            email=data.email,
            created_at=now,
            status=RegistrationStatus.WAITLISTED,
            attendance_mode=data.attendance_mode,
            name=data.name,
        )
        db.session.add(registration)
    registration.name = data.name
    registration.affiliation = data.affiliation
    registration.country = data.country
    registration.accessibility_needs = data.accessibility_needs
    registration.attendance_mode = data.attendance_mode
    registration.idempotency_key = data.idempotency_key
    registration.consent_at = now
    registration.updated_at = now
    registration.holds_event_seat = False
    for question_id, (label, value) in data.answers.items():
        registration.answers.append(Answer(question_id=question_id, question_label=label, value=value))
    if event.approval_required:
        registration.status = RegistrationStatus.PENDING
        for session_id in data.session_ids:
            registration.seats.append(SessionSeat(session_id=session_id, status=SeatStatus.WAITLISTED))
        db.session.flush()
        mails.queue(registration, "pending")
    else:
        _allocate(registration, event, data.session_ids)
        db.session.flush()
        mails.queue(
            registration, "confirmed" if registration.status == RegistrationStatus.CONFIRMED else "waitlisted"
        )
    return RegisterResult(registration, created=True)


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


def cancel(registration: Registration, *, by_organiser: bool = False) -> list[Registration]:
    """Cancel a registration and promote the next waitlisted people in the same transaction."""
    with serialized_write():
        event = lock_event(registration.event_id)
        registration = lock_registration(registration.id)
        if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
            db.session.commit()
            return []
        promoted = _give_back(registration, event)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = registration.updated_at = utcnow()
        if not registration.erased_at:
            mails.queue(registration, "cancelled_by_organiser" if by_organiser else "cancelled")
        _notify_promoted(promoted)
        db.session.commit()
        return promoted


def decide(registration: Registration, approve: bool) -> None:
    """An organiser approves (seats are allocated now) or rejects a pending registration."""
    with serialized_write():
        event = lock_event(registration.event_id)
        registration = lock_registration(registration.id)
        if registration.status != RegistrationStatus.PENDING:
            db.session.commit()
            return
        if approve:
            session_ids = [
                seat.session_id for seat in registration.seats if seat.status != SeatStatus.CANCELLED
            ]
            try:
                _allocate(registration, event, session_ids)
            except RegistrationFull:
                registration.status = RegistrationStatus.WAITLISTED
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
        event = lock_event(registration.event_id)
        registration = lock_registration(registration.id)
        if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
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
    """Delete a registration's personal data; its seats are given back first so the counts stay right."""
    if registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        registration.erased_at = utcnow()  # no cancellation mail to an address about to be erased
        db.session.commit()
        cancel(registration, by_organiser=True)
    registration = db.session.get(Registration, registration.id)
    registration.name = ""
    registration.email = f"erased-{registration.id}@invalid"
    registration.affiliation = ""
    registration.country = ""
    registration.accessibility_needs = ""
    registration.idempotency_key = None
    registration.token = new_token()
    registration.answers.clear()
    registration.erased_at = utcnow()
    db.session.commit()


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
