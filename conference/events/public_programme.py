"""The programme of the public event page: read as plain rows, written without a template call per session.

A cold event page of 500 sessions spent most of its time on what the page does not show: some 2,500 ORM
objects (identity map, change tracking, every column typed), a `gettext`/`get_locale` per label, a macro
call and a filter call per session. Here the page's programme is read with two Core statements whatever its
size — the sessions with their rooms, the public assignments with their people (`is_public` in SQL:
`assignment_states.public_condition`) — into small plain objects (`PublicSession`, `PublicPerson`), and
`ProgrammeWriter` writes each day's sessions: labels, "Room:", "Cancelled" and the links' patterns looked up
once per page, each distinct time span formatted once (`viewer_zone.times`), people written inline.

The markup is the one `templates/events/detail.html` wrote with `people_list` (`templates/_macros.html`),
`times`, `tr`/`inline` and `sessions/_materials.html` (still the template, for the few sessions with
materials); tests/events/test_public_programme.py checks that the page is the same, byte for byte, as the
one rendered from the ORM objects by those templates, in every language and zone.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.types import NullType

from conference import pages
from conference.db import db
from conference.events.models import Event
from conference.labels import LABELS, label
from conference.sessions.models import Room, Session, SessionKind, SessionStatus
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person, Role
from conference.translations import page_language
from conference.urls import url_parts, url_pattern
from conference.viewer_zone import times


class PublicPerson(NamedTuple):
    """One public assignment of a session: the person's role, slug and name (a named tuple: a programme
    makes one per speaker and session, cheaply)."""

    role: Role
    slug: str
    name: str


@dataclass(slots=True)
class PublicSession:
    """What the event page shows of a session (and what its seats-left hole needs: `pages.figures_of`)."""

    id: int
    kind: SessionKind
    status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    title: str
    translations: dict
    room: str | None  # the room's name
    capacity: int | None
    seats_taken: int
    registration_enabled: bool
    recording_url: str
    slides_url: str
    links: list
    people: list[PublicPerson] = field(default_factory=list)  # public ones only, in their listing order

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def has_materials(self) -> bool:
        return bool(self.recording_url or self.slides_url or self.links)


_SESSION_COLUMNS = (
    Session.id,
    Session.kind,
    Session.status,
    Session.starts_at,
    Session.ends_at,
    Session.title,
    Session.translations,
    Room.name,
    Session.capacity,
    Session.seats_taken,
    Session.registration_enabled,
    Session.recording_url,
    Session.slides_url,
    Session.links,
)
_PEOPLE_COLUMNS = (Assignment.session_id, Assignment.role, Person.slug, Person.name)


def _raw(columns: tuple) -> list:
    """The columns as the driver gives them (their types' processing is done by `_Values`)."""
    return [sa.type_coerce(column, NullType()).label(column.key) for column in columns]


_SESSIONS = (
    sa.select(*_raw(_SESSION_COLUMNS))
    .outerjoin(Room, Room.id == Session.room_id)
    .where(Session.event_id == sa.bindparam("event_id"))
    .order_by(Session.starts_at, Session.room_id, Session.id)  # as `queries.programme`
)
_PEOPLE = (
    sa.select(*_raw(_PEOPLE_COLUMNS))
    .join(Session, Session.id == Assignment.session_id)
    .join(Person, Person.id == Assignment.person_id)
    # The event's speaker settings by the parameter, not per row: a subquery the database runs once.
    .where(Session.event_id == sa.bindparam("event_id"), public_condition(sa.bindparam("event_id")))
    .order_by(Assignment.session_id, Assignment.position, Assignment.id)
)


class _Values(dict):
    """One column's values as its type makes them (its own result processor: aware UTC datetimes, enum
    members, parsed JSON), each distinct raw value processed once: parallel sessions share their times, a
    programme has a few kinds and many empty `{}` and `[]`. Shared values are read, never changed."""

    def __init__(self, process: Callable[[object], object]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, raw: object) -> object:
        value = self[raw] = self.process(raw)
        return value


def _typed(rows: list, columns: tuple) -> list[list]:
    """`rows` (raw tuples of `columns`) as one list per column, each value as the column's type gives it."""
    if not rows:
        return [[] for _ in columns]
    dialect = db.session.get_bind().dialect
    values = list(zip(*rows, strict=True))
    for i, column in enumerate(columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is None:  # the driver's value is the value (integers, text; JSON the driver parsed)
            continue
        try:
            values[i] = list(map(_Values(process).__getitem__, values[i]))
        except TypeError:  # an unhashable raw value: each one processed
            values[i] = list(map(process, values[i]))
    return values


def public_programme(event: Event) -> list[PublicSession]:
    """The event's sessions in time order with their rooms and public people: two statements at any size,
    plain rows (no ORM objects), each distinct value of a typed column processed once."""
    params = {"event_id": event.id}
    # Executed as Core statements on the session's connection (same transaction): `db.session.execute`
    # would send these column-only selects through the ORM's loading, a third of their time at 500 rows.
    connection = db.session.connection()
    sessions = list(
        map(PublicSession, *_typed(connection.execute(_SESSIONS, params).all(), _SESSION_COLUMNS))
    )
    by_id = {s.id: s.people for s in sessions}
    session_ids, *people = _typed(connection.execute(_PEOPLE, params).all(), _PEOPLE_COLUMNS)
    for session_id, person in zip(session_ids, map(PublicPerson, *people), strict=True):
        by_id[session_id].append(person)
    return sessions


def _escape(text: str) -> str:
    """`markupsafe.escape(text)` as a plain `str`: the same five characters, without a `Markup` object per
    value (a programme escapes thousands of titles, names and links)."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def escaped_labels(enum_cls: type) -> dict:
    """An enum's labels in the page's language, escaped: looked up once per page."""
    return {member: escape(label(member)) for member in LABELS[enum_cls]}


class ProgrammeWriter:
    """`write(day.sessions)` in templates/events/detail.html (the view makes one per page): the `<li>` of
    each session of a day, as the template wrote them. Made once per page: what every session shares
    (labels, links' patterns, translated words, the page's language) is looked up here."""

    def __init__(self, event: Event, *, seated: Container[int] | None = None) -> None:
        self.seated = seated  # the sessions with a capacity, when the page's key holds them (`pages`)
        self.zone = event.timezone
        self.link = event.is_published
        self.language = page_language()
        # A session's own fields are written in its event's language (translations.default_language).
        self.own = event.language or current_app.config["BABEL_DEFAULT_LOCALE"]
        self.own_attr = f' lang="{escape(self.own)}"' if self.own != self.language else ""
        # A session's link, escaped once: what differs per session is its id, which its rule's integer
        # converter writes in digits (nothing to escape).
        before, self.session_id_text, after = url_parts("sessions.detail", "session_id", slug=event.slug)
        self.session_link = (_escape(before), _escape(after))
        self.person_url = url_pattern("speakers.detail", "slug")
        self.kinds = escaped_labels(SessionKind)
        self.roles = {  # the end of a person's line: their role
            role: f'\n      <span class="role role-{escape(role.value)}">{text}</span></li>'
            for role, text in escaped_labels(Role).items()
        }
        # As `{{ _("…") }}` in a template: a translation is markup (Jinja's i18n extension), not escaped.
        self.room_word = Markup(_("Room:"))  # noqa: S704 (a translation, as in the template)
        self.badge = Markup(f'<strong class="badge badge-cancelled">{_("Cancelled")}</strong>')  # noqa: S704
        self.spans: dict[tuple[datetime, datetime], Markup] = {}
        # What a session's kind and status decide, written once: the <li>'s start, the badge, the kind.
        self.heads = {
            (kind, cancelled): (
                f'\n          <li class="session session-{escape(kind.value)}{" is-cancelled" if cancelled else ""}">'
                '\n            <p class="session-time">',
                '</p>\n            <div class="session-body">\n              <h4><a href="',
                self.badge if cancelled else "",
                text,
            )
            for kind, text in self.kinds.items()
            for cancelled in (False, True)
        }
        self.rooms: dict[str | None, str] = {None: ""}  # " · Room: Hall A", once per room
        self.names: dict[str, tuple[str, str]] = {}  # slug -> (name, the start of their line)
        self.materials = current_app.jinja_env.get_template("sessions/_materials.html")

    def span(self, s: PublicSession) -> Markup:
        """`times(...)` of the session in the event's zone (and the viewer's): parallel sessions share their
        span, so each distinct one is written once per page."""
        span = self.spans.get((s.starts_at, s.ends_at))
        if span is None:
            span = self.spans[s.starts_at, s.ends_at] = times(s.starts_at, s.ends_at, self.zone)
        return span

    def href(self, s: PublicSession) -> str:
        """The session's page, escaped (what differs per session is its id, in digits)."""
        before, after = self.session_link
        return f"{before}{self.session_id_text(s.id)}{after}"

    def title(self, s: PublicSession) -> str:
        """`inline(tr(s, "title"))`: the translation in the page's language, else the title in its own,
        marked with its language."""
        if self.language != self.own:
            translated = (s.translations or {}).get(self.language)
            text = translated.get("title") if isinstance(translated, dict) else None
            if isinstance(text, str) and text:
                return _escape(text)
        if self.own_attr:
            return f"<span{self.own_attr}>{_escape(s.title or '')}</span>"
        return _escape(s.title or "")

    def people(self, people: Iterable[PublicPerson]) -> str:
        """`people_list(...)` of templates/_macros.html, without the macro call: each person's link written
        once per page (people speak in several sessions), each role's label once."""
        names, roles = self.names, self.roles
        lines = []
        for p in people:
            name = names.get(p.slug)
            if name is None or name[0] != p.name:
                text = _escape(p.name)
                if self.link:
                    text = f'<a href="{_escape(self.person_url(p.slug))}">{text}</a>'
                name = names[p.slug] = (p.name, f"\n    <li>{text}")
            lines.append(name[1])
            lines.append(roles[p.role])
        if not lines:
            return ""
        return '\n  <ul class="people">' + "".join(lines) + "\n  </ul>"

    def __call__(self, sessions: Iterable[PublicSession]) -> Markup:
        title, people = self.title, self.people
        (link_before, link_after), id_text = self.session_link, self.session_id_text
        spans, heads, rooms = self.spans, self.heads, self.rooms
        seats = pages.session_seats_writer(self.seated)
        out = []
        for s in sessions:
            span = spans.get((s.starts_at, s.ends_at)) or self.span(s)  # looked up inline: 500 a page
            cancelled = s.status == SessionStatus.CANCELLED
            head = heads[s.kind, cancelled]
            room = rooms.get(s.room)
            if room is None:
                room = rooms[s.room] = f" · {self.room_word} {_escape(s.room)}"
            materials = self.materials.render(s=s) if s.recording_url or s.slides_url or s.links else ""
            out.append(
                f'{head[0]}{span}{head[1]}{link_before}{id_text(s.id)}{link_after}">{title(s)}</a>'
                f"\n                {head[2]}</h4>"
                f'\n              <p class="meta">{head[3]}{room}{seats(s)}</p>'
                f"\n              {people(s.people)}"
                f"\n              {materials}"
                "\n            </div>"
                "\n          </li>"
                "\n          "
            )
        return Markup("".join(out))  # noqa: S704 (every value above escaped or markup already)
