"""How many statements a registration through the API sends, whatever the number of sessions and answers.

Each statement costs the app server more CPU than anything else a registration does (SQLAlchemy and
psycopg, about 0.1 ms each): on PostgreSQL the registration, its seats, its answers and its mail are one
INSERT (`rows.insert_new`), and the seats of the event and of every session one UPDATE (`seats.take_seats`).
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.mail.models import OutboxMessage
from conference.registrations.models import (
    Answer,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from tests.factories import make_event, make_session


def _register(client, count_queries, email: str, session_ids: list[int], answers: dict):  # noqa: ANN001, ANN201
    body = {
        "name": "Ada",
        "email": email,
        "attendance_mode": "in_person",
        "consent": True,
        "session_ids": session_ids,
        "answers": answers,
    }
    db.session.expire_all()
    with count_queries() as counter:
        response = client.post("/api/v1/events/ev/registrations", json=body)
    return response, counter


def test_a_registration_sends_a_fixed_number_of_statements(client, app, count_queries) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=10)
    sessions = [make_session(event, capacity=5) for _ in range(4)]
    db.session.flush()
    questions = [
        Question(event_id=event.id, label=f"Question {n}", kind=QuestionKind.SHORT_TEXT, position=n)
        for n in range(3)
    ]
    db.session.add_all(questions)
    db.session.commit()
    ids = [s.id for s in sessions]

    small, small_count = _register(client, count_queries, "ada@example.org", ids[:1], {})
    large, large_count = _register(
        client, count_queries, "bob@example.org", ids, {str(q.id): f"Answer {q.id}" for q in questions}
    )

    assert small.status_code == large.status_code == 201
    if db.engine.dialect.name == "postgresql":
        # The event, its chosen sessions, its questions; the registration with its seats, answers and mail;
        # the seats' counters (before: 8 and 12, one INSERT per table and one UPDATE per counter). SQLite
        # still sends those one by one (its write is serialised by BEGIN IMMEDIATE, and re-reads the
        # sessions after it).
        assert small_count.count == large_count.count == 5, (small_count.statements, large_count.statements)
    # What was written is what the separate statements wrote.
    db.session.expire_all()
    bob = db.session.scalars(sa.select(Registration).where(Registration.email == "bob@example.org")).one()
    assert bob.status == RegistrationStatus.CONFIRMED and bob.holds_event_seat
    seats = db.session.scalars(sa.select(SessionSeat).where(SessionSeat.registration_id == bob.id)).all()
    assert sorted(seat.session_id for seat in seats) == ids
    assert {seat.status for seat in seats} == {SeatStatus.CONFIRMED}
    answers = db.session.scalars(sa.select(Answer).where(Answer.registration_id == bob.id)).all()
    assert sorted((a.question_label, a.value) for a in answers) == sorted(
        (q.label, f"Answer {q.id}") for q in questions
    )
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.registration_id == bob.id)).all()
    assert [(m.kind, m.to_address) for m in mails] == [("confirmed", "bob@example.org")]
    assert "Question" not in mails[0].body_text and sessions[3].title in mails[0].body_text


def test_an_address_taken_writes_nothing_but_the_link_mail(client, app, count_queries) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=5)
    db.session.commit()

    first, _ = _register(client, count_queries, "ada@example.org", [panel.id], {})
    again, _ = _register(client, count_queries, "ada@example.org", [panel.id], {})

    assert first.status_code == 201 and again.status_code == 202
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionSeat)) == 1
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["confirmed", "manage_link"]
    assert db.session.get(type(panel), panel.id).seats_taken == 1


def test_an_event_asking_no_questions_does_not_read_them(client, app, count_queries) -> None:  # noqa: ANN001
    """Whether the event asks questions comes with its row (`queries.event_for_registering`): without any
    (or with archived ones only) the questions are not read, and an answer to an archived one is ignored."""
    event = make_event(slug="ev", capacity_in_person=10)
    panel = make_session(event, capacity=5)
    db.session.flush()
    archived = Question(event_id=event.id, label="Old", kind=QuestionKind.SHORT_TEXT, archived=True)
    db.session.add(archived)
    db.session.commit()

    response, counter = _register(
        client, count_queries, "ada@example.org", [panel.id], {str(archived.id): "x"}
    )

    assert response.status_code == 201, response.get_json()
    assert not any(s.lstrip().startswith("SELECT questions.") for s in counter.statements)
    if db.engine.dialect.name == "postgresql":
        assert counter.count == 4, (
            counter.statements
        )  # the event (and whether it asks), sessions, rows, seats
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    # Unarchived, it is asked again.
    db.session.get(Question, archived.id).archived = False
    db.session.commit()
    response, counter = _register(
        client, count_queries, "bob@example.org", [panel.id], {str(archived.id): "y"}
    )
    assert response.status_code == 201
    assert any(s.lstrip().startswith("SELECT questions.") for s in counter.statements)
    db.session.expire_all()
    assert db.session.scalars(sa.select(Answer.value)).all() == ["y"]
