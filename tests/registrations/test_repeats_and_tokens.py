"""Issue 9, items 1-4 and 15: a repeat or a revival hands nothing to whoever typed the address, an
idempotency key is bound to its first address, the calendar feed has its own token, and link mails to one
address are limited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.registrations.models import Registration, RegistrationStatus
from tests.factories import make_event, make_session
from tests.registrations.helpers import csrf_from, field_value, outbox, post_form, register_via_form


def _reg(email: str = "ada@example.org") -> Registration:
    db.session.rollback()
    return db.session.scalars(sa.select(Registration).where(Registration.email == email)).one()


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration))


def test_a_repeat_through_the_form_says_the_link_was_sent_again(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev", affiliation="Analytical Engines")
    token = _reg().token
    repeat = register_via_form(client, "ev", name="Mallory")
    assert repeat.status_code == 302
    assert repeat.headers["Location"].endswith("/events/ev/register/sent")
    page = client.get(repeat.headers["Location"]).get_data(as_text=True)
    assert "We have sent your link again" in page
    assert token not in page and "Analytical" not in page
    (mail,) = outbox("manage_link")
    assert mail.to_address == "ada@example.org" and f"/registrations/{token}/" in mail.body_text


def test_the_forms_hidden_key_with_another_address_is_refused(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    html = client.get("/events/ev/register").get_data(as_text=True)
    key = field_value(html, "idempotency_key")
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "name": "Ada",
        "email": "ada@example.org",
        "attendance_mode": "in_person",
        "consent": "y",
    }
    assert client.post("/events/ev/register", data=data).status_code == 302
    token = _reg().token

    stolen = client.post("/events/ev/register", data={**data, "name": "Mallory", "email": "m@example.org"})
    assert stolen.status_code == 422
    page = stolen.get_data(as_text=True)
    assert "could not be told apart" in page
    assert token not in page and "/registrations/" not in stolen.headers.get("Location", "")
    assert field_value(page, "idempotency_key") not in ("", key)  # a fresh key to send the form again
    assert _count() == 1
    assert outbox("manage_link") == []


def test_a_cancelled_registration_revived_by_its_address_starts_afresh(client, app) -> None:  # noqa: ANN001
    from conference.registrations import capacity
    from conference.registrations.models import Question, QuestionKind

    event = make_event(slug="ev")
    panel = make_session(event, title="Memory panel")
    question = Question(event_id=event.id, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    register_via_form(
        client,
        "ev",
        sessions=str(panel.id),
        affiliation="Old Affiliation",
        accessibility_needs="Old needs",
        **{f"q_{question.id}": "Old answer"},
    )
    old = _reg()
    old_token, old_feed, old_code = old.token, old.feed_token, old.checkin_code
    capacity.cancel(old)

    revived = register_via_form(client, "ev", name="New Person", affiliation="New Affiliation")

    # The submitter may not own the address: they are told the link was mailed, never shown the registration.
    assert revived.status_code == 302
    assert revived.headers["Location"].endswith("/events/ev/register/sent")
    page = client.get(revived.headers["Location"]).get_data(as_text=True)
    for secret in ("Old Affiliation", "Old needs", "Old answer", "Memory panel", old_token):
        assert secret not in page
    registration = _reg()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert (registration.name, registration.affiliation) == ("New Person", "New Affiliation")
    assert registration.accessibility_needs == "" and registration.answers == [] and registration.seats == []
    assert registration.token != old_token and registration.feed_token != old_feed
    assert registration.checkin_code != old_code
    assert client.get(f"/registrations/{old_token}/").status_code == 404
    assert client.get(f"/registrations/{old_feed}/calendar.ics").status_code == 404
    # The owner of the address is told, with the new link.
    (mail,) = outbox("confirmed")[1:]
    assert mail.to_address == "ada@example.org"
    assert "registered again" in mail.body_text and "earlier registration was cancelled" in mail.body_text
    assert f"/registrations/{registration.token}/" in mail.body_text and "Old" not in mail.body_text


def test_a_revival_through_the_api_is_answered_link_sent(client, app) -> None:  # noqa: ANN001
    from conference.registrations import capacity

    make_event(slug="ev")
    db.session.commit()
    body = {"name": "Ada", "email": "ada@example.org", "consent": True, "affiliation": "Old Affiliation"}
    first = client.post("/api/v1/events/ev/registrations", json=body)
    capacity.cancel(_reg())
    key = "mallorys-own-key-0123456789"
    again = {**body, "name": "Mallory", "affiliation": "", "idempotency_key": key}
    revived = client.post("/api/v1/events/ev/registrations", json=again)
    assert (revived.status_code, revived.get_json()) == (202, {"status": "link_sent"})
    assert _reg().token not in revived.get_data(as_text=True)
    assert first.get_json()["manage_url"] not in revived.get_data(as_text=True)
    # Sent again with the same key: the same answer as the first time, and no second mail.
    replay = client.post("/api/v1/events/ev/registrations", json=again)
    assert (replay.status_code, replay.get_json()) == (202, {"status": "link_sent"})
    assert [m.kind for m in outbox()] == ["confirmed", "cancelled", "confirmed"]


def test_the_feed_has_its_own_token_and_each_token_renews_on_its_own(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev")
    registration = _reg()
    token, feed = registration.token, registration.feed_token
    assert token != feed and len(feed) >= 43
    assert client.get(f"/registrations/{token}/calendar.ics").status_code == 404
    assert client.get(f"/registrations/{feed}/calendar.ics").status_code == 200
    assert client.get(f"/registrations/{feed}/").status_code == 404  # the feed token opens nothing else
    assert client.get(f"/api/v1/registrations/{feed}").status_code == 404
    page = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert (
        f"/registrations/{feed}/calendar.ics" in page and f"/registrations/{token}/calendar.ics" not in page
    )
    (mail,) = outbox("confirmed")
    assert f"/registrations/{feed}/calendar.ics" in mail.body_text

    renewed = post_form(
        client, f"/registrations/{token}/new-calendar-link", {}, page=f"/registrations/{token}/"
    )
    assert renewed.status_code == 302 and renewed.headers["Location"].endswith(f"/registrations/{token}/")
    new_feed = _reg().feed_token
    assert new_feed != feed
    assert client.get(f"/registrations/{feed}/calendar.ics").status_code == 404
    assert client.get(f"/registrations/{new_feed}/calendar.ics").status_code == 200
    assert client.get(f"/registrations/{token}/").status_code == 200  # the manage link is untouched

    post_form(client, f"/registrations/{token}/new-link", {}, page=f"/registrations/{token}/")
    new_token = _reg().token
    assert client.get(f"/registrations/{token}/").status_code == 404
    assert client.get(f"/registrations/{new_token}/").status_code == 200
    assert client.get(f"/registrations/{new_feed}/calendar.ics").status_code == 200  # the feed is untouched


def test_forty_lost_link_requests_mail_one_link(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev")
    answers = {post_form(client, "/registrations/lost-link", {"email": "ada@example.org"}).status_code}
    answers |= {
        post_form(client, "/registrations/lost-link", {"email": "ada@example.org"}).status_code
        for _ in range(39)
    }
    assert answers == {302}
    assert len(outbox("manage_link")) == 1
    # A repeat registration right after is answered as always, and sends nothing more.
    assert register_via_form(client, "ev").headers["Location"].endswith("/register/sent")
    assert len(outbox("manage_link")) == 1


def test_a_link_mail_goes_again_after_the_interval(make_app) -> None:  # noqa: ANN001
    from conference.mail.throttle import LinkMailThrottle

    app = make_app(LINK_MAIL_INTERVAL_SECONDS=60)
    with app.app_context():
        client = app.test_client()
        make_event(slug="ev")
        db.session.commit()
        register_via_form(client, "ev")
        for _ in range(3):
            post_form(client, "/registrations/lost-link", {"email": "ada@example.org"})
        assert len(outbox("manage_link")) == 1
        row = db.session.scalars(sa.select(LinkMailThrottle)).one()
        assert "ada" not in row.address_key  # no address stored
        row.sent_at = row.sent_at.replace(year=row.sent_at.year - 1)
        db.session.commit()
        post_form(client, "/registrations/lost-link", {"email": "ada@example.org"})
        assert len(outbox("manage_link")) == 2
        db.session.rollback()
        from tests.conftest import _empty_all_tables

        _empty_all_tables()


_OLD_ROWS = [
    "INSERT INTO events (id, uid, slug, title, kind, summary, description, timezone, starts_at, ends_at,"
    " venue_name, venue_address, city, country, attendance_mode, hashtag, status, created_at, updated_at,"
    " registration_enabled, waitlist_enabled, approval_required) VALUES (1, 'u1', 'ev', 'Ev', 'symposium',"
    " '', '', 'UTC', '2026-01-01 00:00:00', '2026-01-02 00:00:00', '', '', '', '', 'in_person', '',"
    " 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00', true, true, false)",
    "INSERT INTO sessions (id, uid, event_id, title, kind, description, starts_at, ends_at, status,"
    " registration_enabled, created_at, updated_at) VALUES (1, 's1', 1, 'Panel', 'panel', '',"
    " '2026-01-01 10:00:00', '2026-01-01 11:00:00', 'scheduled', true, '2026-01-01 00:00:00',"
    " '2026-01-01 00:00:00')",
    "INSERT INTO registrations (id, event_id, token, checkin_code, name, email, affiliation, country,"
    " attendance_mode, accessibility_needs, status, holds_event_seat, created_at, updated_at) VALUES"
    " (1, 1, 'old-token-1', 'CODE1', 'A', 'a1@example.org', '', '', 'in_person', '', 'confirmed', true,"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
    " (2, 1, 'old-token-2', 'CODE2', 'B', 'a2@example.org', '', '', 'in_person', '', 'confirmed', true,"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO session_seats (registration_id, session_id, status, created_at, updated_at) VALUES"
    " (1, 1, 'confirmed', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO answers (registration_id, question_label, value) VALUES (1, 'Q', '\"yes\"')",
    "INSERT INTO outbox (kind, registration_id, to_address, subject, body_text, attachments, status,"
    " attempts, created_at, next_attempt_at) VALUES ('confirmed', 1, 'a1@example.org', 'S', 'B', '[]',"
    " 'sent', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
]


@pytest.fixture
def scratch_database_url(tmp_path, database_url: str):  # noqa: ANN001, ANN201
    """An empty database of the kind the tests run on (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
    if not database_url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "migrate.db")
        return
    url = sa.engine.make_url(database_url)
    name = f"{url.database}_migrate"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_migration_keeps_calendar_subscriptions_and_renews_manage_links(
    scratch_database_url: str,
) -> None:
    """Existing rows: the old token (handed to calendar apps) becomes the feed token, the manage token is
    new; the registrations' seats, answers and mail stay theirs (on SQLite the table is rebuilt, which
    with foreign keys on would have run the ON DELETE actions of the tables that refer to it)."""
    from flask_migrate import downgrade, upgrade

    from conference import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": scratch_database_url, "SECRET_KEY": "x" * 32})
    children = [
        sa.table(name, sa.column("registration_id")) for name in ("session_seats", "answers", "outbox")
    ]
    with app.app_context():
        upgrade(revision="0001_initial")
        with db.engine.begin() as conn:
            for statement in _OLD_ROWS:
                conn.exec_driver_sql(statement)
        upgrade(revision="0002_registration_tokens")
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT token, feed_token FROM registrations ORDER BY id").all()
            kept = [
                conn.execute(
                    sa.select(sa.func.count()).select_from(t).where(t.c.registration_id == 1)
                ).scalar()
                for t in children
            ]
        assert [feed for _token, feed in rows] == ["old-token-1", "old-token-2"]
        tokens = [token for token, _feed in rows]
        assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens) and len(set(tokens)) == 2
        assert kept == [1, 1, 1]
        downgrade(revision="0001_initial")
        with db.engine.connect() as conn:
            back = conn.exec_driver_sql("SELECT token FROM registrations ORDER BY id").scalars().all()
            seats = conn.exec_driver_sql("SELECT count(*) FROM session_seats").scalar()
        assert back == ["old-token-1", "old-token-2"] and seats == 1
        db.engine.dispose()


