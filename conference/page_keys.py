"""What a public page shows, read from the database on every request: the parts of its key in the page cache
(conference/pages.py). A key is derived from the database, never from process memory alone, so several
workers and machines stay correct: the event row (its `updated_at` and columns), its hosts, series,
publications and co-located events, the programme's fingerprint, whether registration is open, and what
else a page shows (`people_key` for the speakers page). `page_event` reads the event and the programme's
fingerprint in one statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from conference.db import db
from conference.events import colocation
from conference.events.models import Event
from conference.events.queries import event_for_viewer, published_by_slug
from conference.registrations.availability import registration_state
from conference.sessions.models import Session


def fingerprint(*values: object) -> str:
    """A short digest of values (reprs of column values, JSON included): part of a page's key."""
    return hashlib.sha256(repr(values).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def columns(obj: object | None, *, skip: Iterable[str] = ()) -> tuple:
    """Every column value of a loaded row (what a page may show of it), except `skip`."""
    if obj is None:
        return ()
    skipped = set(skip)
    mapper = sa.inspect(type(obj))
    return tuple(getattr(obj, attr.key) for attr in mapper.column_attrs if attr.key not in skipped)


def _scalar(column: sa.ColumnElement, where: sa.ColumnElement[bool]) -> sa.ScalarSelect:
    return sa.select(column).where(where).scalar_subquery()


def _programme_columns(event_id: sa.ColumnElement) -> tuple[sa.ScalarSelect, ...]:
    """The fingerprint of an event's programme, as subqueries on `event_id` (a column to correlate with, or
    a parameter): its sessions' count, revisions, ids and last change, and who of its people is public (the
    speaker settings' "confirmed only", which may change within the second of the last change)."""
    from conference.speakers.models import SpeakerSettings

    mine = Session.event_id == event_id
    return (
        _scalar(sa.func.count(Session.id), mine),
        _scalar(sa.func.coalesce(sa.func.sum(Session.revision), 0), mine),
        _scalar(sa.func.coalesce(sa.func.sum(Session.id), 0), mine),
        _scalar(sa.func.max(Session.updated_at), mine),
        _scalar(SpeakerSettings.confirmed_only, SpeakerSettings.event_id == event_id),
    )


_PROGRAMME = sa.select(*_programme_columns(sa.bindparam("event_id")))


def programme_key(event: Event) -> str:
    """One query: the fingerprint of the event's programme (`_programme_columns`)."""
    return fingerprint(tuple(db.session.connection().execute(_PROGRAMME, {"event_id": event.id}).one()))


@dataclass
class PageEvent:
    """A public page's event, read with what its key needs (`page_event`)."""

    event: Event
    programme: str  # the programme's fingerprint, as `programme_key` gives it
    partners: list[Event]  # its published co-located events (`colocation.partners`)


def _page_event_query() -> sa.Select:
    """The published event by slug, with in the same statement what its pages' key needs besides its row:
    the programme's fingerprint (`_programme_columns`) and whether it has hosts, publications and a gathering
    at all (most events lack some: their queries are then not sent)."""
    from conference.events.models import EventOrganisation, Publication

    return published_by_slug(
        Event,
        _scalar(sa.func.count(EventOrganisation.id), EventOrganisation.event_id == Event.id),
        _scalar(sa.func.count(Publication.id), Publication.event_id == Event.id),
        _scalar(colocation.Colocation.gathering, colocation.Colocation.event_id == Event.id),
        *_programme_columns(Event.id),
    )


_PAGE_EVENT = _page_event_query()


def page_event(slug: str, user: object) -> PageEvent | None:
    """The event of a public page by slug if `user` may see it (`events.queries.event_for_viewer`'s rule),
    with its programme's fingerprint and co-located events: one statement for a published event without
    hosts, publications or co-located events, one more for each of those it has. A draft (only its team
    sees it, never from the shared cache) is read as `event_for_viewer` reads it."""
    row = db.session.execute(_PAGE_EVENT, {"slug": slug}).first()
    if row is None:
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        event = event_for_viewer(slug, user)  # type: ignore[arg-type]
        if event is None:
            return None
        return PageEvent(event, programme_key(event), colocation.partners(event))
    event, links, publications, gathering, *programme = row
    state = sa.inspect(event)
    for name, count in (("organisation_links", links), ("publications", publications)):
        if not count and name in state.unloaded:  # none: loaded as empty, never queried
            set_committed_value(event, name, [])
    partners = colocation.partners(event) if gathering is not None else []
    return PageEvent(event, fingerprint(tuple(programme)), partners)


def event_key(found: PageEvent, shown: str | None = None, now: datetime | None = None) -> tuple:
    """What the event's pages show of the event itself (`found`, from `page_event`): its row, hosts and
    partners, series, publications, its co-located events, whether registration is open (which changes with
    the clock), and `shown`: what else the page shows (by default the programme's fingerprint)."""
    event = found.event
    links = tuple((columns(link), columns(link.organisation)) for link in event.organisation_links)
    colocated = tuple(columns(other) for other in found.partners)  # "Also here" (published)
    related = (links, columns(event.series), tuple(columns(p) for p in event.publications), colocated)
    return (
        event.id,
        event.updated_at,
        fingerprint(columns(event, skip=("seats_taken_in_person", "seats_taken_online")), related),
        found.programme if shown is None else shown,
        registration_state(event, now),
    )


def people_key(condition: sa.ColumnElement[bool]) -> str:
    """One aggregate query over every assignment of the sessions matching `condition` and its person: the
    speakers page's part of its key (people's profile changes move their `updated_at`; the lengths catch two
    changes within one second)."""
    from conference.speakers.models import Assignment, Person

    length = sa.func.length
    row = db.session.execute(
        sa.select(
            sa.func.count(Assignment.id),
            sa.func.coalesce(sa.func.sum(Assignment.id), 0),
            sa.func.coalesce(sa.func.sum(Assignment.person_id), 0),
            sa.func.max(Person.updated_at),
            sa.func.coalesce(
                sa.func.sum(
                    length(Person.name)
                    + sa.func.coalesce(length(Person.bio), 0)
                    + sa.func.coalesce(length(Person.position), 0)
                    + sa.func.coalesce(length(Person.affiliation), 0)
                    + sa.func.coalesce(length(Person.photo_digest), 0)
                ),
                0,
            ),
        )
        .select_from(Assignment)
        .join(Person, Person.id == Assignment.person_id)
        .join(Session, Session.id == Assignment.session_id)
        .where(condition)
    ).one()
    return fingerprint(tuple(row))
