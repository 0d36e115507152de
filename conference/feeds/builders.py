"""The calendar feeds, one function per kind, built from the cached entries of entries.py.

Public entry points: `event_feed`, `session_feed`, `speaker_feed`, `all_events_feed` (each
returning a `Feed`) and `registration_feed(registration) -> bytes` (the personal agenda, also the
confirmation mail's attachment).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.db import db, utcnow
from conference.events.models import Event, Series
from conference.feeds.entries import (
    Entry,
    Feed,
    assemble,
    caches,
    calendar_bytes,
    config_key,
    drop_time,
    event_context,
    event_vevent,
    events_by_id,
    feed_text,
    kept,
    session_vevent,
)
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Session, SessionStatus
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person

# The session columns every entry needs (plain rows: cheaper than loading objects).
_SESSION_COLUMNS = (
    Session.id,
    Session.revision,
    Session.updated_at,
    Session.starts_at,
    Session.ends_at,
    Session.status,
    Session.cancelled_at,
    Session.event_id,
)


def _session_rows(condition: sa.ColumnElement[bool]) -> list[sa.Row]:
    return db.session.execute(
        sa.select(*_SESSION_COLUMNS).where(condition).order_by(Session.starts_at, Session.id)
    ).all()


def _session_entry(row: sa.Row, context: tuple, timezone: str, now: datetime, variant: tuple = ()) -> Entry:
    drop = drop_time(row.cancelled_at, row.ends_at) if row.status == SessionStatus.CANCELLED else None
    return Entry(
        key=("session", row.id, row.revision, row.updated_at, context, variant, config_key()),
        session_id=row.id,
        starts_at=row.starts_at,
        updated_at=row.updated_at,
        timezone=timezone,
        drop_after=drop,
    )


def event_feed(event: Event, now: datetime | None = None) -> Feed:
    """All sessions of one event (an event without sessions: one VEVENT for the event).

    The whole feed is cached under the event's `updated_at` (moved by every change to the event or its
    programme); a cancelled session's removal after 30 days ends the cached copy's validity."""
    now = now or utcnow()
    _entries_cache, feed_cache = caches()
    # updated_at has whole seconds: two changes in one second must still give a new key, so the
    # programme's fingerprint (count, revisions, ids) is part of it; one aggregate query.
    fingerprint = db.session.execute(
        sa.select(
            sa.func.count(Session.id),
            sa.func.coalesce(sa.func.sum(Session.revision), 0),
            sa.func.coalesce(sa.func.sum(Session.id), 0),
        ).where(Session.event_id == event.id)
    ).one()
    key = ("event", event.id, event.updated_at, tuple(fingerprint), event_context(event), config_key())
    cached = feed_cache.get(key)
    if cached is not None and (cached.valid_until is None or now < cached.valid_until):
        return cached
    context = event_context(event)
    rows = [
        row
        for row in _session_rows(Session.event_id == event.id)
        if kept(row.status, row.cancelled_at, row.ends_at, now)
    ]
    description = feed_text(event, "summary").strip()
    title = str(feed_text(event, "title"))
    if rows:
        entries = [_session_entry(row, context, event.timezone, now) for row in rows]
        feed = assemble(title, description, entries, lambda _e, s: session_vevent(s), event.updated_at)
    else:
        entry = Entry(
            ("event", event.id, event.updated_at, context, config_key()),
            None,
            event.starts_at,
            event.updated_at,
            event.timezone,
        )
        feed = assemble(title, description, [entry], lambda _e, _s: event_vevent(event), event.updated_at)
    feed.last_modified = event.updated_at
    feed_cache.put(key, feed)
    return feed


def series_feed(series: Series, now: datetime | None = None) -> Feed:
    """Every session of every public event of the series (an event without sessions: one VEVENT for the
    event); an event added to the series, published or changed appears by itself.

    Cached like `event_feed`: the key holds each public event's `updated_at` and context and the
    programmes' fingerprint (two queries when nothing changed)."""
    now = now or utcnow()
    _entries_cache, feed_cache = caches()
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.series_id == series.id, Event.is_published)
        .order_by(Event.starts_at, Event.id)
    ).all()
    ids = [event.id for event in events]
    fingerprint = db.session.execute(
        sa.select(
            sa.func.count(Session.id),
            sa.func.coalesce(sa.func.sum(Session.revision), 0),
            sa.func.coalesce(sa.func.sum(Session.id), 0),
        ).where(Session.event_id.in_(ids))
    ).one()
    contexts = tuple((event.updated_at, event_context(event)) for event in events)
    key = ("series", series.id, series.title, series.description, contexts, tuple(fingerprint), config_key())
    cached = feed_cache.get(key)
    if cached is not None and (cached.valid_until is None or now < cached.valid_until):
        return cached
    by_id = {event.id: event for event in events}
    rows = [
        row
        for row in _session_rows(Session.event_id.in_(ids))
        if kept(row.status, row.cancelled_at, row.ends_at, now)
    ]
    with_sessions = {row.event_id for row in rows}
    entries = []
    for row in rows:
        event = by_id[row.event_id]
        entries.append(_session_entry(row, event_context(event), event.timezone, now))
    for event in events:
        if event.id not in with_sessions:
            entries.append(_event_entry(event))
    entries.sort(key=lambda e: (e.starts_at, e.session_id or 0))

    def build(entry: Entry, session: object) -> object:
        return session_vevent(session) if entry.session_id is not None else event_vevent(entry.extra["event"])

    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    feed = assemble(series.title, series.description.strip(), entries, build, epoch)
    feed_cache.put(key, feed)
    return feed


