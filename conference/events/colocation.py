"""Co-located events: events held at the same place on adjoining dates, linked as one gathering.

The model is a gathering: every linked event has one `Colocation` row naming its gathering (a uid), so a
group of three or more is as simple as a pair and the relation is symmetric by construction. An event's
co-located events are the other events of its gathering.

The rule of who may link (`set_colocated`, the one operation; the organiser page and the API call it):
- changing an event's list needs edit rights on that event (owner, manager or admin);
- adding an event to the list needs edit rights on it too (linking shows each event on the other's page
  and offers them in one registration form, so both teams agree by both having an editor act);
- removing an event needs nothing more: either side may unlink.
Setting A's list to L makes A's gathering exactly {A} ∪ L: an event of L that was in another gathering
moves over (leaving its old one), and the events of A's old gathering that are not in L stay together without
A. A gathering left with one event is dissolved. The public sees only published events of a gathering
(`Event.is_published`): a draft is never shown or offered through the link.

Each change is announced with `signals.settings_changed` (action "colocation.changed") for every event
whose list changed, so the audit log records it on each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, aliased, mapped_column

from conference import signals
from conference.db import db, lock_row, new_uid
from conference.events.models import Event
from conference.operations import OperationError, transaction

if TYPE_CHECKING:
    from conference.auth.models import User

# At most this many events in one gathering (a form and a programme page stay readable).
MAX_GATHERING = 12


class Colocation(db.Model):
    """An event's membership of a gathering of co-located events (at most one per event)."""

    __tablename__ = "colocations"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    gathering: Mapped[str] = mapped_column(sa.String(36), index=True)


def _partners_query(event_id: int, public: bool) -> sa.Select:
    mine = aliased(Colocation)
    theirs = aliased(Colocation)
    query = (
        sa.select(Event)
        .join(theirs, theirs.event_id == Event.id)
        .join(mine, mine.gathering == theirs.gathering)
        .where(mine.event_id == event_id, Event.id != event_id)
        .order_by(Event.starts_at, Event.id)
    )
    return query.where(Event.is_published) if public else query


def partners(event: Event, *, public: bool = True) -> list[Event]:
    """The other events of the event's gathering, by start (`public`: the published ones only). One query."""
    if event.id is None:
        return []
    return list(db.session.scalars(_partners_query(event.id, public)))


def partner_slugs(event: Event, *, public: bool = True) -> list[str]:
    return [other.slug for other in partners(event, public=public)]


def gathering_of(event: Event) -> list[Event]:
    """The event and its published co-located events, by start (the combined programme and form)."""
    return sorted([event, *partners(event)], key=lambda e: (e.starts_at, e.id))


def _gathering_id(event_id: int) -> str | None:
    return db.session.scalar(sa.select(Colocation.gathering).where(Colocation.event_id == event_id))


def _members(gathering: str | None) -> set[int]:
    if gathering is None:
        return set()
    return set(db.session.scalars(sa.select(Colocation.event_id).where(Colocation.gathering == gathering)))


def resolve_slugs(actor: User | None, event: Event, slugs: object) -> list[Event]:
    """The events named by `slugs` (a list of slugs), or OperationError saying what is wrong: not a list of
    strings, an unknown slug (also a draft the actor may not see: its existence is not told), the event
    itself."""
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise OperationError(_("Give a list of event short names (slugs)."), "colocated_with")
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    if len(wanted) >= MAX_GATHERING:
        raise OperationError(
            _("At most %(num)s events can be co-located.", num=MAX_GATHERING), "colocated_with"
        )
    if event.slug in wanted:
        raise OperationError(_("An event cannot be co-located with itself."), "colocated_with")
    found = {
        e.slug: e
        for e in db.session.scalars(sa.select(Event).where(Event.slug.in_(wanted)))
        if actor is None or e.is_visible_to(actor)
    }
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise OperationError(
            _("No event with the short name %(slug)s.", slug=", ".join(unknown)), "colocated_with"
        )
    return [found[slug] for slug in wanted]


