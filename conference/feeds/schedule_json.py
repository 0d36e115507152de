"""Reading a pretalx / frab schedule.json (`read_json`): every value checked where it is read, a bad file
refused with a JSON path (`schedule.conference.days[2].rooms: expected an object, got a list`). The data,
value checks and talk assembly: `schedule_reading`; schedule.xml: `schedule_xml`."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from conference.feeds.schedule_reading import (
    PersonData,
    ScheduleData,
    ScheduleError,
    TalkData,
    as_acronym,
    as_date,
    as_list,
    as_object,
    as_role,
    as_text,
    as_timezone,
    checked_schedule,
    person_guid,
    talk_from_fields,
)


def _json_person(value: object, base: str, where: str) -> PersonData | None:
    person = as_object(value, where)
    name = as_text(person.get("public_name"), f"{where}.public_name") or as_text(
        person.get("name"), f"{where}.name"
    )
    if not name:
        return None
    return PersonData(
        person_guid(base, person, where),
        name[:200],
        as_text(person.get("biography"), f"{where}.biography", multiline=True),
        as_role(as_text(person.get("role"), f"{where}.role")),
    )


def read_json(raw: bytes) -> ScheduleData:
    try:
        document = json.loads(raw)
    except RecursionError:
        raise ScheduleError("not a schedule.json: nested too deeply") from None
    except ValueError as error:
        raise ScheduleError(f"not a schedule.json: {error}") from None
    schedule = as_object(as_object(document, "the file").get("schedule"), "schedule")
    where = "schedule.conference"
    conference = as_object(schedule.get("conference"), where)
    acronym = as_acronym(conference.get("acronym"), f"{where}.acronym")
    base = as_text(schedule.get("base_url"), "schedule.base_url") or acronym
    timezone = as_timezone(
        as_text(conference.get("time_zone_name"), f"{where}.time_zone_name"), f"{where}.time_zone_name"
    )
    zone = ZoneInfo(timezone)
    rooms = []
    for r, room in enumerate(as_list(conference.get("rooms"), f"{where}.rooms")):
        room = as_object(room, f"{where}.rooms[{r}]")
        rooms.append(
            (
                as_text(room.get("name"), f"{where}.rooms[{r}].name")[:200],
                as_text(room.get("guid"), f"{where}.rooms[{r}].guid"),
            )
        )
    talks: list[TalkData] = []
    for d, day in enumerate(as_list(conference.get("days"), f"{where}.days")):
        day_where = f"{where}.days[{d}]"
        day_rooms = as_object(as_object(day, day_where).get("rooms") or {}, f"{day_where}.rooms")
        for room_name, items in day_rooms.items():
            room_where = f"{day_where}.rooms[{json.dumps(room_name, ensure_ascii=False)}]"
            room_name = as_text(room_name, room_where)
            for i, item in enumerate(as_list(items, room_where)):
                item_where = f"{room_where}[{i}]"
                item = as_object(item, item_where)
                persons = [
                    person
                    for p, value in enumerate(as_list(item.get("persons"), f"{item_where}.persons"))
                    if (person := _json_person(value, base, f"{item_where}.persons[{p}]"))
                ]
                fields = {**item, "room": item.get("room") or room_name}
                talks.append(talk_from_fields(fields, persons, zone, item_where, "."))
    return checked_schedule(
        acronym,
        as_text(conference.get("title"), f"{where}.title", required=True),
        timezone,
        as_date(conference.get("start"), f"{where}.start"),
        as_date(conference.get("end"), f"{where}.end"),
        rooms,
        talks,
    )
