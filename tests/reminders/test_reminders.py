"""Reminders with the clock under the test's control (`now=`, no sleeps), sent to a real SMTP server on
loopback: planned at the right time and only then, once (two rounds, two senders), moved with the event
and with a session, never to the cancelled, waiting or pending, never for a cancelled event, dropped when
too late, the join link only for online attendees, in the registrant's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from conference.db import db
from conference.events import operations as event_operations
from conference.events import status as event_status
from conference.events.models import AttendanceMode, Event
from conference.mail import sender
from conference.mail.models import OutboxMessage
from conference.registrations import operations as registration_operations
from conference.registrations import registering
from conference.registrations.models import Registration, RegistrationStatus
from conference.reminders import planner, schedule
from conference.reminders.models import EventReminder, ReminderDelivery
from conference.sessions import operations as session_operations
from tests.factories import make_event, make_session, make_user

START = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def _register(event: Event, email: str, mode: str = "in_person", sessions=(), **kw) -> Registration:  # noqa: ANN001
    result = registering.register(
        event, registering.RegistrationInput(email.split("@")[0].title(), email, mode, list(sessions), **kw)
    )
    return db.session.get(Registration, result.registration.id)


def _event(minutes=(1440,), **kw) -> Event:  # noqa: ANN001
    kw.setdefault("starts_at", START)
    kw.setdefault("ends_at", kw["starts_at"] + 3 * HOUR)
    event = make_event(venue_name="Harnack House", venue_address="Ihnestraße 16", city="Berlin", **kw)
    db.session.add_all(EventReminder(event_id=event.id, minutes_before=m) for m in minutes)
    db.session.commit()
    return event


def _received(handler) -> list:  # noqa: ANN001
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]


def _round(now: datetime) -> sender.SendReport:
    """One round of send-mail at `now` (plans the reminders due, sends what is due)."""
    return sender.send_due(now=now)


def _reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")))


def _to(handler) -> list[str]:  # noqa: ANN001
    return sorted(str(m["To"]) for m in _received(handler) if m["Subject"].startswith("Reminder"))


def test_new_events_get_the_default_schedule_and_a_duplicate_keeps_its_own(app):
    owner = make_user()
    db.session.commit()
    values = {
        "title": "Online panel",
        "kind": "panel_discussion",
        "timezone": "Europe/Berlin",
        "starts_at": START,
        "ends_at": START + HOUR,
        "attendance_mode": AttendanceMode.ONLINE,
    }
    online = event_operations.create_event(owner, values)
    in_person = event_operations.create_event(
        owner, {**values, "title": "Lecture", "attendance_mode": AttendanceMode.IN_PERSON}
    )
    hybrid = event_operations.create_event(
        owner, {**values, "title": "Hybrid", "attendance_mode": AttendanceMode.HYBRID}
    )
    assert schedule.minutes_of(online) == [1440, 60]
    assert schedule.minutes_of(hybrid) == [1440, 60]
    assert schedule.minutes_of(in_person) == [1440]
    schedule.set_reminders(owner, in_person, [2880, 30])
    copy = event_operations.duplicate_event(
        owner, in_person, title="Lecture again", slug=None, new_start_local=datetime(2031, 4, 1, 10, 0)
    )
    assert schedule.minutes_of(copy) == [2880, 30]


def test_a_reminder_is_planned_when_due_and_sent_once_to_each_confirmed_registrant(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440,))
    for email in ("ada@example.org", "bo@example.org", "cy@example.org"):
        _register(event, email)
    _round(START - DAY - MINUTE)
    assert _reminders() == [] and _to(handler) == []
    report = _round(START - DAY)
    assert report.sent == 3
    assert _to(handler) == ["ada@example.org", "bo@example.org", "cy@example.org"]
    # Later rounds, and a second sender planning the same moment, send nothing more.
    for now in (START - DAY, START - DAY + 5 * MINUTE, START - HOUR, START):
        _round(now)
        planner.plan(now)
    assert len(_to(handler)) == 3
    assert len(_reminders()) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderDelivery)) == 3


def test_two_senders_planning_at_once_write_one_reminder_each(app, make_app, smtp):
    """The second sender is another app on the same database (another process's session and connections)."""
    _server, handler = smtp
    event = _event(minutes=(60,))
    _register(event, "ada@example.org")
    _register(event, "bo@example.org")
    other = make_app(**{k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")})
    now = START - 30 * MINUTE
    assert planner.plan(now) == 2
    with other.app_context():
        assert planner.plan(now) == 0
        sender.send_due(now=now)
        db.session.remove()
    assert _round(now).sent == 0
    assert _to(handler) == ["ada@example.org", "bo@example.org"]


def test_not_for_cancelled_waiting_or_pending_registrants_nor_cancelled_events(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440,), capacity_in_person=2)
    _register(event, "ada@example.org")
    gone = _register(event, "gone@example.org")
    waiting = _register(event, "wait@example.org")
    assert waiting.status == RegistrationStatus.WAITLISTED
    registration_operations.cancel_registration(None, gone)  # promotes wait@
    late = _register(event, "late@example.org")
    assert late.status == RegistrationStatus.WAITLISTED
    approval = _event(minutes=(1440,), approval_required=True)
    pending = _register(approval, "pending@example.org")
    assert pending.status == RegistrationStatus.PENDING
    cancelled = _event(minutes=(1440,))
    _register(cancelled, "nobody@example.org")
    event_status.cancel_event(None, cancelled)
    db.session.refresh(cancelled)
    assert cancelled.status.value == "cancelled"
    _round(START - DAY + MINUTE)
    assert _to(handler) == ["ada@example.org", "wait@example.org"]


def test_a_reminder_written_then_its_registration_cancelled_is_taken_back(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440,))
    ada = _register(event, "ada@example.org")
    _register(event, "bo@example.org")
    assert planner.plan(START - DAY) == 2  # written, not yet sent
    registration_operations.cancel_registration(None, ada)
    _round(START - DAY)
    assert _to(handler) == ["bo@example.org"]


def test_reminders_move_with_the_event(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440, 60))
    _register(event, "ada@example.org")
    later = START + 2 * DAY
    event_operations.edit_event(None, event, {"starts_at": later, "ends_at": later + 3 * HOUR})
    _round(START - DAY)
    _round(START - HOUR)
    assert _to(handler) == []
    _round(later - DAY)
    assert _to(handler) == ["ada@example.org"]
    # Moved again within the same day by less than a day: the 1-day reminder is not sent again.
    event_operations.edit_event(None, event, {"starts_at": later + 2 * HOUR, "ends_at": later + 5 * HOUR})
    _round(later - DAY + 2 * HOUR)
    assert _to(handler) == ["ada@example.org"]
    # The 1-hour reminder goes an hour before the new start, not the old one.
    _round(later - HOUR)
    assert len(_to(handler)) == 1
    _round(later + HOUR)
    assert len(_to(handler)) == 2


