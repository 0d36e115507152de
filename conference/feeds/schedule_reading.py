"""Reading a frab / pretalx schedule (schedule.json or schedule.xml) into plain data, checking all of it
before anything is written (see `conference.feeds.schedule_import` for the writing).

Every value is checked where it is read: its JSON type, dates within the years the organiser forms
accept, durations, GUIDs. A bad file raises ScheduleError with one line that says where, as a path into
the file (`schedule.conference.days[2].rooms: expected an object, got a list`; XML: an XPath). Text is
cleaned of control characters (single-line fields: to spaces). The acronym may be anything non-empty: it
names the schedule (`ScheduleData.acronym`, remembered on the event), and the event's slug is derived
from it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from conference.sessions.models import SessionKind
from conference.speakers.models import Role
from conference.timeutil import is_valid_timezone

# Years a date in the file may have, as in the organiser forms (conference.organise.fields).
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_ACRONYM = 200  # the length of Event.import_source
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


_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]+")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


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


def _type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise ScheduleError(f"{where}: expected an object, got {_type(value)}")
    return value


def _list(value: object, where: str) -> list:
    """A list; a missing one (null) is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScheduleError(f"{where}: expected a list, got {_type(value)}")
    return value


def _text(value: object, where: str, *, required: bool = False, multiline: bool = False) -> str:
    """A string, cleaned of control characters; null is "" unless `required` (then empty is refused too)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ScheduleError(f"{where}: expected a string, got {_type(value)}")
    if multiline:
        text = _TEXT_CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    else:
        text = _LINE_CONTROLS.sub(" ", value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ScheduleError(f"{where}: contains an invalid character (a lone UTF-16 surrogate)") from None
    if required and not text:
        raise ScheduleError(f"{where}: is empty")
    return text


def _in_range(value: datetime, text: str, where: str) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = datetime.max.replace(tzinfo=UTC)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ScheduleError(f"{where}: {text!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _duration(value: object, where: str) -> timedelta:
    if not isinstance(value, str):
        raise ScheduleError(f'{where}: expected a duration like "00:30", got {_type(value)}')
    match = re.fullmatch(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?", value.strip())
    if not match:
        raise ScheduleError(f"{where}: duration {value!r} is not HH:MM")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _datetime(value: object, zone: ZoneInfo, where: str) -> datetime:
    text = _text(value, where, required=True)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"{where}: {text!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return _in_range(parsed, text, where)


def _date(value: object, where: str) -> date | None:
    text = _text(value, where)
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text[:10])
    except ValueError:
        raise ScheduleError(f"{where}: {text!r} is not a date") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ScheduleError(f"{where}: {text!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def _person_guid(base: str, person: dict, where: str) -> str:
    guid = _text(person.get("guid"), f"{where}.guid")
    if UUID_RE.match(guid):
        return guid.lower()
    key = None
    for name in ("code", "id"):
        value = person.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise ScheduleError(f"{where}.{name}: expected a string or a number, got {_type(value)}")
        key = key or value
    key = key or person.get("name") or person.get("public_name")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}#person-{key}"))


def _acronym(value: object, where: str) -> str:
    acronym = _text(value, where, required=True)
    if len(acronym) > MAX_ACRONYM:
        raise ScheduleError(f"{where}: longer than {MAX_ACRONYM} characters")
    return acronym


def _check_timezone(name: str, where: str) -> str:
    name = name or "UTC"
    if not is_valid_timezone(name):
        raise ScheduleError(f"{where}: unknown time zone {name!r}")
    return name


def _talk_from_fields(
    fields: dict, persons: list[PersonData], zone: ZoneInfo, where: str, sep: str
) -> TalkData:
    """A talk from a JSON object or the XML element's children (`sep` joins `where` and a field name)."""
    guid = _text(fields.get("guid"), f"{where}{sep}guid")
    if not UUID_RE.match(guid):
        raise ScheduleError(f"{where}{sep}guid: {guid!r} is not a UUID")
    title = _text(fields.get("title"), f"{where}{sep}title", required=True)
    starts = _datetime(fields.get("date"), zone, f"{where}{sep}date")
    if fields.get("end") not in (None, ""):
        ends = _datetime(fields["end"], zone, f"{where}{sep}end")
    else:
        length = _duration(fields.get("duration"), f"{where}{sep}duration")
        ends = _in_range(starts + length, str(fields.get("duration")), f"{where}{sep}duration")
    if ends <= starts:
        ends = starts + timedelta(minutes=1)  # zero-length items (markers) still need an end
    text = "\n\n".join(
        p
        for p in (
            _text(fields.get("abstract"), f"{where}{sep}abstract", multiline=True),
            _text(fields.get("description"), f"{where}{sep}description", multiline=True),
        )
        if p
    )
    return TalkData(
        guid.lower(),
        title[:300],
        _kind(_text(fields.get("type"), f"{where}{sep}type")),
        starts,
        ends,
        _text(fields.get("room"), f"{where}{sep}room")[:200],
        text,
        persons,
    )


