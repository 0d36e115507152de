"""The event page's programme read as plain rows (conference/events/public_programme.py) is the programme the
page showed when it was rendered from the ORM objects by the templates (`people_list`, `times`, `tr`/`inline`,
`live_session_seats`, `sessions/_materials.html`): byte for byte, in every language and zone, for anonymous
visitors (the cached page with its seats-left holes filled) and for a team member of a draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template_string

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.events.queries import group_by_day, programme
from conference.sessions.models import SessionKind, SessionStatus
from conference.speakers.models import AssignmentStatus, Role, SpeakerSettings
from tests.factories import add_member, make_event, make_person, make_room, make_session, make_user
from tests.organise.helpers import Visitor

# fmt: off
# The programme's loop of templates/events/detail.html as it was before the plain rows (commit 7ac0ca9).
ORM_PROGRAMME = """{% from "_macros.html" import people_list %}
    {%- set session_url = url_pattern("sessions.detail", "session_id", slug=event.slug) %}
    {%- set person_url = url_pattern("speakers.detail", "slug") %}
    {%- set room_word = _("Room:") %}
    {% for day in days %}
      <section class="day" aria-labelledby="day-{{ loop.index }}">
        <h3 id="day-{{ loop.index }}">{{ format_date(day.day, "full") }}</h3>
        <ol class="sessions">
          {% for s in day.sessions %}
          <li class="session session-{{ s.kind.value }}{% if s.is_cancelled %} is-cancelled{% endif %}">
            <p class="session-time">{{ times(s.starts_at, s.ends_at, event.timezone) }}</p>
            <div class="session-body">
              <h4><a href="{{ session_url(s.id) }}">{{ inline(tr(s, "title")) }}</a>
                {% if s.is_cancelled %}<strong class="badge badge-cancelled">{{ _("Cancelled") }}</strong>{% endif %}</h4>
              <p class="meta">{{ s.kind|label }}{% if s.room %} · {{ room_word }} {{ s.room.name }}{% endif %}
                {{- live_session_seats(s) }}</p>
              {{ people_list(s.assignments, link=event.is_published, person_url=person_url) }}
              {% if s.has_materials %}{% include "sessions/_materials.html" %}{% endif %}
            </div>
          </li>
          {% endfor %}
        </ol>
      </section>
    {% endfor %}"""  # noqa: E501
# fmt: on


def build_programme(*, confirmed_only: bool, status: EventStatus = EventStatus.PUBLISHED):  # noqa: ANN201
    """Two days, two rooms (one named with markup characters), people in every role, a declined and an
    unanswered speaker, a cancelled session, translated and untranslated titles, materials, capacities."""
    event = make_event(status=status, title="Programme & <friends>", timezone="America/New_York")
    if confirmed_only:
        db.session.add(SpeakerSettings(event_id=event.id, confirmed_only=True))
    hall, annex = make_room(event, "Hall A & B"), make_room(event, "Annex <2>")
    people = [
        make_person(name="Ana O'Neil & <Co>", slug="ana-oneil"),
        make_person(name="Bo 李", slug="bo-li"),
        make_person(name='Chen "Quote"', slug="chen"),
        make_person(name="Dana Declined", slug="dana"),
    ]
    start = event.starts_at
    sessions = [
        make_session(
            event,
            title="Opening <keynote>",
            kind=SessionKind.KEYNOTE,
            room=hall,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            translations={"ja": {"title": "開会 <基調講演> & 挨拶"}},
            people=[(people[0], Role.KEYNOTE), (people[1], Role.CHAIR)],
            capacity=20,
            seats_taken=3,
        ),
        make_session(  # in parallel: the same time span
            event,
            title="Parallel panel",
            kind=SessionKind.PANEL,
            room=annex,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            people=[(p, role) for p, role in zip(people, list(Role), strict=False)],
            recording_url="https://video.example.org/watch?v=1&t=2",
            slides_url="https://slides.example.org/s.pdf",
            links=[{"label": "Essay & notes", "url": "https://example.org/a?b=1&c=2"}],
        ),
        make_session(
            event,
            title="Cancelled roundtable",
            kind=SessionKind.ROUNDTABLE,
            room=hall,
            starts_at=start + timedelta(hours=2),
            ends_at=start + timedelta(hours=3),
            status=SessionStatus.CANCELLED,
            capacity=10,
            people=[(people[2], Role.MODERATOR), (people[1], Role.DISCUSSANT)],
        ),
        make_session(  # no room, no people, a capacity without registration
            event,
            title="Coffee",
            kind=SessionKind.BREAK,
            starts_at=start + timedelta(hours=3),
            ends_at=start + timedelta(hours=3, minutes=30),
            capacity=50,
            registration_enabled=False,
            translations={"ko": {"description": "only a description"}},
        ),
        make_session(  # the next day, late: another day in Tokyo
            event,
            title="Workshop day two",
            kind=SessionKind.WORKSHOP,
            room=annex,
            starts_at=start + timedelta(days=1, hours=8),
            ends_at=start + timedelta(days=1, hours=10),
            translations={"ja": {"title": "二日目のワークショップ"}, "th": {"title": ""}},
            people=[(people[2], Role.SPEAKER), (people[0], Role.PANELIST)],
            capacity=5,
            seats_taken=5,
        ),
    ]
    for session in sessions:
        for assignment in session.assignments:
            if assignment.person is people[3]:
                assignment.status = AssignmentStatus.DECLINED
            elif assignment.person is not people[2]:  # Chen never answered: hidden when confirmed only
                assignment.status = AssignmentStatus.ACCEPTED
    event.ends_at = start + timedelta(days=2)
    db.session.commit()
    return event


def orm_programme(app, event_id: int, query: str) -> str:  # noqa: ANN001
    """The programme as the ORM path rendered it, for the same request (language, zone), in an app context
    of its own (as a request: its own locale and database session)."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        with app.test_request_context(f"/events/{event.slug}/{query}"):
            sessions = programme(event)
            return render_template_string(
                ORM_PROGRAMME, event=event, days=group_by_day(sessions, event.timezone)
            ).removeprefix("\n    ")


