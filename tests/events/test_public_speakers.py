"""The event's speakers page written from the programme's plain rows (conference/events/public_speakers.py)
is the page the template's loop wrote from ORM assignments (before commit "events: the speakers page from the
programme's plain rows"): byte for byte, in every language and zone, cached or not, for anonymous visitors
and for a team member of a draft; who is public follows the speaker settings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import render_template_string
from sqlalchemy.orm import contains_eager

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.sessions.models import Session
from conference.speakers.assignment_states import public_condition
from conference.speakers.models import Assignment, Person
from tests.events.test_public_programme import QUERIES, build_programme
from tests.factories import add_member, make_user
from tests.organise.helpers import Visitor

# fmt: off
# The list of templates/events/speakers.html as it was, over ORM assignments.
ORM_SPEAKERS = """{% from "speakers/_people.html" import person_card %}
  <ul class="speaker-list">
    {%- set session_url = url_pattern("sessions.detail", "session_id", slug=event.slug) %}
    {% for entry in speakers %}
    <li class="card">
      {{ person_card(entry.person, link=event.is_published, level=2) }}
      <ul>
        {% for a in entry.assignments %}
        <li>{{ a.role|label }}: <a href="{{ session_url(a.session.id) }}">{{ inline(tr(a.session, "title")) }}</a>
          <span class="meta">({{ a.session.starts_at|local_date(event.timezone, "medium") }}, {{ times(a.session.starts_at, a.session.ends_at, event.timezone) }})</span></li>
        {% endfor %}
      </ul>
    </li>
    {% endfor %}
  </ul>"""  # noqa: E501
# fmt: on


def orm_speakers(app, event_id: int, query: str) -> str:  # noqa: ANN001
    """The list as the ORM path rendered it (the query it used: people by name, then their sessions by
    start; ties broken here as the new page breaks them, by person id and programme order), for the same
    request, in an app context of its own."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        rows = db.session.scalars(
            sa.select(Assignment)
            .join(Assignment.session)
            .join(Assignment.person)
            .where(Session.event_id == event.id, public_condition(Session.event_id))
            .options(
                contains_eager(Assignment.session).selectinload(Session.room),
                contains_eager(Assignment.person),
            )
            .order_by(Person.name, Person.id, Session.starts_at, Session.room_id, Session.id)
        ).all()
        entries: dict[int, dict] = {}
        for a in rows:
            entries.setdefault(a.person_id, {"person": a.person, "assignments": []})["assignments"].append(a)
        with app.test_request_context(f"/events/{event.slug}/speakers/{query}"):
            return render_template_string(ORM_SPEAKERS, event=event, speakers=list(entries.values()))


@pytest.mark.parametrize("confirmed_only", [False, True])
def test_speakers_page_from_plain_rows_is_the_orm_page(app, confirmed_only):
    event = build_programme(confirmed_only=confirmed_only)
    for query in QUERIES:
        expected = orm_speakers(app, event.id, query)
        assert expected.count('<li class="card">') == (2 if confirmed_only else 3)
        for answer in ("rendered", "cached"):
            visitor = Visitor(app)  # a new visitor each time: no cookie remembers the last language or zone
            html = visitor.get(f"/events/{event.slug}/speakers/{query}").get_data(as_text=True)
            assert expected in html, (query, answer)
    page = Visitor(app).get(f"/events/{event.slug}/speakers/?lang=ja").get_data(as_text=True)
    assert "開会 &lt;基調講演&gt; &amp; 挨拶" in page and "Dana Declined" not in page
    assert ("Chen &#34;Quote&#34;" in page) is not confirmed_only


def test_speakers_page_from_plain_rows_for_a_team_member_of_a_draft(app):
    event = build_programme(confirmed_only=False, status=EventStatus.DRAFT)
    user = make_user()
    add_member(event, user)
    db.session.commit()
    for query in ("", "?lang=ko&tz=Asia/Seoul"):
        response = Visitor(app, user).get(f"/events/{event.slug}/speakers/{query}")
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
        expected = orm_speakers(app, event.id, query)
        assert 'href="/speakers/' not in expected
        assert expected in response.get_data(as_text=True), query
