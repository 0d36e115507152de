"""How registrations react to what other areas announce (`conference.signals`).

Connected by `connect()`, which `create_app` calls; each receiver writes in the transaction of the operation
that sent the signal (the operation commits):

- a session cancelled: its seats are cancelled and given back, nobody is promoted into it, and it can no
  longer be chosen (`withdrawal.withdraw_session_seats`);
- a session restored: the seats its cancellation took come back on its waiting list in their original
  order, then the list is promoted up to capacity (`withdrawal.give_back_session_seats`);
- a session's or the event's capacity raised: the waiting list is promoted in order (`promotion.refill`);
  a capacity below the seats taken never gets here, the operation refuses it first;
- an event cancelled: every active registration is cancelled with its seats, all counters go to zero
  (`withdrawal.withdraw_event_registrations`); restored: they come back on the waiting list in order and are
  promoted up to capacity (`withdrawal.give_back_event_registrations`).
"""

from __future__ import annotations

from conference import signals
from conference.events.models import Event
from conference.operations import capacity_raised
from conference.registrations import promotion, withdrawal
from conference.registrations.models import RegistrationMode
from conference.sessions.models import Session


def session_cancelled(session: Session, **_: object) -> None:
    withdrawal.withdraw_session_seats([session.id])


def session_restored(session: Session, **_: object) -> None:
    withdrawal.give_back_session_seats(session.id)


def session_capacity_changed(session: Session, *, old: int | None, new: int | None, **_: object) -> None:
    if capacity_raised(old, new) and not session.is_cancelled:
        promotion.refill(session.event, session_ids=[session.id])


def event_capacity_changed(
    event: Event, *, mode: RegistrationMode, old: int | None, new: int | None, **_: object
) -> None:
    if capacity_raised(old, new):
        promotion.refill(event, modes=[mode])


def event_cancelled(event: Event, **_: object) -> None:
    withdrawal.withdraw_event_registrations(event)


def event_restored(event: Event, **_: object) -> None:
    withdrawal.give_back_event_registrations(event)


RECEIVERS = (
    (signals.session_cancelled, session_cancelled),
    (signals.session_restored, session_restored),
    (signals.session_capacity_changed, session_capacity_changed),
    (signals.event_capacity_changed, event_capacity_changed),
    (signals.event_cancelled, event_cancelled),
    (signals.event_restored, event_restored),
)


def connect() -> None:
    """Connect the receivers (idempotent: connecting a receiver twice keeps one connection)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
