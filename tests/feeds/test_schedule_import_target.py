"""import-schedule and events it did not create: a new event unless told (--event SLUG --as EMAIL), the
team's permissions, statuses only on request, seats of dropped sessions given back and their people told."""

from __future__ import annotations

import json

import sqlalchemy as sa

from conference.auth.models import EventMember, TeamRole
from conference.db import db
from conference.events.models import Event, EventStatus
from conference.feeds.schedule_reading import read_schedule
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Person, Role
from tests.factories import add_member, make_event, make_person, make_room, make_session, make_user
from tests.feeds.helpers import shared_path
from tests.feeds.test_schedule_import import counts, run


def democon(tmp_path, change=None):  # noqa: ANN001, ANN201
    document = json.loads(shared_path("schemas", "example-pretalx-democon.json").read_text())
    if change:
        change(document)
    path = tmp_path / "democon.json"
    path.write_text(json.dumps(document))
    return path


def talks_of(document: dict) -> list[dict]:
    return [t for d in document["schedule"]["conference"]["days"] for r in d["rooms"].values() for t in r]


def organiser_event(
    slug: str = "democon", status: EventStatus = EventStatus.PUBLISHED
) -> tuple[Event, Session]:
    """An event an organiser made by hand (not imported), with one session and a confirmed seat in it."""
    event = make_event(slug=slug, title="Our own DemoCon", status=status)
    session = make_session(event, title="Hand-made panel", room=make_room(event, "Hall"))
    session.capacity = 10
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Ana Attendee", "ana@example.org", "in_person", [session.id])
    )
    db.session.expire_all()
    return event, session


def test_a_file_with_the_slug_of_an_existing_event_makes_a_new_event(app, tmp_path):
    event, session = organiser_event()

    result = run(app, democon(tmp_path))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "democon-2"
    assert "new event 'democon-2' (published) from schedule 'democon'" in result.stderr
    mine = db.session.get(Event, event.id)
    assert (mine.title, mine.status, mine.import_source) == ("Our own DemoCon", EventStatus.PUBLISHED, None)
    assert [(s.title, s.status) for s in mine.sessions] == [("Hand-made panel", SessionStatus.SCHEDULED)]
    seat = db.session.scalars(sa.select(SessionSeat)).one()
    assert seat.status == SeatStatus.CONFIRMED
    imported = db.session.scalars(sa.select(Event).where(Event.slug == "democon-2")).one()
    assert imported.import_source == "democon"

    # importing the same schedule again updates the imported event, still not the organiser's
    before = counts()
    again = run(app, democon(tmp_path))
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "democon-2"
    assert counts() == before
    assert db.session.get(Event, event.id).title == "Our own DemoCon"


def test_a_draft_of_the_same_slug_is_not_published(app, tmp_path):
    event, _ = organiser_event(status=EventStatus.DRAFT)
    assert run(app, democon(tmp_path)).exit_code == 0
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT


