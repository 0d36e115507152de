"""A registration made in Japanese gets its mail in Japanese, with New York's and Seoul's clocks, over a real
SMTP server; a registrant in English on the same run gets English. The Japanese text comes from a small
catalogue made here (the real one arrives with the catalogues), the dates from Babel's Japanese locale."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import get_domain

from conference.db import db
from conference.mail import sender
from conference.timeutil import from_local
from tests.conftest import _empty_all_tables
from tests.factories import make_event, make_session
from tests.registrations.helpers import register_via_form
from tests.servers import Collect, SmtpServer

NY = "America/New_York"
JAPANESE = {
    "Your registration is confirmed": "登録が完了しました",
    "You are registered. We look forward to seeing you.": "ご登録ありがとうございます。",
    "When:": "日時：",
    "Your sessions:": "参加するセッション：",
    "next day": "翌日",
}


@pytest.fixture
def ja_app(make_app, tmp_path):  # noqa: ANN001, ANN201
    catalog = Catalog(locale="ja")
    for english, japanese in JAPANESE.items():
        catalog.add(english, japanese)
    folder = tmp_path / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as file:
        write_mo(file, catalog)
    application = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path), NOTICE_DELAY_SECONDS=0)
    with application.app_context():
        # Flask-Babel keeps loaded catalogues in one cache for every app: this app reads its own, and
        # leaves none of them to the tests after it.
        get_domain().cache.clear()
        yield application
        get_domain().cache.clear()
        db.session.remove()
        _empty_all_tables()


@pytest.fixture
def smtp_ja(ja_app):  # noqa: ANN001, ANN201
    handler = Collect()
    server = SmtpServer(handler)
    server.start()
    ja_app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="Conference <noreply@c.test>"
    )
    yield handler
    server.stop()


def _received(handler) -> dict:  # noqa: ANN001
    mails = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in handler.received]
    return {m["To"]: m for m in mails}


def test_a_registration_in_japanese_gets_japanese_mail_with_both_zones(ja_app, smtp_ja) -> None:  # noqa: ANN001
    start = from_local(datetime(2031, 12, 1, 19, 0), NY)  # 09:00 on 2 December in Seoul
    end = from_local(datetime(2031, 12, 1, 20, 30), NY)
    event = make_event(slug="panel", title="Online panel", timezone=NY, starts_at=start, ends_at=end)
    session_id = make_session(event, title="Keynote", starts_at=start, ends_at=end).id
    db.session.commit()

    # Each visitor in an app context of their own, as each request has outside tests (the locale is kept
    # in the app context's `g`).
    with ja_app.app_context():
        client = ja_app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja"
        response = register_via_form(client, "panel", sessions=[session_id], timezone="Asia/Seoul")
        assert response.status_code == 302
    with ja_app.app_context():
        client = ja_app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.8"
        response = register_via_form(client, "panel", email="bob@example.org", sessions=[session_id])
        assert response.status_code == 302
    assert sender.send_due().sent == 2

    received = _received(smtp_ja)
    japanese = received["ada@example.org"]
    assert japanese["Subject"] == "登録が完了しました: Online panel"
    body = japanese.get_body(("plain",)).get_content()
    assert "ご登録ありがとうございます。" in body
    both = "2031年12月1日(月), 19:00\u201320:30 EST \u00b7 9:00\u201310:30 KST, 翌日"
    assert f"日時： {both}" in body
    # The label has no translation in this small catalogue.
    assert f"参加するセッション：\n- Keynote ({both}): Confirmed" in body

    english = received["bob@example.org"]  # Accept-Language English, no zone chosen: New York's only
    assert english["Subject"] == "Your registration is confirmed: Online panel"
    body = english.get_body(("plain",)).get_content()
    assert "When: Monday, December 1, 2031, 7:00\u202fPM\u20138:30\u202fPM EST\n" in body
    assert "KST" not in body and "翌日" not in body
