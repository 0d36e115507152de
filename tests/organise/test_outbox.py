"""The organisers' outbox page (/organise/outbox/): each organiser sees the mail of the events they manage,
filters it by status and sends a failed message again; another event's mail is neither shown nor resendable."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.registrations import registering
from tests.factories import add_member, login_as, make_event, make_user
from tests.registrations.helpers import post_form


def _message_of(event) -> OutboxMessage:  # noqa: ANN001
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)).one()


def test_the_outbox_shows_the_mail_of_ones_events_and_sends_a_failed_message_again(client, app) -> None:  # noqa: ANN001
    ours, theirs = make_event(title="Our event"), make_event(title="Their event")
    manager = make_user()
    add_member(ours, manager, "manager")
    db.session.commit()
    for event, address in ((ours, "ours@example.org"), (theirs, "theirs@example.org")):
        registering.register(event, registering.RegistrationInput("Ada", address, "in_person"))
    failed, foreign = _message_of(ours), _message_of(theirs)
    failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 5, "550 mailbox unavailable"
    foreign.status = OutboxStatus.FAILED
    db.session.commit()
    failed_id, foreign_id = failed.id, foreign.id
    login_as(client, manager)

    page = client.get("/organise/outbox/").get_data(as_text=True)
    assert "ours@example.org" in page and "550 mailbox unavailable" in page
    assert "theirs@example.org" not in page
    assert "ours@example.org" not in client.get("/organise/outbox/?status=sent").get_data(as_text=True)

    assert (
        post_form(client, f"/organise/outbox/{foreign_id}/resend", {}, page="/organise/outbox/").status_code
        == 404
    )
    response = post_form(client, f"/organise/outbox/{failed_id}/resend", {}, page="/organise/outbox/")
    assert response.status_code == 302 and response.location == "/organise/outbox/"
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed_id).status == OutboxStatus.PENDING
    assert db.session.get(OutboxMessage, foreign_id).status == OutboxStatus.FAILED
