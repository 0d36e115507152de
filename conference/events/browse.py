"""The home page's list of events: search (`q`), filters and pages, as plain links.

`parse_filters` reads the query string once (bad values are dropped, each with a message for the page, which
then answers 400); `browse` runs a fixed number of queries whatever the number of events, sessions or
speakers: one count, one page of events (with hosts and series in two more), and the choices of the series
and country filters. Search matches an event's title, summary, a speaker's name in its programme, a host's or
partner's name, or its series' title, ignoring case (`conference.search.contains_text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.db import db, utcnow
from conference.events.models import AttendanceMode, Event, EventKind, EventOrganisation, Organisation, Series
from conference.inputs import parse_id
from conference.search import contains_text
from conference.sessions.models import Session
from conference.speakers.models import Assignment, Person

PER_PAGE = 20
MAX_PAGE = 100_000
MAX_QUERY = 200
WHEN = ("upcoming", "past")
MODES = ("online", "in_person")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    when: str = ""
    mode: str = ""
    series: str = ""
    country: str = ""
    page: int = 1

    def args(self, **changes: object) -> dict[str, object]:
        """The query-string values of these filters with `changes` (empty ones and page 1 left out); a
        change of any filter goes back to the first page."""
        values = {**self.__dict__, **({"page": 1} if "page" not in changes else {}), **changes}
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}

    @property
    def narrowed(self) -> bool:
        """A filter other than the search is chosen."""
        return any((self.kind, self.when, self.mode, self.series, self.country))

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.when, self.mode, self.series, self.country))


@dataclass
class Listing:
    filters: Filters
    events: Sequence[Event]
    total: int
    pages: int
    now: datetime
    series: list[tuple[str, str]] = field(default_factory=list)  # (slug, title) of public series
    countries: list[str] = field(default_factory=list)

    @property
    def upcoming(self) -> list[Event]:
        return [e for e in self.events if e.ends_at >= self.now]

    @property
    def past(self) -> list[Event]:
        return [e for e in self.events if e.ends_at < self.now]


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """The filters of the query string and a message for each value that was dropped."""
    problems: list[str] = []

    def text(name: str, limit: int) -> str:
        value = " ".join((args.get(name) or "").split())
        if len(value) > limit:
            problems.append(_("Search for at most %(n)s characters.", n=limit))
            return ""
        return value

    def one_of(name: str, allowed: Sequence[str], message: str) -> str:
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            problems.append(message)
            return ""
        return value

    q = text("q", MAX_QUERY)
    kind = one_of(
        "kind", [k.value for k in EventKind], _("There is no such kind of event; showing every kind.")
    )
    when = one_of("when", WHEN, _("Choose upcoming or past events."))
    mode = one_of("mode", MODES, _("Choose online or in person."))
    series = text("series", 120)
    country = text("country", 120)
    page = 1
    raw_page = args.get("page")
    if raw_page:
        number = parse_id(raw_page)
        if number is None or not 1 <= number <= MAX_PAGE:
            problems.append(_("There is no such page; showing the first."))
        else:
            page = number
    return Filters(q, kind, when, mode, series, country, page), problems


def _matches(text: str) -> sa.ColumnElement[bool]:
    speaker = (
        sa.select(Session.id)
        .join(Assignment, Assignment.session_id == Session.id)
        .join(Person, Person.id == Assignment.person_id)
        .where(Session.event_id == Event.id, contains_text(Person.name, text))
        .exists()
    )
    organisation = (
        sa.select(EventOrganisation.id)
        .join(Organisation, Organisation.id == EventOrganisation.organisation_id)
        .where(
            EventOrganisation.event_id == Event.id,
            sa.or_(contains_text(Organisation.name, text), contains_text(Organisation.short_name, text)),
        )
        .exists()
    )
    series = (
        sa.select(Series.id).where(Series.id == Event.series_id, contains_text(Series.title, text)).exists()
    )
    return sa.or_(
        contains_text(Event.title, text), contains_text(Event.summary, text), speaker, organisation, series
    )


def _conditions(filters: Filters, now: datetime) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Event.is_published]
    for word in filters.q.split()[:8]:  # every word somewhere: "Dudden memory" finds her memory panel
        conditions.append(_matches(word))
    if filters.kind:
        conditions.append(Event.kind == EventKind(filters.kind))
    if filters.when == "upcoming":
        conditions.append(Event.ends_at >= now)
    elif filters.when == "past":
        conditions.append(Event.ends_at < now)
    if filters.mode == "online":
        conditions.append(Event.attendance_mode.in_((AttendanceMode.ONLINE, AttendanceMode.HYBRID)))
    elif filters.mode == "in_person":
        conditions.append(Event.attendance_mode.in_((AttendanceMode.IN_PERSON, AttendanceMode.HYBRID)))
    if filters.series:
        conditions.append(
            Event.series_id.in_(sa.select(Series.id).where(Series.slug == filters.series).scalar_subquery())
        )
    if filters.country:
        conditions.append(sa.func.lower(Event.country) == filters.country.lower())
    return conditions


def browse(filters: Filters, now: datetime | None = None) -> Listing:
    """One page of public events matching `filters`: upcoming ones first (soonest first), then the past
    (latest first); `filters.page` beyond the last page gives no events (the caller says so)."""
    now = now or utcnow()
    conditions = _conditions(filters, now)
    total = db.session.scalar(sa.select(sa.func.count(Event.id)).where(*conditions)) or 0
    is_past = sa.case((Event.ends_at < now, 1), else_=0)
    events = db.session.scalars(
        sa.select(Event)
        .where(*conditions)
        .options(
            selectinload(Event.organisation_links).joinedload(EventOrganisation.organisation),
            selectinload(Event.series),
        )
        .order_by(
            is_past,
            sa.case((Event.ends_at >= now, Event.starts_at)),
            Event.starts_at.desc(),
            Event.id,
        )
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    ).all()
    series = db.session.execute(
        sa.select(Series.slug, Series.title)
        .where(sa.exists().where(Event.series_id == Series.id, Event.is_published))
        .order_by(Series.title)
    ).all()
    countries = db.session.scalars(
        sa.select(Event.country)
        .where(Event.is_published, Event.country != "")
        .distinct()
        .order_by(Event.country)
    ).all()
    pages = max(1, -(-total // PER_PAGE))
    return Listing(filters, events, total, pages, now, [tuple(row) for row in series], list(countries))


def first_page(filters: Filters) -> Filters:
    return replace(filters, page=1)
