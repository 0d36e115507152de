"""The iCalendar builders: content of each VEVENT, the personal agenda, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conference.db import db
from conference.events.models import AttendanceMode
from conference.feeds.builders import event_feed, registration_feed
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room, make_session
from tests.feeds.helpers import by_summary, ical_timeline, vevents


def make_registration(event, sessions_with_status, status=RegistrationStatus.CONFIRMED, n=1) -> Registration:
    registration = Registration(
        event=event,
        token=f"token-{n}-{event.id}",
        feed_token=f"feed-token-{n}-{event.id}",
        checkin_code=f"code-{n}-{event.id}",
        name="Ada Attendee",
        email=f"ada{n}@example.org",
        attendance_mode=RegistrationMode.ONLINE,
        status=status,
    )
    for session, seat_status in sessions_with_status:
        registration.seats.append(SessionSeat(session=session, status=seat_status))
    db.session.add(registration)
    db.session.commit()
    return registration


def test_registration_feed_lists_chosen_sessions_with_their_status(app):
    event = make_event(attendance_mode=AttendanceMode.HYBRID, online_url="https://meet.example/room-42")
    confirmed = make_session(event, title="Confirmed panel")
    waitlisted = make_session(event, title="Waitlisted panel", starts_at=event.starts_at + timedelta(hours=3))
    dropped = make_session(event, title="Dropped panel", starts_at=event.starts_at + timedelta(hours=5))
    make_session(event, title="Not chosen")
    registration = make_registration(
        event,
        [
            (confirmed, SeatStatus.CONFIRMED),
            (waitlisted, SeatStatus.WAITLISTED),
            (dropped, SeatStatus.CANCELLED),
        ],
    )

    body = registration_feed(registration)

    entries = by_summary(body)
    assert set(entries) == {"Confirmed panel", "Waitlisted panel"}
    assert entries["Confirmed panel"]["STATUS"] == "CONFIRMED"
    assert entries["Waitlisted panel"]["STATUS"] == "TENTATIVE"
    assert "https://meet.example/room-42" in str(entries["Confirmed panel"]["DESCRIPTION"])
    assert len(ical_timeline(body)) == 2


def test_join_link_only_for_confirmed_registrations_and_never_in_public_feeds(app):
    event = make_event(attendance_mode=AttendanceMode.ONLINE, online_url="https://meet.example/secret")
    session = make_session(event, title="Online panel")
    waiting = make_registration(
        event, [(session, SeatStatus.CONFIRMED)], status=RegistrationStatus.WAITLISTED
    )

    assert b"meet.example" not in registration_feed(waiting)
    assert b"meet.example" not in event_feed(event).body
    assert vevents(registration_feed(waiting))[0]["STATUS"] == "TENTATIVE"


def test_registration_without_sessions_gets_the_event(app):
    event = make_event(title="Roundtable on memory")
    registration = make_registration(event, [])
    assert list(by_summary(registration_feed(registration))) == ["Roundtable on memory"]


def test_vevent_fields(app):
    event = make_event(venue_name="Chiang Mai University", city="Chiang Mai", timezone="Asia/Bangkok")
    room = make_room(event, "Hall 2")
    moderator = make_person(name="Frank Aum", position="Senior Expert", affiliation="USIP")
    session = make_session(
        event,
        title="Memory and law",
        room=room,
        people=[(moderator, Role.MODERATOR)],
        description="About wartime memory; and law, too.",
    )
    db.session.commit()

    (vevent,) = vevents(event_feed(event).body)

    assert str(vevent["UID"]) == f"{session.uid}@conference.test"
    assert vevent["SEQUENCE"] == session.revision
    assert vevent["DTSTAMP"].dt == session.updated_at
    assert vevent["LAST-MODIFIED"].dt == session.updated_at
    assert vevent["DTSTART"].params["TZID"] == "Asia/Bangkok"
    assert vevent["DTSTART"].dt.astimezone(UTC) == session.starts_at
    assert "Frank Aum (Moderator), Senior Expert, USIP" in str(vevent["DESCRIPTION"])
    assert "wartime memory; and law" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "Hall 2, Chiang Mai University, Chiang Mai"
    assert str(vevent["URL"]) == f"https://conference.test/events/{event.slug}/sessions/{session.id}/"
    assert vevent["CATEGORIES"].cats == ["Panel"]


def test_summer_and_winter_sessions_in_berlin_resolve_to_the_right_utc_instants(app):
    winter_start = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)  # 10:00 CET
    summer_start = datetime(2027, 7, 14, 8, 0, tzinfo=UTC)  # 10:00 CEST
    event = make_event(
        timezone="Europe/Berlin", starts_at=winter_start, ends_at=summer_start + timedelta(days=1)
    )
    make_session(event, title="Winter", starts_at=winter_start)
    make_session(event, title="Summer", starts_at=summer_start)
    db.session.commit()

    body = event_feed(event).body

    assert b"RDATE" not in body
    assert b"RRULE:FREQ=YEARLY" in body
    assert body.count(b"BEGIN:VTIMEZONE") == 1
    parsed = {e.summary: e for e in ical_timeline(body)}
    assert parsed["Winter"].dtstart.astimezone(UTC) == winter_start
    assert parsed["Summer"].dtstart.astimezone(UTC) == summer_start
    assert parsed["Summer"].dtstart.utcoffset() == timedelta(hours=2)
    assert parsed["Winter"].dtstart.utcoffset() == timedelta(hours=1)
