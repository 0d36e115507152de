"""Reading a frab / pretalx schedule (schedule.json or schedule.xml) into plain data, checking all of it
before anything is written (see `conference.feeds.schedule_import` for the writing). `read_schedule` takes
either file; the formats are read by `schedule_json` and `schedule_xml` with the data, value checks and
talk assembly of this module.

Every value is checked where it is read: its JSON type, dates within the years the organiser forms
accept, durations, GUIDs. A bad file raises ScheduleError with one line that says where, as a path into
the file (`schedule.conference.days[2].rooms: expected an object, got a list`; XML: an XPath). Text is
cleaned of control characters (single-line fields: to spaces). The acronym may be anything non-empty: it
names the schedule (`ScheduleData.acronym`, remembered on the event), and the event's slug is derived
from it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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


def as_role(value: str | None) -> Role:
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


def as_object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise ScheduleError(f"{where}: expected an object, got {_type(value)}")
    return value


def as_list(value: object, where: str) -> list:
    """A list; a missing one (null) is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScheduleError(f"{where}: expected a list, got {_type(value)}")
    return value


def as_text(value: object, where: str, *, required: bool = False, multiline: bool = False) -> str:
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
    text = as_text(value, where, required=True)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"{where}: {text!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return _in_range(parsed, text, where)


def as_date(value: object, where: str) -> date | None:
    text = as_text(value, where)
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text[:10])
    except ValueError:
        raise ScheduleError(f"{where}: {text!r} is not a date") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ScheduleError(f"{where}: {text!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def person_guid(base: str, person: dict, where: str) -> str:
    guid = as_text(person.get("guid"), f"{where}.guid")
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


def as_acronym(value: object, where: str) -> str:
    acronym = as_text(value, where, required=True)
    if len(acronym) > MAX_ACRONYM:
        raise ScheduleError(f"{where}: longer than {MAX_ACRONYM} characters")
    return acronym


def as_timezone(name: str, where: str) -> str:
    name = name or "UTC"
    if not is_valid_timezone(name):
        raise ScheduleError(f"{where}: unknown time zone {name!r}")
    return name


def talk_from_fields(
    fields: dict, persons: list[PersonData], zone: ZoneInfo, where: str, sep: str
) -> TalkData:
    """A talk from a JSON object or the XML element's children (`sep` joins `where` and a field name)."""
    guid = as_text(fields.get("guid"), f"{where}{sep}guid")
    if not UUID_RE.match(guid):
        raise ScheduleError(f"{where}{sep}guid: {guid!r} is not a UUID")
    title = as_text(fields.get("title"), f"{where}{sep}title", required=True)
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
            as_text(fields.get("abstract"), f"{where}{sep}abstract", multiline=True),
            as_text(fields.get("description"), f"{where}{sep}description", multiline=True),
        )
        if p
    )
    return TalkData(
        guid.lower(),
        title[:300],
        _kind(as_text(fields.get("type"), f"{where}{sep}type")),
        starts,
        ends,
        as_text(fields.get("room"), f"{where}{sep}room")[:200],
        text,
        persons,
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


def checked_schedule(
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
    """The schedule in the file at `path`: XML when it starts with "<" (after a BOM), else JSON."""
    from conference.feeds import schedule_json, schedule_xml  # they build on this module

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScheduleError(f"cannot read {path}: {error.strerror}") from None
    if raw.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        return schedule_xml.read_xml(raw)
    return schedule_json.read_json(raw)
