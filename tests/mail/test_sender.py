"""The outbox is sent to a real SMTP server on loopback, including an outage in the middle."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from conference.db import db, utcnow
from conference.mail import outbox, sender
from conference.mail.models import OutboxMessage, OutboxStatus


def _queue(n: int) -> list[int]:
    ids = []
    for i in range(n):
        message_id = outbox.write(
            "test",
            f"person{i}@example.org",
            f"Hello {i}",
            f"Body {i}",
            attachments=[
                outbox.attachment("agenda.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
            ],
        )
        ids.append(message_id)
    db.session.commit()
    return ids


def test_messages_are_sent_with_attachments(app, smtp) -> None:  # noqa: ANN001
    _controller, handler = smtp
    _queue(2)
    report = sender.send_due()
    assert report.sent == 2
    assert {m["To"] for m in handler.received} == {"person0@example.org", "person1@example.org"}
    parsed = message_from_bytes(handler.received[0].as_bytes(), policy=policy.default)
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["agenda.ics"]
    assert all(m.status == OutboxStatus.SENT for m in db.session.scalars(db.select(OutboxMessage)))


def test_an_outage_loses_nothing_and_retries_back_off(app, smtp) -> None:  # noqa: ANN001
    controller, handler = smtp
    _queue(1)
    assert sender.send_due().sent == 1

    controller.stop()  # the mail server goes down
    ids = _queue(2)
    now = utcnow()
    report = sender.send_due(now=now)
    assert report.sent == 0 and report.failed == 2
    waiting = [db.session.get(OutboxMessage, i) for i in ids]
    assert all(m.status == OutboxStatus.PENDING and m.attempts == 1 and m.last_error for m in waiting)
    assert all(m.next_attempt_at == now + timedelta(seconds=30) for m in waiting)
    # Not due yet: nothing is tried; a second failure doubles the delay.
    assert sender.send_due(now=now + timedelta(seconds=10)).failed == 0
    later = now + timedelta(seconds=31)
    assert sender.send_due(now=later).failed == 2
    assert all(m.attempts == 2 and m.next_attempt_at == later + timedelta(seconds=60) for m in waiting)

    controller.start()  # back up
    report = sender.send_due(now=later + timedelta(seconds=61))
    assert report.sent == 2
    assert sorted(m["To"] for m in handler.received) == [
        "person0@example.org",
        "person0@example.org",
        "person1@example.org",
    ]
    assert all(m.status == OutboxStatus.SENT and m.attempts == 3 for m in waiting)


def test_after_max_attempts_the_message_fails_and_can_be_resent(app, smtp) -> None:  # noqa: ANN001
    controller, handler = smtp
    controller.stop()
    (message_id,) = _queue(1)
    now = utcnow()
    for i in range(sender.MAX_ATTEMPTS):
        sender.send_due(now=now + timedelta(days=i))
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.FAILED and message.attempts == sender.MAX_ATTEMPTS
    controller.start()
    sender.resend(message)
    assert sender.send_due().sent == 1
    assert len(handler.received) == 1


def test_send_mail_command_sends_the_outbox(app, smtp) -> None:  # noqa: ANN001
    _controller, handler = smtp
    _queue(3)
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 3" in result.output
    assert len(handler.received) == 3


def test_two_senders_at_once_send_each_message_exactly_once(app, smtp, make_app) -> None:  # noqa: ANN001
    import threading

    _controller, handler = smtp
    ids = _queue(60)
    reports = []
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": app.config["MAIL_PORT"], "MAIL_FROM": "x@example.org"}
    apps = [make_app(**config) for _ in range(2)]
    start = threading.Barrier(2)

    def run_sender(other) -> None:  # noqa: ANN001
        with other.app_context():
            start.wait()
            reports.append(sender.send_due())

    senders = [threading.Thread(target=run_sender, args=(other,)) for other in apps]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    assert sum(report.sent for report in reports) == 60
    assert sorted(m["To"] for m in handler.received) == sorted(f"person{i}@example.org" for i in range(60))
    db.session.rollback()
    assert all(db.session.get(OutboxMessage, i).status == OutboxStatus.SENT for i in ids)


def test_a_message_whose_sender_died_is_sent_again_after_the_lease(app, smtp) -> None:  # noqa: ANN001
    _controller, handler = smtp
    (message_id,) = _queue(1)
    now = utcnow()
    assert sender._claim(message_id, now)  # a sender took it and died before sending
    assert sender.send_due(now=now + timedelta(minutes=1)).sent == 0
    assert sender.send_due(now=now + sender.lease() + timedelta(seconds=1)).sent == 1
    assert len(handler.received) == 1
