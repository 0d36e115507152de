"""Registrations made together: one form registering one person for several co-located events
(`conference.registrations.together`) links the registrations it created by a shared bundle id.

The bundle is what makes "one manage link, one agenda": the manage page of any registration of a bundle
shows the others (with their own links), and the personal calendar feed of any of them covers all
(`conference.feeds.builders.registration_feed_data`). Each registration stays its event's own, with its
event's capacity, waiting list, approval, questions and check-in code; cancelling one leaves the others.
Only registrations created by the same submission are bundled: an address's earlier registration for one of
the events is never joined to a new bundle (whoever submits the form proves nothing but knowing the address).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased, mapped_column

from conference.db import db
from conference.registrations.models import Registration


class RegistrationBundle(db.Model):
    """A registration's membership of a bundle (registrations made together in one form)."""

    __tablename__ = "registration_bundles"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    bundle: Mapped[str] = mapped_column(sa.String(36), index=True)


def bundle_members(registration: Registration) -> list[Registration]:
    """The other registrations made together with this one (their personal data not erased), in the order
    of their events. One query."""
    mine = aliased(RegistrationBundle)
    theirs = aliased(RegistrationBundle)
    from conference.events.models import Event

    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(theirs, theirs.registration_id == Registration.id)
            .join(mine, mine.bundle == theirs.bundle)
            .join(Event, Event.id == Registration.event_id)
            .where(
                mine.registration_id == registration.id,
                Registration.id != registration.id,
                Registration.erased_at.is_(None),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )
