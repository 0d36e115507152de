"""Registering for an event: a new registration, a repeat of an existing one, or a cancelled one returning.

The seats themselves are the allocation rule's (`conference.registrations.allocation`). A new registration
is written in this order, and why:
1. The registration row, with INSERT ... ON CONFLICT DO NOTHING: no row back means the address or the
   idempotency key is taken, and a second attempt looks the registration up (so a new address, the common
   case, costs no SELECT first).
2. Its seats, answers and mail, for the allocation the counters loaded by the request predict (on
   PostgreSQL 1. and 2. are one statement: `rows.insert_new`).
3. The seat UPDATEs, last: on PostgreSQL each holds its counter row locked until the commit, and every
   registration for the event passes through the event's row. When they give something else than predicted
   (a race for the last seat), the statuses are written again and the mail is replaced.

Whoever registers proves nothing but knowledge of an address, so only a new registration's answer carries
its links. A repeat of a registered address, and the revival of a cancelled one, are answered with "link
sent": the link goes to the address (at most one link mail per address per LINK_MAIL_INTERVAL_SECONDS,
see `conference.mail.throttle`). An idempotency key is bound to the address and event it was first used
with: the same key with the same address and event gets the first answer again (the key is a secret the
original client chose, so repeating to it what it was already told reveals nothing new); with another
address or event it is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.db import db, serialized_write, utcnow
from conference.events.models import Event
from conference.mail import outbox, throttle
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
    """The idempotency key was first used with another address or for another event."""

    def __init__(self, other_event: bool) -> None:
        super().__init__("another event" if other_event else "another address")
        self.other_event = other_event


# An idempotency key replays the first answer to whoever sends it with the same address, so it must be a
# secret hard to guess: clients choose at least 16 characters (a UUID, or 16 random bytes in hex).
KEY_LENGTH = (16, 64)


def valid_key(key: object) -> bool:
    return isinstance(key, str) and KEY_LENGTH[0] <= len(key) <= KEY_LENGTH[1]


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
    # The page's language (one of LANGUAGES; empty: the site's default) and the registrant's IANA zone
    # (empty: the event's): every mail to them is written in these (conference.registrations.mails).
    language: str = ""
    timezone: str = ""

    def __post_init__(self) -> None:
        # A plain "online" becomes the member, so the new registration holds what a loaded one would.
        self.attendance_mode = RegistrationMode(self.attendance_mode)


@dataclass(frozen=True)
class RegistrationSummary:
    """What a registrant is told right after registering, captured before the commit expires the objects."""

    token: str
    feed_token: str
    status: RegistrationStatus
    attendance_mode: RegistrationMode
    idempotency_key: str | None
    seats: tuple[tuple[int, SeatStatus], ...]
    language: str = ""
    timezone: str = ""


def summarise(registration: Registration) -> RegistrationSummary:
    return RegistrationSummary(
        token=registration.token,
        feed_token=registration.feed_token,
        status=registration.status,
        attendance_mode=registration.attendance_mode,
        idempotency_key=registration.idempotency_key,
        seats=tuple((seat.session_id, seat.status) for seat in registration.seats),
        language=registration.language,
        timezone=registration.timezone,
    )


class Outcome(enum.StrEnum):
    CREATED = "created"  # a new registration: the answer may carry its links
    REPEATED = "repeated"  # the same key, address and event again: the first answer again
    LINK_SENT = "link_sent"  # the address was registered (or its cancelled registration revived): mailed


@dataclass
class RegisterResult:
    registration_id: int
    # What the submitter may be shown; None when the outcome is LINK_SENT (they proved no ownership).
    summary: RegistrationSummary | None
    outcome: Outcome

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.CREATED

    @property
    def registration(self) -> Registration:
        return db.session.get(Registration, self.registration_id)


class _Taken(Exception):
    """The address or idempotency key is taken: roll back and start again, looking for it first."""


def register(event: Event, data: RegistrationInput) -> RegisterResult:
    """Register for the event; for an address already registered, mail its link (see the module's doc)."""
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
            # The address or key is taken (perhaps by a concurrent request): look it up and answer for it.
            db.session.rollback()
            look_first = True
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _existing(event_id: int, email: str) -> Registration | None:
    """The event's registration with this address, locked (PostgreSQL) and fresh, so that two requests
    reviving one cancelled registration do it one after the other."""
    return db.session.scalars(
        sa.select(Registration)
        # lower(): addresses stored before they were normalised to lower case
        .where(Registration.event_id == event_id, sa.func.lower(Registration.email) == email.lower())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _check_key(event_id: int, data: RegistrationInput) -> None:
    """Refuse an idempotency key that was first used with another address or for another event."""
    if not data.idempotency_key:
        return
    owner = db.session.execute(
        sa.select(Registration.event_id, Registration.email).where(
            Registration.idempotency_key == data.idempotency_key
        )
    ).first()
    if owner is not None and (owner.event_id != event_id or owner.email.lower() != data.email.lower()):
        raise IdempotencyKeyTaken(other_event=owner.event_id != event_id)


def _register(event: Event, data: RegistrationInput, look_first: bool) -> RegisterResult:
    if not look_first:
        return _register_new(event, data)
    _check_key(event.id, data)
    existing = _existing(event.id, data.email)
    if existing is None:  # the key's registration is gone (erased) since the INSERT conflicted
        return _register_new(event, data)
    if existing.status == RegistrationStatus.CANCELLED:
        return _revive(existing, event, data)
    if data.idempotency_key and existing.idempotency_key == data.idempotency_key:
        return RegisterResult(existing.id, summarise(existing), Outcome.REPEATED)
    if throttle.claim(existing.email):
        mails.queue(existing, "manage_link")
    return RegisterResult(existing.id, None, Outcome.LINK_SENT)


def _fill(registration: Registration, data: RegistrationInput, now: datetime) -> None:
    registration.name = data.name
    registration.affiliation = data.affiliation
    registration.country = data.country
    registration.accessibility_needs = data.accessibility_needs
    registration.language = data.language
    registration.timezone = data.timezone
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
    """A cancelled registration starts afresh with the new details: new manage and feed tokens and check-in
    code, none of the earlier answers or seats. The submitter may not own the address, so they are only told
    that the link was sent; the address is told by mail (always: the registration changed) with the new link.
    The idempotency key is not kept: the same request again is answered "link sent" as this one was."""
    now = utcnow()
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.created_at = now
    registration.token = new_token()
    registration.feed_token = new_token()
    registration.checkin_code = new_checkin_code()
    registration.seats.clear()
    registration.answers.clear()
    db.session.flush()
    _fill(registration, data, now)
    registration.idempotency_key = None
    if event.approval_required:
        _await_approval(registration, data.session_ids)
        kind = "pending"
    else:
        allocation.allocate_to(registration, event, data.session_ids)
        kind = "confirmed" if registration.status == RegistrationStatus.CONFIRMED else "waitlisted"
    db.session.flush()
    throttle.claim(registration.email, always=True)  # repeats right after this send nothing more
    mails.queue(registration, kind, revived=True)
    return RegisterResult(registration.id, None, Outcome.LINK_SENT)


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
        feed_token=new_token(),
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
    # The mail for the predicted outcome is written with the rows (one statement on PostgreSQL).
    kind = "pending" if event.approval_required else predicted.mail_kind if predicted else None
    inserted = rows.insert_new(registration, mails.message(registration, kind) if kind else None)
    if inserted is None:
        raise _Taken
    if event.approval_required:
        return RegisterResult(registration.id, summarise(registration), Outcome.CREATED)
    message_id = inserted.message_id
    actual = allocation.allocate(event, data.attendance_mode, data.session_ids)
    if actual != predicted:
        if message_id is not None:
            outbox.withdraw(message_id)
        allocation.apply(registration, actual)
        rows.update_statuses(registration)
        mails.queue(registration, actual.mail_kind)
    return RegisterResult(registration.id, summarise(registration), Outcome.CREATED)
