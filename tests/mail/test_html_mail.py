"""Every mail arrives over a real SMTP server on loopback as text and HTML (multipart/alternative) saying the
same things, in the recipient's language, with hostile names escaped; with a Message-ID in the sender's
domain, the Date it was sent, `Auto-Submitted: auto-generated`, never List-Unsubscribe, and the Reply-To its
event's organisers set (page and API), only when they set one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from conference.auth.api_tokens import create_token
from conference.db import db, utcnow
from conference.events import follow
from conference.events import status as event_status
from conference.events.models import Event, EventStatus, Series
from conference.mail import outbox, sender
from conference.mail.html import render_html
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.speakers import invitations
from conference.speakers import operations as person_operations
from tests.api.organiser_world import Api
from tests.factories import add_member, login_as, make_event, make_person, make_session, make_user
from tests.organise.helpers import post_form
from tests.registrations.helpers import register_via_form
from tests.servers import Collect

HOSTILE_TITLE = 'Human <script>alert("t")</script> & "Rights" symposium'
HOSTILE_NAME = 'Ada "<img src=x onerror=alert(1)>" O\'Neil'


class _Visible(HTMLParser):
    """The text a reader sees (scripts and styles left out) and every link's address."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self._href: str | None = None
        self._link_text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []
        if tag in ("br", "p", "li"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._link_text).strip()))
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def _parsed(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    return parser


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _received(handler: Collect) -> list[EmailMessage]:
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]


