"""An event's status and its end: publish, unpublish, cancel, restore (`change_status`), and deleting a draft
that was never published. Creating, editing and duplicating events, their hosts, partners, publications and
team: `conference.events.operations` (the same rules for operations apply here: the acting user, refusals with
`OperationError` before anything is written, one transaction, the signal inside it).

An event's status moves only along `TRANSITIONS`, the one table of allowed moves:

| from \\ to | draft | published | cancelled |
|---|---|---|---|
| draft | – | publish | cancel |
| published | unpublish | – | cancel |
| cancelled | restore | – (restore first) | – |

Cancelling an event cancels every active registration with its seats (they are marked withdrawn) and, unless
called with notify=False, tells every registrant and assigned person once (`conference.mail.notices`);
restoring it makes it a draft again and puts those registrations back on the waiting list in their original
order, promoted up to capacity (`conference.registrations.reactions`; those promoted get the usual mail),
and takes back the cancellation notices still waiting in the outbox (sent ones stay sent). A cancelled event
is public only if it was ever published (`Event.is_published`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from conference import signals
from conference.db import db, lock_row
from conference.events.models import Event, EventStatus
from conference.operations import OperationError, transaction

if TYPE_CHECKING:
    from conference.auth.models import User

DRAFT, PUBLISHED, CANCELLED = EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CANCELLED

# The allowed moves of an event's status: (from, to) -> the move's name and its signal.
TRANSITIONS = {
    (DRAFT, PUBLISHED): ("publish", signals.event_published),
    (PUBLISHED, DRAFT): ("unpublish", signals.event_unpublished),
    (DRAFT, CANCELLED): ("cancel", signals.event_cancelled),
    (PUBLISHED, CANCELLED): ("cancel", signals.event_cancelled),
    (CANCELLED, DRAFT): ("restore", signals.event_restored),
}
# Why a move that is not in the table is refused, by the status it would go to.
REFUSALS = {
    PUBLISHED: _l("A cancelled event is restored as a draft first; then it can be published again."),
    DRAFT: _l("Only a published or cancelled event can become a draft."),
    CANCELLED: _l("This event is cancelled already."),
}
SAME = {
    DRAFT: _l("This event is a draft already."),
    PUBLISHED: _l("This event is published already."),
    CANCELLED: _l("This event is cancelled already."),
}


def allowed(current: EventStatus, wanted: EventStatus) -> bool:
    return (current, wanted) in TRANSITIONS


def change_status(
    actor: User | None,
    event: Event,
    wanted: EventStatus,
    *,
    clashes_confirmed: bool = True,
    notify: bool = True,
) -> str:
    """Move the event's status along `TRANSITIONS` (anything else is refused with the reason) and announce
    the move's signal; registrations react to cancel and restore, and a cancellation is announced with
    `notify` (False: nobody is told). Publishing a programme with clashes needs `clashes_confirmed`.
    Returns the move's name."""
    if event.status == wanted:
        raise OperationError(str(SAME[wanted]), "status")
    if not allowed(event.status, wanted):
        raise OperationError(str(REFUSALS[wanted]), "status")
    if wanted == PUBLISHED and not clashes_confirmed:
        from conference.sessions.clashes import event_clashes

        clashes = event_clashes(event)
        if clashes:
            raise OperationError(
                ngettext(
                    "This event has %(num)s clash. Check it below, then confirm to publish anyway.",
                    "This event has %(num)s clashes. Check them below, then confirm to publish anyway.",
                    len(clashes),
                ),
                "confirm",
            )
    with transaction():
        event = lock_row(Event, event.id)
        if not allowed(event.status, wanted):  # changed since it was read
            raise OperationError(str(REFUSALS[wanted]), "status")
        name, signal = TRANSITIONS[(event.status, wanted)]
        event.status = wanted
        db.session.flush()
        if signal is signals.event_cancelled:
            signal.send(event, actor=actor, notify=notify)
        else:
            signal.send(event, actor=actor)
    return name


def publish(actor: User | None, event: Event, *, clashes_confirmed: bool = False) -> None:
    change_status(actor, event, PUBLISHED, clashes_confirmed=clashes_confirmed)


def unpublish(actor: User | None, event: Event) -> None:
    change_status(actor, event, DRAFT)


def cancel_event(actor: User | None, event: Event, *, notify: bool = True) -> None:
    """Cancel the event; with `notify` its registrants and speakers get one notice each
    (`conference.mail.notices`)."""
    change_status(actor, event, CANCELLED, notify=notify)


def restore_event(actor: User | None, event: Event) -> None:
    if event.status != CANCELLED:
        raise OperationError(_("Only a cancelled event can be restored."), "status")
    change_status(actor, event, DRAFT)


def deletion_refusal(event: Event) -> str | None:
    """Why the event may not be deleted (None: it may): only a draft that was never published and has no
    registrations can go; every other event is cancelled instead, so that nothing anyone saw or registered
    for disappears."""
    from conference.registrations.models import Registration

    has_registrations = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.event_id == event.id)
    )
    if event.status != DRAFT or event.first_published_at is not None or has_registrations:
        return _("Only a draft that was never published and has no registrations can be deleted; cancel it.")
    return None


def delete_event(actor: User | None, event: Event) -> None:
    """Delete the event with its programme and rooms if `deletion_refusal` allows it."""
    with transaction():
        event = lock_row(Event, event.id)
        refusal = deletion_refusal(event)
        if refusal:
            raise OperationError(refusal)
        signals.event_deleted.send(event, actor=actor)
        db.session.delete(event)
