"""Reading series for their public page, feed and the API.

A series is public once one of its events is (`Event.is_published`): its page, feed and API entry show
only those events. A series whose events are all drafts does not exist for visitors (404), so that a
series being prepared gives nothing away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from conference.db import db, utcnow
from conference.events.models import Event, EventOrganisation, Organisation, Publication, Series


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    upcoming: list[Event]
    past: list[Event]
    organisers: list[Organisation]
    publications: list[Publication]

    @property
    def events(self) -> list[Event]:
        return [*self.upcoming, *self.past]


_PUBLIC_SERIES = (
    sa.select(Series)
    .where(Series.slug == sa.bindparam("slug"))
    .where(sa.exists().where(Event.series_id == Series.id, Event.is_published))
)


def public_series(slug: str) -> Series | None:
    """The series by slug if at least one of its events is public; None otherwise."""
    return db.session.scalars(_PUBLIC_SERIES, {"slug": slug}).first()


def series_events(series: Series) -> Sequence[Event]:
    """The public events of the series, oldest first, with hosts and publications (a fixed number of
    queries, however many events)."""
    return db.session.scalars(
        sa.select(Event)
        .where(Event.series_id == series.id, Event.is_published)
        .options(
            selectinload(Event.organisation_links).joinedload(EventOrganisation.organisation),
            selectinload(Event.publications),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()


def series_page(series: Series, now: datetime | None = None) -> SeriesPage:
    """What the series page shows: upcoming events (soonest first), then past ones (latest first); the
    organisers (every host of its events, once each, in order of first appearance) and the related
    publications of all of its events (newest first)."""
    now = now or utcnow()
    events = list(series_events(series))
    upcoming = [e for e in events if e.ends_at >= now]
    past = [e for e in reversed(events) if e.ends_at < now]
    organisers: dict[int, Organisation] = {}
    for event in events:
        for host in event.hosts:
            organisers.setdefault(host.id, host)
    publications = [p for e in events for p in e.publications]
    publications.sort(
        key=lambda p: (p.published_on is None, -(p.published_on.toordinal() if p.published_on else 0))
    )
    return SeriesPage(series, upcoming, past, list(organisers.values()), publications)


def public_series_list() -> list[tuple[Series, int]]:
    """Every public series with the number of its public events, by title (one query)."""
    count = sa.func.count(Event.id)
    rows = db.session.execute(
        sa.select(Series, count)
        .join(Event, Event.series_id == Series.id)
        .where(Event.is_published)
        .group_by(Series.id)
        .order_by(Series.title, Series.id)
    ).all()
    return [(series, n) for series, n in rows]
