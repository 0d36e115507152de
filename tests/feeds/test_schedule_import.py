"""import-schedule: the real pretalx export, re-imports without duplicates, changes, bad files, round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, Person, Role
from tests.factories import make_event, make_person, make_room, make_session
from tests.feeds.helpers import shared_path


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["import-schedule", *map(str, args)])
    db.session.expire_all()
    return result


def counts() -> tuple[int, int, int, int, int]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Event, Room, Session, Person, Assignment)
    )


def test_imports_the_pretalx_example_and_reimports_without_duplicates(app):
    example = shared_path("schemas", "example-pretalx-democon.json")
    document = json.loads(example.read_text())
    talks = [t for d in document["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r]

    result = run(app, example)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "democon"
    event = db.session.scalars(sa.select(Event).where(Event.slug == "democon")).one()
    assert event.status == EventStatus.PUBLISHED
    assert event.title == "DemoCon"
    assert len(event.sessions) == len(talks)
    first = next(s for s in event.sessions if s.uid == talks[0]["guid"])
    assert first.starts_at == datetime.fromisoformat(talks[0]["date"]).astimezone(UTC)
    assert first.title == talks[0]["title"]
    assert [a.person.name for a in first.assignments] == [p["public_name"] for p in talks[0]["persons"]]
    before = counts()
    revisions = {s.uid: s.revision for s in event.sessions}

    assert run(app, example).exit_code == 0
    assert counts() == before
    assert {s.uid: s.revision for s in db.session.scalars(sa.select(Session))} == revisions


def test_changed_file_updates_in_place_and_cancels_missing_sessions(app, tmp_path):
    document = json.loads(shared_path("schemas", "example-pretalx-democon.json").read_text())
    talks = [t for d in document["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r]
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    assert run(app, path, "--draft").exit_code == 0
    assert db.session.scalars(sa.select(Event)).one().status == EventStatus.DRAFT
    assert run(app, path).exit_code == 0  # a re-import keeps the status: still a draft
    assert db.session.scalars(sa.select(Event)).one().status == EventStatus.DRAFT
    assert {s.revision for s in db.session.scalars(sa.select(Session))} == {0}
    assert run(app, path, "--publish").exit_code == 0  # publishing shows every entry anew: each bumped once
    assert {s.revision for s in db.session.scalars(sa.select(Session))} == {1}

    moved, removed, untouched = talks[0], talks[1], talks[2]
    moved["title"] = "A new title"
    for day in document["schedule"]["conference"]["days"]:
        for items in day["rooms"].values():
            if removed in items:
                items.remove(removed)
    path.write_text(json.dumps(document))
    assert run(app, path).exit_code == 0

    sessions = {s.uid: s for s in db.session.scalars(sa.select(Session))}
    assert len(sessions) == len(talks)
    assert sessions[moved["guid"]].title == "A new title"
    assert sessions[moved["guid"]].revision == 2
    assert sessions[removed["guid"]].status == SessionStatus.CANCELLED
    assert sessions[removed["guid"]].revision == 2
    assert sessions[untouched["guid"]].revision == 1
    assert db.session.scalars(sa.select(Event)).one().status == EventStatus.PUBLISHED


def test_bad_files_change_nothing(app, tmp_path):
    make_event(slug="existing")
    db.session.commit()
    before = counts()
    bad = {
        "garbage.json": "{not json",
        "wrong.json": json.dumps({"hello": 1}),
        "broken.xml": "<schedule><conference>",
        "badtime.json": json.dumps(
            {
                "schedule": {
                    "version": "1",
                    "conference": {
                        "acronym": "badcon",
                        "title": "Bad",
                        "time_zone_name": "Europe/Berlin",
                        "days": [
                            {
                                "rooms": {
                                    "A": [
                                        {
                                            "guid": "8079583e-8321-506c-95af-fd2903a5f075",
                                            "title": "ok",
                                            "date": "2020-12-14T09:00:00+01:00",
                                            "duration": "00:30",
                                        },
                                        {
                                            "guid": "8079583e-8321-506c-95af-fd2903a5f076",
                                            "title": "bad",
                                            "date": "yesterday",
                                            "duration": "00:30",
                                        },
                                    ]
                                }
                            }
                        ],
                    },
                }
            }
        ),
    }
    for name, text in bad.items():
        path = tmp_path / name
        path.write_text(text)
        result = run(app, path)
        assert result.exit_code == 1, name
        assert "Error:" in result.output and name in result.output
        assert "Traceback" not in result.output
        assert counts() == before
    assert run(app, tmp_path / "missing.json").exit_code != 0


def test_round_trip_json_and_xml(app, client, tmp_path):
    start = datetime(2027, 3, 27, 8, 0, tzinfo=UTC)  # across the Berlin DST change
    event = make_event(slug="roundtrip-con", title="Round trip", timezone="Europe/Berlin", starts_at=start,
                       ends_at=start + timedelta(days=2))  # fmt: skip
    hall = make_room(event, "Hall")
    ada, bob = make_person(name="Ada"), make_person(name="Bob")
    make_session(
        event, title="Saturday", starts_at=start, room=hall, people=[(ada, Role.MODERATOR), (bob, None)]
    )
    make_session(
        event, title="Sunday", starts_at=start + timedelta(days=1), room=hall, people=[(bob, Role.CHAIR)]
    )
    db.session.commit()

    def snapshot() -> list:
        return sorted(
            (
                s.uid,
                s.title,
                s.starts_at,
                s.ends_at,
                s.room.name,
                [(a.person.uid, a.person.name) for a in s.assignments],
            )
            for s in db.session.scalars(sa.select(Session))
        )

    original = snapshot()
    roles = sorted((a.person.uid, a.role) for a in db.session.scalars(sa.select(Assignment)))
    exported_json = client.get("/events/roundtrip-con/schedule.json").data
    exported_xml = client.get("/events/roundtrip-con/schedule.xml").data
    (tmp_path / "s.json").write_bytes(exported_json)
    (tmp_path / "s.xml").write_bytes(exported_xml)

    for name in ("s.json", "s.xml"):
        # a fresh database
        from tests.conftest import _empty_all_tables

        db.session.remove()
        _empty_all_tables()
        result = run(app, tmp_path / name)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == "roundtrip-con"
        assert snapshot() == original, name
        if name == "s.json":
            assert sorted((a.person.uid, a.role) for a in db.session.scalars(sa.select(Assignment))) == roles
        # and exporting again gives the same sessions
        again = client.get("/events/roundtrip-con/schedule.json").get_json()
        first = json.loads(exported_json)
        assert [
            t["guid"] for d in again["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r
        ] == [
            t["guid"] for d in first["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r
        ]


def test_a_reimport_that_moves_or_cancels_sessions_notifies_unless_told_not_to(app, tmp_path):
    """--no-notify tells nobody of the sessions a re-import moves or cancels; the default (--notify) writes one
    notice per registrant, as the organiser's pages do. `--help` states the default."""
    from conference.mail.models import OutboxMessage
    from conference.registrations import registering

    app.config["NOTICE_DELAY_SECONDS"] = 0
    document = json.loads(shared_path("schemas", "example-pretalx-democon.json").read_text())
    talks = [t for d in document["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r]
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    assert run(app, path).exit_code == 0
    event = db.session.scalars(sa.select(Event)).one()
    first, second = (
        db.session.scalars(sa.select(Session).where(Session.uid == t["guid"])).one() for t in talks[:2]
    )
    registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [first.id, second.id])
    )
    db.session.commit()

    def notices() -> list[str]:
        db.session.expire_all()
        kinds = OutboxMessage.kind.in_(("session_moved", "session_cancelled"))
        return sorted(db.session.scalars(sa.select(OutboxMessage.kind).where(kinds)))

    def shift(talk: dict, hours: int) -> None:
        talk["date"] = (datetime.fromisoformat(talk["date"]) + timedelta(hours=hours)).isoformat()

    shift(talks[0], 1)
    path.write_text(json.dumps(document))
    quiet = run(app, path, "--no-notify")
    assert quiet.exit_code == 0, quiet.output
    assert "notices: none, nobody is told of moved or cancelled sessions (--no-notify)" in quiet.stderr
    assert db.session.get(Session, first.id).starts_at == datetime.fromisoformat(talks[0]["date"]).astimezone(
        UTC
    )
    assert notices() == []

    shift(talks[0], 1)
    for day in document["schedule"]["conference"]["days"]:  # the second talk leaves the file: cancelled
        for items in day["rooms"].values():
            if talks[1] in items:
                items.remove(talks[1])
    path.write_text(json.dumps(document))
    loud = run(app, path)
    assert loud.exit_code == 0, loud.output
    assert "registrations told by mail: 1" in loud.stderr
    assert db.session.get(Session, second.id).status == SessionStatus.CANCELLED
    assert notices() == ["session_cancelled", "session_moved"]  # Ada, once per change

    help_text = app.test_cli_runner().invoke(args=["import-schedule", "--help"]).output
    assert "--notify / --no-notify" in help_text and "[default: notify]" in help_text
