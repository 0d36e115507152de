"""Benchmark of the public pages over real HTTP (not a timed test).

    .venv/bin/python -m bench.pages [--sizes 50,500,5000] [--rounds 3] [--gc worker|default]

For each size, generates a conference (8 rooms, 1-3 speakers per session, every fourth session with a
capacity) in a throw-away SQLite database (or DATABASE_URL if set), serves the app on a loopback port and
measures, in one run:
- the HTML floor: Jinja rendering the same programme (times, titles, links, kinds, rooms, people and roles)
  from plain dicts prepared beforehand (not timed), with a template of its own, in rounds of its own after
  the pages' (each round renders it twice and times the second);
- the event page, the speakers page, a session page and schedule.xml: cold (page cache empty), steady
  (cached), after one change to the programme, after one registration (over the API), and a 304;
- CPU time: of this process (the serving thread and the client), and of the serving thread in the app alone
  (`AppCPU`: the page's own cost, without the HTTP on either end);
- SQL statements and full (generation 2) garbage collections per request (`--gc worker`, the default: the
  collector set as gunicorn.conf.py sets it in each worker; `--gc default`: Python's defaults).
Prints medians in ms, the ratios to the floor, and time per session across sizes (linear growth: the ratio
of ms/session between sizes stays near 1 or below).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import runpy
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jinja2  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bench import feeds as feeds_bench  # noqa: E402
from bench.common import bench_app  # noqa: E402
from conference.db import db  # noqa: E402
from conference.events.models import Event  # noqa: E402
from conference.feeds import cache  # noqa: E402
from conference.sessions.models import Session  # noqa: E402
from conference.speakers.models import Assignment, Role  # noqa: E402
from conference.timeutil import local  # noqa: E402

ROLES = list(Role)
PAGES = ("event", "speakers", "session", "schedule.xml")
STATES = ("cold", "steady", "304", "one change", "one registration")

FLOOR_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "\n".join(
        (
            '<!doctype html><html lang="en"><head><title>{{ title }}</title></head><body><main>',
            "<h1>{{ title }}</h1>",
            '{% for day in days %}<section class="day"><h3>{{ day.heading }}</h3><ol class="sessions">',
            '{% for s in day.sessions %}<li class="session session-{{ s.kind }}">',
            '<p class="session-time"><time datetime="{{ s.start }}">{{ s.times }}</time></p>',
            '<div class="session-body"><h4><a href="{{ s.url }}">{{ s.title }}</a></h4>',
            '<p class="meta">{{ s.kind_label }} · Room: {{ s.room }}{% if s.seats %} · {{ s.seats }}{% endif %}</p>',
            '<ul class="people">{% for p in s.people %}<li><a href="{{ p.url }}">{{ p.name }}</a>',
            '<span class="role role-{{ p.role }}">{{ p.role_label }}</span></li>{% endfor %}</ul>',
            "</div></li>{% endfor %}</ol></section>{% endfor %}</main></body></html>",
        )
    )
)


def generate(slug: str, sessions: int, rooms: int = 8) -> Event:
    """The feeds benchmark's conference (one generator for both), with seats to count."""
    return feeds_bench.generate(slug, sessions, rooms, seats=True)


