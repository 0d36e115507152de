"""Issue 9, item 18: what each way of attending is told (check-in code, online join link), and the
country list without CLDR's pseudo territories."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.events.models import AttendanceMode
from conference.mail.outbox import attachment_files
from conference.registrations.models import Registration
from tests.factories import make_event, make_session
from tests.registrations.helpers import outbox, register_via_form

JOIN = "https://meet.example/secret-room-42"


def _token(email: str) -> tuple[str, str]:
    db.session.rollback()
    registration = db.session.scalars(sa.select(Registration).where(Registration.email == email)).one()
    return registration.token, registration.feed_token


def _confirmation(email: str):  # noqa: ANN202
    (mail,) = [m for m in outbox("confirmed") if m.to_address == email]
    return mail, {name: data for name, _kind, data in attachment_files(mail)}


def test_online_attendees_are_not_told_to_show_a_code_at_the_entrance(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev", attendance_mode=AttendanceMode.HYBRID, online_url=JOIN)
    db.session.commit()
    register_via_form(client, "ev", email="online@example.org", attendance_mode="online")
    register_via_form(client, "ev", email="there@example.org", attendance_mode="in_person")

    online, online_files = _confirmation("online@example.org")
    assert "entrance" not in online.body_text and "check-in code" not in online.body_text.lower()
    assert "checkin-code.png" not in online_files
    page = client.get(f"/registrations/{_token('online@example.org')[0]}/").get_data(as_text=True)
    assert "entrance" not in page and "Check-in code" not in page

    there, there_files = _confirmation("there@example.org")
    assert "show it at the entrance" in there.body_text
    assert there_files["checkin-code.png"].startswith(b"\x89PNG")
    page = client.get(f"/registrations/{_token('there@example.org')[0]}/").get_data(as_text=True)
    assert "Show this code at the entrance" in page and "<svg" in page


def test_only_online_attendees_of_a_hybrid_event_get_the_join_link(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev", attendance_mode=AttendanceMode.HYBRID, online_url=JOIN)
    panel = make_session(event, title="Memory panel")
    db.session.commit()
    register_via_form(
        client, "ev", email="there@example.org", attendance_mode="in_person", sessions=str(panel.id)
    )
    register_via_form(
        client, "ev", email="online@example.org", attendance_mode="online", sessions=str(panel.id)
    )

    for email, expected in (("there@example.org", False), ("online@example.org", True)):
        mail, files = _confirmation(email)
        manage_token, feed_token = _token(email)
        feed = client.get(f"/registrations/{feed_token}/calendar.ics").get_data(as_text=True)
        page = client.get(f"/registrations/{manage_token}/").get_data(as_text=True)
        agenda = files["agenda.ics"].decode()
        assert "Memory panel" in agenda and "Memory panel" in feed
        # iCalendar folds long lines: unfold before looking for the link.
        seen = [JOIN in text.replace("\r\n ", "") for text in (mail.body_text, agenda, feed, page)]
        assert seen == [expected] * 4, email


def test_the_country_list_has_no_pseudo_territories(client, app) -> None:  # noqa: ANN001
    from conference.registrations.forms import country_codes

    make_event(slug="ev")
    db.session.commit()
    page = client.get("/events/ev/register").get_data(as_text=True)
    assert "Pseudo" not in page and "Unknown Region" not in page and "Outlying Oceania" not in page
    assert ">Germany<" in page and ">Kosovo<" in page
    assert {"XA", "XB", "ZZ", "QO"}.isdisjoint(country_codes()) and {"DE", "XK", "QA"} <= country_codes()
    body = {"name": "A", "email": "a@example.org", "attendance_mode": "in_person", "consent": True}
    response = client.post("/api/v1/events/ev/registrations", json={**body, "country": "XA"})
    assert response.status_code == 422 and "country" in response.get_json()["errors"]
