"""The event page and API issue the same number of queries for 5 sessions as for 600 (more than the 500 ids
SQLAlchemy's `selectinload` sends per statement: the programme is read by event, not by lists of ids)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conference.db import db
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room


def build_event(n_sessions: int):  # noqa: ANN201
    from conference.sessions.models import Session
    from conference.speakers.models import Assignment

    event = make_event()
    rooms = [make_room(event, f"Room {i}") for i in range(8)]
    people = [make_person() for _ in range(40)]
    for i in range(n_sessions):
        start = event.starts_at + timedelta(minutes=30 * (i // 8))
        session = Session(
            event=event,
            title=f"S{i}",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            room=rooms[i % 8],
        )
        for k in range(1 + i % 3):
            session.assignments.append(
                Assignment(
                    person=people[(i + k) % 40], role=Role.MODERATOR if k == 0 else Role.PANELIST, position=k
                )
            )
        db.session.add(session)
    event.ends_at = event.starts_at + timedelta(days=7)
    db.session.commit()
    return event


@pytest.mark.parametrize(
    "url_template", ["/events/{slug}/", "/api/v1/events/{slug}", "/events/{slug}/speakers/"]
)
def test_query_count_does_not_grow_with_sessions(client, count_queries, url_template):
    """The first request renders (cache miss), the second is served from the page cache (conference/pages.py):
    both in a fixed number of queries, the cached answer in fewer (the programme is not read)."""
    small = build_event(5)
    large = build_event(600)
    misses, hits = [], []
    for event in (small, large):
        for counts in (misses, hits):
            url = url_template.format(slug=event.slug)
            db.session.expire_all()  # nothing read before the request comes from this session's memory
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(counter.count)
    assert misses[0] == misses[1], misses
    assert hits[0] == hits[1], hits
    # The page as before (8), the co-located events (conference/events/colocation.py) and the key: the
    # programme's fingerprint, the seats, the co-located events; the programme itself in two statements at any
    # size (sessions with rooms, assignments with people).
    assert misses[0] <= 11, misses
    assert hits[0] <= 7 and hits[0] < misses[0], (hits, misses)
    if url_template == "/events/{slug}/":
        # Served from the cache: the event with its key's figures in one statement (it has no hosts,
        # publications or co-located events to read: `page_keys.page_event`) and the seats left in another
        # (before: 7). Rendered: the programme as plain rows, two statements more
        # (conference/events/public_programme.py; before: 9).
        assert hits[0] == 2, hits
        assert misses[0] == 4, misses


def test_speaker_page_query_count_does_not_grow_with_sessions(client, count_queries):
    from tests.factories import make_session

    person = make_person(slug="busy-person")
    for n in (3, 60):
        event = make_event()
        for i in range(n):
            make_session(
                event,
                people=[(person, Role.SPEAKER), (make_person(), Role.CHAIR)],
                starts_at=event.starts_at + timedelta(hours=i),
            )
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/speakers/busy-person/").status_code == 200
        if n == 3:
            first = counter.count
    assert counter.count == first