def floor_data(event_id: int) -> dict:
    """The programme as plain dicts (strings formatted beforehand): what the floor template renders."""
    event = db.session.get(Event, event_id)
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == event_id)
        .options(
            selectinload(Session.room), selectinload(Session.assignments).selectinload(Assignment.person)
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
    days: dict[str, list[dict]] = {}
    for s in sessions:
        start, end = local(s.starts_at, event.timezone), local(s.ends_at, event.timezone)
        days.setdefault(start.strftime("%A %d %B %Y"), []).append(  # plain data for the floor
            {
                "kind": s.kind.value,
                "kind_label": s.kind.value.title(),
                "start": start.isoformat(),
                "times": f"{start:%H:%M} – {end:%H:%M}",
                "url": f"/events/{event.slug}/sessions/{s.id}/",
                "title": s.title,
                "room": s.room.name,
                "seats": f"{s.capacity - s.seats_taken} of {s.capacity} seats left" if s.capacity else "",
                "people": [
                    {
                        "url": f"/speakers/{a.person.slug}/",
                        "name": a.person.name,
                        "role": a.role.value,
                        "role_label": a.role.value.title(),
                    }
                    for a in s.assignments
                ],
            }
        )
    return {"title": event.title, "days": [{"heading": k, "sessions": v} for k, v in days.items()]}


def floor(data: dict) -> tuple[float, float]:
    """(wall ms, CPU ms) of rendering the floor template."""
    began, cpu = time.perf_counter(), time.process_time()
    body = FLOOR_TEMPLATE.render(**data)
    elapsed, cpu_elapsed = time.perf_counter() - began, time.process_time() - cpu
    assert len(body) > 1000
    return elapsed * 1000, cpu_elapsed * 1000


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


class FullCollections:
    """Counts generation-2 garbage collections (gc.callbacks)."""

    def __init__(self) -> None:
        self.count = 0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            self.count += 1


CPU: list[float] = [0.0]  # CPU time of this process (server thread and client) during the last request, ms


class AppCPU:
    """The app as the loopback server runs it, timing the CPU time its serving thread spends in the app and
    in its answer's body (`time.thread_time`): the page's own cost, without the HTTP on either end (the
    server's parsing, this benchmark's client), which the process's CPU time includes."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app
        self.last = 0.0  # ms, of the last request answered

    def __call__(self, environ: dict, start_response) -> list[bytes]:  # noqa: ANN001
        began = time.thread_time()
        body = self.app(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.last = (time.thread_time() - began) * 1000
        return chunks


APP = AppCPU(None)


def get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, float, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    began, cpu = time.perf_counter(), time.process_time()
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
            body = response.read()
            status, response_headers = response.status, dict(response.headers)
    except HTTPError as error:
        body, status, response_headers = error.read(), error.code, dict(error.headers)
    CPU[0] = (time.process_time() - cpu) * 1000
    return status, (time.perf_counter() - began) * 1000, body, response_headers


def measure(app, base: str, size: int, rounds: int) -> dict:  # noqa: ANN001
    slug = f"bench-{size}"
    with app.app_context():
        event = generate(slug, size)
        event_id, ids = event.id, [s.id for s in event.sessions]
        person_slug = event.sessions[0].assignments[0].person.slug
        data = floor_data(event_id)
        db.session.remove()
    urls = {
        "event": f"{base}/events/{slug}/",
        "speakers": f"{base}/events/{slug}/speakers/",
        "session": f"{base}/events/{slug}/sessions/{ids[0]}/",
        "schedule.xml": f"{base}/events/{slug}/schedule.xml",
    }
    assert person_slug
    counter, collections = Counter(), FullCollections()
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", counter)
    times = {(page, state): [] for page in PAGES for state in STATES}
    cpu_times = {(page, state): [] for page in PAGES for state in STATES}
    app_times = {(page, state): [] for page in PAGES for state in STATES}
    cpu_floors: list[float] = []
    queries: dict[tuple[str, str], int] = {}
    gcs: dict[tuple[str, str], int] = {}
    floors: list[float] = []

    def timed(page: str, state: str, headers: dict | None = None) -> tuple[bytes, dict]:
        counter.count = collections.count = 0
        status, ms, body, response_headers = get(urls[page], headers)
        assert status == (304 if state == "304" else 200), (page, state, status)
        times[page, state].append(ms)
        cpu_times[page, state].append(CPU[0])
        app_times[page, state].append(APP.last)
        queries[page, state] = counter.count
        gcs[page, state] = collections.count
        return body, response_headers

    for round_number in range(rounds):
        registrations = round_number + 1
        with app.app_context():
            cache.clear_caches()
        for page in PAGES:
            timed(page, "cold")
        for _ in range(5):
            for page in PAGES:
                _body, headers = timed(page, "steady")
                timed(page, "304", {"If-None-Match": headers["ETag"]})
        with app.app_context():
            changed = db.session.get(Session, ids[(round_number * 37 + 1) % len(ids)])
            changed.title = f"Changed title {round_number}"
            db.session.commit()
            db.session.remove()
        for page in PAGES:
            timed(page, "one change")
        payload = {
            "name": f"Reader {registrations}",
            "email": f"reader{registrations}-{size}@example.org",
            "attendance_mode": "in_person",
            "consent": True,
            "session_ids": [ids[0]],
        }
        status, _ms, _b, _h = get(
            f"{base}/api/v1/events/{slug}/registrations",
            {"Content-Type": "application/json"},
            json.dumps(payload).encode(),
        )
        assert status == 201, status
        for page in PAGES:
            body, _h = timed(page, "one registration")
            if page == "event":
                left = f"{100_000 - registrations} of 100000 seats left"
                assert left.encode() in body or left.replace(",", "").encode() in body, left
    # The floor in rounds of its own, after the pages': rendered just before a cold request, its 280 KB and
    # its garbage landed on that request (+1.5 ms CPU at 500 sessions: cold after the floor 13.5-15.5 ms,
    # without 11-13.7 ms, in one run).
    for _ in range(rounds):
        floor(data)
        wall, cpu = floor(data)
        floors.append(wall)
        cpu_floors.append(cpu)
    gc.callbacks.remove(collections)
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return {
        "floor": statistics.median(floors),
        "cpu floor": statistics.median(cpu_floors),
        "times": {k: statistics.median(v) for k, v in times.items()},
        "cpu": {k: statistics.median(v) for k, v in cpu_times.items()},
        "app": {k: statistics.median(v) for k, v in app_times.items()},
        "queries": queries,
        "gcs": gcs,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--gc", choices=("worker", "default"), default="worker",
        help="worker: the garbage collector as gunicorn.conf.py sets it (frozen heap, thresholds); default: Python's",
    )  # fmt: skip
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="pages-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    app = bench_app(url, SESSION_COOKIE_SECURE=False)
    with app.app_context():
        upgrade()
    if args.gc == "worker":  # as a gunicorn worker runs once the app is loaded
        runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))["post_worker_init"](
            None
        )
    APP.app = app
    server = make_server("127.0.0.1", 0, APP, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    get(f"{base}/")  # the server and the app are up
    results = {size: measure(app, base, size, args.rounds) for size in sizes}
    server.shutdown()

    print(f"database: {url.split(':')[0]}, rounds: {args.rounds}, gc thresholds: {gc.get_threshold()}")
    for size, result in results.items():
        floor_ms, cpu_floor = result["floor"], result["cpu floor"]
        print(
            f"\n{size} sessions — HTML floor (Jinja, plain dicts): {floor_ms:.1f} ms, CPU {cpu_floor:.1f} ms"
            " (CPU: this process's time, client and server, steadier than wall time on a shared machine;"
            " app CPU: the serving thread's time in the app, without HTTP on either end)"
        )
        print(
            f"{'page':>13} {'state':>17} {'ms':>8} {'x floor':>8} {'CPU ms':>8} {'x floor':>8}"
            f" {'app CPU':>8} {'x floor':>8} {'SQL':>4} {'full GCs':>8}"
        )
        for page in PAGES:
            for state in STATES:
                ms, cpu = result["times"][page, state], result["cpu"][page, state]
                own = result["app"][page, state]
                print(
                    f"{page:>13} {state:>17} {ms:8.1f} {ms / floor_ms:8.2f} {cpu:8.1f} {cpu / cpu_floor:8.2f}"
                    f" {own:8.1f} {own / cpu_floor:8.2f}"
                    f" {result['queries'][page, state]:4d} {result['gcs'][page, state]:8d}"
                )
    if len(sizes) > 1:
        print("\ngrowth: CPU ms per session at each size relative to the previous size (1.0 = linear)")
        for page in PAGES:
            for state in ("cold", "steady", "one registration"):
                cells = []
                for small, large in zip(sizes, sizes[1:], strict=False):
                    per_small = results[small]["cpu"][page, state] / small
                    per_large = results[large]["cpu"][page, state] / large
                    cells.append(f"{small}→{large}: {per_large / per_small:.2f}")
                print(f"{page:>13} {state:>17}  " + ", ".join(cells))
        for small, large in zip(sizes, sizes[1:], strict=False):
            per_small, per_large = results[small]["cpu floor"] / small, results[large]["cpu floor"] / large
            print(f"{'floor':>13} {'':>17}  {small}→{large}: {per_large / per_small:.2f}")


if __name__ == "__main__":
    main()