def test_expired_link_mail_records_are_deleted(make_app) -> None:  # noqa: ANN001
    """The table held one row per address ever mailed, forever (a leftover of the merge): a claim now
    deletes the rows older than the interval, and those still inside it keep holding their address back."""
    from datetime import timedelta

    from conference.db import utcnow
    from conference.mail import throttle
    from conference.mail.throttle import LinkMailThrottle

    app = make_app(LINK_MAIL_INTERVAL_SECONDS=60)
    with app.app_context():
        try:
            assert throttle.claim("old@example.org") and throttle.claim("recent@example.org")
            old = db.session.get(LinkMailThrottle, throttle.address_key("old@example.org"))
            old.sent_at = utcnow() - timedelta(minutes=5)
            db.session.commit()

            assert throttle.claim("new@example.org")
            db.session.commit()
            keys = set(db.session.scalars(sa.select(LinkMailThrottle.address_key)))
            assert keys == {throttle.address_key(a) for a in ("recent@example.org", "new@example.org")}
            assert not throttle.claim("recent@example.org")  # still inside its interval
            assert throttle.claim("old@example.org")  # mailed again, as before its row was deleted
            db.session.commit()
        finally:
            db.session.rollback()
            from tests.conftest import _empty_all_tables

            _empty_all_tables()