def _json_person(value: object, base: str, where: str) -> PersonData | None:
    person = _object(value, where)
    name = _text(person.get("public_name"), f"{where}.public_name") or _text(
        person.get("name"), f"{where}.name"
    )
    if not name:
        return None
    return PersonData(
        _person_guid(base, person, where),
        name[:200],
        _text(person.get("biography"), f"{where}.biography", multiline=True),
        _role(_text(person.get("role"), f"{where}.role")),
    )


def read_json(raw: bytes) -> ScheduleData:
    try:
        document = json.loads(raw)
    except RecursionError:
        raise ScheduleError("not a schedule.json: nested too deeply") from None
    except ValueError as error:
        raise ScheduleError(f"not a schedule.json: {error}") from None
    schedule = _object(_object(document, "the file").get("schedule"), "schedule")
    where = "schedule.conference"
    conference = _object(schedule.get("conference"), where)
    acronym = _acronym(conference.get("acronym"), f"{where}.acronym")
    base = _text(schedule.get("base_url"), "schedule.base_url") or acronym
    timezone = _check_timezone(
        _text(conference.get("time_zone_name"), f"{where}.time_zone_name"), f"{where}.time_zone_name"
    )
    zone = ZoneInfo(timezone)
    rooms = []
    for r, room in enumerate(_list(conference.get("rooms"), f"{where}.rooms")):
        room = _object(room, f"{where}.rooms[{r}]")
        rooms.append(
            (
                _text(room.get("name"), f"{where}.rooms[{r}].name")[:200],
                _text(room.get("guid"), f"{where}.rooms[{r}].guid"),
            )
        )
    talks: list[TalkData] = []
    for d, day in enumerate(_list(conference.get("days"), f"{where}.days")):
        day_where = f"{where}.days[{d}]"
        day_rooms = _object(_object(day, day_where).get("rooms") or {}, f"{day_where}.rooms")
        for room_name, items in day_rooms.items():
            room_where = f"{day_where}.rooms[{json.dumps(room_name, ensure_ascii=False)}]"
            room_name = _text(room_name, room_where)
            for i, item in enumerate(_list(items, room_where)):
                item_where = f"{room_where}[{i}]"
                item = _object(item, item_where)
                persons = [
                    person
                    for p, value in enumerate(_list(item.get("persons"), f"{item_where}.persons"))
                    if (person := _json_person(value, base, f"{item_where}.persons[{p}]"))
                ]
                fields = {**item, "room": item.get("room") or room_name}
                talks.append(_talk_from_fields(fields, persons, zone, item_where, "."))
    return _schedule(
        acronym,
        _text(conference.get("title"), f"{where}.title", required=True),
        timezone,
        _date(conference.get("start"), f"{where}.start"),
        _date(conference.get("end"), f"{where}.end"),
        rooms,
        talks,
    )


def _xpath_string(value: str) -> str:
    return f'"{value}"' if '"' not in value else f"'{value}'"


