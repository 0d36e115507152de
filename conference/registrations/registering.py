"""Registering for an event: a new registration, a repeat of an existing one, or a cancelled one returning.

The seats themselves are the allocation rule's (`conference.registrations.allocation`). A new registration
is written in this order, and why:
1. The registration row, with INSERT ... ON CONFLICT DO NOTHING: no row back means the address or the
   idempotency key is taken, and a second attempt looks the registration up (so a new address, the common
   case, costs no SELECT first).
2. Its seats, answers and mail, for the allocation the counters loaded by the request predict.
3. The seat UPDATEs, last: on PostgreSQL each holds its counter row locked until the commit, and every
   registration for the event passes through the event's row. When they give something else than predicted
   (a race for the last seat), the statuses are written again and the mail is replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.registrations import allocation, mails, rows
from conference.registrations.allocation import RegistrationFull  # noqa: F401  (raised from here)
from conference.registrations.models import (
    Answer,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.tokens import new_checkin_code, new_token
from conference.sessions.models import Session


class IdempotencyKeyTaken(Exception):
    """The idempotency key was used for a registration of another event."""


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
        allocation.allocate_to(registration, event, data.session_ids)
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
    predicted: allocation.Allocation | None = None
    if event.approval_required:
        _await_approval(registration, data.session_ids)
    else:
        predicted = allocation.predict(event, data.attendance_mode, data.session_ids)
        # A refusal is never guessed: the rows wait on the list until the UPDATEs have spoken.
        allocation.apply(registration, predicted or allocation.all_waitlisted(data.session_ids))
    for seat in registration.seats:  # the mail names the sessions
        seat.session = db.session.get(Session, seat.session_id)
    if not rows.insert_new(registration):
        raise _Taken
    if event.approval_required:
        mails.queue(registration, "pending")
        return RegisterResult(registration.id, summarise(registration), created=True)
    message_id = mails.queue(registration, predicted.mail_kind) if predicted else None
    actual = allocation.allocate(event, data.attendance_mode, data.session_ids)
    if actual != predicted:
        if message_id is not None:
            outbox.withdraw(message_id)
        allocation.apply(registration, actual)
        rows.update_statuses(registration)
        mails.queue(registration, actual.mail_kind)
    return RegisterResult(registration.id, summarise(registration), created=True)
