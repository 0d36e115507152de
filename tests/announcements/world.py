"""A world for the announcement tests: a hybrid event with two sessions, two questions and five
registrants of every kind, its owner, another team's organiser; and the mail received over real SMTP."""

from __future__ import annotations

from email import message_from_bytes, policy

import sqlalchemy as sa

from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import AttendanceMode
from conference.mail import sender
from conference.registrations import capacity, operations, registering
from conference.registrations.models import Question, QuestionKind, Registration
from tests.factories import add_member, make_event, make_session, make_user
from tests.servers import Collect


def received(handler: Collect) -> list:
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]


def build(handler: Collect) -> dict:
    """Event "ev" (hybrid; sessions s1, s2; questions "Meal" (Vegetarian/Vegan) and "Newsletter" (checkbox)):
    - ada: in person, s1, Vegetarian, newsletter yes, Japanese, checked in;
    - bob: online, s2, Vegan, newsletter no;
    - cy: in person, s1 and s2, then cancelled;
    - dee: in person, s2, Vegetarian (not checked in);
    - zed registered for another event. The confirmations are sent and the SMTP handler emptied."""
    event = make_event(slug="ev", title="Human security symposium", attendance_mode=AttendanceMode.HYBRID,
                       online_url="https://meet.example.org/ev")  # fmt: skip
    s1 = make_session(event, title="Panel on rivers")
    s2 = make_session(event, title="Workshop on maps")
    other = make_event(slug="other", title="Another event")
    other_session = make_session(other, title="Elsewhere")
    meal = Question(
        event_id=event.id, label="Meal", kind=QuestionKind.SINGLE_CHOICE, options=["Vegetarian", "Vegan"]
    )
    newsletter = Question(event_id=event.id, label="Newsletter", kind=QuestionKind.CHECKBOX)
    db.session.add_all([meal, newsletter])
    owner = make_user("owner@example.org")
    stranger = make_user("stranger@example.org")
    helper = make_user("helper@example.org")
    add_member(event, owner, "owner")
    add_member(event, helper, "checkin")
    add_member(other, stranger, "owner")
    db.session.commit()

    def register(name, mode, sessions, answers=None, language="", target=event):  # noqa: ANN001, ANN202
        data = registering.RegistrationInput(
            name.title(), f"{name}@example.org", mode, [s.id for s in sessions],
            answers=answers or {}, language=language,
        )  # fmt: skip
        return registering.register(target, data).registration

    vegetarian, vegan = (meal.id, ("Meal", "Vegetarian")), (meal.id, ("Meal", "Vegan"))
    yes, no = (newsletter.id, ("Newsletter", True)), (newsletter.id, ("Newsletter", False))
    people = {
        "ada": register("ada", "in_person", [s1], dict([vegetarian, yes]), "ja"),
        "bob": register("bob", "online", [s2], dict([vegan, no])),
        "cy": register("cy", "in_person", [s1, s2]),
        "dee": register("dee", "in_person", [s2], dict([vegetarian])),
    }  # fmt: skip
    register("zed", "in_person", [other_session], target=other)
    capacity.cancel(people["cy"])
    operations.check_in(owner, db.session.get(Registration, people["ada"].id))
    db.session.commit()
    assert sender.send_due().failed == 0
    confirmations = received(handler)
    handler.received.clear()
    return {
        "event": event,
        "s1": s1,
        "s2": s2,
        "other_session": other_session,
        "meal": meal,
        "newsletter": newsletter,
        "owner": owner,
        "stranger": stranger,
        "helper": helper,
        "ids": {name: r.id for name, r in people.items()},
        "confirmations": confirmations,
        "tokens": {
            "owner": create_token(owner, "t")[1],
            "stranger": create_token(stranger, "t")[1],
            "helper": create_token(helper, "t")[1],
        },
    }


def registration(name: str) -> Registration:
    return db.session.scalars(
        sa.select(Registration).where(Registration.email == f"{name}@example.org")
    ).one()
