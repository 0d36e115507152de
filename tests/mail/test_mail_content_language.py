"""Mail shows the event's content in the reader's language where the event has a translation: the event's
title (subject and body), venue and session titles, over a real SMTP server on loopback. A registrant's mail
follows `registration.language`; a speaker's, the event's language; one without a translation gets the
event's own text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from flask_babel import force_locale

from conference.db import db
from conference.events import status as event_status
from conference.mail import sender
from conference.registrations import registering
from conference.sessions import operations as session_operations
from conference.speakers import invitation_mail
from tests.factories import make_event, make_person, make_session

JA = {"title": "春のシンポジウム", "venue_name": "大講堂", "city": "チェンマイ"}


def _world():  # noqa: ANN202
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(
        slug="ev", title="Spring symposium", starts_at=start, venue_name="Great Hall", city="Chiang Mai",
        translations={"ja": JA},
    )  # fmt: skip
    speaker = make_person(name="Grace", email="grace@example.org")
    panel = make_session(
        event, title="Opening panel", starts_at=start + timedelta(hours=1), people=[(speaker, None)],
        translations={"ja": {"title": "開会パネル"}},
    )  # fmt: skip
    db.session.commit()
    for email, language in (("hana@example.org", "ja"), ("bob@example.org", "en")):
        registering.register(
            event,
            registering.RegistrationInput("Reader", email, "in_person", [panel.id], language=language),
        )
    db.session.commit()
    return event, panel


def _mails(handler) -> dict:  # noqa: ANN001
    found: dict = {}
    for raw in handler.received:
        mail = message_from_bytes(raw.as_bytes(), policy=policy.default)
        found.setdefault(mail["To"], []).append(mail)
    return found


def _body(mail) -> str:  # noqa: ANN001
    return mail.get_body(("plain",)).get_content()


def test_registrant_mail_shows_the_japanese_title_venue_and_sessions(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    _world()
    assert sender.send_due().sent == 2
    mails = _mails(handler)
    (japanese,) = mails["hana@example.org"]
    assert japanese["Subject"] == "参加登録が確定しました: 春のシンポジウム"
    body = _body(japanese)
    assert "イベント： 春のシンポジウム" in body
    assert "場所： 大講堂, チェンマイ" in body
    assert "- 開会パネル (" in body
    assert "Spring symposium" not in body and "Opening panel" not in body
    (english,) = mails["bob@example.org"]
    assert english["Subject"] == "Your registration is confirmed: Spring symposium"
    assert "Where: Great Hall, Chiang Mai" in _body(english) and "- Opening panel (" in _body(english)


def test_notices_show_titles_in_each_recipients_language(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    app.config["NOTICE_DELAY_SECONDS"] = 0
    event, panel = _world()
    sender.send_due()
    handler.received.clear()
    later = {"starts_at": panel.starts_at + timedelta(hours=2), "ends_at": panel.ends_at + timedelta(hours=2)}
    session_operations.edit_session(None, panel, later)
    assert sender.send_due().sent == 3
    mails = _mails(handler)
    (moved,) = mails["hana@example.org"]
    assert moved["Subject"] == "変更：開会パネル（春のシンポジウム）"
    assert "セッション： 開会パネル" in _body(moved) and "イベント： 春のシンポジウム" in _body(moved)
    (speaker,) = mails["grace@example.org"]  # the event's language (English): its own titles
    assert speaker["Subject"] == "Moved: Opening panel (Spring symposium)"

    handler.received.clear()
    event_status.cancel_event(None, event)
    assert sender.send_due().sent == 3
    mails = _mails(handler)
    (cancelled,) = mails["hana@example.org"]
    assert cancelled["Subject"] == "キャンセル：春のシンポジウム"
    body = _body(cancelled)
    assert "イベント： 春のシンポジウム" in body and "大講堂, チェンマイ" in body and "- 開会パネル:" in body
    (english,) = mails["bob@example.org"]
    assert english["Subject"] == "Cancelled: Spring symposium" and "- Opening panel:" in _body(english)


def test_speaker_invitation_is_in_the_events_language_not_the_organisers_page(app) -> None:  # noqa: ANN001
    event, panel = _world()
    person = panel.assignments[0].person
    with force_locale("ja"):  # an organiser working in Japanese queues it
        subject, body = invitation_mail.render(event, person, list(panel.assignments))
    assert subject == "Invitation to speak: Spring symposium"
    assert body.startswith("Hello Grace,") and "- Opening panel (" in body and "Great Hall" in body
    event.language, event.translations = "ja", {"en": {"title": "Spring symposium"}}
    event.title = JA["title"]
    with force_locale("en"):
        subject, body = invitation_mail.render(event, person, list(panel.assignments))
    assert subject == "登壇のご依頼：春のシンポジウム" and body.startswith("Grace 様")
