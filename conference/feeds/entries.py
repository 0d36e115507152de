"""Calendar entries: one VEVENT per session (or per event), built with `icalendar` and cached as bytes.

Feeds are polled for years, so they must be stable: UIDs come from the stored `uid` columns, DTSTAMP
and LAST-MODIFIED are the session's last change (never "now"), SEQUENCE is its revision, and the
same data always gives the same bytes. Each VEVENT's bytes are cached under a key made of the
session's id, revision and last change plus every event field the entry shows (so a change the
change tracker does not see cannot serve stale bytes). `assemble` joins the calendar head, one
VTIMEZONE per zone (RRULE form, see vtimezone.py) and the VEVENT bytes into a feed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, vDuration, vText, vUri
from icalendar import Event as VEvent

from conference.db import db
from conference.events.models import AttendanceMode, Event, EventStatus
from conference.feeds.cache import caches
from conference.feeds.vtimezone import vtimezone_bytes
from conference.labels import label
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, Person, Role
from conference.translations import Text, default_language, requested_language, text
from conference.urls import absolute_url_for

PRODID = "-//Conference//Calendar feeds//EN"
# C0 controls but tab, CR and LF (line ends are CRLF), DEL, and C1 controls in UTF-8 (0xC2 only ever leads).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
REFRESH = timedelta(hours=1)
# Cancelled sessions stay in feeds (STATUS:CANCELLED) this long after cancellation, or until they end.
CANCELLED_KEPT_FOR = timedelta(days=30)


@dataclass
class Feed:
    """A built feed: its bytes, when its content last changed, and until when the bytes stay right."""

    body: bytes
    last_modified: datetime
    valid_until: datetime | None = None
    etag: str | None = None


@dataclass
class Entry:
    """What one VEVENT needs; built from ORM rows only when its bytes are not cached."""

    key: tuple
    session_id: int | None
    starts_at: datetime
    updated_at: datetime
    timezone: str
    drop_after: datetime | None = None
    extra: dict = field(default_factory=dict)


# --- small helpers ---------------------------------------------------------------------------------


def uid_domain() -> str:
    """The host after the `@` of every UID: CALENDAR_UID_DOMAIN, else the host of BASE_URL (ASCII)."""
    configured = current_app.config.get("CALENDAR_UID_DOMAIN") or ""
    host = configured or urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return host.encode("idna").decode("ascii").lower()


_ID_PLACEHOLDER = 9_876_543_210


def _session_url(slug: str, session_id: int) -> str:
    """The session page's absolute URL; the route is built once per event, not once per session."""
    templates = current_app.extensions.setdefault("feeds_session_urls", {})
    key = (current_app.config["BASE_URL"], slug)
    template = templates.get(key)
    if template is None:
        template = templates[key] = absolute_url_for("sessions.detail", slug=slug, session_id=_ID_PLACEHOLDER)
    return template.replace(str(_ID_PLACEHOLDER), str(session_id))


def _cached_uid_domain() -> str:
    cache = current_app.extensions.setdefault("feeds_uid_domain", {})
    key = (current_app.config.get("CALENDAR_UID_DOMAIN"), current_app.config["BASE_URL"])
    if key not in cache:
        cache[key] = uid_domain()
    return cache[key]


def config_key() -> tuple:
    return (current_app.config["BASE_URL"], _cached_uid_domain(), str(get_locale()), requested_language())


def feed_text(obj: object, field: str) -> Text:
    """A text of the feed in the `?lang=` asked for, where translated; else in its own language. UIDs and
    URLs never change with the language."""
    return text(obj, field, requested_language() or default_language(obj))


def _zone_years(entries: Iterable[Entry]) -> dict[str, tuple[int, int]]:
    years: dict[str, tuple[int, int]] = {}
    for entry in entries:
        year = entry.starts_at.year
        low, high = years.get(entry.timezone, (year, year))
        years[entry.timezone] = (min(low, year), max(high, year + 1))
    return years


