"""One form registering for several co-located events (conference/registrations/together.py): each
event's own rules, all or nothing, one mail, one manage link, one agenda."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from conference.db import db
from conference.events import colocation
from conference.events.models import Event
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.bundles import RegistrationBundle
from conference.registrations.models import Question, QuestionKind, Registration, RegistrationMode
from tests.factories import make_event, make_session
from tests.registrations.helpers import csrf_from, field_value

PLACE = {"venue_name": "Chiang Mai University", "city": "Chiang Mai"}
START = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)


@pytest.fixture
def pair(app):  # noqa: ANN001, ANN201
    symposium = make_event(slug="symposium", title="Symposium", timezone="Asia/Bangkok", starts_at=START,
                           ends_at=START + timedelta(days=1), capacity_in_person=10, **PLACE)  # fmt: skip
    congress = make_event(slug="congress", title="Congress", timezone="Asia/Bangkok",
                          starts_at=START + timedelta(days=2), ends_at=START + timedelta(days=3),
                          capacity_in_person=10, **PLACE)  # fmt: skip
    s1 = make_session(symposium, title="Symposium keynote", starts_at=START + timedelta(hours=2))
    s2 = make_session(congress, title="Congress plenary", starts_at=START + timedelta(days=2, hours=2))
    db.session.commit()
    colocation.set_colocated(None, symposium, [congress])
    return {"symposium": symposium, "congress": congress, "s1": s1, "s2": s2}


def _form(client, slug: str = "symposium") -> tuple[str, dict]:  # noqa: ANN001
    response = client.get(f"/events/{slug}/register/together")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, {
        "csrf_token": csrf_from(html),
        "idempotency_key": field_value(html, "idempotency_key"),
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "consent": "y",
    }


def _both(pair: dict, **extra) -> dict:
    sym, con = pair["symposium"].id, pair["congress"].id
    return {
        f"join_{sym}": "y", f"mode_{sym}": "in_person", f"sessions_{sym}": [str(pair["s1"].id)],
        f"join_{con}": "y", f"mode_{con}": "in_person", f"sessions_{con}": [str(pair["s2"].id)],
        **extra,
    }  # fmt: skip


def _registrations(email: str = "ada@example.org") -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration).where(Registration.email == email).order_by(Registration.event_id)
        )
    )


def test_one_form_registers_for_both_with_one_mail_one_manage_link_one_feed(app, pair) -> None:  # noqa: ANN001
    client = app.test_client()
    html, data = _form(client)
    assert "Symposium keynote" in html and "Congress plenary" in html
    response = client.post("/events/symposium/register/together", data=data | _both(pair))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    registrations = _registrations()
    assert [(r.event.slug, r.status.value) for r in registrations] == [
        ("symposium", "confirmed"),
        ("congress", "confirmed"),
    ]
    assert [[s.session_id for s in r.seats] for r in registrations] == [[pair["s1"].id], [pair["s2"].id]]
    bundles = set(db.session.scalars(sa.select(RegistrationBundle.bundle)))
    assert len(bundles) == 1
    assert db.session.get(Event, pair["symposium"].id).seats_taken_in_person == 1
    assert db.session.get(Event, pair["congress"].id).seats_taken_in_person == 1

    # One mail covering both, with the first registration's manage and calendar links.
    mails = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.kind for m in mails] == ["together"]
    body = mails[0].body_text
    first = registrations[0]
    assert "Symposium" in body and "Congress" in body and "Congress plenary" in body
    assert f"/registrations/{first.token}/" in body and first.feed_token in body
    assert registrations[1].token not in body  # one manage link
    assert {a["filename"] for a in mails[0].attachments} == {
        "agenda.ics",
        "checkin-code-symposium.png",
        "checkin-code-congress.png",
    }

    # The manage page of either shows the other.
    assert response.headers["Location"].endswith(f"/registrations/{first.token}/")
    page = client.get(f"/registrations/{first.token}/").get_data(as_text=True)
    assert "Registered together with this" in page and "Congress plenary" in page
    assert f"/registrations/{registrations[1].token}/" in page
    other_page = client.get(f"/registrations/{registrations[1].token}/").get_data(as_text=True)
    assert "Symposium keynote" in other_page

    # One agenda covering both, from either feed (and as the mail's attachment).
    for registration in registrations:
        feed = client.get(f"/registrations/{registration.feed_token}/calendar.ics")
        summaries = sorted(str(v["SUMMARY"]) for v in Calendar.from_ical(feed.data).walk("VEVENT"))
        assert summaries == ["Congress plenary", "Symposium keynote"]
    from conference.mail import outbox

    files = dict((name, data) for name, _type, data in outbox.attachment_files(mails[0]))
    attached = sorted(str(v["SUMMARY"]) for v in Calendar.from_ical(files["agenda.ics"]).walk("VEVENT"))
    assert attached == ["Congress plenary", "Symposium keynote"]
    # Each event's own check-in code (the desk of each event knows only its own).
    from conference.registrations.mails import qr_png

    assert registrations[0].checkin_code != registrations[1].checkin_code
    assert files["checkin-code-symposium.png"] == qr_png(registrations[0])
    assert files["checkin-code-congress.png"] == qr_png(registrations[1])


def test_the_one_mail_carries_the_code_of_the_event_attended_in_person_only(app, pair, smtp) -> None:  # noqa: ANN001
    """Online at the symposium (registered first), in person at the congress: the mail, as an SMTP server
    receives it, carries the congress's check-in code, and no code for the symposium."""
    from email import message_from_bytes, policy

    from conference.mail import sender
    from conference.registrations.mails import qr_png

    client = app.test_client()
    _html, data = _form(client)
    sym = pair["symposium"]
    sym.attendance_mode = "hybrid"
    sym.online_url = "https://meet.example.org/symposium"
    sym.capacity_online = 10
    db.session.commit()
    response = client.post(
        "/events/symposium/register/together", data=data | _both(pair, **{f"mode_{sym.id}": "online"})
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    online, in_person = _registrations()
    assert (online.attendance_mode.value, in_person.attendance_mode.value) == ("online", "in_person")
    assert sender.send_due().sent == 1
    (received,) = smtp[1].received
    mail = message_from_bytes(received.as_bytes(), policy=policy.default)
    codes = {part.get_filename(): part.get_content() for part in mail.iter_attachments()
             if part.get_content_type() == "image/png"}  # fmt: skip
    assert codes == {"checkin-code.png": qr_png(in_person)}


def test_the_same_form_sent_twice_registers_once(app, pair) -> None:  # noqa: ANN001
    client = app.test_client()
    _html, data = _form(client)
    first = client.post("/events/symposium/register/together", data=data | _both(pair))
    again = client.post("/events/symposium/register/together", data=data | _both(pair))
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    db.session.rollback()
    assert len(_registrations()) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_a_full_event_without_waiting_list_writes_nothing_and_says_which(app, pair) -> None:  # noqa: ANN001
    congress = pair["congress"]
    congress.capacity_in_person, congress.waitlist_enabled = 1, False
    db.session.commit()
    registering.register(
        congress, registering.RegistrationInput("Bo", "bo@example.org", RegistrationMode.IN_PERSON)
    )
    outbox_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    client = app.test_client()
    _html, data = _form(client)
    response = client.post("/events/symposium/register/together", data=data | _both(pair))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Congress has no seat left for what you chose" in text and "Nothing was registered" in text
    db.session.rollback()
    assert _registrations() == []  # not even the symposium, which had room
    assert db.session.get(Event, pair["symposium"].id).seats_taken_in_person == 0
    assert db.session.get(Event, congress.id).seats_taken_in_person == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == outbox_before
    # Unticking the full event registers for the other alone.
    sym = pair["symposium"].id
    only = {f"join_{sym}": "y", f"mode_{sym}": "in_person"}
    assert client.post("/events/symposium/register/together", data=data | only).status_code == 302
    db.session.rollback()
    assert [r.event.slug for r in _registrations()] == ["symposium"]
    assert (
        db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()[-1] == "confirmed"
    )


def test_each_event_keeps_its_waiting_list_and_approval(app, pair) -> None:  # noqa: ANN001
    symposium, congress = pair["symposium"], pair["congress"]
    symposium.capacity_in_person = 0  # full, with a waiting list
    congress.approval_required = True
    db.session.commit()
    client = app.test_client()
    _html, data = _form(client)
    assert client.post("/events/symposium/register/together", data=data | _both(pair)).status_code == 302
    db.session.rollback()
    assert [(r.event.slug, r.status.value) for r in _registrations()] == [
        ("symposium", "waitlisted"),
        ("congress", "pending"),
    ]
    body = db.session.scalars(sa.select(OutboxMessage.body_text)).one()
    assert "waiting list" in body and "approve registrations by hand" in body


def test_each_events_questions_are_asked_only_when_it_is_ticked(app, pair) -> None:  # noqa: ANN001
    congress = pair["congress"]
    question = Question(event_id=congress.id, label="Your panel track", kind=QuestionKind.SHORT_TEXT,
                        required=True)  # fmt: skip
    db.session.add(question)
    db.session.commit()
    client = app.test_client()
    html, data = _form(client)
    assert "Your panel track" in html
    missing = client.post("/events/symposium/register/together", data=data | _both(pair))
    assert missing.status_code == 422
    assert _registrations() == []
    answered = client.post(
        "/events/symposium/register/together", data=data | _both(pair, **{f"q_{question.id}": "Security"})
    )
    assert answered.status_code == 302
    db.session.rollback()
    congress_registration = _registrations()[1]
    assert [(a.question_label, a.value) for a in congress_registration.answers] == [
        ("Your panel track", "Security")
    ]


def test_unticked_event_with_required_question_does_not_block(app, pair) -> None:  # noqa: ANN001
    db.session.add(Question(event_id=pair["congress"].id, label="Track", kind=QuestionKind.SHORT_TEXT,
                            required=True))  # fmt: skip
    db.session.commit()
    client = app.test_client()
    _html, data = _form(client)
    sym = pair["symposium"].id
    response = client.post("/events/symposium/register/together",
                           data=data | {f"join_{sym}": "y", f"mode_{sym}": "in_person"})  # fmt: skip
    assert response.status_code == 302
    nothing = client.post("/events/symposium/register/together", data=_form(client)[1])
    assert nothing.status_code == 422 and "Tick at least one event" in nothing.get_data(as_text=True)


def test_a_session_of_another_event_is_refused(app, pair) -> None:  # noqa: ANN001
    client = app.test_client()
    _html, data = _form(client)
    sym = pair["symposium"].id
    wrong = _both(pair) | {f"sessions_{sym}": [str(pair["s2"].id)]}
    response = client.post("/events/symposium/register/together", data=data | wrong)
    assert response.status_code == 422
    assert "not open for registration" in response.get_data(as_text=True)
    assert _registrations() == []


def test_an_address_registered_for_one_event_gets_its_link_not_a_bundle(app, pair) -> None:  # noqa: ANN001
    earlier = registering.register(
        pair["congress"], registering.RegistrationInput("Ada", "ada@example.org", RegistrationMode.IN_PERSON)
    ).registration
    earlier_token = earlier.token
    client = app.test_client()
    _html, data = _form(client)
    response = client.post("/events/symposium/register/together", data=data | _both(pair))
    assert response.status_code == 302
    db.session.rollback()
    new = _registrations()[0]
    assert response.headers["Location"].endswith(f"/registrations/{new.token}/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has a registration for Congress" in page
    assert earlier_token not in page and "Registered together with this" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationBundle)) == 0
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert sorted(kinds) == ["confirmed", "confirmed", "manage_link"]


