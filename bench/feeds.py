"""Benchmark of the event feed over real HTTP (not a timed test).

    .venv/bin/python bench/feeds.py [--sessions 500] [--rounds 5]

Generates a conference (8 rooms, 1-3 speakers per session) in a throw-away SQLite database (or
DATABASE_URL if set), serves the app on a loopback port and measures, in one run:
- the icalendar floor: building + serialising the same VEVENTs in-process with icalendar (rows loaded
  beforehand, not timed);
- a cold first request (feed caches empty), a warm repeat, a request after one session changed, a 304;
- SQL statements per request, for this conference and for a 10-session one.
Prints medians in ms and the ratios to the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.error import HTTPError
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from icalendar import Calendar, Event  # noqa: E402
from sqlalchemy.orm import joinedload, selectinload  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bench.common import bench_app  # noqa: E402
from conference.db import db  # noqa: E402
from conference.events.models import Event as EventModel  # noqa: E402
from conference.events.models import EventKind, EventStatus  # noqa: E402
from conference.feeds import cache, vtimezone  # noqa: E402
from conference.sessions.models import Room, Session  # noqa: E402
from conference.speakers.models import Assignment, Person, Role  # noqa: E402

ROLES = list(Role)


def generate(slug: str, sessions: int, rooms: int = 8, seats: bool = False) -> EventModel:
    """A published conference of `sessions` sessions in `rooms` rooms with speakers (`seats`: the event and
    every fourth session take registrations with room to spare, as bench/pages.py measures seats left)."""
    start = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
    days = max(1, sessions // (rooms * 8))
    event = EventModel(
        slug=slug,
        title=f"Benchmark conference {slug}",
        kind=EventKind.CONFERENCE,
        timezone="Europe/Berlin",
        starts_at=start,
        ends_at=start + timedelta(days=days, hours=12),
        status=EventStatus.PUBLISHED,
        venue_name="Congress Centre",
        city="Berlin",
        country="Germany",
        capacity_in_person=1_000_000 if seats else None,
    )
    db.session.add(event)
    room_objs = [Room(event=event, name=f"Room {n + 1}", position=n) for n in range(rooms)]
    people = [
        Person(
            slug=f"{slug}-person-{n}",
            name=f"Speaker {n}",
            position="Professor of Law",
            affiliation=f"University {n % 40}",
            links=[],
        )
        for n in range(max(sessions // 2, 3))
    ]
    db.session.add_all(room_objs + people)
    for n in range(sessions):
        day, slot = divmod(n // rooms, 8)
        begins = start + timedelta(days=day, minutes=75 * slot)
        session = Session(
            event=event,
            title=f"Session {n}: perspectives on human security, memory and law",
            description="An abstract of a few sentences. " * 6,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=60),
            room=room_objs[n % rooms],
            capacity=100_000 if seats and n % 4 == 0 else None,
        )
        for position in range(1 + n % 3):
            person = people[(n * 3 + position) % len(people)]
            session.assignments.append(
                Assignment(person=person, role=ROLES[(n + position) % 6], position=position)
            )
        db.session.add(session)
    db.session.commit()
    return event


def floor(event_id: int) -> float:
    """Building + serialising the same VEVENTs with icalendar, rows loaded first (not timed)."""
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == event_id)
        .options(
            joinedload(Session.room),
            joinedload(Session.event),
            selectinload(Session.assignments).joinedload(Assignment.person),
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
    zone = ZoneInfo(sessions[0].event.timezone)
    began = time.perf_counter()
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    for s in sessions:
        vevent = Event()
        vevent.add("uid", f"{s.uid}@example.org")
        vevent.add("dtstamp", s.updated_at)
        vevent.add("last-modified", s.updated_at)
        vevent.add("created", s.created_at)
        vevent.add("sequence", s.revision)
        vevent.add("dtstart", s.starts_at.astimezone(zone))
        vevent.add("dtend", s.ends_at.astimezone(zone))
        vevent.add("summary", s.title)
        people = "\n".join(
            f"{a.person.name} ({a.role.value}), {a.person.position}, {a.person.affiliation}"
            for a in s.assignments
        )
        vevent.add(
            "description", f"{people}\n\n{s.description}\n\n{s.event.title}\nhttps://example.org/s/{s.id}/"
        )
        vevent.add("location", f"{s.room.name}, {s.event.venue_name}, {s.event.city}, {s.event.country}")
        vevent.add("url", f"https://example.org/s/{s.id}/")
        vevent.add("categories", [s.kind.value])
        vevent.add("status", "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        calendar.add_component(vevent)
    body = calendar.to_ical()
    elapsed = time.perf_counter() - began
    assert len(body) > 1000
    return elapsed * 1000


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


def get(url: str, headers: dict | None = None) -> tuple[int, float, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request) as response:
            body = response.read()
            status, response_headers = response.status, dict(response.headers)
    except HTTPError as error:
        body, status, response_headers = error.read(), error.code, dict(error.headers)
    return status, (time.perf_counter() - began) * 1000, body, response_headers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="feeds-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    app = bench_app(url)
    with app.app_context():
        upgrade()
        big = generate("bench-big", args.sessions)
        generate("bench-small", 10)
        big_id, big_ids = big.id, [s.id for s in big.sessions]
        floor(big_id)  # warm-up: imports, zoneinfo
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    feed_url = f"{base}/events/bench-big/calendar.ics"
    counter = Counter()
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", counter)

    def clear() -> None:
        with app.app_context():
            cache.clear_caches()
        vtimezone.vtimezone_bytes.cache_clear()

    get(f"{base}/")  # the server and the app are up; feed caches still empty
    results: dict[str, list[float]] = {"cold": [], "warm": [], "one change": [], "304": []}
    queries: dict[str, int] = {}
    body = b""
    floors: list[float] = []
    ratios: list[float] = []
    for round_number in range(args.rounds):
        # the floor is measured in each round, right before the cold request (the machine is shared)
        with app.app_context():
            floors.append(floor(big_id))
            db.session.remove()
        clear()
        counter.count = 0
        status, ms, body, headers = get(feed_url)
        assert status == 200
        results["cold"].append(ms)
        ratios.append(ms / floors[-1])
        queries["cold"] = counter.count
        for _ in range(5):
            counter.count = 0
            status, ms, again, headers = get(feed_url)
            assert status == 200 and again == body
            results["warm"].append(ms)
            queries["warm"] = counter.count
        for _ in range(5):
            counter.count = 0
            status, ms, _, _ = get(feed_url, {"If-None-Match": headers["ETag"]})
            assert status == 304
            results["304"].append(ms)
            queries["304"] = counter.count
        with app.app_context():
            session = db.session.get(Session, big_ids[(round_number * 37) % len(big_ids)])
            session.title = f"Changed title {round_number}"
            db.session.commit()
        counter.count = 0
        status, ms, changed, _ = get(feed_url)
        assert status == 200 and changed != body and f"Changed title {round_number}".encode() in changed
        results["one change"].append(ms)
        queries["one change"] = counter.count
    clear()
    counter.count = 0
    get(f"{base}/events/bench-small/calendar.ics")
    queries["cold, 10-session event"] = counter.count
    server.shutdown()

    floor_ms = statistics.median(floors)
    print(
        f"sessions: {args.sessions}, rounds: {args.rounds}, feed size: {len(body) / 1024:.0f} KiB, database: "
        f"{url.split(':')[0]}"
    )
    print(f"icalendar floor (in-process build + serialise): {floor_ms:8.1f} ms")
    for name, values in results.items():
        median = statistics.median(values)
        print(f"{name:>12}: {median:8.1f} ms  = {median / floor_ms:5.2f} x floor   (SQL: {queries[name]})")
    print(
        f"cold / floor, median of per-round ratios: {statistics.median(ratios):.2f}"
        f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(f"SQL statements, cold, 10-session event: {queries['cold, 10-session event']}")


if __name__ == "__main__":
    main()