def calendar_bytes(
    name: str, description: str, entries: Sequence[Entry], bodies: Sequence[bytes], *, feed: bool = True
) -> bytes:
    """A calendar of the VEVENT bytes; `feed=False` for a one-off download (no refresh interval)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Explicit value types: icalendar would write these (and X- properties) without TEXT escaping.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    if description:
        calendar.add("x-wr-caldesc", vText(description))
    if feed:
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    head = calendar.to_ical()
    assert head.endswith(b"END:VCALENDAR\r\n")  # noqa: S101
    parts = [head[: -len(b"END:VCALENDAR\r\n")]]
    for tzid, (first, last) in sorted(_zone_years(entries).items()):
        parts.append(vtimezone_bytes(tzid, first, last))
    parts.extend(bodies)
    parts.append(b"END:VCALENDAR\r\n")
    # icalendar escapes line breaks but passes other control characters, which iCalendar text may not hold
    # (a vertical tab stored by an older version, say): every feed leaves them out here.
    return _CONTROL_BYTES.sub(b"", b"".join(parts))


def location_text(event: Event, room_name: str | None) -> str:
    parts = []
    if room_name:
        parts.append(room_name)
    if event.attendance_mode != AttendanceMode.ONLINE:
        parts.extend(
            p
            for p in (feed_text(event, name) for name in ("venue_name", "venue_address", "city", "country"))
            if p
        )
    if event.attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID):
        parts.append(label(AttendanceMode.ONLINE))
    return ", ".join(parts)


def event_context(event: Event) -> tuple:
    """Every event field a session's entry shows: part of each entry's cache key."""
    return (
        event.id,
        event.slug,
        event.title,
        event.timezone,
        event.status.value,
        event.attendance_mode.value,
        event.venue_name,
        event.venue_address,
        event.city,
        event.country,
        event.language,
        json.dumps(event.translations or {}, sort_keys=True, ensure_ascii=False),
    )


def kept(status: SessionStatus, cancelled_at: datetime | None, ends_at: datetime, now: datetime) -> bool:
    return status != SessionStatus.CANCELLED or now < drop_time(cancelled_at, ends_at)


def drop_time(cancelled_at: datetime | None, ends_at: datetime) -> datetime:
    return max((cancelled_at or ends_at) + CANCELLED_KEPT_FOR, ends_at)


# --- VEVENT builders -------------------------------------------------------------------------------


def _people_lines(assignments: Sequence[Assignment]) -> list[str]:
    lines = []
    from conference.speakers.assignment_states import is_public
    from conference.speakers.models import shows

    for assignment in assignments:
        if isinstance(assignment, Assignment) and not is_public(assignment):
            continue  # declined, or not yet accepted where the event shows confirmed speakers only
        person = assignment.person
        about = ", ".join(
            text
            for text, field in (
                (feed_text(person, "position"), "position"),
                (person.affiliation, "affiliation"),
            )
            if text and shows(person, field)
        )
        role = label(assignment.role)
        lines.append(f"{person.name} ({role})" + (f", {about}" if about else ""))
    return lines


def session_vevent(
    session: Session,
    *,
    status: str | None = None,
    role: str | None = None,
    join_url: str | None = None,
) -> VEvent:
    """The VEVENT of one session. `status` overrides the status (TENTATIVE on a waitlist), `role` adds
    the speaker's own role (speaker feed), `join_url` adds the online join link (personal agenda only)."""
    event = session.event
    zone = ZoneInfo(event.timezone)
    page = _session_url(event.slug, session.id)
    vevent = VEvent()
    # Text properties are set with their value types directly (same bytes as .add(), a third faster).
    vevent["UID"] = vText(f"{session.uid}@{_cached_uid_domain()}")
    vevent.add("dtstamp", session.updated_at.astimezone(UTC))
    vevent.add("last-modified", session.updated_at.astimezone(UTC))
    vevent.add("created", session.created_at.astimezone(UTC))
    vevent.add("sequence", session.revision)
    vevent.add("dtstart", session.starts_at.astimezone(zone))
    vevent.add("dtend", session.ends_at.astimezone(zone))
    vevent["SUMMARY"] = vText(feed_text(session, "title"))
    description: list[str] = []
    if role:
        description.append(_("Your role: %(role)s", role=label(Role(role))))
    people = _people_lines(session.assignments)
    if people:
        description.append("\n".join(people))
    session_description = feed_text(session, "description").strip()
    if session_description:
        description.append(session_description)
    if join_url:
        description.append(_("Join online: %(url)s", url=join_url))
    description.append(f"{feed_text(event, 'title')}\n{page}")
    vevent["DESCRIPTION"] = vText("\n\n".join(description))
    location = location_text(event, session.room.name if session.room else None)
    if location:
        vevent["LOCATION"] = vText(location)
    vevent["URL"] = vUri(page)
    vevent.add("categories", [label(session.kind)])
    cancelled = session.status == SessionStatus.CANCELLED or event.status == EventStatus.CANCELLED
    vevent["STATUS"] = vText("CANCELLED" if cancelled else (status or "CONFIRMED"))
    vevent["TRANSP"] = vText("TRANSPARENT" if cancelled else "OPAQUE")
    return vevent


