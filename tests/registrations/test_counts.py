"""The organiser pages' counts (by status, per session, the check-in desk's arrivals) read the seat counters
and index ranges instead of counting every registration: after a random mix of registrations,
cancellations, approvals, changes, erasures, check-ins and undos through the operations, they equal what
plain COUNTs of every row say."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.registrations import capacity, operations
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.queries import checkin_counts, session_counts, status_counts
from conference.registrations.registering import RegistrationInput, register
from conference.sessions.models import Session, SessionStatus
from tests.factories import make_event, make_session


def counted(event: Event) -> tuple[dict, dict, dict]:
    """The same three answers from plain COUNTs of every row (what the pages ran before)."""
    by_status = {s.value: 0 for s in RegistrationStatus}
    for status, n in db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ):
        by_status[RegistrationStatus(status).value] = n
    seats: dict[tuple[int, str], int] = {}
    for session_id, status, n in db.session.execute(
        sa.select(SessionSeat.session_id, SessionSeat.status, sa.func.count())
        .join(Session)
        .where(Session.event_id == event.id)
        .group_by(SessionSeat.session_id, SessionSeat.status)
    ):
        seats[(session_id, SeatStatus(status).value)] = n
    sessions = db.session.scalars(
        sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at, Session.id)
    ).all()
    per_session = {
        s.id: (seats.get((s.id, "confirmed"), 0), seats.get((s.id, "waitlisted"), 0)) for s in sessions
    }
    confirmed = sa.and_(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.erased_at.is_(None),
    )
    arrived = Registration.checked_in_at.is_not(None)
    modes = {
        RegistrationMode(mode).value: (expected, checked or 0)
        for mode, expected, checked in db.session.execute(
            sa.select(
                Registration.attendance_mode, sa.func.count(), sa.func.sum(sa.case((arrived, 1), else_=0))
            )
            .where(confirmed)
            .group_by(Registration.attendance_mode)
        )
    }
    desk = {}
    for s in sessions:
        if s.status == SessionStatus.CANCELLED:
            continue
        rows = db.session.execute(
            sa.select(Registration.checked_in_at)
            .join(SessionSeat, SessionSeat.registration_id == Registration.id)
            .where(confirmed, SessionSeat.session_id == s.id, SessionSeat.status == SeatStatus.CONFIRMED)
        ).all()
        desk[s.id] = (len(rows), sum(1 for (at,) in rows if at is not None))
    return by_status, {"sessions": per_session, "modes": modes}, desk


def test_counts_equal_plain_counts_after_random_changes(app) -> None:  # noqa: ANN001
    rng = random.Random(15)
    event = make_event(slug="counted", capacity_in_person=6, capacity_online=3)
    sessions = [
        make_session(event, capacity=cap, starts_at=event.starts_at + timedelta(hours=n))
        for n, cap in enumerate((3, 5, None))
    ]
    make_event(slug="other")  # another event's registrations never count here
    db.session.commit()
    event_id, session_ids = event.id, [s.id for s in sessions]
    for n in range(120):
        event = db.session.get(Event, event_id)
        if n == 80:  # from now on, new registrations wait for approval
            event.approval_required = True
            db.session.commit()
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
        ).all()
        action = rng.choice(["register"] * 4 + ["cancel", "check_in", "undo", "erase", "change", "decide"])
        if action == "register" or not registrations:
            register(
                event,
                RegistrationInput(
                    name=f"Person {n}",
                    email=f"person{n}@example.org",
                    attendance_mode=rng.choice(list(RegistrationMode)),
                    session_ids=rng.sample(session_ids, rng.randint(0, 3)),
                ),
            )
            continue
        registration = rng.choice(registrations)
        if action == "cancel" and registration.status not in capacity.ENDED:
            operations.cancel_registration(None, registration)
        elif action == "check_in" and registration.status == RegistrationStatus.CONFIRMED:
            operations.check_in(None, registration)
        elif action == "undo":
            operations.undo_check_in(None, registration)
        elif action == "erase" and registration.erased_at is None:
            operations.erase(None, registration)
        elif action == "change" and registration.status not in capacity.ENDED:
            with contextlib.suppress(capacity.NoSeatForMode):  # no seat in the other mode: nothing changes
                capacity.change(
                    registration,
                    rng.choice(list(RegistrationMode)),
                    rng.sample(session_ids, rng.randint(0, 3)),
                )
        elif action == "decide" and registration.status == RegistrationStatus.PENDING:
            (operations.approve if rng.random() < 0.7 else operations.reject)(None, registration)
    # Most of those confirmed arrive.
    event = db.session.get(Event, event_id)
    for registration in db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    ).all():
        if rng.random() < 0.6:
            operations.check_in(None, registration)
    db.session.expire_all()
    event = db.session.get(Event, event_id)

    by_status, plain, desk = counted(event)
    assert sum(by_status.values()) > 30 and by_status["confirmed"] and by_status["cancelled"]
    assert by_status["waitlisted"] and by_status["pending"]  # every kind of count is exercised
    assert status_counts(event) == by_status
    assert {s.id: (confirmed, waiting) for s, confirmed, waiting in session_counts(event)} == plain[
        "sessions"
    ]
    counts = checkin_counts(event)
    assert {m["mode"]: (m["expected"], m["checked_in"]) for m in counts["modes"]} == {
        mode.value: plain["modes"].get(mode.value, (0, 0)) for mode in RegistrationMode
    }
    assert counts["checked_in"] == sum(c for _e, c in plain["modes"].values()) > 0
    assert {s["id"]: (s["expected"], s["checked_in"]) for s in counts["sessions"]} == desk
    assert any(checked for _expected, checked in desk.values())