def session_feed(session: Session) -> Feed:
    event = session.event
    entry = _session_entry(session, event_context(event), event.timezone, utcnow())
    feed = assemble(
        f"{feed_text(session, 'title')} ({feed_text(event, 'title')})",
        "",
        [entry],
        lambda _e, s: session_vevent(s),
        session.updated_at,
    )
    return feed


def speaker_feed(person: Person) -> Feed:
    """That person's public sessions (not declined; accepted where the event shows confirmed speakers only) in
    public events, across all events, with their role in the description."""
    now = utcnow()
    rows = db.session.execute(
        sa.select(*_SESSION_COLUMNS, Assignment.role)
        .join(Assignment, Assignment.session_id == Session.id)
        .join(Event, Event.id == Session.event_id)
        .where(Assignment.person_id == person.id, Event.is_published, public_condition(Session.event_id))
        .order_by(Session.starts_at, Session.id)
    ).all()
    rows = [row for row in rows if kept(row.status, row.cancelled_at, row.ends_at, now)]
    events = events_by_id({row.event_id for row in rows})
    entries = []
    for row in rows:
        event = events[row.event_id]
        entry = _session_entry(row, event_context(event), event.timezone, now, ("speaker", row.role.value))
        entry.extra["role"] = row.role.value
        entries.append(entry)
    name = _("%(name)s: sessions", name=person.name)
    return assemble(
        name, "", entries, lambda e, s: session_vevent(s, role=e.extra["role"]), person.updated_at
    )


def all_events_feed() -> Feed:
    """One VEVENT per public event (`Event.is_published`)."""
    events = db.session.scalars(
        sa.select(Event).where(Event.is_published).order_by(Event.starts_at, Event.id)
    ).all()
    entries = []
    for event in events:
        entries.append(_event_entry(event))
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    name = current_app.config["SITE_NAME"]
    return assemble(name, "", entries, lambda e, _s: event_vevent(e.extra["event"]), epoch)


def registration_feed_data(registration: Registration, now: datetime | None = None) -> Feed:
    """The personal agenda: the registration's chosen sessions (waitlisted ones TENTATIVE, seats given up by
    the registrant left out; seats taken away by a cancelled session or event kept, STATUS:CANCELLED, so the
    calendar shows the cancellation); the online join link only for confirmed registrations attending online.
    A registration without chosen sessions gets the event itself. Registrations made together with it in one
    form (co-located events, `conference.registrations.bundles`) are in the same agenda."""
    from conference.registrations.bundles import bundle_members

    now = now or utcnow()
    members = [registration, *bundle_members(registration)]
    titles = ", ".join(str(feed_text(member.event, "title")) for member in members)
    name = f"{titles}: {registration.name}"
    entries = []
    for member in members:
        entries += _registration_entries(member, now)
    updated = max(member.updated_at for member in members)
    if not entries:
        return Feed(calendar_bytes(name, "", [], []), updated)
    feed = assemble(name, "", entries, lambda e, s: e.extra["build"](s), updated)
    feed.last_modified = max(feed.last_modified, updated)
    return feed


