"""Notices of a moved or cancelled session, sent to a real SMTP server on loopback: one per person and change,
later changes within NOTICE_DELAY_SECONDS folded in, with a calendar entry that replaces the feed's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from conference.db import db
from conference.feeds.builders import event_feed
from conference.mail import sender
from conference.mail.models import OutboxMessage, SessionNotice
from conference.registrations import registering
from conference.sessions import operations
from conference.sessions.models import Session
from conference.speakers.models import Role
from tests.factories import add_member, login_as, make_event, make_person, make_room, make_session, make_user
from tests.organise.helpers import post_form

SPEAKER = "speaker@example.org"
REGISTRANT = "ada@example.org"


def _world(app):  # noqa: ANN001, ANN202
    app.config["NOTICE_DELAY_SECONDS"] = 0
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(slug="ev", title="Spring symposium", starts_at=start)
    room = make_room(event, "Hall B")
    speaker = make_person(name="Grace Speaker", email=SPEAKER)
    quiet = make_person(name="No Address")
    session = make_session(
        event,
        title="Opening panel",
        starts_at=start + timedelta(hours=1),
        people=[(speaker, Role.SPEAKER), (quiet, None)],
    )
    db.session.commit()
    data = registering.RegistrationInput("Ada", REGISTRANT, "in_person", [session.id])
    registering.register(event, data)
    db.session.commit()
    return event, session, room


def _feed_entry(event, session: Session):  # noqa: ANN001, ANN202
    calendar = Calendar.from_ical(event_feed(event).body)
    return next(c for c in calendar.walk("VEVENT") if session.title in str(c["SUMMARY"]))


def _notices(handler) -> list:  # noqa: ANN001
    """The notices received (not the registration's own confirmation)."""
    mails = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]
    return [m for m in mails if m["Subject"].startswith(("Moved", "Cancelled"))]


def _ics(mail) -> bytes:  # noqa: ANN001
    (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def _move(session: Session, hours: int, **kw) -> None:  # noqa: ANN003
    values = {
        "starts_at": session.starts_at + timedelta(hours=hours),
        "ends_at": session.ends_at + timedelta(hours=hours),
    }
    operations.edit_session(None, db.session.get(Session, session.id), values, **kw)


def test_a_moved_session_tells_each_registrant_and_speaker_once_with_a_calendar_update(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, session, room = _world(app)
    before = _feed_entry(event, session)
    sender.send_due()  # the confirmation
    handler.received.clear()

    values = {
        "starts_at": session.starts_at + timedelta(hours=2),
        "ends_at": session.ends_at + timedelta(hours=2),
        "room_id": room.id,
    }
    operations.edit_session(None, session, values)
    assert sender.send_due().sent == 2
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == [REGISTRANT, SPEAKER]
    after = _feed_entry(event, db.session.get(Session, session.id))
    for mail in notices:
        body = mail.get_body(("plain",)).get_content()
        # Old and new time in the event's zone (Berlin: UTC+1 in March), and the new room.
        assert "Was: Monday, March 10, 2031, 11:00\u202fAM\u201312:30\u202fPM CET" in body
        assert "Now: Monday, March 10, 2031, 1:00\u202fPM\u20132:30\u202fPM CET, Hall B" in body
        assert "Opening panel" in body
        data = _ics(mail)
        parsed = Calendar.from_ical(data)
        assert str(parsed["METHOD"]) == "REQUEST"
        (vevent,) = parsed.walk("VEVENT")
        assert str(vevent["UID"]) == str(before["UID"]) == str(after["UID"])
        assert int(vevent["SEQUENCE"]) == int(after["SEQUENCE"]) > int(before["SEQUENCE"])
        assert vevent.decoded("DTSTART") == datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
        # An independent parser reads the same entry.
        other = IcsCalendarStream.calendar_from_ics(data.decode())
        (entry,) = other.events
        assert entry.uid == str(before["UID"])
        assert entry.sequence == int(after["SEQUENCE"])
        assert entry.dtstart == datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
    # Sent once: another round sends nothing.
    assert sender.send_due().sent == 0


def test_edits_within_the_delay_fold_into_one_notice_with_the_first_old_time(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, session, _room = _world(app)
    sender.send_due()
    handler.received.clear()
    app.config["NOTICE_DELAY_SECONDS"] = 120

    _move(session, 1)
    _move(session, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionNotice)) == 2  # one per person
    assert sender.send_due().sent == 0  # waits for the delay
    later = datetime.now(UTC) + timedelta(seconds=121)
    assert sender.send_due(now=later).sent == 2
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == [REGISTRANT, SPEAKER]
    for mail in notices:
        body = mail.get_body(("plain",)).get_content()
        assert "Was: Monday, March 10, 2031, 11:00\u202fAM\u201312:30\u202fPM" in body
        assert "Now: Monday, March 10, 2031, 1:00\u202fPM\u20132:30\u202fPM" in body
        assert "12:00" not in body  # the time in between is nobody's business
        (vevent,) = Calendar.from_ical(_ics(mail)).walk("VEVENT")
        assert vevent.decoded("DTSTART") == datetime(2031, 3, 10, 12, 0, tzinfo=UTC)


def test_a_fold_back_to_the_original_time_sends_nothing(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    _event, session, _room = _world(app)
    sender.send_due()
    handler.received.clear()
    app.config["NOTICE_DELAY_SECONDS"] = 120
    _move(session, 1)
    _move(session, -1)
    assert sender.send_due(now=datetime.now(UTC) + timedelta(seconds=121)).sent == 0
    assert _notices(handler) == []


def test_a_cancelled_session_sends_one_cancel_notice_each(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, session, _room = _world(app)
    before = _feed_entry(event, session)
    sender.send_due()
    handler.received.clear()
    operations.cancel_session(None, session)
    assert sender.send_due().sent == 2  # the notices only: no "registration changed" besides
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == [REGISTRANT, SPEAKER]
    for mail in notices:
        data = _ics(mail)
        parsed = Calendar.from_ical(data)
        assert str(parsed["METHOD"]) == "CANCEL"
        (vevent,) = parsed.walk("VEVENT")
        assert str(vevent["UID"]) == str(before["UID"])
        assert str(vevent["STATUS"]) == "CANCELLED"
        assert int(vevent["SEQUENCE"]) > int(before["SEQUENCE"])
        (entry,) = IcsCalendarStream.calendar_from_ics(data.decode()).events
        assert entry.uid == str(before["UID"]) and entry.status.value == "CANCELLED"


def test_no_notice_without_notify_or_for_a_title_fix(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    _event, session, _room = _world(app)
    sender.send_due()
    handler.received.clear()
    _move(session, 1, notify=False)
    session = db.session.get(Session, session.id)
    values = {
        "title": "Opening panel (typo fixed)",
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }
    assert operations.edit_session(None, session, values) == {"title": ("Opening panel", values["title"])}
    operations.cancel_session(None, db.session.get(Session, session.id), notify=False)
    assert sender.send_due().sent == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind.like("session_%"))
        )
        == 0
    )


def test_the_session_page_says_whom_a_change_notifies_and_may_leave_them_out(app, client) -> None:  # noqa: ANN001
    event, session, _room = _world(app)
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    login_as(client, owner)
    url = f"/organise/events/{event.slug}/sessions/{session.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Tell registrants and speakers" in page
    assert "this notifies 1 registrant and 1 speaker." in page
    form = {
        "title": session.title,
        "kind": session.kind.value,
        "starts_at": "2031-03-10T12:00",
        "ends_at": "2031-03-10T13:30",
        "room_id": "0",
        "registration_enabled": "y",
        "capacity": "",
        "description": "",
        "notify": "",  # the box left unticked
    }
    assert post_form(client, url, form).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionNotice)) == 0
    form.update(starts_at="2031-03-10T13:00", ends_at="2031-03-10T14:30")
    form["notify"] = ["", "y"]  # ticked
    assert post_form(client, url, form).status_code == 302
    assert sorted(
        db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == "session_moved"))
    ) == [REGISTRANT, SPEAKER]
    # Cancelling with the box unticked tells nobody.
    cancel = f"/organise/events/{event.slug}/sessions/{session.id}/cancel"
    assert post_form(client, url, {"notify": "", "confirm": "y"}, action=cancel).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, session.id).is_cancelled
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "session_cancelled")
        )
        == 0
    )