def test_reminders_of_a_multi_day_event_go_before_each_day_of_the_sessions_chosen_and_move_with_them(
    app, smtp
):
    _server, handler = smtp
    event = _event(minutes=(60,), ends_at=START + 2 * DAY + 8 * HOUR)
    first = make_session(event, title="Day one keynote", starts_at=START)
    second = make_session(event, title="Day two panel", starts_at=START + DAY + 2 * HOUR)
    third = make_session(event, title="Day two workshop", starts_at=START + DAY + 5 * HOUR)
    db.session.commit()
    _register(event, "ada@example.org", sessions=[first.id, second.id, third.id])
    _register(event, "bo@example.org", sessions=[second.id])
    _register(event, "cy@example.org")  # no session chosen: the event's start
    _round(START - HOUR)
    assert _to(handler) == ["ada@example.org", "cy@example.org"]
    # The day-two panel moves to day three: its reminder moves with it.
    session_operations.edit_session(
        None, second, {"starts_at": START + 2 * DAY + HOUR, "ends_at": START + 2 * DAY + 2 * HOUR}
    )
    _round(START + DAY + 2 * HOUR - HOUR)
    assert len(_to(handler)) == 2
    _round(START + DAY + 5 * HOUR - HOUR)  # Ada's day two: the workshop only
    assert _to(handler) == ["ada@example.org", "ada@example.org", "cy@example.org"]
    _round(START + 2 * DAY)  # day three: the moved panel, for Ada and Bo
    assert _to(handler) == [
        "ada@example.org",
        "ada@example.org",
        "ada@example.org",
        "bo@example.org",
        "cy@example.org",
    ]
    bodies = {str(m["To"]): m.get_body(("plain",)).get_content() for m in _received(handler)[-2:]}
    assert "Day two panel" in bodies["bo@example.org"]
    assert (
        "Day one keynote" not in bodies["ada@example.org"]
        and "Day two workshop" not in bodies["ada@example.org"]
    )


def test_a_reminder_later_than_its_own_offset_is_dropped(app, smtp):
    _server, handler = smtp
    event = _event(
        minutes=(1440, 60), attendance_mode=AttendanceMode.ONLINE, online_url="https://meet.example.org/x"
    )
    _register(event, "ada@example.org", "online")
    # send-mail did not run for a while: the 1-day reminder 3 hours late still goes.
    _round(START - DAY + 3 * HOUR)
    assert _to(handler) == ["ada@example.org"]
    # The 1-hour reminder computed 2 hours late (an hour after the start) is dropped.
    _round(START + HOUR)
    assert len(_to(handler)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderDelivery)) == 1


def test_only_the_nearest_of_several_due_reminders_goes(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440, 60))
    _register(event, "ada@example.org")  # registered, or send-mail started, 30 minutes before the start
    _round(START - 30 * MINUTE)
    assert _to(handler) == ["ada@example.org"]
    _round(START - 10 * MINUTE)
    assert len(_to(handler)) == 1