def test_an_address_in_other_letter_case_is_the_same_address(client, app) -> None:  # noqa: ANN001
    """Found by the probe after the merge: "ADA@example.org" after "ada@example.org" was a new registration
    (201, a second seat and a confirmation mail to the same mailbox, past the one-link-mail limit), and a
    lost-link request in other case found nothing."""
    make_event(slug="ev")
    db.session.commit()
    first = client.post(
        "/api/v1/events/ev/registrations", json={"name": "Ada", "email": "ada@example.org", "consent": True}
    )
    assert first.status_code == 201
    for variant in ("ADA@example.org", "Ada@Example.ORG"):
        again = client.post(
            "/api/v1/events/ev/registrations", json={"name": "X", "email": variant, "consent": True}
        )
        assert (again.status_code, again.get_json()) == (202, {"status": "link_sent"})
    assert (
        register_via_form(client, "ev", email="aDa@EXAMPLE.org")
        .headers["Location"]
        .endswith("/register/sent")
    )
    assert _count() == 1
    assert len(outbox("manage_link")) == 1  # one link mail for all the variants


def test_lost_link_finds_an_address_typed_in_other_case(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    register_via_form(client, "ev", email="Grace@example.org")
    assert _reg("grace@example.org")  # stored in lower case
    post_form(client, "/registrations/lost-link", {"email": "GRACE@example.org"})
    assert len(outbox("manage_link")) == 1
