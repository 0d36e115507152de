"""Issue 9: choice questions need choices and a broken stored one blocks nobody (finding 10); search in
organiser lists takes % and _ literally, and erasing personal data is one transaction (finding 11)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.mail.models import OutboxMessage
from conference.registrations import capacity, registering
from conference.registrations.models import (
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.sessions.models import Session
from conference.speakers.editing import search_people
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor
from tests.registrations.helpers import register_via_form


@pytest.fixture
def event_team(app) -> dict:
    event = make_event(slug="ev")
    panel = make_session(event, capacity=1, title="Small panel")
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    return {"event": event, "panel": panel, "owner": owner}


def register(event, name: str, email: str, sessions: list[int] | None = None) -> Registration:  # noqa: ANN001
    return registering.register(
        event, registering.RegistrationInput(name, email, "in_person", sessions or [])
    ).registration


# --- finding 10: choice questions ---------------------------------------------------------------------------


@pytest.mark.parametrize("options", ["", "  \n \n", "Only one"])
@pytest.mark.parametrize("kind", ["single_choice", "multiple_choice"])
def test_a_choice_question_without_choices_is_refused(app, event_team, kind, options):
    owner = Visitor(app, event_team["owner"])
    response = owner.post(
        "/organise/events/ev/questions/new",
        {"label": "Workshop", "kind": kind, "options": options, "required": "y"},
    )
    assert response.status_code == 422
    assert "Give at least two choices" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_a_stored_required_choice_question_without_choices_blocks_nobody(app, client, event_team):
    broken = Question(
        event_id=event_team["event"].id, label="Pick a workshop", kind=QuestionKind.SINGLE_CHOICE,
        required=True, options=[],
    )  # fmt: skip
    db.session.add(broken)
    db.session.commit()
    assert "Pick a workshop" not in client.get("/events/ev/register").get_data(as_text=True)
    assert register_via_form(client, "ev").status_code == 302
    api = client.post(
        "/api/v1/events/ev/registrations",
        json={"name": "Bob", "email": "bob@example.org", "attendance_mode": "in_person", "consent": True},
    )
    assert api.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 2
    questions = Visitor(app, event_team["owner"]).get("/organise/events/ev/questions/")
    assert "Not asked: this question has no choices." in questions.get_data(as_text=True)


# --- finding 11: LIKE wildcards -----------------------------------------------------------------------------


def test_search_in_registration_lists_takes_percent_and_underscore_literally(app, event_team):
    event = event_team["event"]
    register(event, "Percy 100% Sure", "percy@example.org")
    register(event, "Una Under_Score", "una@example.org")
    register(event, "Plain Person", "plain@example.org")
    owner = Visitor(app, event_team["owner"])
    for url in ("/organise/events/ev/registrations/?q={}", "/organise/events/ev/checkin?q={}"):
        percent = owner.get(url.format("%25")).get_data(as_text=True)
        assert "Percy 100% Sure" in percent and "Plain Person" not in percent and "Una" not in percent
        underscore = owner.get(url.format("_")).get_data(as_text=True)
        assert (
            "Una Under_Score" in underscore and "Plain Person" not in underscore and "Percy" not in underscore
        )


def test_people_search_takes_wildcards_literally(app):
    make_person(name="Ann_Marie Lee")
    make_person(name="Annamarie Lee")
    admin = make_user(is_admin=True)
    db.session.commit()
    assert [p.name for p in search_people("ann_m", admin)] == ["Ann_Marie Lee"]
    assert search_people("%", admin) == []


# --- finding 11: erasing is one transaction -----------------------------------------------------------------


@contextmanager
def outbox_refuses_deletes() -> Iterator[None]:
    """A real database trigger that fails any DELETE from the outbox: the last step of an erase."""
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(
                sa.text(
                    "CREATE FUNCTION refuse_outbox_delete() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN RAISE EXCEPTION 'outbox deletes refused by the test'; END $$"
                )
            )
            conn.execute(
                sa.text(
                    "CREATE TRIGGER refuse_outbox_delete BEFORE DELETE ON outbox"
                    " FOR EACH ROW EXECUTE FUNCTION refuse_outbox_delete()"
                )
            )
        else:
            conn.execute(
                sa.text(
                    "CREATE TRIGGER refuse_outbox_delete BEFORE DELETE ON outbox"
                    " BEGIN SELECT RAISE(ABORT, 'outbox deletes refused by the test'); END"
                )
            )
    db.session.rollback()  # a read begun before the trigger existed could not write on SQLite
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "DROP TRIGGER refuse_outbox_delete" + (" ON outbox" if dialect == "postgresql" else "")
                )
            )
            if dialect == "postgresql":
                conn.execute(sa.text("DROP FUNCTION refuse_outbox_delete()"))


def snapshot(registration_id: int, panel_id: int) -> dict:
    db.session.rollback()
    registration = db.session.get(Registration, registration_id)
    return {
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "erased_at": registration.erased_at,
        "token": registration.token,
        "seats": sorted((s.session_id, s.status) for s in registration.seats),
        "panel_taken": db.session.get(Session, panel_id).seats_taken,
        "waitlisted": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SessionSeat)
            .where(SessionSeat.status == SeatStatus.WAITLISTED)
        ),
        "mail": sorted(db.session.scalars(sa.select(OutboxMessage.kind))),
    }


def test_a_failure_while_erasing_leaves_nothing_half_erased(app, event_team):
    event, panel = event_team["event"], event_team["panel"]
    ada = register(event, "Ada Lovelace", "ada@example.org", [panel.id])
    register(event, "Bob Waiting", "bob@example.org", [panel.id])  # waitlisted for the one seat
    ada_id = ada.id
    before = snapshot(ada_id, panel.id)
    assert before["status"] == RegistrationStatus.CONFIRMED and before["waitlisted"] == 1

    with outbox_refuses_deletes(), pytest.raises(sa.exc.DBAPIError):
        capacity.erase(db.session.get(Registration, ada_id))
    assert snapshot(ada_id, panel.id) == before  # not cancelled, seat kept, Bob not promoted, nothing mailed

    capacity.erase(db.session.get(Registration, ada_id))
    after = snapshot(ada_id, panel.id)
    assert after["status"] == RegistrationStatus.CANCELLED and after["erased_at"] is not None
    assert after["name"] == "" and after["email"] == f"erased-{ada_id}@invalid"
    assert after["waitlisted"] == 0 and after["panel_taken"] == 1  # Bob moved up
    assert "promoted" in after["mail"]
    assert not db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.registration_id == ada_id)
    ).all()

    capacity.erase(db.session.get(Registration, ada_id))  # erasing again (a second click) changes nothing
    assert snapshot(ada_id, panel.id) == after


def test_erasing_retires_both_links(app, event_team):
    """The manage token was renewed on erasure but the calendar feed token was kept (a leftover of the
    merge): an erased registration keeps no secret that was ever handed out."""
    ada = register(event_team["event"], "Ada Lovelace", "ada@example.org")
    ada_id, token, feed_token = ada.id, ada.token, ada.feed_token
    capacity.erase(db.session.get(Registration, ada_id))
    db.session.expire_all()
    erased = db.session.get(Registration, ada_id)
    assert erased.token != token and erased.feed_token != feed_token
    assert erased.feed_token and erased.feed_token != erased.token
