"""Reading a frab schedule.xml (`read_xml`): every value checked where it is read, a bad file refused with an
XPath to the element. Entities are not resolved and nothing is fetched from the network. The data, value
checks and talk assembly: `schedule_reading`; schedule.json: `schedule_json`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from lxml import etree

from conference.feeds.schedule_reading import (
    PersonData,
    ScheduleData,
    ScheduleError,
    TalkData,
    as_acronym,
    as_date,
    as_text,
    as_timezone,
    checked_schedule,
    person_guid,
    talk_from_fields,
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
        return as_text(found.text if found is not None else None, f"{where}/{name}", multiline=multiline)

    where = "/schedule/conference"
    acronym = as_acronym(text(conf, "acronym", where), f"{where}/acronym")
    timezone = as_timezone(text(conf, "time_zone_name", where), f"{where}/time_zone_name")
    zone = ZoneInfo(timezone)
    base = text(conf, "base_url", where) or acronym
    rooms: list[tuple[str, str | None]] = []
    talks: list[TalkData] = []
    for d, day in enumerate(root.findall("day"), 1):
        for r, room in enumerate(day.findall("room"), 1):
            room_where = f"/schedule/day[{d}]/room[{r}]"
            room_name = as_text(room.get("name"), f"{room_where}/@name")[:200]
            room_where = f"/schedule/day[{d}]/room[@name={_xpath_string(room_name)}]"
            if room_name not in {r[0] for r in rooms}:
                rooms.append((room_name, as_text(room.get("guid"), f"{room_where}/@guid")))
            for i, item in enumerate(room.findall("event"), 1):
                item_where = f"{room_where}/event[{i}]"
                persons = []
                for p, person in enumerate(item.findall("persons/person"), 1):
                    person_where = f"{item_where}/persons/person[{p}]"
                    name = as_text(person.text, person_where)[:200]
                    if name:
                        identity = {"guid": person.get("guid"), "id": person.get("id"), "name": name}
                        persons.append(PersonData(person_guid(base, identity, person_where), name))
                fields = {
                    name: text(item, name, item_where, multiline=name in ("abstract", "description"))
                    for name in ("title", "type", "date", "duration", "abstract", "description", "room")
                }
                fields["guid"] = item.get("guid")
                fields["room"] = fields["room"] or room_name
                talks.append(talk_from_fields(fields, persons, zone, item_where, "/"))
    return checked_schedule(
        acronym,
        as_text(text(conf, "title", where), f"{where}/title", required=True),
        timezone,
        as_date(text(conf, "start", where), f"{where}/start"),
        as_date(text(conf, "end", where), f"{where}/end"),
        rooms,
        talks,
    )
