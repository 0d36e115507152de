"""Reading a frab / pretalx schedule (schedule.json or schedule.xml) into plain data, checking all of it
before anything is written (see `conference.feeds.schedule_import` for the writing)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from conference.feeds.schedule_export import slug_of
from conference.sessions.models import SessionKind
from conference.speakers.models import Role
from conference.text import slugify
from conference.timeutil import is_valid_timezone

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
KINDS = {
    "talk": SessionKind.TALK,
    "lecture": SessionKind.TALK,
    "keynote": SessionKind.KEYNOTE,
    "panel": SessionKind.PANEL,
    "discussion": SessionKind.ROUNDTABLE,
    "roundtable": SessionKind.ROUNDTABLE,
    "workshop": SessionKind.WORKSHOP,
    "hands-on": SessionKind.WORKSHOP,
    "paper_session": SessionKind.PAPER_SESSION,
    "break": SessionKind.BREAK,
    "reception": SessionKind.RECEPTION,
}


class ScheduleError(ValueError):
    """A file that cannot be imported; the message says where and why."""


@dataclass
class PersonData:
    guid: str
    name: str
    bio: str = ""
    role: Role = Role.SPEAKER


@dataclass
class TalkData:
    guid: str
    title: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    room: str
    description: str
    people: list[PersonData] = field(default_factory=list)


@dataclass
class ScheduleData:
    acronym: str
    title: str
    timezone: str
    start: date | None
    end: date | None
    rooms: list[tuple[str, str | None]]
    talks: list[TalkData]


def _kind(value: str | None) -> SessionKind:
    return KINDS.get((value or "").strip().lower().replace(" ", "_"), SessionKind.TALK)


def _role(value: str | None) -> Role:
    try:
        return Role((value or "speaker").lower())
    except ValueError:
        return Role.SPEAKER


def _duration(value: str, where: str) -> timedelta:
    match = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", (value or "").strip())
    if not match:
        raise ScheduleError(f"{where}: duration {value!r} is not HH:MM")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _datetime(value: str, zone: ZoneInfo, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise ScheduleError(f"{where}: {value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(ZoneInfo("UTC"))


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ScheduleError(f"conference: {value!r} is not a date") from None


def _person_guid(base: str, person: dict) -> str:
    guid = str(person.get("guid") or "")
    if UUID_RE.match(guid):
        return guid.lower()
    key = person.get("code") or person.get("id") or person.get("name") or person.get("public_name")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}#person-{key}"))


def _check_timezone(name: str) -> str:
    name = name or "UTC"
    if not is_valid_timezone(name):
        raise ScheduleError(f"conference: unknown time zone {name!r}")
    return name


def _talk_from_fields(fields: dict, persons: list[PersonData], zone: ZoneInfo, where: str) -> TalkData:
    guid = str(fields.get("guid") or "")
    if not UUID_RE.match(guid):
        raise ScheduleError(f"{where}: guid {guid!r} is not a UUID")
    title = (fields.get("title") or "").strip()
    if not title:
        raise ScheduleError(f"{where}: the title is empty")
    starts = _datetime(fields.get("date") or "", zone, where)
    if fields.get("end"):
        ends = _datetime(fields["end"], zone, where)
    else:
        ends = starts + _duration(fields.get("duration") or "", where)
    if ends <= starts:
        ends = starts + timedelta(minutes=1)  # zero-length items (markers) still need an end
    text = "\n\n".join(
        p.strip() for p in (fields.get("abstract") or "", fields.get("description") or "") if p and p.strip()
    )
    return TalkData(
        guid.lower(),
        title[:300],
        _kind(fields.get("type")),
        starts,
        ends,
        (fields.get("room") or "").strip()[:200],
        text,
        persons,
    )


def read_json(raw: bytes) -> ScheduleData:
    try:
        document = json.loads(raw)
        conference = document["schedule"]["conference"]
    except (ValueError, KeyError, TypeError):
        raise ScheduleError('not a schedule.json: expected {"schedule": {"conference": ...}}') from None
    base = document["schedule"].get("base_url") or conference.get("acronym") or ""
    timezone = _check_timezone(conference.get("time_zone_name") or "UTC")
    zone = ZoneInfo(timezone)
    rooms = [(r.get("name", ""), r.get("guid")) for r in conference.get("rooms") or [] if isinstance(r, dict)]
    talks: list[TalkData] = []
    for d, day in enumerate(conference.get("days") or []):
        for room_name, items in (day.get("rooms") or {}).items():
            for i, item in enumerate(items or []):
                where = f"days[{d}].rooms[{room_name!r}][{i}]"
                if not isinstance(item, dict):
                    raise ScheduleError(f"{where}: not an object")
                persons = [
                    PersonData(
                        _person_guid(base, p),
                        (p.get("name") or p.get("public_name") or "").strip()[:200],
                        (p.get("biography") or "").strip(),
                        _role(p.get("role")),
                    )
                    for p in item.get("persons") or []
                    if isinstance(p, dict) and (p.get("name") or p.get("public_name"))
                ]
                talks.append(
                    _talk_from_fields({**item, "room": item.get("room") or room_name}, persons, zone, where)
                )
    return _schedule(conference.get("acronym"), conference.get("title"), timezone, conference, rooms, talks)


def read_xml(raw: bytes) -> ScheduleData:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise ScheduleError(f"not well-formed XML: {error}") from None
    if root.tag != "schedule" or root.find("conference") is None:
        raise ScheduleError("not a schedule.xml: expected <schedule><conference>...")
    conf = root.find("conference")

    def text(element: etree._Element | None, name: str) -> str:
        found = element.find(name) if element is not None else None
        return (found.text or "").strip() if found is not None and found.text else ""

    timezone = _check_timezone(text(conf, "time_zone_name") or "UTC")
    zone = ZoneInfo(timezone)
    base = text(conf, "base_url") or text(conf, "acronym")
    rooms: list[tuple[str, str | None]] = []
    talks: list[TalkData] = []
    for d, day in enumerate(root.findall("day")):
        for room in day.findall("room"):
            room_name = room.get("name", "")
            if room_name not in [r[0] for r in rooms]:
                rooms.append((room_name, room.get("guid")))
            for i, item in enumerate(room.findall("event")):
                where = f"day[{d}]/room[{room_name!r}]/event[{i}]"
                persons = [
                    PersonData(
                        _person_guid(base, {"guid": p.get("guid"), "id": p.get("id"), "name": p.text}),
                        (p.text or "").strip()[:200],
                    )
                    for p in item.findall("persons/person")
                    if (p.text or "").strip()
                ]
                fields = {
                    name: text(item, name)
                    for name in ("title", "type", "date", "duration", "abstract", "description", "room")
                }
                fields["guid"] = item.get("guid")
                fields["room"] = fields["room"] or room_name
                talks.append(_talk_from_fields(fields, persons, zone, where))
    conference = {"start": text(conf, "start"), "end": text(conf, "end")}
    return _schedule(text(conf, "acronym"), text(conf, "title"), timezone, conference, rooms, talks)


def _schedule(acronym, title, timezone, conference, rooms, talks) -> ScheduleData:  # noqa: ANN001
    acronym = (acronym or "").strip()
    if not acronym or not slug_of(acronym) or slugify(slug_of(acronym)) != slug_of(acronym):
        raise ScheduleError(f"conference: acronym {acronym!r} is missing or not made of a-z, 0-9, - and _")
    if not (title or "").strip():
        raise ScheduleError("conference: the title is empty")
    guids = [t.guid for t in talks]
    if len(set(guids)) != len(guids):
        raise ScheduleError("two events in the file share one guid")
    return ScheduleData(
        acronym,
        title.strip()[:300],
        timezone,
        _date(conference.get("start")),
        _date(conference.get("end")),
        rooms,
        talks,
    )


def read_schedule(path: Path) -> ScheduleData:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScheduleError(f"cannot read {path}: {error.strerror}") from None
    if raw.lstrip()[:1] == b"<":
        return read_xml(raw)
    return read_json(raw)
