"""Matching a frab / pretalx schedule (read by `schedule_reading`) with what the database holds, before the
import writes anything (`schedule_import`).

Which event: a schedule is named by its conference acronym, which the event it was imported into keeps
(`Event.import_source`). Importing a schedule updates the event that came from the same schedule, or,
when there is none, creates a new event. An event that was not imported from that schedule is changed only
when the caller names it (`find_target(..., slug=...)`, the CLI's `--event`), on behalf of an organiser
account that may edit it. A session GUID of the file that belongs to another event stops the import
(`check_session_guids`). A person who also appears in events the import may not edit is assigned but not
changed (`editable_people`). Every query takes ids in chunks of CHUNK.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from conference.auth.models import User
from conference.auth.permissions import EDITORS, editable_event_ids, may_access
from conference.db import db
from conference.events.models import Event
from conference.feeds.schedule_reading import ScheduleData, ScheduleError
from conference.sessions.models import Session
from conference.speakers.models import Assignment, Person

CHUNK = 1000  # ids per IN (...) query: far below SQLite's and PostgreSQL's limits on bound parameters


def chunks(values: list) -> Iterator[list]:
    """`values` in lists of at most CHUNK (for `IN (...)` queries)."""
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def find_target(data: ScheduleData, *, slug: str | None = None, user: User | None = None) -> Event | None:
    """The event an import of `data` updates, or None for a new event. Without `slug`: the event imported
    from the same schedule. With `slug`: that event, which `user` must be allowed to edit (ScheduleError
    otherwise, as for an event of another schedule when this one already has its own event)."""
    own = db.session.scalars(sa.select(Event).where(Event.import_source == data.acronym)).first()
    if slug is None:
        event = own
    else:
        event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).first()
        if event is None:
            raise ScheduleError(f"--event: there is no event {slug!r}")
        if user is None:
            raise ScheduleError("--event needs --as EMAIL: an organiser account that may edit the event")
        if own is not None and own.id != event.id:
            raise ScheduleError(
                f"schedule {data.acronym!r} was imported into event {own.slug!r}; update that one "
                f"(--event {own.slug}), or leave out --event"
            )
    if event is not None and user is not None and not may_access(user, event, EDITORS):
        raise ScheduleError(f"--as: {user.email} may not edit event {event.slug!r}")
    return event


def check_session_guids(data: ScheduleData, event: Event | None) -> None:
    """A session GUID of the file that belongs to another event stops the import (before any write)."""
    for chunk in chunks([t.guid for t in data.talks]):
        query = sa.select(Session.uid, Event.slug).join(Event).where(Session.uid.in_(chunk))
        if event is not None:
            query = query.where(Session.event_id != event.id)
        clash = db.session.execute(query.limit(1)).first()
        if clash is not None:
            raise ScheduleError(
                f"the session {clash.uid} of the file belongs to event {clash.slug!r}; to update that event "
                f"from this file: --event {clash.slug} --as EMAIL"
            )


def editable_people(people: list[Person], event: Event, user: User | None) -> set[int]:
    """Ids of the people the import may change: those who appear in no event other than this one and,
    with a user, the events that user may edit (the organiser rule for editing a person)."""
    ids = [p.id for p in people]
    elsewhere: dict[int, set[int]] = {}
    for chunk in chunks(ids):
        rows = db.session.execute(
            sa.select(Assignment.person_id, Session.event_id)
            .join(Session, Session.id == Assignment.session_id)
            .where(Assignment.person_id.in_(chunk), Session.event_id != event.id)
            .distinct()
        )
        for person_id, event_id in rows:
            elsewhere.setdefault(person_id, set()).add(event_id)
    allowed: set[int] = set()
    if user is not None and elsewhere:
        allowed = set(db.session.scalars(editable_event_ids(user)))
    return {i for i in ids if elsewhere.get(i, set()) <= allowed}


def uid_taken(model: type, guid: str) -> bool:
    """Whether a row of `model` has the UID `guid` already (a room of the file keeps its GUID only if not)."""
    with db.session.no_autoflush:
        return db.session.scalar(sa.select(model.id).where(model.uid == guid)) is not None
