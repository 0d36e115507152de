"""Reading events and their programmes for public pages, feeds and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from conference.db import db, utcnow
from conference.events.models import Event, EventOrganisation
from conference.sessions.models import Session
from conference.speakers.models import Assignment
from conference.timeutil import local_date

if TYPE_CHECKING:
    from conference.auth.models import User


def public_events(*, upcoming: bool | None = None, now: datetime | None = None) -> Sequence[Event]:
    """Public events (`Event.is_published`); `upcoming=True` keeps those not yet over, False the past ones."""
    now = now or utcnow()
    query = (
        sa.select(Event)
        .where(Event.is_published)
        .options(
            selectinload(Event.organisation_links).joinedload(EventOrganisation.organisation),
            selectinload(Event.series),
        )
    )
    if upcoming is True:
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    elif upcoming is False:
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id)
    else:
        query = query.order_by(Event.starts_at, Event.id)
    return db.session.scalars(query).all()


def published_by_slug(*columns: object) -> sa.Select:
    """SELECT `columns` (the event first, and what else a caller reads with it) of the published event whose
    slug is the `slug` parameter: the one rule of a public event's address (`Event.is_published`)."""
    return sa.select(*columns).where(Event.slug == sa.bindparam("slug"), Event.is_published)


_PUBLIC_EVENT = {False: published_by_slug(Event)}  # built once: public pages read an event on every request
_DETAILS = (
    selectinload(Event.organisation_links).joinedload(EventOrganisation.organisation),
    selectinload(Event.publications),
    selectinload(Event.series),
)
_PUBLIC_EVENT[True] = _PUBLIC_EVENT[False].options(*_DETAILS)


def public_event(slug: str, *, details: bool = True) -> Event | None:
    """A public event (`Event.is_published`) by slug, with hosts, partners, series and publications loaded
    (`details=False`: the event row alone, for endpoints that show none of them)."""
    return db.session.scalars(_PUBLIC_EVENT[details], {"slug": slug}).first()


_ANY_EVENT = sa.select(Event).where(Event.slug == sa.bindparam("slug")).options(*_DETAILS)


def event_for_viewer(slug: str, user: User | None) -> Event | None:
    """The event by slug if `user` may see its public pages (`Event.is_visible_to`): public events for
    everyone (one query, as `public_event`); drafts for their team and admins. None otherwise (a 404)."""
    event = public_event(slug)
    if event is not None:
        return event
    if user is None or not user.is_authenticated:
        return None
    event = db.session.scalars(_ANY_EVENT, {"slug": slug}).first()
    return event if event is not None and event.is_visible_to(user) else None


_PROGRAMME_SESSIONS = (
    sa.select(Session)
    .where(Session.event_id == sa.bindparam("event_id"))
    .options(joinedload(Session.room))
    .order_by(Session.starts_at, Session.room_id, Session.id)
)
_PROGRAMME_ASSIGNMENTS = (
    sa.select(Assignment)
    .join(Assignment.session)
    .where(Session.event_id == sa.bindparam("event_id"))
    .options(joinedload(Assignment.person))
    .order_by(Assignment.session_id, Assignment.position, Assignment.id)
)


def programme(event: Event) -> list[Session]:
    """The event's sessions in time order, with rooms and people loaded: two statements whatever the size
    (keyed by the event, not by lists of ids, as `selectinload` would send one per 500 sessions). Each
    session's `assignments` (in their listing order) and each assignment's `session` are set as loaded, so
    templates and `is_public` never load them one by one."""
    sessions = list(db.session.scalars(_PROGRAMME_SESSIONS, {"event_id": event.id}).unique())
    by_session: dict[int, list[Assignment]] = {s.id: [] for s in sessions}
    by_id = {s.id: s for s in sessions}
    for assignment in db.session.scalars(_PROGRAMME_ASSIGNMENTS, {"event_id": event.id}):
        by_session[assignment.session_id].append(assignment)
        if "session" not in assignment.__dict__:  # not loaded (what SQLAlchemy loaded is there)
            set_committed_value(assignment, "session", by_id[assignment.session_id])
    for s in sessions:
        if "event" not in s.__dict__:
            set_committed_value(s, "event", event)
        if "assignments" not in s.__dict__:  # never replace a collection already loaded (or changed)
            set_committed_value(s, "assignments", by_session[s.id])
    return sessions


_EVENT_SESSIONS = (
    sa.select(Session)
    .where(Session.event_id == sa.bindparam("event_id"))
    .order_by(Session.starts_at, Session.id)
)
_EVENT_SESSIONS_BY_ID = _EVENT_SESSIONS.where(Session.id.in_(sa.bindparam("ids", expanding=True)))


def session_rows(event: Event, ids: Sequence[int] | None = None) -> list[Session]:
    """The event's sessions in time order, without rooms or people (for rules that need only times and
    seats); with `ids`, only those of them."""
    if ids is None:
        return list(db.session.scalars(_EVENT_SESSIONS, {"event_id": event.id}))
    if not ids:
        return []
    return list(db.session.scalars(_EVENT_SESSIONS_BY_ID, {"event_id": event.id, "ids": list(ids)}))


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    sessions: list[Session]


def group_by_day(sessions: Sequence[Session], tzname: str) -> list[ProgrammeDay]:
    """Sessions grouped by their local calendar day in the event's time zone (each distinct start converted
    once: parallel sessions share it)."""
    days: dict[datetime, date] = {}

    def day_of(s: Session) -> date:
        day = days.get(s.starts_at)
        if day is None:
            day = days[s.starts_at] = local_date(s.starts_at, tzname)
        return day

    return [ProgrammeDay(day, list(items)) for day, items in groupby(sessions, key=day_of)]


def event_days(event: Event) -> list[date]:
    """The local dates the event spans."""
    first, last = local_date(event.starts_at, event.timezone), local_date(event.ends_at, event.timezone)
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
