"""The public form, the manage link, waiting list and promotion, duplicates, mails in the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.mail.outbox import attachment_files
from conference.registrations import capacity, registering
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus
from conference.sessions.models import Session
from tests.factories import make_event, make_session
from tests.registrations.helpers import csrf_from, outbox, post_form, register_via_form


def _reg(email: str) -> Registration:
    db.session.rollback()
    return db.session.scalars(sa.select(Registration).where(Registration.email == email)).one()


def test_register_confirms_and_queues_a_confirmation_with_manage_link(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=2)
    db.session.commit()
    response = register_via_form(client, "ev", sessions=str(panel.id), email="Ada@Example.org")
    assert response.status_code == 302
    registration = _reg("ada@example.org")  # normalised to lower case
    assert registration.status == RegistrationStatus.CONFIRMED
    assert len(registration.token) >= 43
    assert response.headers["Location"].endswith(f"/registrations/{registration.token}/")
    (mail,) = outbox("confirmed")
    assert f"https://conference.test/registrations/{registration.token}/" in mail.body_text
    assert "checkin-code.png" in [a["filename"] for a in mail.attachments]
    page = client.get(f"/registrations/{registration.token}/").get_data(as_text=True)
    assert "Confirmed" in page and "<svg" in page


def test_bad_input_gets_errors_next_to_fields_and_no_write(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    response = register_via_form(client, "ev", email="not-an-address", name="", consent="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-errors"' in html and 'id="name-errors"' in html and 'id="consent-errors"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_post_without_csrf_token_is_400(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    response = client.post(
        "/events/ev/register", data={"name": "X", "email": "x@example.org", "consent": "y"}
    )
    assert response.status_code == 400


def test_full_panel_waitlists_and_cancellation_promotes_exactly_one(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=1)
    db.session.commit()
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        assert register_via_form(client, "ev", email=email, sessions=str(panel.id)).status_code == 302
    seats = {r: _reg(r).seats[0].status for r in ("a@example.org", "b@example.org", "c@example.org")}
    assert seats == {
        "a@example.org": SeatStatus.CONFIRMED,
        "b@example.org": SeatStatus.WAITLISTED,
        "c@example.org": SeatStatus.WAITLISTED,
    }
    token = _reg("a@example.org").token
    page = client.get(f"/registrations/{token}/cancel")
    assert page.status_code == 200 and _reg("a@example.org").status == RegistrationStatus.CONFIRMED
    response = client.post(
        f"/registrations/{token}/cancel", data={"csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert _reg("a@example.org").status == RegistrationStatus.CANCELLED
    assert _reg("b@example.org").seats[0].status == SeatStatus.CONFIRMED
    assert _reg("c@example.org").seats[0].status == SeatStatus.WAITLISTED
    assert db.session.get(Session, panel.id).seats_taken == 1
    assert [m.to_address for m in outbox("promoted")] == ["b@example.org"]


def test_event_capacity_waitlists_whole_registration_and_promotes(app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", capacity_in_person=1)
    db.session.commit()
    first = registering.register(
        event, registering.RegistrationInput("A", "a@example.org", "in_person")
    ).registration
    second = registering.register(
        event, registering.RegistrationInput("B", "b@example.org", "in_person")
    ).registration
    assert (first.status, second.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    promoted = capacity.cancel(first)
    assert [r.email for r in promoted] == ["b@example.org"]
    db.session.refresh(event)
    assert event.seats_taken_in_person == 1


def test_same_email_again_takes_no_second_seat_and_gets_the_link(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, capacity=5)
    db.session.commit()
    register_via_form(client, "ev", sessions=str(panel.id))
    response = register_via_form(client, "ev", sessions=str(panel.id))
    assert response.headers["Location"].endswith("/events/ev/register/sent")
    assert db.session.get(Session, panel.id).seats_taken == 1
    assert len(outbox("manage_link")) == 1


def test_double_submitted_form_creates_one_registration(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    db.session.commit()
    html = client.get("/events/ev/register").get_data(as_text=True)
    import re

    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "name": "A",
        "email": "a@example.org",
        "attendance_mode": "in_person",
        "consent": "y",
    }
    first = client.post("/events/ev/register", data=data)
    second = client.post("/events/ev/register", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert len(outbox()) == 1  # no second mail for a double click
    assert event.id


def test_manage_page_changes_sessions_and_new_link_retires_the_old(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    one = make_session(event, capacity=1)
    two = make_session(event, capacity=1)
    db.session.commit()
    register_via_form(client, "ev", sessions=str(one.id))
    token = _reg("ada@example.org").token
    response = post_form(
        client, f"/registrations/{token}/", {"attendance_mode": "in_person", "sessions": str(two.id)}
    )
    assert response.status_code == 302
    registration = _reg("ada@example.org")
    assert {s.session_id: s.status for s in registration.seats} == {
        one.id: SeatStatus.CANCELLED,
        two.id: SeatStatus.CONFIRMED,
    }
    assert (db.session.get(Session, one.id).seats_taken, db.session.get(Session, two.id).seats_taken) == (
        0,
        1,
    )
    response = post_form(client, f"/registrations/{token}/new-link", {}, page=f"/registrations/{token}/")
    new_token = _reg("ada@example.org").token
    assert new_token != token
    assert client.get(f"/registrations/{token}/").status_code == 404
    assert client.get(f"/registrations/{new_token}/").status_code == 200


def test_lost_link_answers_the_same_for_unknown_addresses(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev")
    known = post_form(client, "/registrations/lost-link", {"email": "ada@example.org"})
    unknown = post_form(client, "/registrations/lost-link", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert [m.to_address for m in outbox("manage_link")] == ["ada@example.org"]


def test_own_data_download_and_unknown_token(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev", accessibility_needs="Step-free access")
    token = _reg("ada@example.org").token
    data = client.get(f"/registrations/{token}/my-data.json").get_json()
    assert data["email"] == "ada@example.org" and data["accessibility_needs"] == "Step-free access"
    assert client.get("/registrations/" + "x" * 43 + "/").status_code == 404


def test_closed_registration_shows_a_page_not_the_form(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev", registration_enabled=False)
    db.session.commit()
    response = client.get("/events/ev/register")
    assert response.status_code == 200 and "does not take registrations" in response.get_data(as_text=True)


def test_confirmation_carries_the_agenda_from_the_feed_builder(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    panel = make_session(event, title="Memory panel")
    db.session.commit()
    register_via_form(client, "ev", sessions=str(panel.id))
    (mail,) = outbox("confirmed")
    files = {name: (kind, data) for name, kind, data in attachment_files(mail)}
    kind, data = files["agenda.ics"]
    assert kind == "text/calendar"
    assert data.decode().startswith("BEGIN:VCALENDAR") and "Memory panel" in data.decode()
    assert files["checkin-code.png"][1].startswith(b"\x89PNG")


def test_attachments_show_the_registration_as_it_is_when_the_mail_goes_out(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    first = make_session(event, title="Memory panel")
    second = make_session(event, title="Archives panel")
    db.session.commit()
    register_via_form(client, "ev", sessions=str(first.id))
    registration = _reg("ada@example.org")
    capacity.change(registration, registration.attendance_mode, [second.id])
    confirmed, changed = outbox("confirmed") + outbox("changed")
    for mail in (confirmed, changed):
        agenda = dict((name, data) for name, _kind, data in attachment_files(mail))["agenda.ics"].decode()
        assert "Archives panel" in agenda and "Memory panel" not in agenda
    # The text is the one written with the change: the confirmation still names the first choice.
    assert "Memory panel" in confirmed.body_text and "Archives panel" in changed.body_text
    capacity.erase(_reg("ada@example.org"))
    assert outbox() == []  # an erased registration's mail goes with its data