QUERIES = [
    "",
    "?lang=ja",
    "?lang=ko",
    "?lang=th",
    "?tz=Asia/Tokyo",
    "?lang=ja&tz=Asia/Tokyo",
    "?tz=Mars/Base",
]


@pytest.mark.parametrize("confirmed_only", [False, True])
def test_plain_rows_page_is_the_orm_page(app, confirmed_only):
    event = build_programme(confirmed_only=confirmed_only)
    for query in QUERIES:
        expected = orm_programme(app, event.id, query)
        assert expected.count('<li class="session') == 5
        for answer in ("rendered", "cached"):
            visitor = Visitor(app)  # a new visitor each time: no cookie remembers the last language or zone
            html = visitor.get(f"/events/{event.slug}/{query}").get_data(as_text=True)
            assert expected in html, (query, answer)
    page = Visitor(app).get(f"/events/{event.slug}/?lang=ja").get_data(as_text=True)
    assert "開会 &lt;基調講演&gt; &amp; 挨拶" in page and '<span lang="en">Coffee</span>' in page
    page = Visitor(app).get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Dana Declined" not in page  # declined: never public
    assert ("Chen &#34;Quote&#34;" in page) is not confirmed_only  # not answered: hidden when confirmed only
    assert "17 of 20 seats left" in page and "0 of 5 seats left" in page
    assert "Essay &amp; notes" in page and "Hall A &amp; B" in page


def test_plain_rows_page_is_the_orm_page_for_a_team_member_of_a_draft(app):
    """A draft is rendered for its team, never cached: no links to people, seats written in place."""
    event = build_programme(confirmed_only=False, status=EventStatus.DRAFT)
    user = make_user()
    add_member(event, user)
    db.session.commit()
    for query in ("", "?lang=ja&tz=Asia/Seoul"):
        response = Visitor(app, user).get(f"/events/{event.slug}/{query}")
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        expected = orm_programme(app, event.id, query)
        assert 'href="/speakers/' not in expected
        assert expected in response.get_data(as_text=True), query


def test_times_are_written_once_per_language_and_viewer_zone(app):
    """`times` keeps each span per process (conference/viewer_zone.py): by language and viewer zone too, so
    a page in one language or zone never shows another's."""
    from datetime import UTC, datetime

    from conference.viewer_zone import times

    start = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    seen = {}
    for query in (
        "?lang=en",
        "?lang=ja",
        "?lang=en&tz=Asia/Tokyo",
        "?lang=ja&tz=Asia/Tokyo",
        "?lang=en&tz=UTC",
    ):
        with app.app_context(), app.test_request_context(f"/{query}"):
            seen[query] = str(times(start, start + timedelta(minutes=90), "America/New_York"))
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert str(times(start, start + timedelta(minutes=90), "America/New_York")) == seen["?lang=en"]
    assert len(set(seen.values())) == len(seen), seen
    assert "JST" not in seen["?lang=en"] and "JST" in seen["?lang=en&tz=Asia/Tokyo"]
    assert "AM" not in seen["?lang=ja"] and "AM" in seen["?lang=en"]


@pytest.mark.parametrize("chosen", [None, "Asia/Tokyo", "UTC"])
def test_zone_picker_options_are_the_template_loop(app, chosen):
    """The picker's options written once per hour and choice are what the template's loop wrote."""
    from conference.viewer_zone import zone_option_tags

    loop = (
        '{% for value, text in zone_options() %}<option value="{{ value }}"{% if value == chosen %} selected'
        "{% endif %}>{{ text }}</option>\n    {% endfor %}"
    )
    with app.test_request_context("/"):
        expected = render_template_string(loop, chosen=chosen)
        assert str(zone_option_tags(chosen)) == expected
        assert expected.count(" selected>") == (1 if chosen else 0)
