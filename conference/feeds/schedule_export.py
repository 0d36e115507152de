"""Schedule export in the frab / C3VOC format (schedule.json and schedule.xml).

Read by Giggity, EventFahrplan, ConfClerk, Engelsystem and info-beamer. GUIDs are the stored `uid`
columns of sessions, rooms and people, so they never change. Both shapes come from one dictionary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from lxml import etree

from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Room, Session
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person, shows
from conference.text import slugify, xml_safe
from conference.timeutil import local
from conference.urls import absolute_url_for, url_pattern

VERSION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# A programme day runs from 04:00 local to 03:59 the next morning (frab's convention).
DAY_CHANGE_HOUR = 4


def acronym_of(slug: str) -> str:
    """The frab acronym for an event slug: hyphens become underscores (the schema forbids hyphens)."""
    acronym = slug.replace("-", "_")
    return acronym + "_" * max(0, 4 - len(acronym))


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _session_slug(acronym: str, session: sa.Row) -> str:
    return f"{acronym}-{session.id}-{slugify(session.title) or 'session'}"


def _programme_day(dt: datetime) -> date:
    return (dt - timedelta(hours=DAY_CHANGE_HOUR)).date()


_SESSIONS = (
    sa.select(
        Session.id,
        Session.uid,
        Session.starts_at,
        Session.ends_at,
        Session.title,
        Session.kind,
        Session.description,
        Room.name.label("room"),
    )
    .outerjoin(Room, Room.id == Session.room_id)
    .where(Session.event_id == sa.bindparam("event_id"))
    .order_by(Session.starts_at, Session.room_id, Session.id)  # as `events.queries.programme`
)
_PEOPLE = (
    sa.select(
        Assignment.session_id,
        Assignment.role,
        Person.name,
        Person.uid,
        Person.bio,
        Person.public_fields,
        Person.slug,
    )
    .join(Session, Session.id == Assignment.session_id)
    .join(Person, Person.id == Assignment.person_id)
    .where(Session.event_id == sa.bindparam("event_id"), public_condition(sa.bindparam("event_id")))
    .order_by(Assignment.session_id, Assignment.position, Assignment.id)
)


def _programme_rows(event: Event) -> tuple[list[sa.Row], dict[int, list[sa.Row]]]:
    """The event's sessions in programme order and each one's public people in their listing order, as
    Core rows: two statements whatever the size (no ORM objects: an export reads every session)."""
    connection, params = db.session.connection(), {"event_id": event.id}
    sessions = connection.execute(_SESSIONS, params).all()
    people: dict[int, list[sa.Row]] = defaultdict(list)
    for row in connection.execute(_PEOPLE, params):
        people[row.session_id].append(row)
    return sessions, people


def build_schedule(event: Event) -> dict:
    """The schedule as the dictionary of schedule.json."""
    sessions, people = _programme_rows(event)
    acronym = acronym_of(event.slug)
    zone = event.timezone
    start_day = _programme_day(local(event.starts_at, zone))
    end_day = max(_programme_day(local(event.ends_at, zone)), start_day)
    for session in sessions:
        end_day = max(end_day, _programme_day(local(session.starts_at, zone)))
    days: list[dict] = []
    by_day: dict[date, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    rooms_used: dict[str, dict] = {}
    for room in event.rooms:
        rooms_used[room.name] = {"name": room.name, "guid": room.uid}
    links = (  # every session's and person's absolute link, built from one `absolute_url_for` each
        url_pattern("sessions.detail", "session_id", absolute=True, slug=event.slug),
        url_pattern("speakers.detail", "slug", absolute=True),
    )
    for session in sessions:
        starts = local(session.starts_at, zone)
        room_name = session.room or event.venue_name or "Main"
        if session.room is None and room_name not in rooms_used:
            # A stable GUID for the "no room" room: derived from the event's own uid.
            rooms_used[room_name] = {"name": room_name, "guid": _derived_uuid(event.uid, "room")}
        by_day[_programme_day(starts)][room_name].append(
            _session_dict(event, acronym, session, room_name, links, people.get(session.id, ()))
        )
    ordinal = start_day.toordinal()
    for index, day_number in enumerate(range(ordinal, end_day.toordinal() + 1), start=1):
        day = date.fromordinal(day_number)
        day_start = datetime(day.year, day.month, day.day, DAY_CHANGE_HOUR)
        day_start_local = local(_aware(day_start, zone), zone)
        day_end_local = day_start_local + timedelta(hours=23, minutes=59)
        rooms = {name: by_day[day].get(name, []) for name in rooms_used if by_day[day].get(name)}
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start_local.isoformat(),
                "day_end": day_end_local.isoformat(),
                "rooms": rooms,
            }
        )
    conference = {
        "acronym": acronym,
        "title": event.title,
        "start": start_day.isoformat(),
        "end": end_day.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": "00:05",
        "time_zone_name": zone,
        "url": absolute_url_for("events.detail", slug=event.slug),
        "rooms": list(rooms_used.values()),
        "days": days,
    }
    if event.summary:
        conference["description"] = event.summary
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "conference", "version": "1"},
        "schedule": {
            "version": event.updated_at.strftime(VERSION_FORMAT),
            "base_url": absolute_url_for("events.detail", slug=event.slug),
            "conference": conference,
        },
    }


def _aware(naive: datetime, zone: str) -> datetime:
    from zoneinfo import ZoneInfo

    return naive.replace(tzinfo=ZoneInfo(zone))


def _derived_uuid(base: str, what: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{base}/{what}"))


def _session_dict(
    event: Event,
    acronym: str,
    session: sa.Row,
    room_name: str,
    links: tuple[Callable, Callable],
    people: Iterable[sa.Row],
) -> dict:
    starts = local(session.starts_at, event.timezone)
    ends = local(session.ends_at, event.timezone)
    return {
        "id": session.id,
        "guid": session.uid,
        "logo": "",
        "date": starts.isoformat(),
        "start": starts.strftime("%H:%M"),
        "end": ends.isoformat(),
        "duration": _duration(session.ends_at - session.starts_at),
        "room": room_name,
        "slug": _session_slug(acronym, session),
        "url": links[0](session.id),
        "title": session.title,
        "subtitle": "",
        "track": None,
        "type": session.kind.value,
        "language": None,
        "abstract": session.description,
        "description": "",
        "do_not_record": None,
        "persons": [
            {
                "name": p.name,
                "public_name": p.name,
                "guid": p.uid,
                "biography": (p.bio or None) if shows(p, "bio") else None,
                "role": p.role.value,
                "url": links[1](p.slug),
            }
            for p in people  # the public ones (`public_condition`)
        ],
        "links": [],
        "attachments": [],
    }


def schedule_json(event: Event) -> dict:
    return build_schedule(event)


def schedule_xml(event: Event) -> bytes:
    """The same schedule as schedule.xml. Every text and attribute taken from the schedule goes through
    `xml_safe`: text stored by an older version may hold a control character (a vertical tab in a title),
    which must not make the file impossible to build."""
    data = build_schedule(event)["schedule"]
    conference = data["conference"]
    sub, safe = etree.SubElement, xml_safe
    root = etree.Element("schedule")
    generator = sub(root, "generator")
    generator.set("name", "conference")
    generator.set("version", "1")
    sub(root, "version").text = safe(data["version"])
    conf = sub(root, "conference")
    for name in ("title", "acronym", "start", "end"):
        sub(conf, name).text = safe(str(conference[name]))
    sub(conf, "days").text = str(conference["daysCount"])
    sub(conf, "timeslot_duration").text = conference["timeslot_duration"]
    sub(conf, "base_url").text = safe(data["base_url"])
    sub(conf, "url").text = safe(conference["url"])
    sub(conf, "time_zone_name").text = safe(conference["time_zone_name"])
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    texts = ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug")
    for day in conference["days"]:
        day_el = sub(root, "day")
        day_el.set("index", str(day["index"]))
        day_el.set("date", day["date"])
        day_el.set("start", day["day_start"])
        day_el.set("end", day["day_end"])
        for room_name, items in day["rooms"].items():
            room_el = sub(day_el, "room")
            room_el.set("name", safe(room_name))
            room_el.set("guid", safe(guids[room_name]))
            for item in items:
                event_el = sub(room_el, "event")
                event_el.set("id", str(item["id"]))
                event_el.set("guid", safe(item["guid"]))
                for name in texts:
                    sub(event_el, name).text = safe(item[name] or "")
                sub(event_el, "track").text = safe(item["track"] or "")
                persons = sub(event_el, "persons")
                for person in item["persons"]:
                    person_el = sub(persons, "person")
                    person_el.set("guid", safe(person["guid"]))
                    person_el.text = safe(person["name"])
                sub(event_el, "language").text = safe(item["language"] or "")
                sub(event_el, "description").text = safe(item["description"] or "")
                sub(event_el, "links")
                sub(event_el, "attachments")
                sub(event_el, "url").text = safe(item["url"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