def test_event_flag_needs_an_organiser_who_may_edit_the_event(app, tmp_path):
    event, session = organiser_event(status=EventStatus.DRAFT)
    owner, stranger, helper = make_user("owner@example.org"), make_user("stranger@example.org"), make_user()
    add_member(event, owner, "owner")
    add_member(event, helper, "checkin")
    add_member(make_event(), stranger, "owner")
    db.session.commit()
    path = democon(tmp_path)
    before = counts()

    refused = {
        (): 2,  # --event without --as
        ("--as", "nobody@example.org"): 1,
        ("--as", "stranger@example.org"): 1,
        ("--as", helper.email): 1,  # a check-in helper may not edit the programme
    }
    for extra, code in refused.items():
        result = run(app, path, "--event", "democon", *extra)
        assert result.exit_code == code, (extra, result.output)
        assert "Traceback" not in result.output
        assert counts() == before, extra
    assert "may not edit event 'democon'" in run(app, path, "--event", "democon", "--as", helper.email).output
    missing = run(app, path, "--event", "no-such-event", "--as", "owner@example.org")
    assert missing.exit_code == 1 and "there is no event 'no-such-event'" in missing.output

    result = run(app, path, "--event", "democon", "--as", "Owner@Example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "democon"
    assert "title: 'Our own DemoCon' -> 'DemoCon'" in result.stderr
    assert "status: draft (unchanged" in result.stderr
    assert "sessions: 36 added, 0 changed, 1 cancelled (not in the file)" in result.stderr
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.DRAFT  # not published: nobody asked
    assert event.import_source == "democon"
    assert db.session.get(Session, session.id).status == SessionStatus.CANCELLED
    # an admin may edit every event
    admin = make_user("admin@example.org", is_admin=True)
    db.session.commit()
    result = run(app, path, "--event", "democon", "--as", admin.email, "--publish")
    assert result.exit_code == 0, result.output
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    # and a plain re-import now finds the event it was linked to
    assert run(app, path).stdout.strip() == "democon"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2


def test_another_schedules_event_cannot_be_taken_over(app, tmp_path):
    assert run(app, democon(tmp_path)).exit_code == 0  # event 'democon', from schedule 'democon'
    other = make_event(slug="other")
    owner = make_user("owner@example.org")
    add_member(other, owner, "owner")
    db.session.commit()
    result = run(app, democon(tmp_path), "--event", "other", "--as", owner.email)
    assert result.exit_code == 1
    assert "was imported into event 'democon'" in result.output
    assert db.session.get(Event, other.id).import_source is None


def test_new_event_as_an_organiser_is_theirs(app, tmp_path):
    owner = make_user("owner@example.org")
    db.session.commit()
    result = run(app, democon(tmp_path), "--as", owner.email, "--draft")
    assert result.exit_code == 0, result.output
    event = db.session.scalars(sa.select(Event)).one()
    assert event.status == EventStatus.DRAFT
    member = db.session.scalars(sa.select(EventMember)).one()
    assert (member.event_id, member.user_id, member.role) == (event.id, owner.id, TeamRole.OWNER)
    assert run(app, democon(tmp_path), "--draft", "--publish").exit_code == 2


def test_dry_run_prints_and_writes_nothing(app, tmp_path):
    before = counts()
    result = run(app, democon(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "new event 'democon'" in result.stderr and "dry run: nothing was written" in result.stderr
    assert counts() == before


def test_dropped_sessions_give_back_their_seats_and_tell_the_registrants(app, tmp_path):
    assert run(app, democon(tmp_path)).exit_code == 0
    event = db.session.scalars(sa.select(Event)).one()
    first = talks_of(json.loads(democon(tmp_path).read_text()))[0]
    dropped = db.session.scalars(sa.select(Session).where(Session.uid == first["guid"])).one()
    dropped.capacity = 1
    kept = next(s for s in event.sessions if s.id != dropped.id)
    db.session.commit()

    def register(name: str, email: str, session_ids: list[int]) -> int:
        data = registering.RegistrationInput(name, email, "in_person", session_ids)
        return registering.register(event, data).registration_id

    ana = register("Ana", "ana@example.org", [dropped.id, kept.id])  # holds the one seat
    bo = register("Bo", "bo@example.org", [dropped.id])  # waits for it
    db.session.expire_all()
    assert db.session.get(Session, dropped.id).seats_taken == 1
    mails_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))

    def remove_first(document: dict) -> None:
        for day in document["schedule"]["conference"]["days"]:
            for items in day["rooms"].values():
                items[:] = [t for t in items if t["guid"] != first["guid"]]

    result = run(app, democon(tmp_path, remove_first))
    assert result.exit_code == 0, result.output
    assert "seats given back in cancelled sessions: 1; registrations told by mail: 2" in result.stderr

    session = db.session.get(Session, dropped.id)
    assert session.status == SessionStatus.CANCELLED
    assert session.seats_taken == 0
    seats = {(s.registration_id, s.session_id): s.status for s in db.session.scalars(sa.select(SessionSeat))}
    assert seats[(ana, dropped.id)] == SeatStatus.CANCELLED
    assert seats[(bo, dropped.id)] == SeatStatus.CANCELLED
    assert seats[(ana, kept.id)] == SeatStatus.CONFIRMED  # the rest of the registration stands
    assert db.session.get(Registration, ana).status == RegistrationStatus.CONFIRMED
    told = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id).offset(mails_before)).all()
    # The session's cancellation notice (conference.mail.notices), one each, naming the cancelled session.
    assert sorted((m.to_address, m.kind) for m in told) == [
        ("ana@example.org", "session_cancelled"),
        ("bo@example.org", "session_cancelled"),
    ]
    assert all(first["title"] in m.body_text for m in told)

    # a re-import of the same file releases nothing twice and mails nobody
    again = run(app, democon(tmp_path, remove_first))
    assert again.exit_code == 0 and "cancelled (not in the file)" in again.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == mails_before + 2


def test_people_of_other_events_are_assigned_but_not_changed(app, tmp_path):
    talk = read_schedule(democon(tmp_path)).talks[0]
    speaker = talk.people[0]  # pretalx gives people a code, no GUID: the importer derives one
    other = make_event(slug="elsewhere")
    person = make_person(name="Their Own Name", uid=speaker.guid, bio="Their bio")
    make_session(other, people=[(person, Role.SPEAKER)])
    db.session.commit()

    result = run(app, democon(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 assigned but not changed" in result.stderr
    person = db.session.get(Person, person.id)
    assert (person.name, person.bio) == ("Their Own Name", "Their bio")
    imported = db.session.scalars(sa.select(Session).where(Session.uid == talk.guid)).one()
    assert person.id in [a.person_id for a in imported.assignments]

    # an organiser who may edit both events may change the person
    owner = make_user("owner@example.org")
    add_member(other, owner, "owner")
    add_member(db.session.scalars(sa.select(Event).where(Event.slug == "democon")).one(), owner, "owner")
    db.session.commit()
    result = run(app, democon(tmp_path), "--as", owner.email)
    assert result.exit_code == 0, result.output
    assert db.session.get(Person, person.id).name == speaker.name
