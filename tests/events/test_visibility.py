"""One rule decides what is public (`Event.is_published`): a draft that is cancelled stays private on
every public page, feed and API response (issue 9, finding 9); an event that was published once stays
visible, marked cancelled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.speakers.models import Role
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor

TITLE = "Unannounced retreat"


def public_urls(event: Event, session_id: int, person_slug: str) -> list[str]:
    slug = event.slug
    return [
        f"/events/{slug}/", f"/events/{slug}/speakers/", f"/events/{slug}/sessions/{session_id}/",
        f"/events/{slug}/calendar.ics", f"/events/{slug}/sessions/{session_id}.ics",
        f"/events/{slug}/schedule.json", f"/events/{slug}/schedule.xml", f"/events/{slug}/register",
        f"/api/v1/events/{slug}", f"/speakers/{person_slug}/", f"/speakers/{person_slug}/calendar.ics",
    ]  # fmt: skip


@pytest.fixture
def draft(app) -> dict:
    event = make_event(title=TITLE, status=EventStatus.DRAFT)
    person = make_person(name="Hidden Speaker", slug="hidden-speaker")
    session = make_session(event, title="Closed-door session", people=[(person, Role.SPEAKER)])
    owner = make_user()
    add_member(event, owner, "owner")
    db.session.commit()
    return {"event": event, "session": session, "person": person, "owner": owner}


def shows_anywhere(client, event: Event, session_id: int) -> list[str]:  # noqa: ANN001
    found = []
    for url in ["/", "/calendar.ics", "/api/v1/events", "/api/v1/events?upcoming=1"]:
        if TITLE in client.get(url).get_data(as_text=True):
            found.append(url)
    for url in public_urls(event, session_id, "hidden-speaker"):
        if client.get(url).status_code != 404:
            found.append(url)
    return found


def test_cancelling_a_draft_keeps_it_private(app, client, draft):
    owner = Visitor(app, draft["owner"])
    response = owner.post(f"/organise/events/{draft['event'].slug}/cancel", {"confirm": "y"})
    assert response.status_code == 302
    event = db.session.get(Event, draft["event"].id)
    assert event.status == EventStatus.CANCELLED and event.first_published_at is None
    assert shows_anywhere(client, event, draft["session"].id) == []
    flashed = owner.get(f"/organise/events/{event.slug}/").get_data(as_text=True)
    assert "never published and stays private" in flashed


def test_an_event_published_once_stays_visible_when_cancelled(app, client, draft):
    owner = Visitor(app, draft["owner"])
    base = f"/organise/events/{draft['event'].slug}"
    assert owner.post(f"{base}/publish", {"confirm": "y"}).status_code == 302
    assert owner.post(f"{base}/unpublish").status_code == 302
    event = db.session.get(Event, draft["event"].id)
    assert event.first_published_at is not None
    assert shows_anywhere(client, event, draft["session"].id) == []  # a draft again: private
    assert owner.post(f"{base}/cancel", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    shown = shows_anywhere(client, event, draft["session"].id)
    assert "/" in shown and "/calendar.ics" in shown and "/api/v1/events" in shown
    assert "This event has been cancelled." in client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert client.get(f"/api/v1/events/{event.slug}").json["status"] == "cancelled"


def test_whatever_publishes_an_event_records_it(app):
    """Import and demo set the status directly; the model remembers the first publication."""
    event = make_event(status=EventStatus.DRAFT)
    assert event.first_published_at is None
    event.status = EventStatus.PUBLISHED
    first = event.first_published_at
    assert first is not None
    event.status = EventStatus.DRAFT
    event.status = EventStatus.PUBLISHED
    assert event.first_published_at == first
    assert make_event(status=EventStatus.PUBLISHED).first_published_at is not None


def test_the_migration_keeps_published_and_cancelled_events_public(make_app, tmp_path):
    """Existing cancelled events count as published before (their public URLs keep working); drafts not."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="0001_initial")
        insert = sa.text(
            "INSERT INTO events (uid, slug, title, kind, summary, description, timezone, starts_at, ends_at,"
            " venue_name, venue_address, city, country, attendance_mode, hashtag, status, created_at,"
            " updated_at, registration_enabled, seats_taken_in_person, seats_taken_online, waitlist_enabled,"
            " approval_required) VALUES (:slug, :slug, :slug, 'symposium', '', '', 'UTC',"
            " '2030-01-01 09:00:00', '2030-01-01 17:00:00', '', '', '', '', 'in_person', '', :status,"
            " '2029-01-01 00:00:00', '2029-06-01 00:00:00', 1, 0, 0, 1, 0)"
        )
        with db.engine.begin() as conn:
            for status in ("draft", "published", "cancelled"):
                conn.execute(insert, {"slug": status, "status": status})
        upgrade()
        shown = {e.slug for e in db.session.scalars(sa.select(Event).where(Event.is_published))}
        assert shown == {"published", "cancelled"}
        assert db.session.scalar(sa.select(Event.first_published_at).where(Event.slug == "draft")) is None
        db.session.remove()
        downgrade(revision="0001_initial")
