"""Notices of a cancelled event, sent to a real SMTP server on loopback: every registrant holding or waiting
for a seat and every assigned person with an address gets exactly one, whichever way the event is cancelled
(page or API), with one calendar (METHOD:CANCEL) that removes each of their sessions as the feeds have them;
`notify` off tells nobody; restoring the event before the notices went out takes them back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from conference.db import db
from conference.events import status as event_status
from conference.events.models import Event, EventStatus
from conference.feeds.builders import event_feed, registration_feed
from conference.mail import sender
from conference.mail.models import OutboxMessage
from conference.registrations import operations as registration_operations
from conference.registrations import registering
from conference.registrations.models import Registration
from conference.sessions.models import Session
from conference.speakers.models import Role
from tests.factories import add_member, login_as, make_event, make_person, make_session, make_user
from tests.organise.helpers import post_form

SPEAKER = "grace@example.org"
BOTH = "both@example.org"  # speaks in one session and registered for the other
ADA = "ada@example.org"  # registered for both sessions
EVENT_ONLY = "bo@example.org"  # registered without choosing a session
GONE = "gone@example.org"  # registered, then cancelled: no longer concerned


def _owner_of(event: Event):  # noqa: ANN202
    """A new account on the event's team (its owner), committed."""
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    return owner


def _world(app):  # noqa: ANN001, ANN202
    app.config["NOTICE_DELAY_SECONDS"] = 0
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(slug="ev", title="Spring symposium", starts_at=start)
    speaker = make_person(name="Grace Speaker", email=SPEAKER)
    both = make_person(name="Both Ways", email=BOTH)
    quiet = make_person(name="No Address")
    first = make_session(
        event,
        title="Opening panel",
        starts_at=start + timedelta(hours=1),
        people=[(speaker, None), (quiet, None)],
    )
    second = make_session(
        event,
        title="Closing talk",
        starts_at=start + timedelta(hours=5),
        people=[(speaker, None), (both, None)],
    )
    db.session.commit()
    for name, email, sessions in (
        ("Ada", ADA, [first.id, second.id]),
        ("Both", BOTH, [first.id]),
        ("Bo", EVENT_ONLY, []),
        ("Gone", GONE, [second.id]),
    ):
        registering.register(event, registering.RegistrationInput(name, email, "in_person", sessions))
    gone = db.session.scalar(sa.select(Registration).where(Registration.email == GONE))
    registration_operations.cancel_registration(None, gone)
    # Made a day ago: an event's SEQUENCE counts seconds from its creation to its last change.
    table = Event.__table__
    day = timedelta(days=1)
    db.session.execute(
        sa.update(table)
        .where(table.c.id == event.id)
        .values(created_at=event.created_at - day, updated_at=event.updated_at - day)
    )
    db.session.commit()
    db.session.expire_all()
    return event, first, second


def _notices(handler) -> list:  # noqa: ANN001
    mails = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]
    return [m for m in mails if m["Subject"].startswith("Cancelled")]


