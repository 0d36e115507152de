"""A line break stored in an event title never makes a mail undeliverable (issue 9, finding 13): the
messages go to a real SMTP server on loopback with one-line headers."""

from __future__ import annotations

from email import message_from_bytes, policy

import sqlalchemy as sa

from conference.db import db
from conference.mail import outbox, sender
from conference.mail.models import OutboxMessage, OutboxStatus
from tests.factories import make_event
from tests.registrations.helpers import register_via_form
from tests.servers import Collect


def _received(handler: Collect) -> list:
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]


def test_mail_about_an_event_whose_stored_title_has_a_line_break_is_delivered(client, app, smtp) -> None:  # noqa: ANN001
    make_event(
        slug="ev", title="Human security\r\nBcc: everyone@example.org\x0b"
    )  # as an older version stored it
    db.session.commit()
    assert register_via_form(client, "ev").status_code in (200, 302)
    report = sender.send_due()
    assert (report.sent, report.failed) == (1, 0)
    (mail,) = _received(smtp[1])
    assert mail["Subject"].endswith(": Human security Bcc: everyone@example.org")
    assert mail["Bcc"] is None and mail["To"] == "ada@example.org"


def test_a_message_queued_with_a_line_break_in_its_subject_is_still_sent(app, smtp) -> None:  # noqa: ANN001
    message_id = outbox.write("test", "ada@example.org", "placeholder", "Body")
    # Written straight to the table, as a version before the fix did.
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(subject="Hello\r\nthere\x0b")
    )
    db.session.commit()
    assert sender.send_due().sent == 1
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    (mail,) = _received(smtp[1])
    assert mail["Subject"] == "Hello there"


def test_a_messages_own_headers_arrive_on_one_line_and_it_waits_for_its_not_before_time(app, smtp) -> None:  # noqa: ANN001
    from datetime import timedelta

    from conference.db import utcnow

    later = utcnow() + timedelta(hours=1)
    message_id = outbox.write(
        "test",
        "ada@example.org",
        "Hello",
        "Body",
        headers={"List-Unsubscribe": "<https://example.org/u/1>\r\nBcc: x@example.org"},
        not_before=later,
    )
    db.session.commit()
    assert sender.send_due().sent == 0  # not yet due
    assert sender.send_due(now=later).sent == 1
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    (mail,) = _received(smtp[1])
    assert mail["List-Unsubscribe"] == "<https://example.org/u/1> Bcc: x@example.org"
    assert mail["Bcc"] is None


def test_a_long_list_unsubscribe_address_arrives_whole_not_as_encoded_words(app, smtp) -> None:  # noqa: ANN001
    address = "<https://conference.example-university.ac.th/events/unsubscribe/12345/" + "a" * 60 + ">"
    outbox.write("test", "ada@example.org", "Hello", "Body", headers={"List-Unsubscribe": address})
    db.session.commit()
    assert sender.send_due().sent == 1
    (raw,) = [m.as_bytes() for m in smtp[1].received]
    head = raw.split(b"\n\n")[0]
    assert b"=?" not in head  # no RFC 2047 encoded word: clients open the address as it is
    (mail,) = _received(smtp[1])
    assert mail["List-Unsubscribe"].strip() == address