def read_xml(raw: bytes) -> ScheduleData:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise ScheduleError(f"not well-formed XML: {error}") from None
    if root.tag != "schedule" or root.find("conference") is None:
        raise ScheduleError("not a schedule.xml: expected <schedule><conference>...")
    conf = root.find("conference")

    def text(element: etree._Element | None, name: str, where: str, multiline: bool = False) -> str:
        found = element.find(name) if element is not None else None
        return _text(found.text if found is not None else None, f"{where}/{name}", multiline=multiline)

    where = "/schedule/conference"
    acronym = _acronym(text(conf, "acronym", where), f"{where}/acronym")
    timezone = _check_timezone(text(conf, "time_zone_name", where), f"{where}/time_zone_name")
    zone = ZoneInfo(timezone)
    base = text(conf, "base_url", where) or acronym
    rooms: list[tuple[str, str | None]] = []
    talks: list[TalkData] = []
    for d, day in enumerate(root.findall("day"), 1):
        for r, room in enumerate(day.findall("room"), 1):
            room_where = f"/schedule/day[{d}]/room[{r}]"
            room_name = _text(room.get("name"), f"{room_where}/@name")[:200]
            room_where = f"/schedule/day[{d}]/room[@name={_xpath_string(room_name)}]"
            if room_name not in {r[0] for r in rooms}:
                rooms.append((room_name, _text(room.get("guid"), f"{room_where}/@guid")))
            for i, item in enumerate(room.findall("event"), 1):
                item_where = f"{room_where}/event[{i}]"
                persons = []
                for p, person in enumerate(item.findall("persons/person"), 1):
                    person_where = f"{item_where}/persons/person[{p}]"
                    name = _text(person.text, person_where)[:200]
                    if name:
                        identity = {"guid": person.get("guid"), "id": person.get("id"), "name": name}
                        persons.append(PersonData(_person_guid(base, identity, person_where), name))
                fields = {
                    name: text(item, name, item_where, multiline=name in ("abstract", "description"))
                    for name in ("title", "type", "date", "duration", "abstract", "description", "room")
                }
                fields["guid"] = item.get("guid")
                fields["room"] = fields["room"] or room_name
                talks.append(_talk_from_fields(fields, persons, zone, item_where, "/"))
    return _schedule(
        acronym,
        _text(text(conf, "title", where), f"{where}/title", required=True),
        timezone,
        _date(text(conf, "start", where), f"{where}/start"),
        _date(text(conf, "end", where), f"{where}/end"),
        rooms,
        talks,
    )


def _distinct_people(talks: list[TalkData]) -> None:
    """One GUID is one person: where the file gives two different names one GUID (both are kept), the
    later name gets a GUID of its own, derived from the GUID and the name; the same person twice in one
    talk is kept once."""
    names: dict[str, str] = {}
    for talk in talks:
        seen: set[str] = set()
        people = []
        for person in talk.people:
            name = " ".join(person.name.casefold().split())
            if names.setdefault(person.guid, name) != name:
                person.guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{person.guid}#{name}"))
                names.setdefault(person.guid, name)
            if person.guid not in seen:
                seen.add(person.guid)
                people.append(person)
        talk.people = people


def _schedule(
    acronym: str,
    title: str,
    timezone: str,
    start: date | None,
    end: date | None,
    rooms: list[tuple[str, str | None]],
    talks: list[TalkData],
) -> ScheduleData:
    guids: set[str] = set()
    for talk in talks:
        if talk.guid in guids:
            raise ScheduleError(f"two events in the file share the guid {talk.guid}")
        guids.add(talk.guid)
    _distinct_people(talks)
    return ScheduleData(acronym, title[:300], timezone, start, end, rooms, talks)


def read_schedule(path: Path) -> ScheduleData:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScheduleError(f"cannot read {path}: {error.strerror}") from None
    if raw.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        return read_xml(raw)
    return read_json(raw)
