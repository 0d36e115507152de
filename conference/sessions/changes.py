"""Change tracking for calendar feeds: the one place that bumps revisions.

Every change to a session's time, room, title, description, kind, people or status raises that
session's `revision` (used as SEQUENCE) and `updated_at` (LAST-MODIFIED). Any change to an event or
its programme moves the event's `updated_at` (used as the cache key of its feeds and pages).
This runs in SQLAlchemy's before_flush hook, so no view has to remember to do it.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from conference.db import utcnow
from conference.events.models import Event, EventOrganisation, Publication
from conference.sessions.models import Room, Session
from conference.speakers.models import Assignment, Person

# Attributes of a session that appear in its calendar entry.
SESSION_TRACKED = (
    "title", "kind", "description", "translations", "starts_at", "ends_at", "room_id", "status",
)  # fmt: skip
# Attributes shown on the event's pages and API but not in calendar entries: they move the event's updated_at.
SESSION_PAGE_ONLY = ("recording_url", "slides_url", "links")
# Event attributes that appear in every calendar entry of the event (location, zone, names).
EVENT_FIELDS_IN_ENTRIES = (
    "title", "timezone", "venue_name", "venue_address", "city", "country", "status", "slug", "language",
    "translations",
)  # fmt: skip
# Event attributes that do not change what the public sees of the programme.
EVENT_UNTRACKED = ("seats_taken_in_person", "seats_taken_online", "updated_at")
PERSON_TRACKED = ("name", "position", "affiliation", "slug", "language", "translations")
ROOM_TRACKED = ("name",)
ASSIGNMENT_TRACKED = ("role", "position", "person_id", "session_id")


_BUMPED = "conference.sessions_bumped"


def _changed(obj: object, attributes: Iterable[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _bump_session(orm_session: OrmSession, session_obj: Session, now, events: set[int]) -> None:  # noqa: ANN001
    """One bump per session per transaction, however many flushes the transaction makes."""
    bumped: set[int] = orm_session.info.setdefault(_BUMPED, set())
    if sa.inspect(session_obj).pending:
        # A session being created starts at revision 0 whatever it is created with. (Not `in
        # orm_session.new`: that builds a set of every pending object on each call, quadratic on import.)
        return
    if id(session_obj) in bumped:
        session_obj.updated_at = now
        return
    bumped.add(id(session_obj))
    session_obj.revision = (session_obj.revision or 0) + 1
    session_obj.updated_at = now
    if session_obj.event_id is not None:
        events.add(session_obj.event_id)
    elif session_obj.event is not None and session_obj.event.id is not None:
        events.add(session_obj.event.id)


def track_changes(orm_session: OrmSession, flush_context, instances) -> None:  # noqa: ANN001
    now = utcnow()
    touched_events: set[int] = set()
    sessions_to_bump: list[Session] = []
    session_ids_to_bump: set[int] = set()

    with orm_session.no_autoflush:
        for obj in orm_session.new:
            if isinstance(obj, Session):
                obj.revision = obj.revision or 0
                obj.updated_at = now
                if obj.event is not None:
                    obj.event.updated_at = now
            elif isinstance(obj, Assignment):
                if obj.session is not None:
                    sessions_to_bump.append(obj.session)
                elif obj.session_id is not None:
                    session_ids_to_bump.add(obj.session_id)
            elif isinstance(obj, EventOrganisation | Publication | Room):
                if obj.event is not None:
                    obj.event.updated_at = now
                elif obj.event_id is not None:
                    touched_events.add(obj.event_id)

        for obj in orm_session.dirty:
            if not orm_session.is_modified(obj, include_collections=False):
                continue
            if isinstance(obj, Session) and _changed(obj, SESSION_TRACKED):
                if _changed(obj, ("status",)):
                    obj.cancelled_at = now if obj.status == "cancelled" else None
                sessions_to_bump.append(obj)
            elif isinstance(obj, Session) and _changed(obj, SESSION_PAGE_ONLY):
                touched_events.add(obj.event_id)  # the pages changed, the calendar entry did not
            elif isinstance(obj, Assignment) and _changed(obj, ASSIGNMENT_TRACKED):
                sessions_to_bump.append(obj.session)
                old_session_ids = sa.inspect(obj).attrs.session_id.history.deleted
                session_ids_to_bump.update(i for i in old_session_ids if i is not None)
            elif isinstance(obj, Room) and _changed(obj, ROOM_TRACKED):
                session_ids_to_bump.update(
                    orm_session.scalars(sa.select(Session.id).where(Session.room_id == obj.id))
                )
            elif isinstance(obj, Person) and _changed(obj, PERSON_TRACKED):
                obj.updated_at = now
                session_ids_to_bump.update(
                    orm_session.scalars(
                        sa.select(Assignment.session_id).where(Assignment.person_id == obj.id)
                    )
                )
            elif isinstance(obj, Event):
                state = sa.inspect(obj)
                changed = [a.key for a in state.attrs if a.history.has_changes()]
                if any(name not in EVENT_UNTRACKED for name in changed):
                    obj.updated_at = now
                if any(name in EVENT_FIELDS_IN_ENTRIES for name in changed):
                    sessions_to_bump.extend(obj.sessions)
            elif isinstance(obj, EventOrganisation | Publication):
                touched_events.add(obj.event_id)

        for obj in orm_session.deleted:
            if isinstance(obj, Assignment):
                session_ids_to_bump.add(obj.session_id)
            elif isinstance(obj, Session | EventOrganisation | Publication | Room):
                touched_events.add(obj.event_id)

        for session_obj in sessions_to_bump:
            if session_obj is not None and session_obj not in orm_session.deleted:
                _bump_session(orm_session, session_obj, now, touched_events)
        for session_id in session_ids_to_bump:
            session_obj = orm_session.get(Session, session_id)
            if session_obj is not None and session_obj not in orm_session.deleted:
                _bump_session(orm_session, session_obj, now, touched_events)
        for event_id in touched_events:
            event_obj = orm_session.get(Event, event_id)
            if event_obj is not None:
                event_obj.updated_at = now


def clear_bump_marks(orm_session: OrmSession, *args) -> None:  # noqa: ANN002
    orm_session.info.pop(_BUMPED, None)


def install() -> None:
    """Register the hooks (idempotent)."""
    if not sa.event.contains(OrmSession, "before_flush", track_changes):
        sa.event.listen(OrmSession, "before_flush", track_changes)
        sa.event.listen(OrmSession, "after_commit", clear_bump_marks)
        sa.event.listen(OrmSession, "after_soft_rollback", clear_bump_marks)
