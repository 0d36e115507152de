"""The home page: search (`/?q=`), filters as plain links, paged archive, bad input, query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conference.db import db, utcnow
from conference.events.editing import find_or_create_organisation, link_organisation
from conference.events.models import AttendanceMode, EventKind, EventStatus, OrganisationRole, Series
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_session


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/events/[^"]+/">([^<]+)</a>', html)


@pytest.fixture
def catalogue(app):
    now = utcnow().replace(microsecond=0)
    essays = Series(slug="essays", title="Essay series on tensions")
    db.session.add(essays)
    panel = make_event(
        slug="panel",
        title="Online panel",
        kind=EventKind.PANEL_DISCUSSION,
        attendance_mode=AttendanceMode.ONLINE,
        series=essays,
        starts_at=now + timedelta(days=5),
    )
    symposium = make_event(
        slug="symposium",
        title="Human Security Symposium",
        city="Chiang Mai",
        country="Thailand",
        starts_at=now + timedelta(days=20),
        attendance_mode=AttendanceMode.HYBRID,
    )
    make_event(
        slug="old-workshop",
        title="Old 100% workshop",
        kind=EventKind.WORKSHOP,
        city="Seoul",
        country="South Korea",
        starts_at=now - timedelta(days=300),
        ends_at=now - timedelta(days=299),
    )
    make_event(slug="secret", title="Secret Dudden draft", status=EventStatus.DRAFT)
    dudden = make_person(name="Alexis Dudden")
    make_session(panel, title="Conversation", people=[(dudden, Role.PANELIST)])
    link_organisation(symposium, find_or_create_organisation("Chiang Mai University"), OrganisationRole.HOST)
    db.session.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dudden", ["Online panel"]),  # a speaker's name, ignoring case; never the draft
        ("chiang mai university", ["Human Security Symposium"]),  # a host
        ("tensions", ["Online panel"]),  # the series' title
        ("symposium", ["Human Security Symposium"]),
        ("100%", ["Old 100% workshop"]),  # % matches itself, not everything
        ("_", []),
        ("alexis conversation", []),  # every word must match (the session title is not searched)
        ("alexis panel", ["Online panel"]),
    ],
)
def test_search_finds_by_title_speaker_organisation_and_series(client, catalogue, query, expected):
    response = client.get("/", query_string={"q": query})
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["Online panel", "Human Security Symposium", "Old 100% workshop"]),
        ({"kind": "workshop"}, ["Old 100% workshop"]),
        ({"when": "upcoming"}, ["Online panel", "Human Security Symposium"]),
        ({"when": "past"}, ["Old 100% workshop"]),
        ({"mode": "online"}, ["Online panel", "Human Security Symposium"]),  # hybrid is online too
        ({"mode": "in_person"}, ["Human Security Symposium", "Old 100% workshop"]),
        ({"series": "essays"}, ["Online panel"]),
        ({"country": "thailand"}, ["Human Security Symposium"]),
        ({"series": "nope"}, []),
        ({"q": "security", "mode": "in_person", "when": "upcoming"}, ["Human Security Symposium"]),
    ],
)
def test_filters(client, catalogue, args, expected):
    response = client.get("/", query_string=args)
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == expected


def test_filters_are_plain_links_that_keep_the_search(client, catalogue):
    html = client.get("/?q=security").get_data(as_text=True)
    assert 'href="/?q=security&amp;kind=workshop"' in html
    assert 'href="/?q=security&amp;series=essays"' in html
    assert 'href="/?q=security&amp;country=Thailand"' in html
    assert 'href="/?q=security&amp;when=past"' in html
    current = client.get("/?q=security&mode=online").get_data(as_text=True)
    assert 'href="/?q=security&amp;mode=online" aria-current="page"' in current
    assert "<script" not in html


def test_past_events_are_paged_newest_first(client, app):
    now = utcnow().replace(microsecond=0)
    for i in range(45):
        start = now - timedelta(days=10 + i)
        make_event(title=f"Past {i:02d}", starts_at=start, ends_at=start + timedelta(hours=2))
    make_event(title="Coming soon", starts_at=now + timedelta(days=3))
    db.session.commit()
    first = client.get("/").get_data(as_text=True)
    assert titles(first)[:3] == ["Coming soon", "Past 00", "Past 01"] and len(titles(first)) == 20
    assert 'rel="next" href="/?page=2"' in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert titles(second)[0] == "Past 19" and 'rel="prev" href="/"' in second
    archive = client.get("/?when=past&page=3").get_data(as_text=True)
    assert titles(archive) == ["Past 40", "Past 41", "Past 42", "Past 43", "Past 44"]
    assert "Page 3 of 3" in archive


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?page=99", 404),
        ("/?page=0", 400),
        ("/?page=-1", 400),
        ("/?page=abc", 400),
        ("/?page=" + "9" * 40, 400),
        ("/?kind=nope", 400),
        ("/?when=tomorrow", 400),
        ("/?mode=%00", 400),
        ("/?q=%00", 400),
        ("/?q=" + "x" * 5000, 400),
        ("/?country=" + "x" * 500, 400),
        ("/?q=%F0%9F%98%80%E2%80%AE", 200),
    ],
)
def test_bad_input_is_a_4xx_with_a_message_never_a_500(client, catalogue, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    if status == 400 and "%00" not in url:
        assert 'role="alert"' in response.get_data(as_text=True)  # the page, saying what was dropped


def test_query_count_does_not_grow_with_events_sessions_or_speakers(client, app, count_queries):
    now = utcnow().replace(microsecond=0)
    series = Series(slug="s", title="Series")
    db.session.add(series)

    def add(n: int) -> None:
        for i in range(n):
            event = make_event(
                series=series, country=f"Country {i % 7}", starts_at=now + timedelta(days=i - n // 2)
            )
            link_organisation(event, find_or_create_organisation(f"Org {i % 13}"), OrganisationRole.HOST)
            for k in range(3):
                make_session(
                    event, title=f"S{k}", people=[(make_person(name=f"Speaker {i}-{k}"), Role.SPEAKER)]
                )
        db.session.commit()

    def counts() -> list[int]:
        result = []
        for url in ("/", "/?q=speaker", "/?q=org&when=past&country=Country%201", "/?series=s&page=2"):
            db.session.expire_all()
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            result.append(counter.count)
        return result

    add(10 + 20)  # enough for a second page
    few = counts()
    add(170)
    assert counts() == few
    assert max(few) <= 8
