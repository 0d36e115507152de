"""Following a series by e-mail over a real SMTP server on loopback: double opt-in, notices of a new event
and of its registration opening, one-click unsubscribe, hashed tokens, the link-mail throttle."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events import follow
from conference.events import status as event_status
from conference.events.models import EventStatus, Series, SeriesFollower
from conference.mail import sender
from conference.mail.throttle import LinkMailThrottle
from conference.registrations import operations as registrations
from tests.factories import make_event

LINK = re.compile(r"https://conference\.test(/series/(?:follow|unfollow)/\S+)")


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def received(handler) -> list:  # noqa: ANN001
    """Every message the SMTP server got, parsed, and forget them."""
    messages = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]
    handler.received.clear()
    return messages


def body(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def essays(app):
    series = Series(slug="essays", title="Essay series")
    db.session.add(series)
    make_event(slug="first", title="First panel", series=series)
    db.session.commit()
    return series


def draft(series: Series, slug: str, **kw):  # noqa: ANN201
    event = make_event(slug=slug, title=f"Panel {slug}", series=series, status=EventStatus.DRAFT, **kw)
    db.session.commit()
    return event


def test_double_opt_in_notice_of_a_new_event_and_one_click_unsubscribe(client, essays, smtp):
    _server, handler = smtp
    page = client.get("/series/essays/").get_data(as_text=True)
    assert 'action="/series/essays/follow"' in page
    sent = client.post(
        "/series/essays/follow", data={"csrf_token": csrf(page), "email": " Reader@Example.ORG "}
    )
    assert sent.status_code == 200 and "Check your inbox" in sent.get_data(as_text=True)
    assert sender.send_due().sent == 1
    (confirmation,) = received(handler)
    assert confirmation["To"] == "reader@example.org"
    confirm_path = LINK.search(body(confirmation)).group(1)
    token = confirm_path.rsplit("/", 1)[1]
    follower = db.session.scalars(sa.select(SeriesFollower)).one()
    assert follower.confirmed_at is None and token not in (follower.confirm_hash, follower.salt)

    # Not confirmed yet: a new event tells nobody (and a mail scanner opening the link confirms nothing).
    assert client.get(confirm_path).status_code == 200
    event_status.publish(None, draft(essays, "early"))
    assert sender.send_due().sent == 0

    confirm_page = client.get(confirm_path).get_data(as_text=True)
    done = client.post(confirm_path, data={"csrf_token": csrf(confirm_page)})
    assert done.status_code == 200 and "You follow Essay series" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(sa.select(SeriesFollower)).one().confirmed_at is not None

    second = draft(essays, "second")
    event_status.publish(None, second)
    assert sender.send_due().sent == 1
    (notice,) = received(handler)
    assert notice["Subject"] == "New in Essay series: Panel second"
    text = body(notice)
    assert "https://conference.test/events/second/" in text and "Registration is open:" in text
    unfollow_path = LINK.search(text).group(1)
    assert unfollow_path.startswith("/series/unfollow/")

    # Published again after a spell as a draft: not news.
    event_status.unpublish(None, second)
    event_status.publish(None, second)
    assert sender.send_due().sent == 0

    assert client.get(unfollow_path.replace("-", "-x", 1)).status_code == 404  # a forged link
    unfollow_page = client.get(unfollow_path)
    assert unfollow_page.status_code == 200 and "reader@example.org" in unfollow_page.get_data(as_text=True)
    assert unfollow_page.headers["Cache-Control"] == "no-store"
    gone = client.post(unfollow_path, data={"csrf_token": csrf(unfollow_page.get_data(as_text=True))})
    assert gone.status_code == 200 and "no longer follow" in gone.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeriesFollower)) == 0
    event_status.publish(None, draft(essays, "third"))
    assert sender.send_due().sent == 0
    assert client.get(unfollow_path).status_code == 404
    assert client.get(confirm_path).status_code == 404


def confirmed_follower(series: Series, email: str) -> SeriesFollower:
    follow.request_follow(series, email)
    follower = db.session.scalars(sa.select(SeriesFollower).where(SeriesFollower.email == email)).one()
    follow.confirm(follower)
    return follower


def _settings(event, opens_at):  # noqa: ANN001, ANN202
    registrations.update_settings(
        None,
        event,
        enabled=True,
        opens_at=opens_at,
        closes_at=None,
        capacities={},
        waitlist=True,
        approval=False,
    )


def test_told_again_when_registration_opens_later_even_when_the_opening_moves(app, essays, smtp):
    _server, handler = smtp
    confirmed_follower(essays, "ada@example.org")
    assert sender.send_due().sent == 1
    received(handler)
    now = utcnow()
    event = draft(essays, "later", registration_opens_at=now + timedelta(days=2))
    event_status.publish(None, event)
    assert sender.send_due(now=now + timedelta(minutes=1)).sent == 1
    (notice,) = received(handler)
    assert "Registration opens on" in body(notice)

    _settings(event, now + timedelta(days=1))  # the organiser moves the opening a day earlier
    assert sender.send_due(now=now + timedelta(hours=23)).sent == 0
    assert sender.send_due(now=now + timedelta(days=1, minutes=1)).sent == 1
    (opening,) = received(handler)
    assert opening["Subject"] == "Registration is open: Panel later"
    assert "https://conference.test/events/later/register" in body(opening)
    assert sender.send_due(now=now + timedelta(days=3)).sent == 0  # the first time was withdrawn


def test_an_event_unpublished_before_its_registration_opens_tells_nobody_it_opens(app, essays, smtp):
    _server, handler = smtp
    confirmed_follower(essays, "ada@example.org")
    now = utcnow()
    event = draft(essays, "withdrawn", registration_opens_at=now + timedelta(days=2))
    event_status.publish(None, event)
    event_status.cancel_event(None, event)
    sender.send_due(now=now + timedelta(minutes=1))
    received(handler)
    assert sender.send_due(now=now + timedelta(days=3)).sent == 0


def test_repeated_requests_send_one_link_and_say_nothing_about_who_follows(client, essays, smtp):
    _server, handler = smtp
    confirmed_follower(essays, "known@example.org")
    sender.send_due()
    received(handler)
    db.session.execute(sa.delete(LinkMailThrottle))  # its first link mail was long ago
    db.session.commit()
    answers = []
    for email in ("known@example.org", "new@example.org", "new@example.org"):
        page = client.get("/series/essays/").get_data(as_text=True)
        response = client.post("/series/essays/follow", data={"csrf_token": csrf(page), "email": email})
        answers.append((response.status_code, response.get_data(as_text=True).replace(email, "ADDRESS")))
    assert answers[0] == answers[1] == answers[2]
    assert sender.send_due().sent == 2  # the third request came within LINK_MAIL_INTERVAL_SECONDS
    messages = {m["To"]: body(m) for m in received(handler)}
    assert "You follow it already" in messages["known@example.org"]
    assert "/series/unfollow/" in messages["known@example.org"]
    assert "/series/follow/" in messages["new@example.org"]


@pytest.mark.parametrize("email", ["", "not an address", "a@b", "x" * 400 + "@example.org"])
def test_a_bad_address_comes_back_with_a_message(client, essays, email):
    page = client.get("/series/essays/").get_data(as_text=True)
    response = client.post("/series/essays/follow", data={"csrf_token": csrf(page), "email": email})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeriesFollower)) == 0


def test_the_follow_form_needs_its_csrf_token(client, essays):
    assert client.post("/series/essays/follow", data={"email": "a@example.org"}).status_code == 400
    assert client.post("/series/nope/follow", data={"email": "a@example.org"}).status_code in (400, 404)
