"""What the demo events share: their slugs, the people in them, their dates, and helpers that make each
organisation and person once per load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from conference.db import db
from conference.events.models import (
    Event,
    EventOrganisation,
    Organisation,
    OrganisationRole,
)
from conference.sessions.models import Session, SessionKind
from conference.speakers.models import Assignment, Person
from conference.text import slugify
from conference.timeutil import from_local

PANEL_SLUG = "rok-japan-relations-essay-conversation"
SYMPOSIUM_SLUG = "aas-chss-human-security-symposium-chiang-mai"
CONGRESS_SLUG = "apisa-congress-chiang-mai"

PEOPLE = {
    # The online panel (facts from the product brief).
    "Alexis Dudden": ("Professor of History", "University of Connecticut"),
    "Jonathan Miller": ("Director of the Indo-Pacific Program and Senior Fellow", "Macdonald-Laurier Institute"),
    "Nathan Park": ("International Litigation Lawyer; Nonresident Fellow", "Sejong Institute"),
    "Dan Sneider": ("Lecturer, East Asian Studies", "Stanford University"),
    "Timothy Webster": ("Professor of Law", "Western New England University"),
    "Frank Aum": ("Senior Expert, Northeast Asia", "U.S. Institute of Peace"),
    # The symposium and congress: fictional people, for demonstration only.
    "Aiko Tanaka": (
        "Professor of International Relations",
        "Osaka School of International Public Policy, Osaka University",
    ),
    "Min-seo Lee": ("Professor", "Graduate School of International Studies, Ewha Womans University"),
    "Daniel Reyes": ("Director of Research Programmes", "IAFOR"),
    "Pimchanok Srisuk": ("Lecturer in Political Science", "Chiang Mai University"),
    "Hendrik de Vries": ("Senior Researcher", "Leiden Asia Centre"),
    "Siti Rahman": ("Associate Professor of Peace Studies", "Mindanao State University"),
    "Ji-hoon Park": ("Research Fellow", "Korea Centre, National University of Singapore"),
    "Emma Collins": ("Fellow", "Australian Institute of International Affairs"),
}  # fmt: skip


@dataclass(frozen=True)
class DemoDates:
    panel_day: date
    symposium_day: date

    @classmethod
    def from_today(cls, today: date) -> DemoDates:
        """The panel about two weeks ahead, the symposium about four (always on a weekday)."""

        def weekday_after(days: int) -> date:
            day = today + timedelta(days=days)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            return day

        panel = weekday_after(14)
        symposium = today + timedelta(days=28)
        while symposium.weekday() != 0:  # a Monday, so the congress fits in the same week
            symposium += timedelta(days=1)
        return cls(panel, symposium)


def at(day: date, hh_mm: str, tzname: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return from_local(datetime.combine(day, time(hour, minute)), tzname)


# Objects created during one load, so that an organisation or person shared by two events is made once.
made: dict[tuple[type, str], object] = {}


def organisation(name: str, short: str | None = None, country: str | None = None) -> Organisation:
    key = (Organisation, name)
    if key not in made:
        found = db.session.scalars(sa.select(Organisation).where(Organisation.name == name)).first()
        made[key] = found or Organisation(name=name, short_name=short, country=country)
    return made[key]


def person(name: str) -> Person:
    slug = slugify(name)
    key = (Person, slug)
    if key not in made:
        found = db.session.scalars(sa.select(Person).where(Person.slug == slug)).first()
        if found is None:
            position, affiliation = PEOPLE[name]
            found = Person(slug=slug, name=name, position=position, affiliation=affiliation, links=[])
        made[key] = found
    return made[key]


def link_organisations(event: Event, hosts: list[tuple], partners: list[tuple]) -> None:
    position = 0
    for role, entries in ((OrganisationRole.HOST, hosts), (OrganisationRole.PARTNER, partners)):
        for entry in entries:
            event.organisation_links.append(
                EventOrganisation(organisation=organisation(*entry), role=role, position=position)
            )
            position += 1


def add_session(
    event: Event, day: date, start: str, end: str, title: str, kind: SessionKind, **kw
) -> Session:
    people = kw.pop("people", [])
    session = Session(
        title=title,
        kind=kind,
        starts_at=at(day, start, event.timezone),
        ends_at=at(day, end, event.timezone),
        registration_enabled=kind not in (SessionKind.BREAK, SessionKind.RECEPTION),
        **kw,
    )
    for position, (name, role) in enumerate(people):
        session.assignments.append(Assignment(person=person(name), role=role, position=position))
    event.sessions.append(session)
    return session
