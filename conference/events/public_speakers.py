"""The event's speakers page from the programme's plain rows (conference/events/public_programme.py).

The page listed every public assignment as an ORM object (a thousand at 500 sessions) and wrote each line
with a label filter, `tr`/`inline`, `local_date` and `times` calls in the template. Here the public
assignments come from `public_programme` (two Core statements, `is_public` in SQL), the people from one
statement (their cards stay the template's `person_card`), and `SpeakerSessionsWriter` writes each person's
lines: every session's part once per page, every role's label once. The markup is the one the template's loop
wrote; tests/events/test_public_speakers.py checks it byte for byte against the ORM rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup, escape

from conference.db import db
from conference.events.models import Event
from conference.events.public_programme import (
    ProgrammeWriter,
    PublicSession,
    escaped_labels,
    public_programme,
)
from conference.i18n import format_day
from conference.sessions.models import Session
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person, Role
from conference.timeutil import local


@dataclass(slots=True)
class SpeakerCard:
    """A person with a public role in the event, and their sessions in programme order."""

    person: Person
    sessions: list[tuple[Role, PublicSession]] = field(default_factory=list)


def public_speakers(event: Event) -> list[SpeakerCard]:
    """Everyone with a public role in the event's sessions, by name, each with their sessions: three
    statements at any size (the programme's two and the people)."""
    cards: dict[str, list[tuple[Role, PublicSession]]] = {}
    for s in public_programme(event):
        for p in s.people:
            cards.setdefault(p.slug, []).append((p.role, s))
    if not cards:
        return []
    public = (
        sa.select(Assignment.person_id)
        .join(Session, Session.id == Assignment.session_id)
        .where(Session.event_id == event.id, public_condition(Session.event_id))
    )
    people = db.session.scalars(
        sa.select(Person).where(Person.id.in_(public)).order_by(Person.name, Person.id)
    )
    return [SpeakerCard(person, cards[person.slug]) for person in people if person.slug in cards]


class SpeakerSessionsWriter:
    """`write(card.sessions)` in templates/events/speakers.html: a person's `<li>` lines, as the template's
    loop wrote them (role label, linked title, day and times in the event's zone and the viewer's)."""

    def __init__(self, event: Event) -> None:
        self.programme = ProgrammeWriter(event)  # titles, links and time spans as the event page writes them
        self.zone = event.timezone
        self.roles = {role: f"\n        <li>{text}: " for role, text in escaped_labels(Role).items()}
        self.tails: dict[int, str] = {}  # session id -> the rest of its line

    def _tail(self, s: PublicSession) -> str:
        writer = self.programme
        day = escape(format_day(local(s.starts_at, self.zone).date(), "medium"))
        return (
            f'<a href="{writer.href(s)}">{writer.title(s)}</a>'
            f'\n          <span class="meta">({day}, {writer.span(s)})</span></li>\n        '
        )

    def __call__(self, sessions: list[tuple[Role, PublicSession]]) -> Markup:
        roles, tails = self.roles, self.tails
        out = []
        for role, s in sessions:
            tail = tails.get(s.id)
            if tail is None:
                tail = tails[s.id] = self._tail(s)
            out.append(roles[role])
            out.append(tail)
        return Markup("".join(out))  # noqa: S704 (every value above escaped or markup already)
