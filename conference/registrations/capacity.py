"""The one place that takes and gives back seats: event seats (per attendance mode) and session seats.

Every change runs inside `conference.db.serialized_write()` (SQLite: BEGIN IMMEDIATE) and takes a seat
with a single conditional UPDATE whose row count says whether a seat was free, so two writers can never
both take the last seat (PostgreSQL re-checks the WHERE clause under the row lock of the UPDATE). The
CHECK constraints `seats_taken <= capacity` are the backstop. Giving a seat back promotes the earliest
waitlisted person in the same transaction, and their mail is written to the outbox in that transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.registrations import mails, rows
from conference.registrations.availability import event_seats_left
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
from conference.sessions.models import Session

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class RegistrationFull(Exception):
    """No seat is free and the event has no waiting list."""


class IdempotencyKeyTaken(Exception):
    """The idempotency key was used for a registration of another event."""


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


@dataclass(frozen=True)
class RegistrationSummary:
    """What a registrant is told right after registering, captured before the commit expires the objects."""

    token: str
    status: RegistrationStatus
    attendance_mode: RegistrationMode
    idempotency_key: str | None
    seats: tuple[tuple[int, SeatStatus], ...]


def summarise(registration: Registration) -> RegistrationSummary:
    return RegistrationSummary(
        token=registration.token,
        status=registration.status,
        attendance_mode=registration.attendance_mode,
        idempotency_key=registration.idempotency_key,
        seats=tuple((seat.session_id, seat.status) for seat in registration.seats),
    )


@dataclass
class RegisterResult:
    registration_id: int
    summary: RegistrationSummary
    created: bool

    @property
    def registration(self) -> Registration:
        return db.session.get(Registration, self.registration_id)


@dataclass
class Allocation:
    status: RegistrationStatus
    holds_event_seat: bool
    seats: dict[int, SeatStatus]

    @property
    def mail_kind(self) -> str:
        return "confirmed" if self.status == RegistrationStatus.CONFIRMED else "waitlisted"


# --- allocation -----------------------------------------------------------------------------------------


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
    """Take the seats by conditional UPDATEs (those in `held` are already confirmed). On RegistrationFull
    the caller rolls back the seats taken so far."""
    return _choose(event, mode, session_ids, held, partial(take_event_seat, event.id), take_session_seat)


def _predict(event: Event, mode: RegistrationMode, session_ids: Iterable[int]) -> Allocation | None:
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


def _apply(registration: Registration, allocation: Allocation) -> None:
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


def _allocate(registration: Registration, event: Event, session_ids: Iterable[int]) -> None:
    """Give an existing registration its event seat and session seats, or put it on the waiting list."""
    held = {seat.session_id for seat in registration.seats if seat.status == SeatStatus.CONFIRMED}
    _apply(registration, allocate(event, registration.attendance_mode, session_ids, held=held))


class _Taken(Exception):
    """The address or idempotency key is taken: roll back and start again, looking for it first."""


def register(event: Event, data: RegistrationInput) -> RegisterResult:
    """Register for the event (or hand back the existing registration of this email address)."""
    # Most registrations are new, so the first attempt INSERTs straight away and learns from the unique
    # constraints (ON CONFLICT DO NOTHING) that the address is taken, rather than running a SELECT
    # before every INSERT; only then does a second attempt look for the existing registration.
    look_first = False
    for attempt in range(3):
        try:
            with serialized_write():
                result = _register(event, data, look_first)
                db.session.commit()
                return result
        except (IntegrityError, _Taken):
            # A concurrent request with the same email or idempotency key won; hand back theirs.
            db.session.rollback()
            look_first = True
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _existing(event_id: int, data: RegistrationInput) -> Registration | None:
    """The event's registration with this address or idempotency key, locked (PostgreSQL) and fresh, so
    that two requests reviving one cancelled registration do it one after the other."""
    conditions = [Registration.email == data.email]
    if data.idempotency_key:
        conditions.append(Registration.idempotency_key == data.idempotency_key)
    return db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event_id, sa.or_(*conditions))
        .order_by(Registration.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _key_used_elsewhere(key: str | None) -> bool:
    if not key:
        return False
    return (
        db.session.scalar(sa.select(Registration.id).where(Registration.idempotency_key == key)) is not None
    )


def _register(event: Event, data: RegistrationInput, look_first: bool) -> RegisterResult:
    existing = _existing(event.id, data) if look_first else None
    if existing is None:
        if look_first and _key_used_elsewhere(data.idempotency_key):
            raise IdempotencyKeyTaken
        return _register_new(event, data)
    if existing.status == RegistrationStatus.CANCELLED:
        return _revive(existing, event, data)
    if existing.idempotency_key != data.idempotency_key or not data.idempotency_key:
        mails.queue(existing, "manage_link")
    return RegisterResult(existing.id, summarise(existing), created=False)


def _fill(registration: Registration, data: RegistrationInput, now: datetime) -> None:
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


def _await_approval(registration: Registration, session_ids: Iterable[int]) -> None:
    registration.status = RegistrationStatus.PENDING
    for session_id in session_ids:
        registration.seats.append(SessionSeat(session_id=session_id, status=SeatStatus.WAITLISTED))


def _revive(registration: Registration, event: Event, data: RegistrationInput) -> RegisterResult:
    """A cancelled registration comes back to life with the new details."""
    registration.cancelled_at = None
    registration.seats.clear()
    registration.answers.clear()
    db.session.flush()
    _fill(registration, data, utcnow())
    if event.approval_required:
        _await_approval(registration, data.session_ids)
        kind = "pending"
    else:
        _allocate(registration, event, data.session_ids)
        kind = "confirmed" if registration.status == RegistrationStatus.CONFIRMED else "waitlisted"
    db.session.flush()
    mails.queue(registration, kind)
    return RegisterResult(registration.id, summarise(registration), created=True)


def _register_new(event: Event, data: RegistrationInput) -> RegisterResult:
    # No event row lock here: the conditional UPDATEs decide the seats and the unique constraints
    # (event, email) and (idempotency key) catch a concurrent duplicate. On PostgreSQL the seat UPDATEs
    # lock the counter rows until the commit, and every registration for the event passes through them,
    # so they come last: the rows and the mail are written first for the allocation the loaded counters
    # predict, and only when the UPDATEs give something else (a race for the last seat) are they redone.
    # Always in this order (the registration's unique keys, then the counter rows), so that two requests
    # for one address cannot lock in opposite orders.
    now = utcnow()
    registration = Registration(
        event_id=event.id,
        event=event,
        token=new_token(),
        checkin_code=new_checkin_code(),
        email=data.email,
        created_at=now,
        seats=[],
        answers=[],
    )
    _fill(registration, data, now)
    predicted: Allocation | None = None
    if event.approval_required:
        _await_approval(registration, data.session_ids)
    else:
        predicted = _predict(event, data.attendance_mode, data.session_ids)
        # A refusal is never guessed: the rows wait on the list until the UPDATEs have spoken.
        _apply(registration, predicted or _all_waitlisted(data.session_ids))
    for seat in registration.seats:  # the mail names the sessions
        seat.session = db.session.get(Session, seat.session_id)
    if not rows.insert_new(registration):
        raise _Taken
    if event.approval_required:
        mails.queue(registration, "pending")
        return RegisterResult(registration.id, summarise(registration), created=True)
    message_id = mails.queue(registration, predicted.mail_kind) if predicted else None
    actual = allocate(event, data.attendance_mode, data.session_ids)
    if actual != predicted:
        if message_id is not None:
            outbox.withdraw(message_id)
        _apply(registration, actual)
        rows.update_statuses(registration)
        mails.queue(registration, actual.mail_kind)
    return RegisterResult(registration.id, summarise(registration), created=True)


def _all_waitlisted(session_ids: Iterable[int]) -> Allocation:
    return Allocation(RegistrationStatus.WAITLISTED, False, dict.fromkeys(session_ids, SeatStatus.WAITLISTED))


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
                with db.session.begin_nested():  # a full event gives back the seats taken so far
                    _allocate(registration, event, session_ids)
            except RegistrationFull:
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
    outbox.forget_registration(registration.id)  # the mail to and about them holds the same data
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
