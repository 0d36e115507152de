"""Demo data: the two programmes from the product brief, dated in the coming weeks.

Loading is idempotent: an event whose slug already exists is left exactly as it is.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.demo.chiang_mai import build_congress, build_symposium
from conference.demo.common import CONGRESS_SLUG, PANEL_SLUG, SYMPOSIUM_SLUG, DemoDates, made
from conference.demo.panel import build_panel
from conference.events.models import Event

__all__ = ["CONGRESS_SLUG", "PANEL_SLUG", "SYMPOSIUM_SLUG", "load_demo"]
CHIANG_MAI = (SYMPOSIUM_SLUG, CONGRESS_SLUG)


def load_demo(today: date | None = None) -> list[str]:
    """Add whichever demo events are missing; returns the slugs added (empty when all were there)."""
    dates = DemoDates.from_today(today or utcnow().date())
    builders = {PANEL_SLUG: build_panel, SYMPOSIUM_SLUG: build_symposium, CONGRESS_SLUG: build_congress}
    existing = set(db.session.scalars(sa.select(Event.slug).where(Event.slug.in_(builders))))
    added = []
    made.clear()
    try:
        with db.session.no_autoflush:
            for slug, build in builders.items():
                if slug not in existing:
                    db.session.add(build(dates))
                    added.append(slug)
        db.session.flush()
        from conference.reminders.schedule import add_defaults

        for event in db.session.scalars(sa.select(Event).where(Event.slug.in_(added))):
            add_defaults(event)  # the schedule a new event gets (1 day; 1 hour too when online)
        db.session.commit()
    finally:
        made.clear()
    _link_colocated()
    return added


def _link_colocated() -> None:
    """The symposium and the congress are co-located (one gathering: each page shows the other, one form
    registers for both), unless the symposium was linked otherwise already."""
    from conference.events import colocation

    found = {e.slug: e for e in db.session.scalars(sa.select(Event).where(Event.slug.in_(CHIANG_MAI)))}
    if len(found) == 2 and not colocation.partners(found[SYMPOSIUM_SLUG], public=False):
        colocation.set_colocated(None, found[SYMPOSIUM_SLUG], [found[CONGRESS_SLUG]])
