"""Public pages: the list of events, event pages with programme, session, speakers and speaker pages."""

from __future__ import annotations

import re
from datetime import timedelta

from conference.db import db
from conference.demo import CONGRESS_SLUG, PANEL_SLUG, SYMPOSIUM_SLUG
from conference.events.models import EventStatus
from conference.sessions.models import SessionStatus
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_session


def text_of(response) -> str:  # noqa: ANN001
    """The visible text of a page, tags stripped and whitespace folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_home_lists_upcoming_and_past_events(client, app):
    upcoming = make_event(title="Future symposium")
    past_start = upcoming.starts_at - timedelta(days=400)
    make_event(title="Old congress", starts_at=past_start, ends_at=past_start + timedelta(days=1))
    make_event(title="Secret draft", status=EventStatus.DRAFT)
    db.session.commit()

    page = text_of(client.get("/"))
    assert "Future symposium" in page
    assert "Old congress" in page
    assert page.index("Future symposium") < page.index("Past events") < page.index("Old congress")
    assert "Secret draft" not in page


def test_panel_page_names_all_six_people_with_moderator_and_time_zone(client, demo):
    response = client.get(f"/events/{PANEL_SLUG}/")
    assert response.status_code == 200
    page = text_of(response)
    for name in ("Alexis Dudden", "Jonathan Miller", "Nathan Park", "Dan Sneider", "Timothy Webster"):
        assert f"{name} Panelist" in page
    assert "Frank Aum Moderator" in page
    assert "America/New_York (EST)" in page
    assert "#ROKJPNRelations" in page
    assert "U.S. Institute of Peace" in page
    # The join link is for confirmed registrants only.
    assert "meet.example.org" not in response.get_data(as_text=True)
    # Related publications with their dates.
    assert "NATO and its Indo-Pacific partners" in page
    assert "February 19, 2024" in page


def test_symposium_page_names_chiang_mai_partners_and_programme_by_day(client, demo):
    page = text_of(client.get(f"/events/{SYMPOSIUM_SLUG}/"))
    assert "Chiang Mai" in page and "Thailand" in page
    for partner in (
        "Leiden Asia Centre",
        "Konrad Adenauer Stiftung",
        "Australian Institute of International Affairs",
        "East-West Center in Washington",
        "University of Michigan",
        "Mindanao State University",
        "Central Luzon State University",
        "Korea Centre, National University of Singapore",
        "Brussels School of Governance",
        "European Centre for Peace and Development",
    ):
        assert partner in page
    assert "Asia/Bangkok" in page
    # Two programme days, each with a heading, in order.
    days = re.findall(
        r'<h3 id="day-\d+">([^<]+)</h3>', client.get(f"/events/{SYMPOSIUM_SLUG}/").get_data(as_text=True)
    )
    assert len(days) == 2
    assert "20 of 20 seats left" in page
    assert "Room: Seminar Room 2" in page


def test_event_page_shows_times_in_event_zone(client, app):
    from datetime import UTC, datetime

    event = make_event(timezone="Asia/Tokyo", starts_at=datetime(2031, 3, 3, 0, 0, tzinfo=UTC))
    make_session(event, title="Morning panel", starts_at=datetime(2031, 3, 3, 1, 0, tzinfo=UTC))
    db.session.commit()
    page = text_of(client.get(f"/events/{event.slug}/"))
    # 01:00 UTC is 10:00 in Tokyo.
    assert re.search(r"10:00\s*AM\s*–\s*11:30\s*AM", page), page
    assert "Asia/Tokyo" in page


def test_markdown_description_is_rendered_and_sanitised(client, app):
    event = make_event(
        description="**Bold** [ok](https://example.org) [bad](javascript:alert(1)) "
        '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    )
    db.session.commit()
    html = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'href="javascript:' not in html
    assert "<script>alert" not in html
    assert "<img" not in html


def test_sanitiser_strips_scripts_handlers_and_unsafe_links():
    from conference.text import sanitise_html

    cleaned = sanitise_html(
        '<p onclick="x()">hi</p><script>evil()</script><a href="javascript:evil()">j</a>'
        '<a href="mailto:a@b.org">m</a><a href="data:text/html,x">d</a>'
    )
    assert (
        cleaned == '<p>hi</p><a rel="noopener noreferrer nofollow">j</a>'
        '<a href="mailto:a@b.org" rel="noopener noreferrer nofollow">m</a><a rel="noopener noreferrer nofollow">d</a>'
    )


def test_session_page(client, app):
    event = make_event()
    moderator = make_person(name="Mo Derator")
    session = make_session(event, title="Panel on things", people=[(moderator, Role.MODERATOR)])
    db.session.commit()
    response = client.get(f"/events/{event.slug}/sessions/{session.id}/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Panel on things" in page
    assert "Mo Derator Moderator" in page


def test_cancelled_session_is_marked(client, app):
    event = make_event()
    session = make_session(event, title="Dropped panel")
    db.session.commit()
    session.status = SessionStatus.CANCELLED
    db.session.commit()
    page = text_of(client.get(f"/events/{event.slug}/"))
    assert "Dropped panel Cancelled" in page


def test_cancelled_event_stays_visible_and_marked(client, app):
    event = make_event(title="Called off")  # published first
    event.status = EventStatus.CANCELLED
    db.session.commit()
    response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200
    assert "This event has been cancelled." in text_of(response)
    assert "Called off Cancelled" in text_of(client.get("/"))


def test_speakers_page_and_speaker_schedule_across_events(client, demo):
    page = text_of(client.get(f"/events/{SYMPOSIUM_SLUG}/speakers/"))
    assert "Aiko Tanaka" in page and "Hendrik de Vries" in page

    schedule = client.get("/speakers/aiko-tanaka/")
    assert schedule.status_code == 200
    text = text_of(schedule)
    # Sessions from both co-located events, with roles.
    assert "Human Security in Asia: Japan–Korea Perspectives" in text
    assert "APISA Congress, Chiang Mai" in text
    assert "Human security in Asia: findings from the Japan–Korea project" in text
    assert "Chair" in text and "Panelist" in text
    assert text.index("Welcome and opening remarks") < text.index("findings from the Japan–Korea project")

    frank = text_of(client.get("/speakers/frank-aum/"))
    assert "Moderator" in frank and "Senior Expert, Northeast Asia, U.S. Institute of Peace" in frank


def test_speaker_email_is_never_public(client, app):
    event = make_event()
    person = make_person(name="Private Person", email="private@example.org")
    make_session(event, people=[(person, Role.SPEAKER)])
    db.session.commit()
    for url in (f"/speakers/{person.slug}/", f"/events/{event.slug}/speakers/", f"/events/{event.slug}/"):
        assert "private@example.org" not in client.get(url).get_data(as_text=True)


def test_unknown_and_draft_things_are_404(client, app):
    draft = make_event(status=EventStatus.DRAFT)
    draft_session = make_session(draft)
    draft_only_person = make_person()
    make_session(draft, people=[(draft_only_person, Role.SPEAKER)])
    published = make_event()
    other_session = make_session(make_event())
    db.session.commit()
    for url in (
        "/events/no-such-event/",
        f"/events/{draft.slug}/",
        f"/events/{draft.slug}/speakers/",
        f"/events/{draft.slug}/sessions/{draft_session.id}/",
        f"/events/{published.slug}/sessions/999999/",
        f"/events/{published.slug}/sessions/{other_session.id}/",  # a session of another event
        "/speakers/nobody/",
        f"/speakers/{draft_only_person.slug}/",
        "/events/x/sessions/not-a-number/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Not Found" in response.get_data(as_text=True)


def test_demo_is_idempotent(app):
    import sqlalchemy as sa

    from conference.demo import load_demo
    from conference.models import Assignment, Event, Organisation, Person, Session

    assert set(load_demo()) == {PANEL_SLUG, SYMPOSIUM_SLUG, CONGRESS_SLUG}

    def counts() -> tuple:
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Event, Session, Person, Assignment, Organisation)
        )

    before = counts()
    updated = db.session.scalar(sa.select(sa.func.max(Event.updated_at)))
    assert load_demo() == []
    assert counts() == before
    assert db.session.scalar(sa.select(sa.func.max(Event.updated_at))) == updated
    # At least one symposium panel has a small capacity for the registration features.
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Session).where(Session.capacity == 20)) >= 1
    )


def test_slugify_turns_dashes_into_hyphens():
    from conference.text import slugify

    assert slugify("Japan–Korea online — conversation") == "japan-korea-online-conversation"
    assert slugify("Ñoño Café") == "nono-cafe"
    assert slugify("日本") == ""