def test_a_new_time_zone_for_the_event_tells_everyone_in_its_sessions(app, smtp) -> None:  # noqa: ANN001
    from conference.events import operations as event_operations

    _server, handler = smtp
    event, session, _room = _world(app)
    sender.send_due()
    handler.received.clear()
    values = {"timezone": "Europe/London", "starts_at": event.starts_at, "ends_at": event.ends_at}
    event_operations.edit_event(None, event, values)
    assert sender.send_due().sent == 2
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == [REGISTRANT, SPEAKER]
    body = notices[0].get_body(("plain",)).get_content()
    assert "11:00\u202fAM\u201312:30\u202fPM CET" in body
    assert "10:00\u202fAM\u201311:30\u202fAM GMT" in body
    assert str(Calendar.from_ical(_ics(notices[0]))["METHOD"]) == "REQUEST"
    # Told not to notify: nobody hears of it.
    handler.received.clear()
    event_operations.edit_event(None, event, {**values, "timezone": "Europe/Paris"}, notify=False)
    assert sender.send_due().sent == 0


def test_the_api_moves_a_session_with_a_notice_unless_told_not_to(app, smtp) -> None:  # noqa: ANN001
    """PATCH /api/v1/events/<slug>/sessions/<id> reaches the same operation as the session page: a move
    notifies the registrant and the speaker once; `"notify": false` tells nobody."""
    from conference.auth.api_tokens import create_token
    from conference.auth.models import TeamRole

    _server, handler = smtp
    event, session, _room = _world(app)
    owner = make_user("owner@example.org")
    add_member(event, owner, TeamRole.OWNER)
    db.session.commit()
    token = create_token(owner, "script")[1]
    sender.send_due()  # the confirmation
    handler.received.clear()
    client = app.test_client()
    url = f"/api/v1/events/ev/sessions/{session.id}"
    headers = {"Authorization": f"Bearer {token}"}

    def moved_by(hours: int) -> dict:
        current = db.session.get(Session, session.id)
        db.session.refresh(current)
        return {
            "starts_at": (current.starts_at + timedelta(hours=hours)).isoformat(),
            "ends_at": (current.ends_at + timedelta(hours=hours)).isoformat(),
        }

    quiet = client.patch(url, json={**moved_by(1), "notify": False}, headers=headers)
    assert quiet.status_code == 200, quiet.get_json()
    sender.send_due()
    assert _notices(handler) == []

    loud = client.patch(url, json=moved_by(1), headers=headers)
    assert loud.status_code == 200, loud.get_json()
    sender.send_due()
    notices = _notices(handler)
    assert sorted(m["To"] for m in notices) == sorted([REGISTRANT, SPEAKER])
    assert all(b"METHOD:REQUEST" in _ics(m) for m in notices)
