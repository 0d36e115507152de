"""Series: the public page, its feed (icscheck, ETag/304, new events appearing by themselves) and the API."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest

from conference.db import db, utcnow
from conference.events.editing import find_or_create_organisation, link_organisation
from conference.events.models import AttendanceMode, EventStatus, OrganisationRole, Publication, Series
from tests.factories import make_event, make_session
from tests.feeds.helpers import by_summary, ical_timeline
from tests.feeds.test_icscheck import CHECK, _icscheck_ready


@pytest.fixture
def essays(app):
    series = Series(slug="essays", title="Essay series", description="Essays on *tensions*.")
    db.session.add(series)
    now = utcnow().replace(microsecond=0)
    past = make_event(
        slug="first-panel",
        title="First panel",
        series=series,
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=40) + timedelta(hours=2),
        attendance_mode=AttendanceMode.ONLINE,
        timezone="America/New_York",
    )
    soon = make_event(
        slug="second-panel",
        title="Second panel",
        series=series,
        starts_at=now + timedelta(days=10),
        venue_name="Chiang Mai University",
        city="Chiang Mai",
        country="Thailand",
        timezone="Asia/Bangkok",
    )
    make_event(
        slug="third-panel",
        title="Third panel",
        series=series,
        starts_at=now + timedelta(days=90),
        city="Seoul",
    )
    make_event(slug="draft-panel", title="Secret draft", series=series, status=EventStatus.DRAFT)
    make_event(slug="elsewhere", title="Not in the series")
    link_organisation(past, find_or_create_organisation("OSIPP"), OrganisationRole.HOST)
    link_organisation(soon, find_or_create_organisation("IAFOR"), OrganisationRole.HOST)
    link_organisation(soon, find_or_create_organisation("OSIPP"), OrganisationRole.HOST)
    past.publications.append(
        Publication(title="Essay one", published_on=date(2025, 1, 5), authors="A. Author")
    )
    soon.publications.append(Publication(title="Essay two", published_on=date(2025, 3, 1)))
    make_session(past, title="Opening conversation")
    make_session(soon, title="Keynote in Chiang Mai")
    db.session.commit()
    return series


def test_series_page_lists_events_upcoming_first_then_past_with_place_or_online(client, essays):
    response = client.get("/series/essays/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 id="series-title">Essay series</h1>' in html
    assert "<em>tensions</em>" in html  # the description is Markdown
    order = [html.index(title) for title in ("Second panel", "Third panel", "First panel")]
    assert order == sorted(order), "upcoming soonest first, then the past"
    assert html.index("Third panel") < html.index("Past events") < html.index("First panel")
    assert "Secret draft" not in html and "Not in the series" not in html
    assert "Chiang Mai, Thailand" in html
    first = html[html.index("First panel") :]
    assert "online" in first[: first.index("</li>")]
    assert "Organised by" in html and html.count("OSIPP") == 1 and "IAFOR" in html
    assert html.index("Essay two") < html.index("Essay one")  # newest publication first
    assert (
        "/series/essays/calendar.ics" in html
        and "webcal://conference.test/series/essays/calendar.ics" in html
    )


def test_event_page_links_to_its_series(client, essays):
    html = client.get("/events/second-panel/").get_data(as_text=True)
    assert 'href="/series/essays/"' in html


def test_unknown_or_unpublished_series_is_not_found(client, essays):
    hidden = Series(slug="hidden", title="Only drafts")
    db.session.add(hidden)
    make_event(slug="only-draft", series=hidden, status=EventStatus.DRAFT)
    db.session.commit()
    for url in ("/series/hidden/", "/series/hidden/calendar.ics", "/series/nope/", "/api/v1/series/hidden"):
        assert client.get(url).status_code == 404, url
    assert [s["slug"] for s in client.get("/api/v1/series").json["series"]] == ["essays"]


def test_series_feed_has_every_session_of_its_public_events_and_validators(client, essays):
    response = client.get("/series/essays/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = set(by_summary(response.data))
    # Two events with sessions give their sessions; the third (none yet) one VEVENT of its own.
    assert summaries == {"Opening conversation", "Keynote in Chiang Mai", "Third panel"}
    assert b"BEGIN:VTIMEZONE" in response.data and b"TZID:Asia/Bangkok" in response.data
    assert len(ical_timeline(response.data)) == 3
    etag = response.headers["ETag"]
    assert client.get("/series/essays/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    uids = {str(v["UID"]) for v in by_summary(response.data).values()}

    # A new event published in the series appears by itself; the UIDs already there stay.
    new = make_event(
        slug="fourth-panel", title="Fourth panel", series=essays, starts_at=utcnow() + timedelta(days=200)
    )
    db.session.commit()
    after = client.get("/series/essays/calendar.ics", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert "Fourth panel" in by_summary(after.data)
    assert uids <= {str(v["UID"]) for v in by_summary(after.data).values()}
    assert after.headers["ETag"] != etag
    new.status = EventStatus.DRAFT
    db.session.commit()
    assert "Fourth panel" not in by_summary(client.get("/series/essays/calendar.ics").data)


@pytest.mark.skipif(_icscheck_ready() is not None, reason=_icscheck_ready() or "")
def test_series_feed_passes_icscheck(client, essays, tmp_path):
    path = tmp_path / "series.ics"
    path.write_bytes(client.get("/series/essays/calendar.ics").data)
    result = subprocess.run([str(CHECK), "--werror", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_series_api(client, essays):
    listed = client.get("/api/v1/series").json["series"]
    assert listed == [
        {
            "slug": "essays",
            "title": "Essay series",
            "description": "Essays on *tensions*.",
            "event_count": 3,
            "url": "https://conference.test/series/essays/",
            "calendar": "https://conference.test/series/essays/calendar.ics",
        }
    ]
    detail = client.get("/api/v1/series/essays").json
    assert [e["slug"] for e in detail["upcoming"]] == ["second-panel", "third-panel"]
    assert [e["slug"] for e in detail["past"]] == ["first-panel"]
    assert detail["organisers"] == ["OSIPP", "IAFOR"]
    assert [p["title"] for p in detail["publications"]] == ["Essay two", "Essay one"]
    assert detail["publications"][1]["event"] == "first-panel"
    event = client.get("/api/v1/events/second-panel").json
    assert (event["series"], event["series_slug"]) == ("Essay series", "essays")


def test_series_page_query_count_does_not_grow_with_events(client, count_queries, essays):
    def count() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/series/essays/").status_code == 200
        return counter.count

    few = count()
    for i in range(30):
        event = make_event(series=essays, starts_at=utcnow() + timedelta(days=i + 1))
        link_organisation(event, find_or_create_organisation(f"Org {i}"), OrganisationRole.HOST)
        event.publications.append(Publication(title=f"P{i}"))
    db.session.commit()
    assert count() == few


def test_demo_series_have_pages_and_feeds(client, demo):
    for slug in ("japan-korea-essay-series", "japan-korea-human-security"):
        assert client.get(f"/series/{slug}/").status_code == 200, slug
        assert client.get(f"/series/{slug}/calendar.ics").status_code == 200, slug