def test_the_join_link_goes_to_online_attendees_only_and_venue_to_those_in_person(app, smtp):
    _server, handler = smtp
    link = "https://meet.example.org/secret-room"
    event = _event(
        minutes=(60,), attendance_mode=AttendanceMode.HYBRID, online_url=link, timezone="Europe/Berlin"
    )
    _register(event, "online@example.org", "online", timezone="Asia/Tokyo")
    _register(event, "hall@example.org", "in_person")
    _round(START - HOUR)
    mails = {str(m["To"]): m for m in _received(handler)}
    assert set(mails) == {"online@example.org", "hall@example.org"}
    online = mails["online@example.org"].get_body(("plain",)).get_content()
    hall = mails["hall@example.org"].get_body(("plain",)).get_content()
    assert link in online and link not in hall
    assert "Harnack House" in hall and "openstreetmap.org" in hall and "Harnack House" not in online
    # Times in the event's zone and the registrant's.
    assert "CET" in online and ("JST" in online or "GMT+9" in online)
    assert mails["online@example.org"]["Subject"] == f"Reminder: {event.title}"


def test_in_the_registrants_language(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(60,))
    _register(event, "ja@example.org", language="ja", timezone="Asia/Tokyo")
    _round(START - HOUR)
    (reminder,) = _reminders()
    assert reminder.status.value == "sent"
    assert reminder.subject == f"リマインダー: {event.title}"
    assert "こんにちは" in reminder.body_text or "様" in reminder.body_text
    assert "JST" in reminder.body_text or "GMT+9" in reminder.body_text


def test_two_senders_at_the_same_moment_in_threads_send_each_reminder_once(app, make_app, smtp):
    """Two `send-mail` processes' rounds at once (two apps, two threads, started together)."""
    import threading

    _server, handler = smtp
    event = _event(minutes=(60,))
    for email in ("ada@example.org", "bo@example.org", "cy@example.org"):
        _register(event, email)
    mail_config = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    senders = [make_app(**mail_config), make_app(**mail_config)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    now = START - 45 * MINUTE

    def run(other) -> None:  # noqa: ANN001
        try:
            with other.app_context():
                barrier.wait()
                sender.send_due(now=now)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run, args=(other,)) for other in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert _to(handler) == ["ada@example.org", "bo@example.org", "cy@example.org"]
    db.session.rollback()  # read what the senders committed
    assert len(_reminders()) == 3


def test_written_reminders_are_taken_back_when_the_event_moves_or_is_cancelled(app, smtp):
    _server, handler = smtp
    event = _event(minutes=(1440,))
    _register(event, "ada@example.org")
    assert planner.plan(START - DAY) == 1  # written, not yet sent
    later = START + 3 * DAY
    event_operations.edit_event(None, event, {"starts_at": later, "ends_at": later + 3 * HOUR})
    assert _reminders() == []
    _round(START - DAY)
    assert _to(handler) == []
    assert planner.plan(later - DAY) == 1
    event_status.cancel_event(None, event)
    _round(later - DAY)
    assert _reminders() == [] and _to(handler) == []


def test_acceptance_an_event_within_hours_reminds_with_send_mail_the_join_link_only_online(app, smtp):
    """As a new user would: an online-and-in-person event made through the operations (its default
    reminders), starting in three hours, two registrants; one `flask send-mail` sends the reminder due now."""
    from conference.db import utcnow

    _server, handler = smtp
    owner = make_user()
    db.session.commit()
    start = utcnow() + 3 * HOUR
    event = event_operations.create_event(
        owner,
        {
            "title": "Evening panel",
            "kind": "panel_discussion",
            "timezone": "Asia/Tokyo",
            "starts_at": start,
            "ends_at": start + 2 * HOUR,
            "attendance_mode": AttendanceMode.HYBRID,
            "online_url": "https://meet.example.org/evening",
            "venue_name": "Hall One",
            "city": "Tokyo",
        },
    )
    event_status.publish(owner, event)
    db.session.refresh(event)
    assert event.status.value == "published"
    _register(event, "remote@example.org", "online")
    _register(event, "hall@example.org", "in_person")
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    mails = {str(m["To"]): m for m in _received(handler) if m["Subject"].startswith("Reminder")}
    assert set(mails) == {"remote@example.org", "hall@example.org"}
    assert (
        "https://meet.example.org/evening" in mails["remote@example.org"].get_body(("plain",)).get_content()
    )
    assert (
        "https://meet.example.org/evening" not in mails["hall@example.org"].get_body(("plain",)).get_content()
    )
    again = app.test_cli_runner().invoke(args=["send-mail"])
    assert again.exit_code == 0
    assert len([m for m in _received(handler) if m["Subject"].startswith("Reminder")]) == 2