def _registration_entries(registration: Registration, now: datetime) -> list[Entry]:
    """One registration's entries of the personal agenda (see `registration_feed_data`), each with the
    function that writes its VEVENT."""
    event = registration.event
    ended = registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
    if ended and not registration.withdrawn:
        return []
    join_url = registration.join_url  # only for those attending online
    tentative = registration.status in (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
    seats = db.session.execute(
        sa.select(
            SessionSeat.status,
            SessionSeat.updated_at.label("seat_updated_at"),
            Session.id,
            Session.revision,
            Session.updated_at,
            Session.starts_at,
            Session.ends_at,
            Session.status.label("session_status"),
            Session.cancelled_at,
        )
        .join(Session, Session.id == SessionSeat.session_id)
        .where(
            SessionSeat.registration_id == registration.id,
            sa.or_(SessionSeat.status != SeatStatus.CANCELLED, SessionSeat.withdrawn.is_(True)),
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
    context = event_context(event)
    entries = []
    for seat in seats:
        if not kept(seat.session_status, seat.cancelled_at, seat.ends_at, now):
            continue
        status = "TENTATIVE" if tentative or seat.status == SeatStatus.WAITLISTED else "CONFIRMED"
        drop = (
            drop_time(seat.cancelled_at, seat.ends_at)
            if seat.session_status == SessionStatus.CANCELLED
            else None
        )
        entry = Entry(
            key=("seat", seat.id, seat.revision, seat.updated_at, context, status, join_url, config_key()),
            session_id=seat.id,
            starts_at=seat.starts_at,
            updated_at=max(seat.updated_at, seat.seat_updated_at),
            timezone=event.timezone,
            drop_after=drop,
        )
        entry.extra["build"] = lambda s, status=status: session_vevent(s, status=status, join_url=join_url)
        entries.append(entry)
    if entries:
        return entries
    status = "TENTATIVE" if tentative else "CONFIRMED"
    key = ("event-reg", event.id, event.updated_at, context, status, join_url, config_key())
    entry = Entry(key, None, event.starts_at, event.updated_at, event.timezone)
    entry.extra["build"] = lambda _s: event_vevent(event, status=status, join_url=join_url)
    return [entry]


def registration_feed(registration: Registration) -> bytes:
    """The personal agenda .ics of one registration (also the confirmation mail's attachment)."""
    return registration_feed_data(registration).body


# --- one-off "add to calendar" downloads ------------------------------------------------------------------


def add_event_calendar(event: Event) -> Feed:
    """The whole event as one VEVENT to import once (the all-events feed's UID, so a later subscription
    updates the same entry instead of doubling it); no refresh interval, it is not a feed."""
    entry = Entry(("add-event", event.id), None, event.starts_at, event.updated_at, event.timezone)
    body = event_vevent(event).to_ical()
    return Feed(calendar_bytes(event.title, "", [entry], [body], feed=False), event.updated_at)


def add_session_calendar(session: Session) -> Feed:
    """One session to import once (the UID of the event's and the session's feeds)."""
    event = session.event
    entry = Entry(
        ("add-session", session.id), session.id, session.starts_at, session.updated_at, event.timezone
    )
    body = session_vevent(session).to_ical()
    name = f"{session.title} ({event.title})"
    return Feed(calendar_bytes(name, "", [entry], [body], feed=False), session.updated_at)


def _event_entry(event: Event) -> Entry:
    """The calendar entry of an event itself (an event without sessions, or in the all-events feed)."""
    entry = Entry(
        ("event", event.id, event.updated_at, event_context(event), config_key()),
        None,
        event.starts_at,
        event.updated_at,
        event.timezone,
    )
    entry.extra["event"] = event
    return entry