def _parts(mail: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a mail, checking they are the two alternatives of one multipart/alternative."""
    alternative = next(p for p in mail.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html"], kinds
    return (
        mail.get_body(("plain",)).get_content(),
        mail.get_body(("html",)).get_content(),
    )


def assert_same_content(text: str, html: str) -> _Visible:
    """Every line of the text part is in the HTML: each address as a link (with its label as the link's text
    where the text labels it), every other line as visible text; nothing runs as script."""
    page = _parsed(html)
    visible = _squash("".join(page.text))
    hrefs = {href for href, _text in page.links}
    lines = [line.strip() for line in text.split("\n")]
    for index, line in enumerate(lines):
        if not line or line == "--":
            continue
        labelled = re.match(r"^(.{1,80}?)\s*[:：]\s*(https?://\S+)$", line)
        if re.fullmatch(r"https?://\S+", line):
            assert line in hrefs, (line, hrefs)
            previous = lines[index - 1]
            label = previous.rstrip(":：").strip() if previous.endswith((":", "：")) else line
            assert (line, label) in page.links, (line, label, page.links)
        elif labelled:
            assert (labelled.group(2), labelled.group(1)) in page.links, (line, page.links)
        elif index + 1 < len(lines) and re.fullmatch(r"https?://\S+", lines[index + 1]) and line[-1] in ":：":
            continue  # the label of the next line's link (checked there)
        else:
            shown = _squash(line[2:] if line.startswith("- ") else line)
            assert shown in visible, (shown, visible)
    assert "script" not in page.tags and "img" not in page.tags
    return page


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)">', html)
    assert match, html[:300]
    return match.group(1)


def _assert_headers(mail: EmailMessage, sent_after: datetime, domain: str = "conference.test") -> None:
    message_id = mail["Message-ID"].strip()
    assert re.fullmatch(r"<[^<>@\s]+@" + re.escape(domain) + ">", message_id), message_id
    date = parsedate_to_datetime(mail["Date"])
    assert date.tzinfo is not None and sent_after - timedelta(seconds=2) <= date <= utcnow() + timedelta(
        seconds=2
    )
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_all("Auto-Submitted") == ["auto-generated"]
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


def test_a_confirmation_is_text_and_html_alike_with_a_hostile_title_and_name_escaped(
    client, app, smtp
) -> None:  # noqa: ANN001
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(slug="ev", title=HOSTILE_TITLE, starts_at=start, timezone="Asia/Bangkok")
    make_session(event, title='Panel "<b>one</b>"', starts_at=start + timedelta(hours=1))
    db.session.commit()
    before = utcnow()
    assert register_via_form(client, "ev", name=HOSTILE_NAME).status_code in (200, 302)
    assert sender.send_due().sent == 1
    (mail,) = _received(smtp[1])
    text, html = _parts(mail)
    page = assert_same_content(text, html)
    assert _html_lang(html) == "en"
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert HOSTILE_TITLE in _squash("".join(page.text)) and HOSTILE_NAME in "".join(page.text)
    assert "<title>Your registration is confirmed: Human &lt;script&gt;" in html
    # The links that matter, with text that says where they lead.
    manage = re.search(r"https?://\S+/registrations/[^/\s]+/$", text, re.MULTILINE).group(0)
    assert (manage, "See, change or cancel your registration, and download your calendar") in page.links
    # The same times as the text (the event's zone, both clocks).
    when_line = next(line for line in text.splitlines() if line.startswith("When:"))
    assert _squash(when_line.removeprefix("When:")) in _squash("".join(page.text))
    _assert_headers(mail, before)
    assert mail["Reply-To"] is None  # none set
    assert mail["Content-Language"] == "en"


def test_the_html_part_is_in_the_registrants_language(client, app, smtp) -> None:  # noqa: ANN001
    make_event(slug="ev", title="Symposium")
    db.session.commit()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "ev"))
    registering.register(
        event, registering.RegistrationInput("Kenji", "kenji@example.org", "in_person", [], language="ja")
    )
    db.session.commit()
    sender.send_due()
    (mail,) = _received(smtp[1])
    text, html = _parts(mail)
    assert _html_lang(html) == "ja" and mail["Content-Language"] == "ja"
    assert_same_content(text, html)
    assert "This message is about" not in html  # the layout's own words are translated


def test_notices_invitations_and_series_mail_all_have_matching_html(app, smtp) -> None:  # noqa: ANN001
    app.config["NOTICE_DELAY_SECONDS"] = 0
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    series = Series(slug="essays", title="Essays <em>&</em> talks")
    db.session.add(series)
    event = make_event(slug="ev", title=HOSTILE_TITLE, starts_at=start, series=series)
    event.first_published_at = utcnow()
    speaker = make_person(name=HOSTILE_NAME, email="grace@example.org")
    session = make_session(event, title="Opening panel", starts_at=start + timedelta(hours=1))
    make_session(event, title="Closing talk", starts_at=start + timedelta(hours=5), people=[(speaker, None)])
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [session.id])
    )
    db.session.commit()
    before = utcnow()
    assert invitations.queue(event, speaker, now_=True)
    db.session.commit()
    sender.send_due()
    person_operations.renew_link(speaker)
    follow.request_follow(series, "follower@example.org")
    db.session.commit()
    sender.send_due()
    event_status.change_status(None, event, EventStatus.CANCELLED)
    db.session.commit()
    sender.send_due(now=utcnow() + timedelta(minutes=5))
    kinds = {m.kind for m in db.session.scalars(sa.select(OutboxMessage))}
    assert {"confirmed", "speaker_invitation", "speaker_link", "series_confirm", "event_cancelled"} <= kinds
    mails = _received(smtp[1])
    assert len(mails) == len(db.session.scalars(sa.select(OutboxMessage)).all())
    for mail in mails:
        text, html = _parts(mail)
        assert_same_content(text, html)
        assert _html_lang(html) == "en"
        assert "<script>" not in html and "<img" not in html and "<em>" not in html
        _assert_headers(mail, before - timedelta(minutes=1))
    cancelled = [m for m in mails if m["Subject"].startswith("Cancelled")]
    assert {m["To"] for m in cancelled} == {"ada@example.org", "grace@example.org"}


def test_a_session_moved_notice_has_the_old_and_new_times_in_both_parts(app, smtp) -> None:  # noqa: ANN001
    app.config["NOTICE_DELAY_SECONDS"] = 0
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(slug="ev", title="Spring symposium", starts_at=start)
    event.first_published_at = utcnow()
    session = make_session(event, title="Opening <panel>", starts_at=start + timedelta(hours=1))
    db.session.commit()
    registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [session.id])
    )
    db.session.commit()
    sender.send_due()
    smtp[1].received.clear()
    from conference.mail import notices

    old = notices.place(session)
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    db.session.flush()
    assert notices.send_notices(session, notices.MOVED, old) == 1
    db.session.commit()
    sender.send_due(now=utcnow() + timedelta(minutes=5))
    (mail,) = _received(smtp[1])
    assert mail["Subject"].startswith("Moved: Opening <panel>")
    text, html = _parts(mail)
    page = assert_same_content(text, html)
    for label in ("Was:", "Now:"):
        line = next(line for line in text.splitlines() if line.startswith(label))
        assert _squash(line) in _squash("".join(page.text))


def test_folding_a_waiting_notice_remakes_its_html(app) -> None:  # noqa: ANN001
    message_id = outbox.write("test", "ada@example.org", "Hello", "First text", language="th")
    waiting_until = db.session.get(OutboxMessage, message_id).next_attempt_at
    assert outbox.rewrite_waiting(message_id, waiting_until, body_text="Second text")
    message = db.session.get(OutboxMessage, message_id)
    html = sender.html_part(message)
    assert "Second text" in html and "First text" not in html
    assert 'lang="th"' in html


def test_a_stored_html_part_is_dropped_when_its_text_is_rewritten(app) -> None:  # noqa: ANN001
    message_id = outbox.write("test", "ada@example.org", "Hello", "First text", body_html="<p>First text</p>")
    waiting_until = db.session.get(OutboxMessage, message_id).next_attempt_at
    assert outbox.rewrite_waiting(message_id, waiting_until, body_text="Second text")
    message = db.session.get(OutboxMessage, message_id)
    assert message.body_html is None and "Second text" in sender.html_part(message)


def test_the_html_part_is_made_when_sent_so_the_registration_stores_none(app) -> None:  # noqa: ANN001
    message_id = outbox.write("test", "ada@example.org", "Hello", "Plain text", language="ko")
    message = db.session.get(OutboxMessage, message_id)
    assert message.body_html is None
    html = sender.html_part(message)
    assert 'lang="ko"' in html and "Plain text" in html


def test_a_writers_own_headers_replace_the_senders_and_its_own_html_is_kept(app, smtp) -> None:  # noqa: ANN001
    from conference.text import render_markdown

    html = render_html(
        "News", "News for you", language="en", content=render_markdown("News **for** you <script>x</script>")
    )
    assert "<strong>for</strong>" in html and "<script>" not in html  # Markdown, sanitised, in the layout
    outbox.write(
        "announcement",
        "ada@example.org",
        "News",
        "News for you",
        body_html=html,
        headers={
            "Auto-Submitted": "no",
            "Reply-To": "person@example.org",
            "To": "all@example.org",
            "bcc": "x@y.z",
        },
    )
    db.session.commit()
    sender.send_due()
    (mail,) = _received(smtp[1])
    assert mail.get_all("Auto-Submitted") == ["no"]
    assert mail.get_all("Reply-To") == ["person@example.org"]
    assert mail.get_all("To") == ["ada@example.org"] and mail["Bcc"] is None  # never the stored headers'
    assert mail.get_body(("html",)).get_content().strip() == html.strip()


def test_the_message_id_domain_comes_from_base_url_when_the_sender_is_local(app, smtp) -> None:  # noqa: ANN001
    app.config.update(MAIL_FROM="Conference <noreply@localhost>", BASE_URL="https://events.example.net")
    outbox.write("test", "ada@example.org", "Hello", "Body")
    db.session.commit()
    before = utcnow()
    sender.send_due()
    (mail,) = _received(smtp[1])
    _assert_headers(mail, before, domain="events.example.net")


# --- Reply-To per event ---------------------------------------------------------------------------------

EVENT_FORM = {
    "title": "Reply symposium", "slug": "", "kind": "symposium", "language": "en", "summary": "",
    "description": "", "timezone": "Europe/Berlin", "starts_at": "2031-03-10T09:00",
    "ends_at": "2031-03-11T17:00", "attendance_mode": "in_person", "venue_name": "", "venue_address": "",
    "city": "", "country": "", "online_url": "", "hashtag": "", "series_id": "0",
}  # fmt: skip


@pytest.fixture
def organiser(app):  # noqa: ANN001, ANN201
    user = make_user("owner@example.org")
    event = make_event(slug="ev", title="Reply symposium")
    add_member(event, user, "owner")
    db.session.commit()
    return user, event


def test_reply_to_on_the_event_form_goes_on_every_mail_of_the_event_and_bad_input_is_a_form_error(
    app, client, organiser, smtp
) -> None:  # noqa: ANN001
    user, event = organiser
    login_as(client, user)
    url = "/organise/events/ev/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="reply_to"' in page and 'type="email"' in page
    bad = post_form(client, url, {**EVENT_FORM, "reply_to": "not an address"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert event.reply_to is None
    # One mail before the address is set: no Reply-To.
    assert register_via_form(client, "ev", email="first@example.org").status_code in (200, 302)
    sender.send_due()
    good = post_form(client, url, {**EVENT_FORM, "reply_to": " Team@Example.ORG "})
    assert good.status_code == 302
    db.session.expire_all()
    assert event.reply_to == "team@example.org"
    assert register_via_form(client, "ev", email="second@example.org").status_code in (200, 302)
    sender.send_due()
    first, second = _received(smtp[1])
    assert first["Reply-To"] is None
    assert second.get_all("Reply-To") == ["team@example.org"]
    # Mail not about an event has none.
    outbox.write("test", "ada@example.org", "Hello", "Body")
    db.session.commit()
    sender.send_due()
    assert _received(smtp[1])[-1]["Reply-To"] is None


def test_reply_to_through_the_api_is_validated_shown_to_organisers_and_cleared_with_null(
    app, organiser
) -> None:  # noqa: ANN001
    user, _event = organiser
    token = create_token(user, "script")[1]
    api = Api(app)
    bad = api.open("PATCH", "/api/v1/events/ev", token, json={"reply_to": "nobody@"})
    assert bad.status_code == 422 and "reply_to" in bad.json["errors"]
    wrong_type = api.open("PATCH", "/api/v1/events/ev", token, json={"reply_to": 42})
    assert wrong_type.status_code in (400, 422)
    good = api.open("PATCH", "/api/v1/events/ev", token, json={"reply_to": "team@example.org"})
    assert good.status_code == 200, good.json
    assert good.json["reply_to"] == "team@example.org"
    assert api.get("/api/v1/events/ev", token).json["reply_to"] == "team@example.org"
    assert "reply_to" not in api.get("/api/v1/events/ev").json  # the public view does not show it
    cleared = api.open("PATCH", "/api/v1/events/ev", token, json={"reply_to": None})
    assert cleared.status_code == 200 and cleared.json["reply_to"] is None