def _ics(mail) -> bytes:  # noqa: ANN001
    (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def _feed_entries(event: Event) -> dict[str, tuple[str, int]]:
    """{session title: (UID, SEQUENCE)} as the event's feed has them now."""
    calendar = Calendar.from_ical(event_feed(event).body)
    return {str(v["SUMMARY"]): (str(v["UID"]), int(v["SEQUENCE"])) for v in calendar.walk("VEVENT")}


def _check_notices(app, handler, before: dict, event_entry: tuple[str, int]) -> None:  # noqa: ANN001
    """Each person once, with a METHOD:CANCEL calendar of exactly their sessions (feed UIDs, higher SEQUENCE)."""
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == sorted([ADA, BOTH, EVENT_ONLY, SPEAKER])
    wanted = {
        ADA: {"Opening panel", "Closing talk"},
        BOTH: {"Opening panel", "Closing talk"},  # registered for one, speaks in the other
        SPEAKER: {"Opening panel", "Closing talk"},
    }
    for mail in notices:
        body = mail.get_body(("plain",)).get_content()
        assert "Spring symposium" in body and "has been cancelled" in body
        data = _ics(mail)
        parsed = Calendar.from_ical(data)
        assert str(parsed["METHOD"]) == "CANCEL"
        vevents = parsed.walk("VEVENT")
        others = IcsCalendarStream.calendar_from_ics(data.decode()).events  # an independent parser
        assert len(others) == len(vevents)
        assert all(entry.status.value == "CANCELLED" for entry in others)
        if mail["To"] == EVENT_ONLY:  # no session: the event's own entry, as in the personal feed
            (vevent,) = vevents
            assert str(vevent["UID"]) == event_entry[0]
            assert int(vevent["SEQUENCE"]) > event_entry[1]
            assert "Your sessions in it" not in body
            continue
        assert {str(v["SUMMARY"]) for v in vevents} == wanted[mail["To"]]
        for vevent in vevents:
            uid, sequence = before[str(vevent["SUMMARY"])]
            assert str(vevent["UID"]) == uid
            assert int(vevent["SEQUENCE"]) > sequence
            assert str(vevent["STATUS"]) == "CANCELLED"
        assert {entry.uid for entry in others} == {str(v["UID"]) for v in vevents}
        for title in wanted[mail["To"]]:
            assert title in body


def _event_entry(event: Event) -> tuple[str, int]:
    registration = db.session.scalar(sa.select(Registration).where(Registration.email == EVENT_ONLY))
    (vevent,) = Calendar.from_ical(registration_feed(registration)).walk("VEVENT")
    return str(vevent["UID"]), int(vevent["SEQUENCE"])


def test_cancelling_the_event_on_its_page_tells_each_person_once(app, client, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, _first, _second = _world(app)
    before, event_entry = _feed_entries(event), _event_entry(event)
    owner = _owner_of(event)
    sender.send_due()  # the confirmations
    handler.received.clear()
    login_as(client, owner)

    url = f"/organise/events/{event.slug}/cancel"
    page = client.get(url).get_data(as_text=True)
    # 3 registrants (not the one who cancelled) and 1 speaker (Both is counted as a registrant).
    assert "A cancellation notice goes to 3 registrants and 1 speaker." in page
    assert "Subject:</strong> Cancelled: Spring symposium" in page
    assert "(their registration&#39;s own link)" in page
    assert 'name="notify" value="y" checked' in page
    kind = OutboxMessage.kind == "event_cancelled"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(kind)) == 0

    response = post_form(client, url, {"confirm": "y", "notify": ["", "y"]})
    assert response.status_code == 302
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    assert sender.send_due().sent == 4
    _check_notices(app, handler, before, event_entry)
    assert sender.send_due().sent == 0  # sent once


def test_cancelling_the_event_through_the_api_tells_each_person_once_unless_told_not_to(app, smtp) -> None:  # noqa: ANN001
    from conference.auth.api_tokens import create_token

    _server, handler = smtp
    event, _first, _second = _world(app)
    before, event_entry = _feed_entries(event), _event_entry(event)
    owner = _owner_of(event)
    headers = {"Authorization": f"Bearer {create_token(owner, 'script')[1]}"}
    sender.send_due()
    handler.received.clear()
    client = app.test_client()

    bad = client.post("/api/v1/events/ev/cancel", json={"notify": "no"}, headers=headers)
    assert bad.status_code == 422 and "notify" in bad.get_json()["errors"]
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED

    response = client.post("/api/v1/events/ev/cancel", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "cancelled"
    assert sender.send_due().sent == 4
    _check_notices(app, handler, before, event_entry)

    # Restored and cancelled again quietly: nobody hears of it a second time.
    handler.received.clear()
    event_status.restore_event(None, db.session.get(Event, event.id))
    event_status.publish(None, db.session.get(Event, event.id), clashes_confirmed=True)
    quiet = client.post("/api/v1/events/ev/cancel", json={"notify": False}, headers=headers)
    assert quiet.status_code == 200
    sender.send_due()
    assert _notices(handler) == []


def test_the_page_may_cancel_without_telling_anyone(app, client, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, _first, _second = _world(app)
    owner = _owner_of(event)
    sender.send_due()
    handler.received.clear()
    login_as(client, owner)
    url = f"/organise/events/{event.slug}/cancel"
    response = post_form(client, url, {"confirm": "y", "notify": [""]})  # the box unticked
    assert response.status_code == 302
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    sender.send_due()
    assert _notices(handler) == []


def test_restoring_before_the_notices_went_out_takes_them_back(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, _first, _second = _world(app)
    sender.send_due()
    handler.received.clear()
    app.config["NOTICE_DELAY_SECONDS"] = 120
    event_status.cancel_event(None, event)
    waiting = (
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "event_cancelled")
    )
    assert db.session.scalar(waiting) == 4
    assert sender.send_due().sent == 0  # they wait for the delay
    event_status.restore_event(None, db.session.get(Event, event.id))
    assert db.session.scalar(waiting) == 0
    sender.send_due(now=datetime.now(UTC) + timedelta(seconds=121))
    assert _notices(handler) == []


def test_a_draft_never_published_tells_nobody(app, client, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event = make_event(slug="quiet", status=EventStatus.DRAFT)
    make_session(event, people=[(make_person(name="Grace", email=SPEAKER), Role.SPEAKER)])
    owner = _owner_of(event)
    login_as(client, owner)
    page = client.get(f"/organise/events/{event.slug}/cancel").get_data(as_text=True)
    assert "No notice is sent: the event was never public." in page
    assert 'name="notify"' not in page
    post_form(client, f"/organise/events/{event.slug}/cancel", {"confirm": "y"})
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    sender.send_due()
    assert _notices(handler) == []
    assert db.session.get(Session, event.sessions[0].id) is not None
