"""Organiser pages: team-only access, list and counts, CSV export, check-in, approval, erase."""

from __future__ import annotations

import csv
import io

from flask import g

from conference.db import db
from conference.registrations import registering
from conference.registrations.models import RegistrationStatus
from tests.factories import add_member, login_as, make_event, make_session, make_user
from tests.registrations.helpers import post_form


def _setup(**event_kw):  # noqa: ANN202
    event = make_event(slug="ev", **event_kw)
    panel = make_session(event, capacity=3, title="Small panel")
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    return event, panel, owner


def test_only_the_team_sees_registrations(client, app) -> None:  # noqa: ANN001
    _setup()
    anonymous = app.test_client().get("/organise/events/ev/registrations/")
    assert anonymous.status_code == 302 and anonymous.location.startswith("/login?next=")
    stranger = make_user()
    db.session.commit()
    # The `app` fixture's app context (and so Flask-Login's cached user in `g`) spans all requests of a test.
    g.pop("_login_user", None)
    login_as(client, stranger)
    assert client.get("/organise/events/ev/registrations/").status_code == 404
    assert client.get("/organise/events/ev/registrations/export.csv").status_code == 404


def test_list_and_csv_export_neutralise_formulas(client, app) -> None:  # noqa: ANN001
    event, panel, owner = _setup()
    registering.register(
        event,
        registering.RegistrationInput(
            "=HYPERLINK(1)", "a@example.org", "in_person", [panel.id], affiliation="+cmd"
        ),
    )
    login_as(client, owner)
    page = client.get("/organise/events/ev/registrations/?status=confirmed").get_data(as_text=True)
    assert "a@example.org" in page and "Small panel" in page and "1 / 3" in page
    export = client.get("/organise/events/ev/registrations/export.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][2] == "'=HYPERLINK(1)" and rows[1][4] == "'+cmd"


def test_checkin_twice_says_already_checked_in(client, app) -> None:  # noqa: ANN001
    event, _panel, owner = _setup()
    reg = registering.register(
        event, registering.RegistrationInput("Ada", "a@example.org", "in_person")
    ).registration
    login_as(client, owner)
    url = f"/organise/events/ev/checkin?q={reg.checkin_code}"
    first = post_form(client, "/organise/events/ev/checkin", {"registration_id": reg.id}, page=url)
    assert first.status_code == 302
    again = post_form(client, "/organise/events/ev/checkin", {"registration_id": reg.id}, page=url)
    assert "already checked in" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_approval_and_erase_keep_counts_right(client, app) -> None:  # noqa: ANN001
    event, panel, owner = _setup(approval_required=True)
    reg = registering.register(
        event, registering.RegistrationInput("Ada", "a@example.org", "in_person", [panel.id])
    ).registration
    assert reg.status == RegistrationStatus.PENDING
    login_as(client, owner)
    detail = f"/organise/events/ev/registrations/{reg.id}"
    post_form(client, detail + "/approve", {}, page=detail)
    db.session.rollback()
    assert reg.status == RegistrationStatus.CONFIRMED and panel.seats_taken == 1
    post_form(client, detail + "/erase", {"confirm": "y"}, page=detail)
    db.session.rollback()
    assert reg.name == "" and reg.email.endswith("@invalid") and reg.status == RegistrationStatus.CANCELLED
    assert panel.seats_taken == 0


def test_settings_refuse_capacity_below_seats_taken(client, app) -> None:  # noqa: ANN001
    event, panel, owner = _setup()
    registering.register(
        event, registering.RegistrationInput("Ada", "a@example.org", "in_person", [panel.id])
    )
    login_as(client, owner)
    url = "/organise/events/ev/registration-settings"
    response = post_form(
        client, url, {"registration_enabled": "y", f"cap_{panel.id}": "0", "waitlist_enabled": "y"}
    )
    assert response.status_code == 422 and "already taken" in response.get_data(as_text=True)
    response = post_form(
        client, url, {"registration_enabled": "y", f"cap_{panel.id}": "5", "capacity_online": "abc"}
    )
    assert response.status_code == 422
    response = post_form(
        client, url, {"registration_enabled": "y", f"cap_{panel.id}": "5", "capacity_in_person": "10"}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert panel.capacity == 5 and event.capacity_in_person == 10


def test_settings_leave_a_session_capacity_alone_unless_its_field_is_sent(client, app) -> None:  # noqa: ANN001
    """A session whose field the form did not send (added by another organiser after the page was loaded,
    or a client posting only some fields) keeps its capacity; a field sent empty clears it."""
    event, panel, owner = _setup()
    other = make_session(event, capacity=7, title="Workshop")
    db.session.commit()
    login_as(client, owner)
    url = "/organise/events/ev/registration-settings"
    response = post_form(client, url, {"registration_enabled": "y", f"cap_{panel.id}": "4"})
    assert response.status_code == 302
    db.session.rollback()
    assert (panel.capacity, other.capacity) == (4, 7)
    response = post_form(client, url, {"registration_enabled": "y", f"cap_{other.id}": ""})
    assert response.status_code == 302
    db.session.rollback()
    assert (panel.capacity, other.capacity) == (4, None)


def test_question_builder_and_answers_keep_their_label(client, app) -> None:  # noqa: ANN001
    _event, _panel, owner = _setup()
    login_as(client, owner)
    response = post_form(
        client,
        "/organise/events/ev/questions/new",
        {"label": "Diet", "kind": "single_choice", "options": "Vegan\nAny", "required": "y"},
    )
    assert response.status_code == 302
    from tests.registrations.helpers import outbox, register_via_form

    client2 = client  # one client: the shared app context caches the CSRF token in `g`
    html = client2.get("/events/ev/register").get_data(as_text=True)
    assert "Diet" in html and "Vegan" in html
    from conference.registrations.models import Question

    question = db.session.scalars(db.select(Question)).one()
    assert register_via_form(client2, "ev").status_code == 422  # required answer missing
    assert register_via_form(client2, "ev", **{f"q_{question.id}": "Vegan"}).status_code == 302
    post_form(
        client,
        f"/organise/events/ev/questions/{question.id}/edit",
        {"label": "Dietary needs", "kind": "single_choice", "options": "Vegan\nAny"},
    )
    db.session.rollback()
    from conference.registrations.models import Answer

    answer = db.session.scalars(db.select(Answer)).one()
    assert answer.question_label == "Diet" and answer.value == "Vegan"
    assert outbox("confirmed")


def test_csv_export_reads_in_the_organisers_language(client, app) -> None:  # noqa: ANN001
    event, panel, owner = _setup()
    registering.register(
        event, registering.RegistrationInput("=SUM(1)", "a@example.org", "in_person", [panel.id])
    )
    panel.translations = {"ja": {"title": "小さなパネル"}}
    db.session.commit()
    login_as(client, owner)
    export = client.get("/organise/events/ev/registrations/export.csv?lang=ja")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    assert header[:4] == ["登録番号", "状況", "名前", "メールアドレス"]
    assert header[-1] == "セッション：小さなパネル"
    # Enum values are labels in the page's language, and formulas stay neutralised.
    assert row[1] == "確定" and row[6] == "会場参加" and row[-1] == "確定"
    assert row[2] == "'=SUM(1)"
    # The choice is remembered (cookie): the next export without ?lang is Japanese too.
    again = client.get("/organise/events/ev/registrations/export.csv").get_data(as_text=True)
    assert again.lstrip("\ufeff").startswith("登録番号,状況")
