"""Random sequences of organiser operations and registrations against the real database (hypothesis'
stateful testing), with the seat invariants checked after every step:

- the seats taken of each session and of each attendance mode equal the confirmed choices;
- nobody is confirmed in a cancelled session or a cancelled event;
- a waiting list exists only behind a full capacity (nobody waits for a seat that is free);
- every change that notifies (a session moved or cancelled, the event cancelled; unless notify=False) wrote
  exactly one outbox message to each person it touched, and no other change wrote any
  (NOTICE_DELAY_SECONDS=0: no folding).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conference.db import db
from conference.events import status as event_status
from conference.events.models import Event, EventStatus
from conference.mail import notices
from conference.mail.models import OutboxMessage, SessionNotice
from conference.operations import OperationError
from conference.registrations import capacity, registering
from conference.registrations import operations as registration_operations
from conference.registrations.availability import registrable_sessions, registration_state
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.sessions import operations as session_operations
from conference.sessions.models import Session, SessionKind, SessionStatus
from tests.conftest import _empty_all_tables
from tests.factories import add_member, make_event, make_user

EMAILS = [f"p{i}@example.org" for i in range(12)]
CAPACITY = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
MODES = st.sampled_from([RegistrationMode.IN_PERSON, RegistrationMode.ONLINE])


class Programme(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        db.session.rollback()
        _empty_all_tables()
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=10)
        from conference.events.models import AttendanceMode

        event = make_event(
            slug="prop", starts_at=start, capacity_in_person=2, capacity_online=None,
            attendance_mode=AttendanceMode.HYBRID,
        )  # fmt: skip
        self.owner = make_user()
        add_member(event, self.owner)
        db.session.commit()
        self.event_id = event.id
        self.start = start
        from flask import current_app

        current_app.config["NOTICE_DELAY_SECONDS"] = 0
        self.notified: Counter = Counter()  # (session id, address) -> notices the changes should have written
        self.event_notified: Counter = Counter()  # address -> event-cancelled notices that should be written
        self.session_ids: list[int] = []
        self.create_session(1)  # two small sessions from the start, so that registrations choose some
        self.create_session(2)

    @property
    def event(self) -> Event:
        return db.session.get(Event, self.event_id)

    def _session(self, index: int) -> Session:
        return db.session.get(Session, self.session_ids[index % len(self.session_ids)])

    # --- organiser operations ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.session_ids) < 5)
    @rule(capacity=CAPACITY)
    def create_session(self, capacity: int | None) -> None:
        n = len(self.session_ids)
        values = {
            "title": f"S{n}", "kind": SessionKind.PANEL, "description": "",
            "starts_at": self.start + timedelta(hours=n), "ends_at": self.start + timedelta(hours=n, minutes=50),
            "room_id": None, "registration_enabled": True, "capacity": capacity,
        }  # fmt: skip
        self.session_ids.append(session_operations.create_session(self.owner, self.event, values).id)

    @precondition(lambda self: self.session_ids)
    @rule(index=st.integers(0, 3), notify=st.booleans())
    def cancel_session(self, index: int, notify: bool = True) -> None:
        session = self._session(index)
        touched = self._touched(session)
        try:
            session_operations.cancel_session(self.owner, session, notify=notify)
        except OperationError:
            assert session.status == SessionStatus.CANCELLED
        else:
            if notify:
                self.notified.update(touched)

    @precondition(lambda self: self.session_ids)
    @rule(index=st.integers(0, 3), hours=st.integers(1, 3), notify=st.booleans())
    def move_session(self, index: int, hours: int, notify: bool) -> None:
        session = self._session(index)
        touched = self._touched(session) if session.status != SessionStatus.CANCELLED else []
        shift = timedelta(hours=hours)
        values = {"starts_at": session.starts_at + shift, "ends_at": session.ends_at + shift}
        session_operations.edit_session(self.owner, session, values, notify=notify)
        if notify:
            self.notified.update(touched)

    def _touched(self, session: Session) -> list[tuple[int, str]]:
        """Whom a notice about the session reaches now, one entry per address."""
        return [(session.id, r.address.lower()) for r in notices.recipients(session)]

    @precondition(lambda self: self.session_ids)
    @rule(index=st.integers(0, 3))
    def restore_session(self, index: int) -> None:
        session = self._session(index)
        try:
            session_operations.restore_session(self.owner, session)
        except OperationError:
            assert session.status == SessionStatus.SCHEDULED

    @precondition(lambda self: self.session_ids)
    @rule(index=st.integers(0, 3), new=CAPACITY)
    def change_session_capacity(self, index: int, new: int | None) -> None:
        session = self._session(index)
        taken = session.seats_taken
        try:
            session_operations.change_capacity(self.owner, session, new)
        except OperationError as error:
            assert new is not None and new < taken and str(taken) in error.message

    @rule(mode=MODES, new=CAPACITY)
    def change_event_capacity(self, mode: RegistrationMode, new: int | None) -> None:
        event = self.event
        capacities = {
            RegistrationMode.IN_PERSON: event.capacity_in_person,
            RegistrationMode.ONLINE: event.capacity_online,
        }
        capacities[mode] = new
        try:
            registration_operations.update_settings(
                self.owner, event, enabled=True, opens_at=None, closes_at=None, capacities=capacities,
                waitlist=True, approval=False,
            )  # fmt: skip
        except OperationError as error:
            taken = (
                event.seats_taken_in_person
                if mode == RegistrationMode.IN_PERSON
                else event.seats_taken_online
            )
            assert new is not None and new < taken and str(taken) in error.message

    @rule(notify=st.booleans())
    def cancel_event(self, notify: bool) -> None:
        event = self.event
        # Whom it should tell, worked out apart from the notices module: each address with an active
        # registration (the machine's sessions have no people), if the event was ever published.
        active = db.session.scalars(
            sa.select(sa.func.lower(Registration.email)).where(
                Registration.event_id == event.id,
                Registration.status.in_(
                    (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
                ),
            )
        ).all()
        ever_published = event.first_published_at is not None
        try:
            event_status.cancel_event(self.owner, event, notify=notify)
        except OperationError:
            assert event.status == EventStatus.CANCELLED
        else:
            if notify and ever_published:
                self.event_notified.update(set(active))

    @rule()
    def reopen_event(self) -> None:
        """Restore a cancelled event (it becomes a draft), then publish it again: registration reopens."""
        event = self.event
        if event.status == EventStatus.CANCELLED:
            event_status.restore_event(self.owner, event)
        with pytest.raises(OperationError):
            event_status.restore_event(self.owner, self.event)  # only a cancelled event is restored
        if self.event.status == EventStatus.DRAFT:
            event_status.publish(self.owner, self.event, clashes_confirmed=True)
        assert self.event.status == EventStatus.PUBLISHED

    # --- registrants -------------------------------------------------------------------------------------

    REGISTER = {
        "email": st.sampled_from(EMAILS),
        "mode": MODES,
        "picks": st.sets(st.integers(0, 3), max_size=3),
    }

    @rule(**REGISTER)
    def register_more(self, email: str, mode: RegistrationMode, picks: set[int]) -> None:
        self.register(email, mode, picks)  # registering is the commonest step: offered twice as often

    @rule(**REGISTER)
    def register(self, email: str, mode: RegistrationMode, picks: set[int]) -> None:
        event = self.event
        if registration_state(event) != "open":
            return
        open_ids = [s.id for s in registrable_sessions(event, list(event.sessions))]
        chosen = [open_ids[i % len(open_ids)] for i in sorted(picks)] if open_ids else []
        data = registering.RegistrationInput(email, email, mode, list(dict.fromkeys(chosen)))
        registering.register(event, data)

    @rule(email=st.sampled_from(EMAILS), mode=MODES, picks=st.sets(st.integers(0, 3), max_size=3))
    def change_choices(self, email: str, mode: RegistrationMode, picks: set[int]) -> None:
        """The registrant changes attendance mode and sessions on the manage page (`capacity.change`)."""
        registration = db.session.scalars(
            sa.select(Registration).where(Registration.email == email, Registration.event_id == self.event_id)
        ).first()
        event = self.event
        if registration is None or registration_state(event) != "open":
            return
        open_ids = [s.id for s in registrable_sessions(event, list(event.sessions))]
        chosen = [open_ids[i % len(open_ids)] for i in sorted(picks)] if open_ids else []
        with contextlib.suppress(capacity.NoSeatForMode):
            capacity.change(registration, mode, list(dict.fromkeys(chosen)))

    @rule(email=st.sampled_from(EMAILS), by_organiser=st.booleans())
    def cancel_registration(self, email: str, by_organiser: bool) -> None:
        registration = db.session.scalars(
            sa.select(Registration).where(Registration.email == email, Registration.event_id == self.event_id)
        ).first()
        if registration is None:
            return
        if by_organiser:
            try:
                registration_operations.cancel_registration(self.owner, registration)
            except OperationError:
                assert registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
        else:
            capacity.cancel(registration)

    # --- invariants ----------------------------------------------------------------------------------------

    @invariant()
    def one_notice_per_person_and_change(self) -> None:
        written = db.session.execute(
            sa.select(SessionNotice.session_id, OutboxMessage.to_address).join(
                OutboxMessage, OutboxMessage.id == SessionNotice.outbox_id
            )
        ).all()
        assert Counter((session_id, to.lower()) for session_id, to in written) == self.notified
        told = db.session.scalars(
            sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == notices.EVENT_CANCELLED)
        ).all()
        assert Counter(to.lower() for to in told) == self.event_notified

    @invariant()
    def seats_add_up(self) -> None:
        db.session.expire_all()
        event = self.event
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event.id)
        ).all()
        seats = db.session.scalars(sa.select(SessionSeat)).all()
        for mode, taken, cap in (
            (RegistrationMode.IN_PERSON, event.seats_taken_in_person, event.capacity_in_person),
            (RegistrationMode.ONLINE, event.seats_taken_online, event.capacity_online),
        ):
            of_mode = [r for r in registrations if r.attendance_mode == mode]
            confirmed = [r for r in of_mode if r.status == RegistrationStatus.CONFIRMED]
            assert taken == len(confirmed) == sum(r.holds_event_seat for r in of_mode), mode
            if any(r.status == RegistrationStatus.WAITLISTED for r in of_mode):
                assert cap is not None and taken >= cap, f"{mode} has a waiting list and a free seat"
        if event.status == EventStatus.CANCELLED:
            assert not any(r.status == RegistrationStatus.CONFIRMED for r in registrations)
        for session in event.sessions:
            mine = [s for s in seats if s.session_id == session.id]
            confirmed = [s for s in mine if s.status == SeatStatus.CONFIRMED]
            assert session.seats_taken == len(confirmed), session.title
            assert all(s.registration.status == RegistrationStatus.CONFIRMED for s in confirmed)
            if session.status == SessionStatus.CANCELLED:
                assert not confirmed, f"confirmed in cancelled {session.title}"
                continue
            waiting = [
                s for s in mine
                if s.status == SeatStatus.WAITLISTED and s.registration.status == RegistrationStatus.CONFIRMED
            ]  # fmt: skip
            if waiting:
                assert session.capacity is not None and session.seats_taken >= session.capacity, (
                    f"{session.title} has a waiting list and a free seat"
                )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_random_programme_changes_keep_the_seats_right(app) -> None:  # noqa: ANN001
    run_state_machine_as_test(
        Programme,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