def test_cancelling_one_keeps_the_other_and_the_feed_drops_it(app, pair) -> None:  # noqa: ANN001
    from conference.registrations import capacity

    client = app.test_client()
    _html, data = _form(client)
    client.post("/events/symposium/register/together", data=data | _both(pair))
    db.session.rollback()
    first, second = _registrations()
    capacity.cancel(second)
    db.session.rollback()
    assert first.status.value == "confirmed"
    feed = client.get(f"/registrations/{first.feed_token}/calendar.ics")
    assert [str(v["SUMMARY"]) for v in Calendar.from_ical(feed.data).walk("VEVENT")] == ["Symposium keynote"]
    assert db.session.get(Event, pair["congress"].id).seats_taken_in_person == 0


def test_the_form_is_not_there_without_open_partners(app, pair) -> None:  # noqa: ANN001
    congress = pair["congress"]
    congress.registration_enabled = False
    db.session.commit()
    client = app.test_client()
    assert client.get("/events/symposium/register/together").status_code == 404
    assert "Register for several" not in client.get("/events/symposium/").get_data(as_text=True)


def test_demo_symposium_and_congress_are_linked_and_register_together(app, demo) -> None:  # noqa: ANN001
    from conference.demo import CONGRESS_SLUG, SYMPOSIUM_SLUG

    client = app.test_client()
    page = client.get(f"/events/{SYMPOSIUM_SLUG}/").get_data(as_text=True)
    assert f'href="/events/{CONGRESS_SLUG}/"' in page and "Also here" in page
    assert f'href="/events/{SYMPOSIUM_SLUG}/"' in client.get(f"/events/{CONGRESS_SLUG}/").get_data(
        as_text=True
    )
    assert f"/events/{SYMPOSIUM_SLUG}/register/together" in page
    # The event's own register page offers the form for both too.
    own_form = client.get(f"/events/{CONGRESS_SLUG}/register").get_data(as_text=True)
    assert "This event is held together with" in own_form
    assert f"/events/{CONGRESS_SLUG}/register/together" in own_form
    html, data = _form(client, SYMPOSIUM_SLUG)
    ids = [int(i) for i in re.findall(r'name="join_(\d+)"', html)]
    assert len(ids) == 2
    choices = {}
    for event_id in ids:
        choices[f"join_{event_id}"] = "y"
        choices[f"mode_{event_id}"] = "in_person"
    response = client.post(f"/events/{SYMPOSIUM_SLUG}/register/together", data=data | choices)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    assert sorted(r.event.slug for r in _registrations()) == sorted([SYMPOSIUM_SLUG, CONGRESS_SLUG])
    from conference.demo import load_demo

    assert load_demo() == []  # loading again changes nothing, the link included
    symposium = db.session.scalars(sa.select(Event).where(Event.slug == SYMPOSIUM_SLUG)).one()
    assert [e.slug for e in colocation.partners(symposium)] == [CONGRESS_SLUG]