def event_vevent(event: Event, *, status: str | None = None, join_url: str | None = None) -> VEvent:
    """One VEVENT for a whole event (an event without sessions, or the all-events feed)."""
    zone = ZoneInfo(event.timezone)
    page = absolute_url_for("events.detail", slug=event.slug)
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@{uid_domain()}")
    vevent.add("dtstamp", event.updated_at.astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    vevent.add("created", event.created_at.astimezone(UTC))
    # Events have no revision column: seconds from creation to the last change only ever grow.
    vevent.add("sequence", max(int((event.updated_at - event.created_at).total_seconds()), 0))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", str(feed_text(event, "title")))
    description = [p for p in (feed_text(event, "summary").strip(),) if p]
    if join_url:
        description.append(_("Join online: %(url)s", url=join_url))
    description.append(page)
    vevent.add("description", "\n\n".join(description))
    location = location_text(event, None)
    if location:
        vevent.add("location", location)
    vevent.add("url", page)
    vevent.add("categories", [label(event.kind)])
    cancelled = event.status == EventStatus.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else (status or "CONFIRMED"))
    vevent.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return vevent


def events_by_id(ids: set[int]) -> dict[int, Event]:
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(sa.select(Event).where(Event.id.in_(ids)))}


def _load_sessions(ids: set[int]) -> dict[int, SimpleNamespace]:
    """What session_vevent reads, for many sessions in two plain queries (no ORM objects: building
    500 sessions, their people and rooms as ORM objects costs more than serialising them)."""
    rows = db.session.execute(
        sa.select(
            Session.id,
            Session.uid,
            Session.event_id,
            Session.title,
            Session.kind,
            Session.description,
            Session.translations,
            Session.starts_at,
            Session.ends_at,
            Session.status,
            Session.revision,
            Session.created_at,
            Session.updated_at,
            Room.name.label("room_name"),
        )
        .outerjoin(Room, Room.id == Session.room_id)
        .where(Session.id.in_(ids))
    ).all()
    from conference.speakers.assignment_states import public_condition

    people = db.session.execute(
        sa.select(
            Assignment.session_id,
            Assignment.role,
            Person.name,
            Person.position,
            Person.affiliation,
            Person.language,
            Person.translations,
            Person.public_fields,
        )
        .join(Person, Person.id == Assignment.person_id)
        .join(Session, Session.id == Assignment.session_id)
        .where(Assignment.session_id.in_(ids), public_condition(Session.event_id))
        .order_by(Assignment.session_id, Assignment.position, Assignment.id)
    ).all()
    events = events_by_id({row.event_id for row in rows})
    sessions: dict[int, SimpleNamespace] = {}
    for row in rows:
        data = row._asdict()
        room_name = data.pop("room_name")
        sessions[row.id] = SimpleNamespace(
            **data,
            event=events[row.event_id],
            room=SimpleNamespace(name=room_name) if room_name is not None else None,
            assignments=[],
        )
    for person in people:
        sessions[person.session_id].assignments.append(
            SimpleNamespace(
                role=person.role,
                person=SimpleNamespace(
                    name=person.name,
                    position=person.position,
                    affiliation=person.affiliation,
                    language=person.language,
                    translations=person.translations,
                    public_fields=person.public_fields,
                ),
            )
        )
    return sessions


def _render_entries(entries: Sequence[Entry], build: callable) -> list[bytes]:
    """The bytes of each entry: from the cache, the missing ones built in one batch (constant queries)."""
    entry_cache, _feeds = caches()
    bodies: list[bytes | None] = [entry_cache.get(entry.key) for entry in entries]
    missing = [entry for entry, body in zip(entries, bodies, strict=True) if body is None]
    if missing:
        ids = {entry.session_id for entry in missing if entry.session_id is not None}
        sessions = _load_sessions(ids) if ids else {}
        built = {id(entry): build(entry, sessions.get(entry.session_id)).to_ical() for entry in missing}
        for entry in missing:
            entry_cache.put(entry.key, built[id(entry)])
        bodies = [
            body if body is not None else built[id(entry)]
            for entry, body in zip(entries, bodies, strict=True)
        ]
    return bodies  # type: ignore[return-value]


def assemble(
    name: str, description: str, entries: Sequence[Entry], build: callable, fallback: datetime
) -> Feed:
    bodies = _render_entries(entries, build)
    drops = [entry.drop_after for entry in entries if entry.drop_after is not None]
    last_modified = max([entry.updated_at for entry in entries] + [fallback])
    return Feed(
        calendar_bytes(name, description, entries, bodies), last_modified, min(drops) if drops else None
    )
