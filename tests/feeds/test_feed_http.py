"""Feed routes over HTTP: content type, validators, 304s, stable bytes, 404s, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conference.db import db, utcnow
from conference.events.models import EventStatus
from conference.registrations.models import RegistrationStatus, SeatStatus
from conference.sessions.models import SessionStatus
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_session
from tests.feeds.helpers import by_summary, ical_timeline
from tests.feeds.test_builders import make_registration


@pytest.fixture
def programme(app):
    event = make_event(slug="symposium", title="Human Security Symposium")
    person = make_person(slug="alexis-dudden", name="Alexis Dudden")
    first = make_session(event, title="Opening", people=[(person, Role.KEYNOTE)])
    second = make_session(
        event,
        title="Memory panel",
        starts_at=event.starts_at + timedelta(hours=3),
        people=[(person, Role.PANELIST)],
    )
    db.session.commit()
    return event, person, first, second


def test_event_feed_headers_and_conditional_requests(client, programme):
    response = client.get("/events/symposium/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Last-Modified"]
    assert set(by_summary(response.data)) == {"Opening", "Memory panel"}

    again = client.get("/events/symposium/calendar.ics")
    assert again.data == response.data

    assert client.get("/events/symposium/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    since = response.headers["Last-Modified"]
    not_modified = client.get("/events/symposium/calendar.ics", headers={"If-Modified-Since": since})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    stale = client.get("/events/symposium/calendar.ics", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_a_change_gives_new_bytes_and_bumps_sequence(client, programme):
    event, _person, first, _second = programme
    before = client.get("/events/symposium/calendar.ics")
    first.title = "Opening address"
    db.session.commit()
    after = client.get("/events/symposium/calendar.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    entries = by_summary(after.data)
    assert entries["Opening address"]["SEQUENCE"] == 1
    assert entries["Memory panel"]["SEQUENCE"] == 0


def test_cancelled_session_stays_for_30_days_then_goes(client, app, programme):
    from conference.feeds.builders import event_feed

    event, _person, first, _second = programme
    first.status = SessionStatus.CANCELLED
    db.session.commit()
    entries = by_summary(client.get("/events/symposium/calendar.ics").data)
    assert entries["Opening"]["STATUS"] == "CANCELLED"
    later = max(first.cancelled_at + timedelta(days=30), first.ends_at) + timedelta(seconds=1)
    assert "Opening" in by_summary(event_feed(event, now=later - timedelta(days=2)).body)
    # the cached copy expires when the cancelled session is due to go
    assert "Opening" not in by_summary(event_feed(event, now=later).body)


def test_every_feed_kind_parses_in_an_independent_parser(client, programme):
    event, person, first, second = programme
    registration = make_registration(event, [(first, SeatStatus.CONFIRMED)])
    urls = [
        "/calendar.ics",
        "/events/symposium/calendar.ics",
        f"/events/symposium/sessions/{first.id}.ics",
        "/speakers/alexis-dudden/calendar.ics",
        f"/registrations/{registration.feed_token}/calendar.ics",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert ical_timeline(response.data), url
        assert b"X-WR-CALNAME" in response.data and b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data


def test_speaker_feed_has_role_and_spans_events(client, programme):
    _event, person, _first, _second = programme
    other = make_event(slug="congress", title="Congress")
    make_session(other, title="Congress talk", people=[(person, Role.MODERATOR)])
    draft = make_event(slug="draft", status=EventStatus.DRAFT)
    make_session(draft, title="Secret", people=[(person, Role.SPEAKER)])
    db.session.commit()
    entries = by_summary(client.get("/speakers/alexis-dudden/calendar.ics").data)
    assert set(entries) == {"Opening", "Memory panel", "Congress talk"}
    assert "Your role: Moderator" in str(entries["Congress talk"]["DESCRIPTION"])


def test_unknown_tokens_drafts_and_missing_sessions_are_404(client, programme):
    event, _person, first, _second = programme
    make_event(slug="hidden", status=EventStatus.DRAFT)
    db.session.commit()
    assert client.get("/registrations/no-such-token/calendar.ics").status_code == 404
    assert client.get("/events/hidden/calendar.ics").status_code == 404
    assert client.get("/events/symposium/sessions/999999.ics").status_code == 404
    assert client.get("/speakers/nobody/calendar.ics").status_code == 404


def test_retired_token_is_404_and_new_token_works(client, programme):
    event, _person, first, _second = programme
    registration = make_registration(event, [(first, SeatStatus.CONFIRMED)])
    old = registration.feed_token
    registration.feed_token = "a-brand-new-token"
    db.session.commit()
    assert client.get(f"/registrations/{old}/calendar.ics").status_code == 404
    assert client.get("/registrations/a-brand-new-token/calendar.ics").status_code == 200


def test_personal_feed_follows_registration_changes(client, programme):
    event, _person, first, second = programme
    registration = make_registration(event, [(first, SeatStatus.CONFIRMED)])
    url = f"/registrations/{registration.feed_token}/calendar.ics"
    assert set(by_summary(client.get(url).data)) == {"Opening"}
    registration.seats[0].status = SeatStatus.CANCELLED
    registration.seats[0].updated_at = utcnow()
    from conference.registrations.models import SessionSeat

    registration.seats.append(SessionSeat(session=second, status=SeatStatus.WAITLISTED))
    db.session.commit()
    entries = by_summary(client.get(url).data)
    assert set(entries) == {"Memory panel"}
    assert entries["Memory panel"]["STATUS"] == "TENTATIVE"
    registration.status = RegistrationStatus.CANCELLED
    db.session.commit()
    assert by_summary(client.get(url).data) == {}


def test_uid_domain_from_config(make_app):
    app = make_app(CALENDAR_UID_DOMAIN="calendar.example.org")
    with app.app_context():
        event = make_event(slug="uid-test")
        session = make_session(event, title="UID")
        db.session.commit()
        body = app.test_client().get("/events/uid-test/calendar.ics").data
        assert f"UID:{session.uid}@calendar.example.org".encode() in body
        from tests.conftest import _empty_all_tables

        db.session.remove()
        _empty_all_tables()


def test_event_without_sessions_is_one_vevent(client, app):
    event = make_event(slug="lecture", title="Lecture")
    db.session.commit()
    body = client.get("/events/lecture/calendar.ics").data
    (parsed,) = ical_timeline(body)
    assert parsed.summary == "Lecture"
    assert parsed.dtstart.astimezone(event.starts_at.tzinfo) == event.starts_at


def test_query_count_is_independent_of_sessions(client, app, count_queries):
    small = make_event(slug="small")
    big = make_event(slug="big")
    speakers = [make_person() for _ in range(3)]
    make_session(small, people=[(speakers[0], Role.SPEAKER)])
    for n in range(40):
        make_session(
            big,
            starts_at=big.starts_at + timedelta(minutes=30 * n),
            people=[(speakers[n % 3], Role.SPEAKER), (speakers[(n + 1) % 3], Role.CHAIR)],
        )
    db.session.commit()
    counts = {}
    for slug in ("small", "big"):
        with count_queries() as counter:
            assert client.get(f"/events/{slug}/calendar.ics").status_code == 200
        counts[slug] = counter.count
    assert counts["small"] == counts["big"]
    with count_queries() as counter:
        client.get("/events/big/calendar.ics")
    assert counter.count <= 2
