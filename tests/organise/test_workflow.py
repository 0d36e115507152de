"""Building a programme through the organiser pages (real forms, real CSRF tokens)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.auth.models import EventMember
from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, Person, Role
from conference.timeutil import from_local, local
from tests.factories import add_member, login_as, make_event, make_person, make_room, make_session, make_user
from tests.organise.helpers import post_form

EVENT_FORM = {
    "title": "Human security symposium", "slug": "", "kind": "symposium", "summary": "", "description": "",
    "timezone": "Asia/Bangkok", "starts_at": "2030-12-05T09:00", "ends_at": "2030-12-06T17:00",
    "attendance_mode": "in_person", "venue_name": "Chiang Mai University", "venue_address": "", "city": "Chiang Mai",  # noqa: E501
    "country": "Thailand", "online_url": "", "hashtag": "", "series_id": "0",
}  # fmt: skip


@pytest.fixture
def organiser(app):
    user = make_user()
    db.session.commit()
    client = app.test_client()
    login_as(client, user)
    return client, user


def session_form(title, start, end, room_id=0):  # noqa: ANN001, ANN201
    return {"title": title, "kind": "panel", "starts_at": start, "ends_at": end, "room_id": str(room_id),
            "description": "", "registration_enabled": "y", "capacity": ""}  # fmt: skip


def test_create_event_in_its_time_zone(organiser):
    client, user = organiser
    response = post_form(client, "/organise/events/new", EVENT_FORM)
    assert response.status_code == 302
    event = db.session.scalars(sa.select(Event)).one()
    assert event.slug == "human-security-symposium" and event.status == EventStatus.DRAFT
    assert event.starts_at == from_local(datetime(2030, 12, 5, 9, 0), "Asia/Bangkok")
    assert event.starts_at.hour == 2  # 09:00 in Bangkok is 02:00 UTC
    assert db.session.scalars(sa.select(EventMember.role)).one().value == "owner"


@pytest.mark.parametrize(
    ("field", "value"),
    [("timezone", "Mars/Olympus"), ("ends_at", "2030-12-04T09:00"), ("starts_at", "not a date"),
     ("starts_at", "99999-01-01T00:00"), ("online_url", "javascript:alert(1)"), ("kind", "rave"), ("series_id", "abc"),  # noqa: E501
     ("slug", "Bad Slug!"), ("title", "")],
)  # fmt: skip
def test_event_form_errors_are_shown_next_to_fields_never_500(organiser, field, value):
    client, _ = organiser
    response = post_form(client, "/organise/events/new", {**EVENT_FORM, field: value})
    assert response.status_code == 200
    assert 'class="errors"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_markdown_description_is_sanitised_on_the_public_page(organiser, app):
    client, _ = organiser
    post_form(client, "/organise/events/new",
              {**EVENT_FORM, "description": "[x](javascript:alert(1)) <script>alert(2)</script> <b onclick=y>b</b>"})  # fmt: skip  # noqa: E501
    event = db.session.scalars(sa.select(Event)).one()
    event.status = EventStatus.PUBLISHED
    db.session.commit()
    page = app.test_client().get(f"/events/{event.slug}/").get_data(as_text=True)
    assert 'href="javascript' not in page and "<script>alert" not in page and "<b onclick" not in page
    assert "description" in page


def build_event(user):  # noqa: ANN001, ANN201
    event = make_event(timezone="Asia/Bangkok", status=EventStatus.DRAFT,
                       starts_at=from_local(datetime(2030, 12, 5, 9), "Asia/Bangkok"),
                       ends_at=from_local(datetime(2030, 12, 5, 18), "Asia/Bangkok"))  # fmt: skip
    add_member(event, user, "owner")
    db.session.commit()
    return event


def test_sessions_people_clash_publish_and_revisions(organiser, app):
    client, user = organiser
    event = build_event(user)
    base = f"/organise/events/{event.slug}"
    assert (
        post_form(
            client, f"{base}/sessions/new", session_form("Opening", "2030-12-05T10:00", "2030-12-05T11:00")
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"{base}/sessions/new", session_form("Panel", "2030-12-05T10:30", "2030-12-05T12:00")
        ).status_code
        == 302
    )
    opening, panel = db.session.scalars(sa.select(Session).order_by(Session.starts_at)).all()
    assert local(opening.starts_at, "Asia/Bangkok").hour == 10

    # Create a speaker from the session page, then find and add the same person to the overlapping panel.
    response = post_form(client, f"{base}/sessions/{opening.id}/edit?q=Dudden",
                         {"new-name": "Alexis Dudden", "new-position": "Professor of History",
                          "new-affiliation": "University of Connecticut", "new-role": "speaker"},
                         action=f"{base}/sessions/{opening.id}/people/new")  # fmt: skip
    assert response.status_code == 302
    dudden = db.session.scalars(sa.select(Person).where(Person.name == "Alexis Dudden")).one()
    response = post_form(client, f"{base}/sessions/{panel.id}/edit?q=connecticut",
                         {"add-person_id": str(dudden.id), "add-role": "moderator"},
                         action=f"{base}/sessions/{panel.id}/people")  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"{base}/sessions/{panel.id}/edit").get_data(as_text=True)
    assert "Alexis Dudden is in two sessions at the same time" in page
    assert f"/organise/events/{event.slug}/sessions/{opening.id}/edit" in page  # links to the other side

    # Creating a second "Alexis Dudden" by accident is stopped until confirmed.
    response = post_form(client, f"{base}/sessions/{panel.id}/edit",
                         {"new-name": "alexis  dudden", "new-role": "speaker"},
                         action=f"{base}/sessions/{panel.id}/people/new")  # fmt: skip
    assert response.status_code == 400 and "similar name" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1

    # Publishing with clashes needs confirmation.
    post_form(client, f"{base}/", {}, action=f"{base}/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT
    post_form(client, f"{base}/", {"confirm": "y"}, action=f"{base}/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    public = app.test_client().get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Opening" in public and "Alexis Dudden" in public

    # Published changes bump revisions (through the one change-tracking hook).
    before = db.session.get(Session, panel.id).revision
    post_form(
        client,
        f"{base}/sessions/{panel.id}/edit",
        session_form("Panel", "2030-12-05T11:00", "2030-12-05T12:00"),
    )
    db.session.expire_all()
    moved = db.session.get(Session, panel.id)
    assert moved.revision == before + 1 and local(moved.starts_at, "Asia/Bangkok").hour == 11
    assert event_clash_count(client, base) == 0

    # Cancel instead of delete once published.
    post_form(
        client,
        f"{base}/sessions/{panel.id}/edit",
        {"confirm": "y"},
        action=f"{base}/sessions/{panel.id}/delete",
    )
    post_form(
        client,
        f"{base}/sessions/{panel.id}/edit",
        {"confirm": "y"},
        action=f"{base}/sessions/{panel.id}/cancel",
    )
    db.session.expire_all()
    cancelled = db.session.get(Session, panel.id)
    assert (
        cancelled is not None
        and cancelled.status == SessionStatus.CANCELLED
        and cancelled.revision == before + 2
    )
    assert "Cancelled" in app.test_client().get(f"/events/{event.slug}/").get_data(as_text=True)


def event_clash_count(client, base):  # noqa: ANN001, ANN201
    return client.get(f"{base}/").get_data(as_text=True).count('class="clash clash-')


def test_session_form_rejects_bad_input(organiser):
    client, user = organiser
    event = build_event(user)
    url = f"/organise/events/{event.slug}/sessions/new"
    for data in [session_form("x", "2030-12-05T11:00", "2030-12-05T10:00"), session_form("x", "bad", "bad"),
                 session_form("x", "2030-12-05T10:00", "2030-12-05T11:00", room_id=999999),
                 {**session_form("x", "2030-12-05T10:00", "2030-12-05T11:00"), "capacity": "-1"}]:  # fmt: skip  # noqa: E501
        response = post_form(client, url, data)
        assert response.status_code == 200 and 'class="errors"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0


def test_timetable_shows_rooms_and_clashes_in_event_zone(organiser):
    client, user = organiser
    event = build_event(user)
    hall = make_room(event, "Great Hall")
    make_session(
        event,
        title="Morning plenary",
        room=hall,
        starts_at=from_local(datetime(2030, 12, 5, 9, 30), "Asia/Bangkok"),
    )
    make_session(
        event,
        title="Overlapping talk",
        room=hall,
        starts_at=from_local(datetime(2030, 12, 5, 10), "Asia/Bangkok"),
    )
    db.session.commit()
    page = client.get(f"/organise/events/{event.slug}/timetable").get_data(as_text=True)
    assert "Great Hall" in page and "09:30" in page and "Morning plenary" in page
    assert "Two sessions in Great Hall at the same time" in page


def test_merge_people_moves_sessions(organiser):
    client, user = organiser
    event = build_event(user)
    keep, dup = make_person(name="Frank Aum"), make_person(name="F. Aum", affiliation="USIP")
    s1 = make_session(event, people=[(keep, Role.MODERATOR)])
    s2 = make_session(event, people=[(dup, Role.SPEAKER)])
    s3 = make_session(event, people=[(keep, Role.SPEAKER), (dup, Role.SPEAKER)])
    db.session.commit()
    response = post_form(client, "/organise/people/merge", {"keep_id": keep.id, "merge_id": dup.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, dup.id) is None
    merged = db.session.get(Person, keep.id)
    assert merged.affiliation == "USIP"
    assert sorted(a.session_id for a in merged.assignments) == sorted([s1.id, s2.id, s3.id])
    assert db.session.get(Session, s2.id).revision == 1


def test_people_of_other_teams_cannot_be_edited(organiser, app):
    client, user = organiser
    other = make_event()
    stranger_person = make_person(name="Someone Else")
    make_session(other, people=[(stranger_person, Role.SPEAKER)])
    db.session.commit()
    assert client.get(f"/organise/people/{stranger_person.id}/edit").status_code == 404
    assert client.get("/organise/people/?q=someone").status_code == 200


def test_duplicate_event_shifts_dates_keeps_local_times_and_copies_roles(organiser):
    client, user = organiser
    event = build_event(user)
    event.status = EventStatus.PUBLISHED
    hall = make_room(event, "Hall")
    person = make_person()
    session = make_session(event, room=hall, starts_at=from_local(datetime(2030, 12, 5, 9, 30), "Asia/Bangkok"),  # noqa: E501
                           people=[(person, Role.MODERATOR)])  # fmt: skip
    make_session(event, title="Dropped", status=SessionStatus.CANCELLED)
    db.session.commit()
    response = post_form(client, f"/organise/events/{event.slug}/duplicate",
                         {"title": "Next year", "slug": "", "starts_at": "2031-12-04T09:00"})  # fmt: skip
    assert response.status_code == 302
    copy = db.session.scalars(sa.select(Event).where(Event.title == "Next year")).one()
    assert copy.status == EventStatus.DRAFT and copy.uid != event.uid and copy.slug == "next-year"
    assert local(copy.starts_at, "Asia/Bangkok").replace(tzinfo=None) == datetime(2031, 12, 4, 9, 0)
    (new_session,) = copy.sessions
    assert new_session.uid != session.uid
    assert local(new_session.starts_at, "Asia/Bangkok").replace(tzinfo=None) == datetime(2031, 12, 4, 9, 30)
    assert new_session.room.name == "Hall" and new_session.room.id != hall.id
    assert [(a.person_id, a.role) for a in new_session.assignments] == [(person.id, Role.MODERATOR)]
    assert (
        db.session.scalar(sa.select(EventMember.role).where(EventMember.event_id == copy.id)).value == "owner"
    )


def test_duplicate_keeps_wall_clock_across_daylight_saving(organiser):
    client, user = organiser
    event = make_event(timezone="Europe/Berlin", starts_at=from_local(datetime(2030, 3, 20, 9), "Europe/Berlin"),  # noqa: E501
                       ends_at=from_local(datetime(2030, 3, 20, 18), "Europe/Berlin"))  # fmt: skip
    add_member(event, user)
    make_session(event, starts_at=from_local(datetime(2030, 3, 20, 14), "Europe/Berlin"))
    db.session.commit()
    post_form(client, f"/organise/events/{event.slug}/duplicate",
              {"title": "After DST", "slug": "after-dst", "starts_at": "2030-04-03T09:00"})  # fmt: skip
    copy = db.session.scalars(sa.select(Event).where(Event.slug == "after-dst")).one()
    assert local(copy.sessions[0].starts_at, "Europe/Berlin").hour == 14
    assert copy.sessions[0].starts_at - event.sessions[0].starts_at == timedelta(days=14, hours=-1)


def test_team_keeps_an_owner_and_adds_helpers(organiser):
    client, user = organiser
    event = build_event(user)
    helper = make_user("helper@example.org")
    db.session.commit()
    url = f"/organise/events/{event.slug}/team"
    assert post_form(client, url, {"email": "helper@example.org", "role": "checkin"}).status_code == 302
    members = db.session.scalars(sa.select(EventMember).where(EventMember.event_id == event.id)).all()
    assert {(m.user_id, m.role.value) for m in members} == {(user.id, "owner"), (helper.id, "checkin")}
    mine = next(m for m in members if m.user_id == user.id)
    post_form(client, url, {"confirm": "y"}, action=f"{url}/{mine.id}/remove")
    db.session.expire_all()
    assert db.session.get(EventMember, mine.id) is not None


def test_cancelled_event_stays_visible_marked(organiser, app):
    client, user = organiser
    event = build_event(user)
    event.status = EventStatus.PUBLISHED
    db.session.commit()
    post_form(
        client,
        f"/organise/events/{event.slug}/",
        {"confirm": "y"},
        action=f"/organise/events/{event.slug}/cancel",
    )
    page = app.test_client().get(f"/events/{event.slug}/")
    assert page.status_code == 200 and "This event has been cancelled." in page.get_data(as_text=True)
    assert Assignment  # imported for clarity of the model under test
