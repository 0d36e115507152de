"""Announcements over a real SMTP server on loopback: each audience reaches exactly its people, each alone,
with List-Unsubscribe (and never on transactional mail); one-click unsubscribe; sanitised Markdown; the
organiser's compose → preview → send, safe to click twice; the follow-up drafted from the materials."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.announcements import audience as audiences
from conference.announcements import operations
from conference.announcements.models import Announcement
from conference.db import db, utcnow
from conference.mail import sender
from conference.mail.models import OutboxMessage
from conference.registrations import mails as registration_mails
from tests.announcements.world import build, received, registration
from tests.organise.helpers import Visitor

pytestmark = pytest.mark.usefixtures("smtp")


@pytest.fixture
def world(app, smtp):  # noqa: ANN001, ANN201
    return build(smtp[1])


def _send(
    world: dict, audience: dict, subject: str = "Room change", body: str = "We meet in **Hall B**."
) -> Announcement:
    event = world["event"]
    announcement, sent = operations.send(
        world["owner"], event, subject, body, audiences.parse(event, audience)
    )
    assert sent
    return announcement


def _unsubscribe_url(mail) -> str:  # noqa: ANN001
    return re.search(r"<https://conference\.test(/[^>]+)>", mail["List-Unsubscribe"]).group(1)


AUDIENCES = [
    ({}, {"ada", "bob", "dee"}),
    ({"status": ["cancelled"]}, {"cy"}),
    ({"status": ["confirmed", "cancelled"]}, {"ada", "bob", "cy", "dee"}),
    ({"mode": "online"}, {"bob"}),
    ({"mode": "in_person"}, {"ada", "dee"}),
    ({"sessions": "s1"}, {"ada"}),
    ({"sessions": "s2"}, {"bob", "dee"}),
    ({"sessions": "both"}, {"ada", "bob", "dee"}),
    ({"checked_in": True}, {"ada"}),
    ({"checked_in": False}, {"bob", "dee"}),
    ({"question": ("meal", "Vegetarian")}, {"ada", "dee"}),
    ({"question": ("meal", "Vegan")}, {"bob"}),
    ({"question": ("newsletter", True)}, {"ada"}),
    ({"question": ("newsletter", False)}, {"bob"}),
    ({"mode": "in_person", "sessions": "s2", "checked_in": False}, {"dee"}),
]


def _audience(world: dict, spec: dict) -> dict:
    audience = dict(spec)
    if "sessions" in audience:
        names = {"s1": ["s1"], "s2": ["s2"], "both": ["s1", "s2"]}[audience["sessions"]]
        audience["sessions"] = [world[name].id for name in names]
    if "question" in audience:
        question, answer = audience["question"]
        audience["question"] = {"id": world[question].id, "answer": answer}
    return audience


@pytest.mark.parametrize(("spec", "expected"), AUDIENCES, ids=[str(spec) for spec, _ in AUDIENCES])
def test_each_audience_reaches_exactly_its_people_each_alone_with_an_unsubscribe_header(
    world, smtp, spec, expected
):  # noqa: ANN001
    announcement = _send(world, _audience(world, spec))
    assert announcement.recipient_count == len(expected)
    assert sender.send_due().sent == len(expected)
    mails = received(smtp[1])
    assert sorted(m["To"] for m in mails) == sorted(f"{name}@example.org" for name in expected)
    for mail in mails:
        assert mail["Cc"] is None and mail["Bcc"] is None
        assert len(mail.get_all("To")) == 1 and "," not in mail["To"]
        assert mail["Subject"] == "Room change"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        registration_id = registration(mail["To"].split("@")[0]).id
        assert _unsubscribe_url(mail).startswith(f"/unsubscribe/{registration_id}/")
    for raw in smtp[1].received:
        # As sent: one recipient in the envelope too (no hidden Bcc), and the header a link mail clients
        # read (not folded into RFC 2047 encoded words).
        assert raw["X-RcptTo"] == raw["To"]
        assert raw["List-Unsubscribe"].strip().startswith("<https://conference.test/unsubscribe/")


def test_transactional_mail_has_no_list_unsubscribe(world) -> None:  # noqa: ANN001
    confirmations = world["confirmations"]
    assert len(confirmations) == 6  # five confirmations (four here, one elsewhere) and cy's cancellation
    for mail in confirmations:
        assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


def test_one_click_unsubscribe_without_login_then_no_more_announcements(app, world, smtp) -> None:  # noqa: ANN001
    _send(world, {})
    sender.send_due()
    bob_mail = next(m for m in received(smtp[1]) if m["To"] == "bob@example.org")
    url = _unsubscribe_url(bob_mail)
    anonymous = app.test_client()
    # A wrong token is refused and changes nothing.
    assert anonymous.post(url[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    other_id = registration("dee").id
    assert anonymous.post(re.sub(r"/\d+/", f"/{other_id}/", url, count=1)).status_code == 404
    # GET only asks (link scanners fetch GETs).
    page = anonymous.get(url)
    assert page.status_code == 200 and b"Unsubscribe from announcements" in page.data
    assert page.headers["Cache-Control"] == "no-store"
    smtp[1].received.clear()
    _send(world, {}, subject="Second")
    sender.send_due()
    assert "bob@example.org" in smtp[1].recipients()
    # The one-click POST of RFC 8058: no cookie, no CSRF token; twice is harmless.
    for _ in range(2):
        response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert b"no more announcements" in response.data
    db.session.rollback()
    smtp[1].received.clear()
    announcement = _send(world, {}, subject="Third")
    assert announcement.recipient_count == 2
    sender.send_due()
    assert sorted(smtp[1].recipients()) == ["ada@example.org", "dee@example.org"]
    # Mail about the registration itself still reaches bob.
    smtp[1].received.clear()
    registration_mails.queue(registration("bob"), "manage_link")
    db.session.commit()
    sender.send_due()
    assert smtp[1].recipients() == ["bob@example.org"]


def test_markdown_is_sanitised_in_the_html_part_and_readable_in_the_text_part(world, smtp) -> None:  # noqa: ANN001
    body = "Dear all,\n\n<script>alert(1)</script>\n\n**Hall B** from now on. [Map](javascript:alert(2)) [Site](https://example.org/map)\n"
    _send(world, {"sessions": [world["s1"].id]}, body=body)  # ada only, who registered in Japanese
    sender.send_due()
    (mail,) = received(smtp[1])
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert "<script" not in html, html
    assert 'href="javascript' not in html
    assert "<strong>Hall B</strong>" in html and 'href="https://example.org/map"' in html
    assert '<html lang="ja" dir="ltr">' in html and '<div lang="en">' in html  # the layout every mail has
    assert "**Hall B** from now on." in text and "Dear all," in text
    # The system's lines in the recipient's language, the organiser's text as written.
    assert "登録" in text and "Human security symposium" in text
    assert "/unsubscribe/" in text and "/registrations/" in text


def _compose(visitor: Visitor, world: dict, **fields):  # noqa: ANN202
    page = visitor.get("/organise/events/ev/announcements/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    key = re.search(r'name="key"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="key"', html
    )
    data = {
        "subject": "Room change",
        "body": "Hall B.",
        "status": ["confirmed"],
        "key": key.group(1),
        **fields,
    }
    return visitor.post("/organise/events/ev/announcements/new", data=data), data


def test_organiser_composes_previews_with_the_exact_count_and_sends_once_however_often_clicked(
    app, world, smtp
) -> None:  # noqa: ANN001
    visitor = Visitor(app, world["owner"])
    preview, data = _compose(visitor, world, sessions=[str(world["s2"].id)], mode="in_person")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "It goes to 1 person" in html and "Send to 1 person" in html
    assert "Workshop on maps" in html  # the audience in words
    # "Change" on the preview brings the form back as it was, sending nothing.
    change = visitor.post("/organise/events/ev/announcements/new", data={**data, "edit": "1"})
    assert change.status_code == 200 and 'value="Room change"' in change.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Announcement)) == 0
    send = "/organise/events/ev/announcements/send"
    fields = {**data, "previewed": "1"}
    first = visitor.post(send, data=fields)
    second = visitor.post(send, data=fields)  # a double click
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Announcement)) == 1
    assert sender.send_due().sent == 1
    assert smtp[1].recipients() == ["dee@example.org"]
    listing = visitor.get("/organise/events/ev/announcements/").get_data(as_text=True)
    assert "already sent" in listing  # the second click's message
    assert "Room change" in listing and "owner@example.org" in listing
    assert re.search(r"<td>1</td><td>1</td>", listing)  # recipients, delivered so far


def test_the_count_is_made_again_at_sending_and_the_difference_shown(app, world, smtp) -> None:  # noqa: ANN001
    visitor = Visitor(app, world["owner"])
    preview, data = _compose(visitor, world, mode="online")
    assert "It goes to 1 person" in preview.get_data(as_text=True)
    from conference.registrations import registering

    registering.register(
        world["event"], registering.RegistrationInput("Eve", "eve@example.org", "online", [])
    )
    sent = visitor.post(
        "/organise/events/ev/announcements/send", data={**data, "previewed": "1"}, follow_redirects=True
    )
    html = sent.get_data(as_text=True)
    assert "Announcement sent to 2 people." in html and "which counted 1 person" in html


def test_bad_compose_input_comes_back_with_messages(app, world) -> None:  # noqa: ANN001
    visitor = Visitor(app, world["owner"])
    response, _ = _compose(visitor, world, subject="  ", status=[])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "aria-invalid" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Announcement)) == 0
    stray = visitor.post(
        "/organise/events/ev/announcements/send", data={"subject": "x", "body": "y", "status": ["nope"]}
    )
    assert stray.status_code == 422


def test_another_teams_organiser_and_the_check_in_helper_cannot_see_or_send(app, world) -> None:  # noqa: ANN001
    # Another team's organiser: "not found"; the event's check-in helper: refused (403 or 404, as the
    # role matrix says for every page an organiser may not see).
    for user, refused in ((world["stranger"], {404}), (world["helper"], {403, 404})):
        visitor = Visitor(app, user)
        for url in ("/organise/events/ev/announcements/", "/organise/events/ev/announcements/new"):
            response = visitor.get(url)
            assert response.status_code in refused and b"Human security" not in response.data
        response = visitor.post("/organise/events/ev/announcements/send", data={"subject": "x", "body": "y"})
        assert response.status_code in refused
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "announcement")
        )
        == 0
    )


def test_thousands_of_recipients_in_one_transaction_in_a_few_statements(app, world, count_queries) -> None:  # noqa: ANN001
    from conference.registrations.models import Registration, RegistrationMode, RegistrationStatus
    from conference.registrations.tokens import new_checkin_code, new_token

    event = world["event"]
    db.session.add_all(
        Registration(event_id=event.id, token=new_token(), checkin_code=new_checkin_code(), name=f"P{i}",
                     email=f"p{i}@example.org", attendance_mode=RegistrationMode.ONLINE,
                     status=RegistrationStatus.CONFIRMED, language=("ko" if i % 2 else ""))
        for i in range(2000)
    )  # fmt: skip
    db.session.commit()
    with count_queries() as counter:
        announcement = _send(world, {"mode": "online"})
    assert announcement.recipient_count == 2001
    assert counter.count < 40, counter.statements[:50]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "announcement")
        )
        == 2001
    )


def test_the_same_announcement_again_within_minutes_is_not_sent_twice(world) -> None:  # noqa: ANN001
    event = world["event"]
    audience = audiences.parse(event, {})
    first, sent = operations.send(world["owner"], event, "Hello", "Body", audience)
    again, sent_again = operations.send(world["owner"], event, "Hello", "Body", audience)
    assert sent and not sent_again and again.id == first.id
    first.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    later, sent_later = operations.send(world["owner"], event, "Hello", "Body", audience)
    assert sent_later and later.id != first.id


def test_follow_up_after_the_event_is_drafted_from_recordings_slides_and_links(app, world) -> None:  # noqa: ANN001
    event = world["event"]
    event.starts_at, event.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=1)
    world["s1"].recording_url = "https://video.example.org/rivers"
    world["s2"].slides_url = "https://slides.example.org/maps.pdf"
    world["s2"].links = [{"title": "Essay [draft]", "url": "https://example.org/essay"}]
    db.session.commit()
    visitor = Visitor(app, world["owner"])
    listing = visitor.get("/organise/events/ev/announcements/").get_data(as_text=True)
    assert "follow_up=attended" in listing and "follow_up=absent" in listing
    page = visitor.get("/organise/events/ev/announcements/new?follow_up=attended").get_data(as_text=True)
    assert "https://video.example.org/rivers" in page and "https://slides.example.org/maps.pdf" in page
    assert "Essay \\[draft\\]" in page and "Thank you for coming" in page
    assert re.search(r'<option selected value="yes">|<option value="yes" selected>', page)
    absent = visitor.get("/organise/events/ev/announcements/new?follow_up=absent").get_data(as_text=True)
    assert "We missed you" in absent and re.search(
        r'<option selected value="no">|<option value="no" selected>', absent
    )
    overview = visitor.get("/organise/events/ev/").get_data(as_text=True)
    assert "follow_up=attended" in overview
