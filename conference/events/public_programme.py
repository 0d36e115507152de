"""The programme of the public event page: read as plain rows, written without a template call per session.

A cold event page of 500 sessions spent most of its time on what the page does not show: some 2,500 ORM
objects (identity map, change tracking, every column typed), a `gettext`/`get_locale` per label, a macro
call and a filter call per session. Here the page's programme is read with two Core statements whatever its
size — the sessions with their rooms, the public assignments with their people (`is_public` in SQL:
`invitations.public_condition`) — into small plain objects (`PublicSession`, `PublicPerson`), and
`ProgrammeWriter` writes each day's sessions: labels, "Room:", "Cancelled" and the links' patterns looked up
once per page, each distinct time span formatted once (`viewer_zone.times`), people written inline.

The markup is the one `templates/events/detail.html` wrote with `people_list` (`templates/_macros.html`),
`times`, `tr`/`inline` and `sessions/_materials.html` (still the template, for the few sessions with
materials); tests/events/test_public_programme.py checks that the page is the same, byte for byte, as the
one rendered from the ORM objects by those templates, in every language and zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape

from conference import pages
from conference.db import db
from conference.events.models import Event
from conference.labels import LABELS, label
from conference.sessions.models import Room, Session, SessionKind, SessionStatus
from conference.speakers.invitations import public_condition
from conference.speakers.models import Assignment, Person, Role
from conference.translations import page_language
from conference.urls import url_pattern
from conference.viewer_zone import times


@dataclass(slots=True)
class PublicPerson:
    """One public assignment of a session: the person's role, slug and name."""

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


_SESSIONS = (
    sa.select(
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
    .outerjoin(Room, Room.id == Session.room_id)
    .where(Session.event_id == sa.bindparam("event_id"))
    .order_by(Session.starts_at, Session.room_id, Session.id)  # as `queries.programme`
)
_PEOPLE = (
    sa.select(Assignment.session_id, Assignment.role, Person.slug, Person.name)
    .join(Session, Session.id == Assignment.session_id)
    .join(Person, Person.id == Assignment.person_id)
    .where(Session.event_id == sa.bindparam("event_id"), public_condition(Session.event_id))
    .order_by(Assignment.session_id, Assignment.position, Assignment.id)
)


def public_programme(event: Event) -> list[PublicSession]:
    """The event's sessions in time order with their rooms and public people: two statements at any size."""
    sessions = [PublicSession(*row) for row in db.session.execute(_SESSIONS, {"event_id": event.id})]
    by_id = {s.id: s.people for s in sessions}
    for session_id, role, slug, name in db.session.execute(_PEOPLE, {"event_id": event.id}):
        by_id[session_id].append(PublicPerson(role, slug, name))
    return sessions


def _labels(enum_cls: type) -> dict:
    """An enum's labels in the page's language, escaped: looked up once per page."""
    return {member: escape(label(member)) for member in LABELS[enum_cls]}


class ProgrammeWriter:
    """`write(day.sessions)` in templates/events/detail.html (the view makes one per page): the `<li>` of
    each session of a day, as `templates/events/detail.html` wrote them. Made once per page: what every session shares
    (labels, links' patterns, translated words, the page's language) is looked up here."""

    def __init__(self, event: Event) -> None:
        self.zone = event.timezone
        self.link = event.is_published
        self.language = page_language()
        # A session's own fields are written in its event's language (translations.default_language).
        self.own = event.language or current_app.config["BABEL_DEFAULT_LOCALE"]
        self.own_attr = f' lang="{escape(self.own)}"' if self.own != self.language else ""
        self.session_url = url_pattern("sessions.detail", "session_id", slug=event.slug)
        self.person_url = url_pattern("speakers.detail", "slug")
        self.kinds = _labels(SessionKind)
        self.roles = {role: (escape(role.value), text) for role, text in _labels(Role).items()}
        # As `{{ _("…") }}` in a template: a translation is markup (Jinja's i18n extension), not escaped.
        self.room_word = Markup(_("Room:"))  # noqa: S704 (a translation, as in the template)
        self.badge = Markup(f'<strong class="badge badge-cancelled">{_("Cancelled")}</strong>')  # noqa: S704
        self.people_memo: dict[tuple[Role, str, str], str] = {}  # a person's line, written once per role
        self.materials = current_app.jinja_env.get_template("sessions/_materials.html")

    def title(self, s: PublicSession) -> str:
        """`inline(tr(s, "title"))`: the translation in the page's language, else the title in its own,
        marked with its language."""
        if self.language != self.own:
            translated = (s.translations or {}).get(self.language)
            text = translated.get("title") if isinstance(translated, dict) else None
            if isinstance(text, str) and text:
                return escape(text)
        if self.own_attr:
            return f"<span{self.own_attr}>{escape(s.title or '')}</span>"
        return escape(s.title or "")

    def people(self, people: Iterable[PublicPerson]) -> str:
        """`people_list(...)` of templates/_macros.html, without the macro call."""
        lines = []
        memo = self.people_memo
        for p in people:
            key = (p.role, p.slug, p.name)
            line = memo.get(key)
            if line is None:
                role, label = self.roles[p.role]
                name = escape(p.name)
                if self.link:
                    name = f'<a href="{escape(self.person_url(p.slug))}">{name}</a>'
                line = memo[key] = (
                    f'\n    <li>{name}\n      <span class="role role-{role}">{label}</span></li>'
                )
            lines.append(line)
        if not lines:
            return ""
        return '\n  <ul class="people">' + "".join(lines) + "\n  </ul>"

    def __call__(self, sessions: Iterable[PublicSession]) -> Markup:
        zone, session_url, kinds, room_word, badge = (
            self.zone, self.session_url, self.kinds, self.room_word, self.badge
        )  # fmt: skip
        seats = pages.session_seats_writer()
        out = []
        for s in sessions:
            cancelled = s.status == SessionStatus.CANCELLED
            room = f" · {room_word} {escape(s.room)}" if s.room is not None else ""
            materials = self.materials.render(s=s) if s.recording_url or s.slides_url or s.links else ""
            out.append(
                f'\n          <li class="session session-{s.kind.value}{" is-cancelled" if cancelled else ""}">'
                f'\n            <p class="session-time">{times(s.starts_at, s.ends_at, zone)}</p>'
                '\n            <div class="session-body">'
                f'\n              <h4><a href="{escape(session_url(s.id))}">{self.title(s)}</a>'
                f"\n                {badge if cancelled else ''}</h4>"
                f'\n              <p class="meta">{kinds[s.kind]}{room}{seats(s)}</p>'
                f"\n              {self.people(s.people)}"
                f"\n              {materials}"
                "\n            </div>"
                "\n          </li>"
                "\n          "
            )
        return Markup("".join(out))  # noqa: S704 (every value above escaped or markup already)