def _may_edit(actor: User | None, event: Event) -> bool:
    if actor is None:  # the command line, the demo
        return True
    from conference.auth.permissions import EDITORS, may_access

    return may_access(actor, event, EDITORS)


def check_colocated(actor: User | None, event: Event, others: Sequence[Event]) -> None:
    """Refuse (OperationError) what `set_colocated` would refuse, without writing: the event itself, more
    than MAX_GATHERING events, an event to add that the actor may not edit."""
    if any(other.id == event.id for other in others):
        raise OperationError(_("An event cannot be co-located with itself."), "colocated_with")
    if len(others) >= MAX_GATHERING:
        raise OperationError(
            _("At most %(num)s events can be co-located.", num=MAX_GATHERING), "colocated_with"
        )
    if not _may_edit(actor, event):
        raise OperationError(_("You may not edit this event."), "colocated_with")
    current = _members(_gathering_id(event.id)) if event.id else set()
    check_addable(actor, [other for other in others if other.id not in current])


def check_addable(actor: User | None, added: Sequence[Event]) -> None:
    """Refuse (OperationError) adding events the actor may not edit."""
    refused = [other.slug for other in added if not _may_edit(actor, other)]
    if refused:
        raise OperationError(
            _("You may link only events you may edit: %(slugs)s.", slugs=", ".join(refused)), "colocated_with"
        )


def set_colocated(actor: User | None, event: Event, others: Sequence[Event], *, commit: bool = True) -> bool:
    """Make `event`'s co-located events exactly `others` (see the module's doc for the rule). Returns
    whether anything changed. Refuses (OperationError, nothing written) an event the actor may not edit."""
    with transaction(commit):
        lock_row(Event, event.id)  # two changes of one event's gathering go one after the other
        check_colocated(actor, event, others)
        gathering = _gathering_id(event.id)
        current = _members(gathering) - {event.id}
        wanted = {other.id for other in others}
        added = [other for other in others if other.id not in current]
        if wanted == current:
            return False
        olds = {gathering, *(_gathering_id(other.id) for other in added)} - {None}
        touched: set[int] = {event.id} | current | wanted
        for old in olds:
            touched |= _members(old)
        before = {event_id: _slugs_of(event_id) for event_id in touched}
        # The new gathering is exactly the event and `others`; whoever else was with them stays together.
        members = [event.id, *sorted(wanted)]
        _leave(members)
        if wanted:
            kept = gathering if gathering is not None and current <= wanted else new_uid()
            db.session.execute(
                sa.insert(Colocation.__table__), [{"event_id": m, "gathering": kept} for m in members]
            )
        db.session.flush()
        for old in olds:
            _dissolve_if_alone(old)
        db.session.flush()
        _announce(actor, before)
    return True


def _leave(event_ids: list[int]) -> None:
    if event_ids:
        db.session.execute(sa.delete(Colocation).where(Colocation.event_id.in_(event_ids)))


def _dissolve_if_alone(gathering: str | None) -> None:
    if gathering is not None and len(_members(gathering)) < 2:
        db.session.execute(sa.delete(Colocation).where(Colocation.gathering == gathering))


def _slugs_of(event_id: int) -> list[str]:
    return [other.slug for other in db.session.scalars(_partners_query(event_id, public=False))]


def _announce(actor: User | None, before: dict[int, list[str]]) -> None:
    """`settings_changed` for every event whose list changed, with its list before and after."""
    for changed in db.session.scalars(sa.select(Event).where(Event.id.in_(before)).order_by(Event.id)):
        after = _slugs_of(changed.id)
        if after == before[changed.id]:
            continue
        signals.settings_changed.send(
            changed,
            actor=actor,
            action="colocation.changed",
            subject_type="event",
            subject_id=changed.id,
            label=changed.title,
            changes={"colocated_with": (before[changed.id], after)},
        )