def test_the_one_mail_is_in_the_registrants_language(app, pair) -> None:  # noqa: ANN001
    from tests.organise.helpers import Visitor

    visitor = Visitor(app)
    html = visitor.open("/events/symposium/register/together?lang=ja").get_data(as_text=True)
    assert "複数のイベントに参加登録" in html
    data = {"idempotency_key": field_value(html, "idempotency_key"), "name": "Aiko", "email": "aiko@example.org",
            "consent": "y"}  # fmt: skip
    response = visitor.open("/events/symposium/register/together", "POST", data | _both(pair))
    assert response.status_code == 302
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert message.subject.startswith("参加登録のご案内: ")
    assert "このメールは、1つのフォームで参加登録されたすべてのイベント" in message.body_text


def test_the_feed_of_a_bundle_passes_icscheck(app, pair, tmp_path) -> None:  # noqa: ANN001
    import subprocess

    from tests.feeds.test_icscheck import CHECK, _icscheck_ready

    reason = _icscheck_ready()
    if reason:
        pytest.skip(reason)
    client = app.test_client()
    _html, data = _form(client)
    client.post("/events/symposium/register/together", data=data | _both(pair))
    db.session.rollback()
    path = tmp_path / "bundle.ics"
    path.write_bytes(client.get(f"/registrations/{_registrations()[0].feed_token}/calendar.ics").data)
    result = subprocess.run([str(CHECK), "--werror", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
