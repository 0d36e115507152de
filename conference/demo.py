"""Demo data: the two programmes from the product brief, dated in the coming weeks.

Loading is idempotent: an event whose slug already exists is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventOrganisation,
    EventStatus,
    Organisation,
    OrganisationRole,
    Publication,
    Series,
)
from conference.sessions.models import Room, Session, SessionKind
from conference.speakers.models import Assignment, Person, Role
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


def _at(day: date, hh_mm: str, tzname: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return from_local(datetime.combine(day, time(hour, minute)), tzname)


# Objects created during one load, so that an organisation or person shared by two events is made once.
_made: dict[tuple[type, str], object] = {}


def _organisation(name: str, short: str | None = None, country: str | None = None) -> Organisation:
    key = (Organisation, name)
    if key not in _made:
        found = db.session.scalars(sa.select(Organisation).where(Organisation.name == name)).first()
        _made[key] = found or Organisation(name=name, short_name=short, country=country)
    return _made[key]


def _person(name: str) -> Person:
    slug = slugify(name)
    key = (Person, slug)
    if key not in _made:
        found = db.session.scalars(sa.select(Person).where(Person.slug == slug)).first()
        if found is None:
            position, affiliation = PEOPLE[name]
            found = Person(slug=slug, name=name, position=position, affiliation=affiliation, links=[])
        _made[key] = found
    return _made[key]


def _link_organisations(event: Event, hosts: list[tuple], partners: list[tuple]) -> None:
    position = 0
    for role, entries in ((OrganisationRole.HOST, hosts), (OrganisationRole.PARTNER, partners)):
        for entry in entries:
            event.organisation_links.append(
                EventOrganisation(organisation=_organisation(*entry), role=role, position=position)
            )
            position += 1


def _add_session(
    event: Event, day: date, start: str, end: str, title: str, kind: SessionKind, **kw
) -> Session:
    people = kw.pop("people", [])
    session = Session(
        title=title,
        kind=kind,
        starts_at=_at(day, start, event.timezone),
        ends_at=_at(day, end, event.timezone),
        registration_enabled=kind not in (SessionKind.BREAK, SessionKind.RECEPTION),
        **kw,
    )
    for position, (name, role) in enumerate(people):
        session.assignments.append(Assignment(person=_person(name), role=role, position=position))
    event.sessions.append(session)
    return session


def _panel(dates: DemoDates) -> Event:
    tz = "America/New_York"
    day = dates.panel_day
    series = db.session.scalars(sa.select(Series).where(Series.slug == "japan-korea-essay-series")).first()
    if series is None:
        series = Series(
            slug="japan-korea-essay-series",
            title="Essay series: new approaches to Japan–South Korea tensions",
            description="Essays and conversations on what divides Seoul and Tokyo and what could bring them closer.",
        )
    event = Event(
        slug=PANEL_SLUG,
        title="Beyond the Impasse: A Conversation on Japan–South Korea Relations",
        kind=EventKind.PANEL_DISCUSSION,
        summary="Five essayists and a moderator discuss fresh ideas for easing the tensions between "
        "Japan and South Korea.",
        description=(
            "Relations between Tokyo and Seoul still stumble over the past: compensation for **forced labour**, "
            "how the war is remembered, and the unresolved legacy of the *comfort women*. Those disputes weigh "
            "on the trilateral partnership with the United States and on stability across Northeast Asia.\n\n"
            "This online conversation brings together the authors of a new essay series. Each proposes a "
            "different way forward — legal, historical, diplomatic — and the panel will test those ideas against "
            "each other before taking questions from the audience.\n\n"
            "Join the discussion on social media with **#ROKJPNRelations**."
        ),
        timezone=tz,
        starts_at=_at(day, "10:00", tz),
        ends_at=_at(day, "11:30", tz),
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://meet.example.org/rokjpn-essay-conversation",
        hashtag="#ROKJPNRelations",
        status=EventStatus.PUBLISHED,
        series=series,
    )
    _link_organisations(event, [("U.S. Institute of Peace", "USIP", "United States")], [])
    _add_session(
        event, day, "10:00", "11:30",
        "New approaches to Japan–South Korea tensions",
        SessionKind.PANEL,
        description="Forced labour, wartime memory, the comfort women issue and the US–ROK–Japan relationship: "
        "the essayists compare their proposals, moderated by Frank Aum.",
        people=[
            ("Alexis Dudden", Role.PANELIST), ("Jonathan Miller", Role.PANELIST), ("Nathan Park", Role.PANELIST),
            ("Dan Sneider", Role.PANELIST), ("Timothy Webster", Role.PANELIST), ("Frank Aum", Role.MODERATOR),
        ],
    )  # fmt: skip
    event.publications = [
        Publication(
            title="NATO and its Indo-Pacific partners: report of an expert study group",
            kind="Report", published_on=date(2024, 2, 19), authors="Expert study group", position=0,
        ),
        Publication(
            title="Keeping the line open: crisis communication between Japan and China",
            kind="Analysis", published_on=date(2023, 10, 4), position=1,
        ),
        Publication(
            title="When ships collide: lessons for Japan–China crisis management",
            kind="Analysis", published_on=date(2023, 9, 7), position=2,
        ),
    ]  # fmt: skip
    return event


SYMPOSIUM_PARTNERS = [
    ("Leiden Asia Centre", None, "Netherlands"),
    ("Konrad Adenauer Stiftung, Japan Office (Tokyo)", "KAS Tokyo", "Japan"),
    ("Australian Institute of International Affairs", "AIIA", "Australia"),
    ("East-West Center in Washington", None, "United States"),
    ("Gerald R. Ford School of Public Policy, University of Michigan", "Ford School", "United States"),
    ("Mindanao State University", "MSU", "Philippines"),
    ("Central Luzon State University", "CLSU", "Philippines"),
    ("Korea Centre, National University of Singapore", None, "Singapore"),
    ("Brussels School of Governance", None, "Belgium"),
    ("European Centre for Peace and Development", "ECPD", "Serbia"),
]


def _symposium(dates: DemoDates) -> Event:
    tz = "Asia/Bangkok"
    day1 = dates.symposium_day
    day2 = day1 + timedelta(days=1)
    series = db.session.scalars(sa.select(Series).where(Series.slug == "japan-korea-human-security")).first()
    if series is None:
        series = Series(
            slug="japan-korea-human-security",
            title="Japan–South Korea dialogue on human security in Asia (three-year project)",
            description="A three-year research and policy-dialogue project of Osaka University's OSIPP with IAFOR "
            "and Ewha Womans University's Graduate School of International Studies.",
        )
    event = Event(
        slug=SYMPOSIUM_SLUG,
        title="Human Security in Asia: Japan–Korea Perspectives — AAS Symposium for the CHSS initiative",
        kind=EventKind.SYMPOSIUM,
        summary="The second-year capstone of a Japan–South Korea research project, held with the Association "
        "for Asian Studies at Chiang Mai University.",
        description=(
            "The second year of our Japan–South Korea project on **human security in Asia** closes with a "
            "two-day symposium of the Association for Asian Studies (AAS) for the CHSS initiative, hosted at "
            "Chiang Mai University.\n\n"
            "Researchers and practitioners from a dozen partner institutions across Asia, Europe, Australia and "
            "North America will present work on memory and reconciliation, migration and labour, and regional "
            "stability. The symposium is followed in the same city by the congress of the Asian Political and "
            "International Studies Association (APISA).\n\n"
            "_The speakers listed for this demonstration programme are fictional._"
        ),
        timezone=tz,
        starts_at=_at(day1, "09:00", tz),
        ends_at=_at(day2, "20:00", tz),
        venue_name="Chiang Mai University, Faculty of Social Sciences",
        venue_address="239 Huay Kaew Road, Suthep, Mueang",
        city="Chiang Mai",
        country="Thailand",
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://meet.example.org/chss-symposium",
        hashtag="#CHSS",
        status=EventStatus.PUBLISHED,
        series=series,
        capacity_in_person=120,
        capacity_online=300,
    )
    _link_organisations(
        event,
        [
            ("Osaka School of International Public Policy (OSIPP), Osaka University", "OSIPP", "Japan"),
            ("The International Academic Forum (IAFOR)", "IAFOR", "Japan"),
            ("Graduate School of International Studies, Ewha Womans University", "Ewha GSIS", "South Korea"),
            ("Association for Asian Studies", "AAS", "United States"),
        ],
        SYMPOSIUM_PARTNERS,
    )
    auditorium = Room(name="Auditorium", position=0)
    seminar = Room(name="Seminar Room 2", position=1)
    event.rooms = [auditorium, seminar]
    add = _add_session
    add(
        event,
        day1,
        "09:00",
        "09:30",
        "Welcome and opening remarks",
        SessionKind.KEYNOTE,
        room=auditorium,
        people=[("Aiko Tanaka", Role.CHAIR), ("Min-seo Lee", Role.SPEAKER)],
    )
    add(
        event,
        day1,
        "09:30",
        "10:30",
        "Keynote: human security after the pandemic",
        SessionKind.KEYNOTE,
        room=auditorium,
        description="Why the human-security agenda matters again for East and Southeast Asia.",
        people=[("Daniel Reyes", Role.KEYNOTE), ("Aiko Tanaka", Role.CHAIR)],
    )
    add(event, day1, "10:30", "11:00", "Coffee break", SessionKind.BREAK)
    add(
        event,
        day1,
        "11:00",
        "12:30",
        "Memory, apology and reconciliation between Japan and Korea",
        SessionKind.PANEL,
        room=seminar,
        capacity=20,
        description="A small-format panel (20 seats) on how societies work through contested pasts.",
        people=[
            ("Min-seo Lee", Role.PANELIST),
            ("Hendrik de Vries", Role.PANELIST),
            ("Ji-hoon Park", Role.PANELIST),
            ("Pimchanok Srisuk", Role.MODERATOR),
        ],
    )
    add(event, day1, "12:30", "13:30", "Lunch", SessionKind.BREAK)
    add(
        event,
        day1,
        "13:30",
        "15:00",
        "Migration, labour and human security",
        SessionKind.PANEL,
        room=auditorium,
        people=[
            ("Siti Rahman", Role.PANELIST),
            ("Emma Collins", Role.PANELIST),
            ("Aiko Tanaka", Role.PANELIST),
            ("Daniel Reyes", Role.MODERATOR),
        ],
    )
    add(
        event,
        day1,
        "15:30",
        "17:00",
        "Young scholars' paper session",
        SessionKind.PAPER_SESSION,
        room=seminar,
        people=[("Hendrik de Vries", Role.CHAIR), ("Emma Collins", Role.DISCUSSANT)],
    )
    add(
        event,
        day2,
        "09:30",
        "11:00",
        "Roundtable: regional stability and middle powers",
        SessionKind.ROUNDTABLE,
        room=auditorium,
        people=[
            ("Ji-hoon Park", Role.SPEAKER),
            ("Emma Collins", Role.SPEAKER),
            ("Siti Rahman", Role.SPEAKER),
            ("Min-seo Lee", Role.MODERATOR),
        ],
    )
    add(
        event,
        day2,
        "11:30",
        "12:30",
        "Closing session: the project's third year",
        SessionKind.KEYNOTE,
        room=auditorium,
        people=[("Aiko Tanaka", Role.SPEAKER), ("Min-seo Lee", Role.SPEAKER)],
    )
    add(event, day2, "18:00", "20:00", "Reception with APISA congress delegates", SessionKind.RECEPTION)
    return event


def _congress(dates: DemoDates) -> Event:
    tz = "Asia/Bangkok"
    day1 = dates.symposium_day + timedelta(days=2)
    day2 = day1 + timedelta(days=1)
    event = Event(
        slug=CONGRESS_SLUG,
        title="APISA Congress, Chiang Mai",
        kind=EventKind.CONGRESS,
        summary="The congress of the Asian Political and International Studies Association, co-located with "
        "the AAS symposium on human security.",
        description=(
            "The Asian Political and International Studies Association holds its congress in Chiang Mai right "
            "after the AAS symposium on human security, so participants can attend both.\n\n"
            "_This demonstration programme shows only a part of the congress._"
        ),
        timezone=tz,
        starts_at=_at(day1, "09:00", tz),
        ends_at=_at(day2, "17:00", tz),
        venue_name="Chiang Mai University Convention Center",
        venue_address="239 Huay Kaew Road, Suthep, Mueang",
        city="Chiang Mai",
        country="Thailand",
        attendance_mode=AttendanceMode.IN_PERSON,
        status=EventStatus.PUBLISHED,
        capacity_in_person=400,
    )
    _link_organisations(event, [("Asian Political and International Studies Association", "APISA", None)], [])
    hall = Room(name="Main Hall", position=0)
    event.rooms = [hall]
    _add_session(
        event,
        day1,
        "09:00",
        "10:30",
        "Opening plenary: Asia in a fragmenting world order",
        SessionKind.KEYNOTE,
        room=hall,
        people=[("Pimchanok Srisuk", Role.CHAIR)],
    )
    _add_session(
        event,
        day1,
        "11:00",
        "12:30",
        "Human security in Asia: findings from the Japan–Korea project",
        SessionKind.PANEL,
        room=hall,
        people=[("Aiko Tanaka", Role.PANELIST), ("Min-seo Lee", Role.PANELIST), ("Daniel Reyes", Role.CHAIR)],
    )
    _add_session(
        event,
        day2,
        "15:30",
        "17:00",
        "Closing plenary",
        SessionKind.KEYNOTE,
        room=hall,
        people=[("Emma Collins", Role.SPEAKER)],
    )
    return event


def load_demo(today: date | None = None) -> list[str]:
    """Add whichever demo events are missing; returns the slugs added (empty when all were there)."""
    dates = DemoDates.from_today(today or utcnow().date())
    builders = {PANEL_SLUG: _panel, SYMPOSIUM_SLUG: _symposium, CONGRESS_SLUG: _congress}
    existing = set(db.session.scalars(sa.select(Event.slug).where(Event.slug.in_(builders))))
    added = []
    _made.clear()
    try:
        with db.session.no_autoflush:
            for slug, build in builders.items():
                if slug not in existing:
                    db.session.add(build(dates))
                    added.append(slug)
        db.session.commit()
    finally:
        _made.clear()
    return added
