"""import-schedule and real files: a Camp 2019-shaped frab export, wrong JSON types, years past 9999,
deep nesting (one line saying where, nothing written), people sharing a GUID, and a number of queries
that does not grow with the file."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Session
from tests.factories import make_event
from tests.feeds.test_schedule_import import counts, run

CAMP = Path(__file__).with_name("camp2019_like.json")  # hand-written in the shape of frab's Camp 2019 export


def camp() -> dict:
    return json.loads(CAMP.read_text())


def talk(document: dict, day: int = 0, room: str = "Curie", index: int = 0) -> dict:
    return document["schedule"]["conference"]["days"][day]["rooms"][room][index]


def test_the_camp_2019_export_imports(app):
    result = run(app, CAMP)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "camp2019"  # derived from the acronym "Camp2019"
    event = db.session.scalars(sa.select(Event)).one()
    assert (event.title, event.import_source, event.timezone) == (
        "Chaos Communication Camp 2019",
        "Camp2019",
        "Europe/Berlin",
    )
    assert event.status == EventStatus.PUBLISHED
    assert len(event.sessions) == 4
    sessions = {s.title: s for s in event.sessions}
    # two people the export gave one GUID: both kept, and the second stays one person across talks
    mesh = [a.person.name for a in sessions["Building a mesh network in a field"].assignments]
    assert mesh == ["Kai Muster", "Lea Probe"]
    lea = sessions["Building a mesh network in a field"].assignments[1].person
    assert [a.person for a in sessions["Soldering for everyone"].assignments] == [lea]
    assert [a.person.name for a in sessions["Late night lightning talks"].assignments] == [
        "Anna Beispiel",
        "Ömer Örnek",
    ]
    # importing it again changes nothing
    before = counts()
    revisions = {s.uid: s.revision for s in event.sessions}
    assert run(app, CAMP).exit_code == 0
    assert counts() == before
    assert {s.uid: s.revision for s in db.session.scalars(sa.select(Session))} == revisions


def _set(path: list, value: object):  # noqa: ANN202
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


CONF = ["schedule", "conference"]
TALK = [*CONF, "days", 0, "rooms", "Curie", 0]
TALK_AT = 'schedule.conference.days[0].rooms["Curie"][0]'
BAD_JSON = {
    "conference is a list": (_set(CONF, []), "schedule.conference: expected an object, got a list"),
    "schedule is a string": (_set(["schedule"], "x"), "schedule: expected an object, got a string"),
    "days is an object": (
        _set([*CONF, "days"], {}),
        "schedule.conference.days: expected a list, got an object",
    ),
    "rooms of a day is a string": (
        _set([*CONF, "days", 1, "rooms"], "Curie"),
        "schedule.conference.days[1].rooms: expected an object, got a string",
    ),
    "a day is a number": (
        _set([*CONF, "days", 1], 2),
        "schedule.conference.days[1]: expected an object, got a number",
    ),
    "talks of a room is an object": (
        _set([*CONF, "days", 0, "rooms", "Curie"], {"a": 1}),
        'schedule.conference.days[0].rooms["Curie"]: expected a list, got an object',
    ),
    "a talk is a string": (_set(TALK, "talk"), f"{TALK_AT}: expected an object, got a string"),
    "null title": (_set([*TALK, "title"], None), f"{TALK_AT}.title: expected a string, got null"),
    "numeric title": (_set([*TALK, "title"], 42), f"{TALK_AT}.title: expected a string, got a number"),
    "numeric guid": (_set([*TALK, "guid"], 10254), f"{TALK_AT}.guid: expected a string, got a number"),
    "numeric duration": (
        _set([*TALK, "duration"], 30),
        f'{TALK_AT}.duration: expected a duration like "00:30"',
    ),
    "date as a number": (_set([*TALK, "date"], 20190821), f"{TALK_AT}.date: expected a string, got a number"),
    "persons is an object": (_set([*TALK, "persons"], {"id": 1}), f"{TALK_AT}.persons: expected a list"),
    "a person is a string": (
        _set([*TALK, "persons", 0], "Anna"),
        f"{TALK_AT}.persons[0]: expected an object",
    ),
    "a person's id is a list": (_set([*TALK, "persons", 0, "id"], [1]), f"{TALK_AT}.persons[0].id: expected"),
    "year 10000": (_set([*TALK, "date"], "10000-08-21T12:00:00+02:00"), f"{TALK_AT}.date: '10000-08-21"),
    "past 9999 in UTC": (
        _set([*TALK, "date"], "9999-12-31T23:30:00-05:00"),
        f"{TALK_AT}.date: '9999-12-31T23:30:00-05:00' is not between the years 1900 and 2200",
    ),
    "ends past 9999": (
        _set([*TALK, "date"], "9999-12-31T23:00:00+00:00"),
        f"{TALK_AT}.date: '9999-12-31T23:00:00+00:00' is not between the years",
    ),
    "huge duration": (
        _set([*TALK, "duration"], "99999999:00"),
        f"{TALK_AT}.duration: duration '99999999:00'",
    ),
    "conference start far away": (
        _set([*CONF, "start"], "9999-01-01"),
        "schedule.conference.start: '9999-01-01'",
    ),
    "acronym is a number": (_set([*CONF, "acronym"], 2019), "schedule.conference.acronym: expected a string"),
    "empty acronym": (_set([*CONF, "acronym"], " "), "schedule.conference.acronym: is empty"),
    "null conference title": (
        _set([*CONF, "title"], None),
        "schedule.conference.title: expected a string, got null",
    ),
    "time zone is an object": (
        _set([*CONF, "time_zone_name"], {}),
        "schedule.conference.time_zone_name: expected a string",
    ),
    "lone surrogate": (_set([*TALK, "title"], "\ud800"), f"{TALK_AT}.title: contains an invalid character"),
}


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_wrong_types_and_dates_say_where_and_write_nothing(app, tmp_path, case):
    make_event(slug="existing")
    db.session.commit()
    before = counts()
    change, message = BAD_JSON[case]
    document = camp()
    change(document)
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))

    result = run(app, path)

    assert result.exit_code == 1, (case, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), case
    assert result.output.count("\n") == 1, result.output  # one line
    assert result.output.startswith(f"Error: {path}: "), result.output
    assert message in result.output, result.output
    assert counts() == before


def test_a_bad_talk_late_in_the_file_writes_nothing_before_it(app, tmp_path):
    document = camp()
    document["schedule"]["conference"]["days"][1]["rooms"]["Dijkstra"][0]["date"] = None
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    result = run(app, path)
    assert result.exit_code == 1
    assert (
        'schedule.conference.days[1].rooms["Dijkstra"][0].date: expected a string, got null' in result.output
    )
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_deep_nesting_is_refused_with_a_message(app, tmp_path, kind):
    if kind == "json":
        document = camp()
        talk(document)["links"] = json.loads("[" * 200 + "]" * 200)  # deep but harmless: ignored
        deep = json.dumps(document).replace('"answers": []', '"answers": ' + "[" * 1000 + "]" * 1000, 1)
    else:
        deep = "<schedule><conference><acronym>x</acronym><title>X</title></conference>" + "<day>" * 1000
        deep += "</day>" * 1000 + "</schedule>"
    path = tmp_path / f"schedule.{kind}"
    path.write_text(deep)
    result = run(app, path)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1
    assert "nested too deeply" in result.output if kind == "json" else "Excessive depth" in result.output
    assert counts() == (0, 0, 0, 0, 0)


def test_xml_dates_past_9999_and_bad_durations_say_where(app, tmp_path):
    xml = """<schedule><conference><acronym>X2019</acronym><title>X</title>
      <time_zone_name>America/New_York</time_zone_name></conference>
      <day index="1" date="9999-12-31"><room name="Main">
        <event guid="8079583e-8321-506c-95af-fd2903a5f075"><title>Late</title>
          <date>9999-12-31T23:30:00</date><duration>00:30</duration></event>
      </room></day></schedule>"""
    path = tmp_path / "schedule.xml"
    path.write_text(xml)
    result = run(app, path)
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "/schedule/day[1]/room[@name=\"Main\"]/event[1]/date: '9999-12-31T23:30:00'" in result.output
    path.write_text(xml.replace("9999", "2019").replace("00:30</duration>", "half an hour</duration>"))
    result = run(app, path)
    assert "/event[1]/duration: duration 'half an hour' is not HH:MM" in result.output
    assert counts() == (0, 0, 0, 0, 0)


def test_control_characters_do_not_reach_the_database_or_the_export(app, client, tmp_path):
    document = camp()
    talk(document)["title"] = "Opening\x0bCeremony\x00"
    talk(document)["abstract"] = "Line one\r\nline two\x0c"
    talk(document)["persons"][0]["public_name"] = "Anna\nBeispiel"
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    assert run(app, path).exit_code == 0
    session = db.session.scalars(sa.select(Session).where(Session.uid == talk(document)["guid"])).one()
    assert session.title == "Opening Ceremony"
    assert session.description == "Line one\nline two"
    assert session.assignments[0].person.name == "Anna Beispiel"
    assert etree.fromstring(client.get("/events/camp2019/schedule.xml").data) is not None


def test_two_people_sharing_a_guid_in_xml_are_both_kept(app, tmp_path):
    xml = """<schedule><conference><acronym>Camp2019</acronym><title>Camp</title></conference>
      <day index="1" date="2019-08-21"><room name="Curie">
        <event guid="8079583e-8321-506c-95af-fd2903a5f075"><title>Mesh</title>
          <date>2019-08-21T14:00:00+02:00</date><duration>01:00</duration>
          <persons><person id="7001" guid="11111111-2222-3333-4444-555555555555">Kai Muster</person>
                   <person id="7002" guid="11111111-2222-3333-4444-555555555555">Lea Probe</person></persons>
        </event></room></day></schedule>"""
    path = tmp_path / "schedule.xml"
    path.write_text(xml)
    result = run(app, path)
    assert result.exit_code == 0, result.output
    session = db.session.scalars(sa.select(Session)).one()
    assert [a.person.name for a in session.assignments] == ["Kai Muster", "Lea Probe"]


def _schedule_of(talks: int, name: str) -> dict:
    document = camp()
    template = talk(document)
    items = []
    for n in range(talks):
        item = copy.deepcopy(template)
        item["guid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}-{n}"))
        item["title"] = f"Talk {n}"
        item["persons"] = [
            {"id": 100000 + n, "public_name": f"Speaker {n}"},
            {"id": 6868, "public_name": "Anna"},
        ]
        items.append(item)
    document["schedule"]["conference"]["days"] = [document["schedule"]["conference"]["days"][0]]
    document["schedule"]["conference"]["days"][0]["rooms"] = {"Curie": items}
    return document


def test_queries_do_not_grow_with_the_number_of_talks(app, tmp_path, count_queries):
    """The time per talk stays flat when no step runs a query per talk or person (bench/import_schedule.py
    measures the time itself): reading statements are the same for 5 talks and for 60."""

    def reads(talks: int, name: str) -> int:
        path = tmp_path / f"{name}.json"
        document = _schedule_of(talks, name)
        document["schedule"]["conference"]["acronym"] = name
        path.write_text(json.dumps(document))
        with count_queries() as counter:
            result = run(app, path)
        assert result.exit_code == 0, result.output
        return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    reads(1, "first")  # Anna, in every talk, is known from now on (and appears in another event)
    small, large = reads(5, "small"), reads(60, "large")
    assert large == small
