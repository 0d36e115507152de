"""Benchmark: N concurrent clients registering through gunicorn, on SQLite and PostgreSQL.

    .venv/bin/python bench/registration.py --db sqlite --clients 32 --requests 2000
    .venv/bin/python bench/registration.py --db postgresql://postgres:postgres@127.0.0.1:5432/conference_bench
    .venv/bin/python bench/registration.py --db postgresql://... --requests 3000 --rate 200

Prints registrations/s, p50/p95/p99 latency, CPU per registration (app server, PostgreSQL, this client), a
yardstick (the app server's CPU for a JSON 404 in the same run, for comparing runs on a machine whose speed
varies) and overbooked seats (must be 0). Without --rate the clients send back to back (closed loop); with
--rate registrations are due at that rate and latency counts from when each was due (open loop). The
database is created fresh (SQLite: a temporary file; PostgreSQL: the named database is dropped and created).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import runpy
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    database_url: str,
    workers: int = 4,
    threads: int = 1,
    worker_class: str = "sync",
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, str]:
    """Serve the app with gunicorn on a free loopback port; returns (process, base URL).
    `extra_env` adds or overrides settings (rate limits are off unless it turns them on). gunicorn reads
    the repository's gunicorn.conf.py as in production (its access log, garbage-collector settings); the
    access log is written to a temporary file (its cost counts, its lines stay off the console)."""
    port = free_port()
    access_log = Path(tempfile.gettempdir()) / f"conference-bench-access-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
        "RATELIMIT_ENABLED": "0",
        "BASE_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(access_log),
            "conference:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    process.access_log = access_log  # type: ignore[attr-defined]  # removed by stop()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/events")
            if conn.getresponse().status == 200:
                return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def _cpu_of_processes() -> dict[int, tuple[str, int, float]]:
    """{pid: (command name, parent pid, CPU seconds used)} of every process, read from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return table


def cpu_by_role(server_pid: int, postgres: bool = True) -> dict[str, float]:
    """CPU seconds used so far by the app server (gunicorn and its workers) and by PostgreSQL."""
    if not Path("/proc/self/stat").exists():
        return {}
    table = _cpu_of_processes()
    server = table.get(server_pid, ("", 0, 0.0))[2]
    server += sum(cpu for _name, parent, cpu in table.values() if parent == server_pid)
    roles = {"app server": server}
    if postgres:
        roles["PostgreSQL"] = sum(cpu for name, _parent, cpu in table.values() if name == "postgres")
    return roles


def floor_cost(base: str, server_pid: int, requests: int = 1000, clients: int = 4) -> float | None:
    """App server CPU seconds per request for a JSON 404 (gunicorn, Flask and our request hooks, no
    database): the yardstick that makes a run's figures comparable on a machine whose speed varies."""
    host, port = base.removeprefix("http://").split(":")
    counter = iter(range(requests))
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            conn.request("GET", "/api/v1/no-such-thing")
            conn.getresponse().read()
        conn.close()

    before = cpu_by_role(server_pid, postgres=False)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = cpu_by_role(server_pid, postgres=False)
    if not after:
        return None
    return (after["app server"] - before["app server"]) / requests


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    access_log = getattr(process, "access_log", None)
    if access_log is not None:
        access_log.unlink(missing_ok=True)


def hammer(
    base: str,
    slug: str,
    total: int,
    clients: int,
    session_ids: list[int],
    mode: str = "in_person",
    rate: float | None = None,
) -> dict:
    """`total` registrations with distinct emails from `clients` threads; returns statuses and latencies.

    Without `rate` every client sends its next request as soon as the last one is answered (a closed
    loop: this measures the most the server can do). With `rate`, request n is due at n / rate seconds
    (an open loop at a fixed arrival rate), and its latency counts from when it was due, so time spent
    waiting for a free client is included rather than hidden.
    """
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    codes: dict[int | str, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))
    begin = time.perf_counter() + 0.05

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            body = json.dumps(
                {
                    "name": f"Bench {n}",
                    "email": f"bench{n}@example.org",
                    "attendance_mode": mode,
                    "session_ids": session_ids,
                    "consent": True,
                }
            )
            if rate:
                due = begin + n / rate
                time.sleep(max(due - time.perf_counter(), 0))
            else:
                due = time.perf_counter()
            try:
                conn.request(
                    "POST", f"/api/v1/events/{slug}/registrations", body, {"Content-Type": "application/json"}
                )
                response = conn.getresponse()
                data = response.read()
            except OSError as error:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                with lock:
                    codes[type(error).__name__] = codes.get(type(error).__name__, 0) + 1
                continue
            elapsed = time.perf_counter() - due
            with lock:
                latencies.append(elapsed)
                codes[response.status] = codes.get(response.status, 0) + 1
                if response.status in (200, 201):
                    status = json.loads(data)["status"]
                    statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - begin
    return {"statuses": statuses, "codes": codes, "latencies": latencies, "wall": wall}


def _prepare(database_url: str, capacity: int) -> tuple[str, list[int]]:
    """Migrate the database and create a published event with one small panel."""
    from datetime import timedelta

    from flask_migrate import upgrade

    from conference import create_app
    from conference.db import db, utcnow
    from conference.events.models import Event, EventKind, EventStatus
    from conference.sessions.models import Session

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key-of-at-least-32-bytes", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        start = utcnow() + timedelta(days=5)
        event = Event(
            slug="bench",
            title="Bench",
            kind=EventKind.SYMPOSIUM,
            timezone="UTC",
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            status=EventStatus.PUBLISHED,
        )
        db.session.add(event)
        db.session.flush()
        panel = Session(
            event_id=event.id,
            title="Small panel",
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
        )
        db.session.add(panel)
        db.session.commit()
        ids = [panel.id]
        db.engine.dispose()
    return "bench", ids


def overbooked(database_url: str) -> tuple[int, int, int]:
    """(seats over capacity, confirmed seats counted, seats_taken counter) of the bench panel."""
    import sqlalchemy as sa

    from conference.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        capacity, taken = conn.execute(sa.text("SELECT capacity, seats_taken FROM sessions")).one()
        confirmed = conn.execute(
            sa.text("SELECT count(*) FROM session_seats WHERE status = 'confirmed'")
        ).scalar()
    engine.dispose()
    return max(confirmed - capacity, 0) + max(taken - capacity, 0), confirmed, taken


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite", help="'sqlite' or a postgresql:// URL")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument(
        "--rate",
        type=float,
        help="send at this many requests/s (open loop) instead of as fast as answers come back",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn workers (default: as gunicorn.conf.py, one per core or WEB_CONCURRENCY)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync or gthread")
    args = parser.parse_args()

    tmp = None
    if args.db == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        database_url = f"sqlite:///{tmp.name}/bench.db"
    else:
        import sqlalchemy as sa

        from conference.config import normalise_database_url

        url = sa.engine.make_url(normalise_database_url(args.db))
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        database_url = url.render_as_string(hide_password=False)

    if args.workers is None:  # production's rule, read from gunicorn.conf.py
        args.workers = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    slug, session_ids = _prepare(database_url, args.capacity)
    process, base = start_gunicorn(
        database_url, workers=args.workers, threads=args.threads, worker_class=args.worker_class
    )
    try:
        hammer(base, slug, 20, 4, [], mode="online")  # warm-up (other mode, no seats of the panel)
        floor = floor_cost(base, process.pid)
        postgres = args.db != "sqlite"
        cpu_before, client_before = cpu_by_role(process.pid, postgres), time.process_time()
        result = hammer(base, slug, args.requests, args.clients, session_ids, rate=args.rate)
        cpu_after, client_after = cpu_by_role(process.pid, postgres), time.process_time()
    finally:
        stop(process)
    lat = sorted(result["latencies"])
    over, confirmed, taken = overbooked(database_url)
    kind = "sqlite" if args.db == "sqlite" else "postgresql"
    server = f"gunicorn {args.worker_class} workers: {args.workers}" + (
        f" x {args.threads} threads" if args.threads > 1 else ""
    )
    load = f"open loop at {args.rate:g}/s" if args.rate else "closed loop"
    print(f"database: {kind}, {server}, clients: {args.clients}, {load}, requests: {args.requests}")
    print(f"registrations/s: {len(lat) / result['wall']:.1f}")
    p95, p99 = lat[int(len(lat) * 0.95) - 1], lat[int(len(lat) * 0.99) - 1]
    print(
        f"latency p50: {statistics.median(lat) * 1000:.1f} ms, p95: {p95 * 1000:.1f} ms,",
        f"p99: {p99 * 1000:.1f} ms, max: {lat[-1] * 1000:.1f} ms",
    )
    done = len(lat)
    used = {role: cpu_after[role] - cpu_before[role] for role in cpu_after}
    used["bench client"] = client_after - client_before
    print(
        "CPU per registration:",
        ", ".join(f"{role} {seconds / done * 1000:.2f} ms" for role, seconds in used.items()),
        f"(machine: {os.cpu_count()} cores)",
    )
    if floor:
        server = used["app server"] / done
        print(
            f"yardstick: a JSON 404 costs the app server {floor * 1000:.2f} ms of CPU in this run;",
            f"a registration costs {server / floor:.1f} times that",
        )
    print(f"HTTP codes: {result['codes']}, registration statuses: {result['statuses']}")
    print(f"panel capacity {args.capacity}: confirmed seats {confirmed}, seats_taken {taken}", end=", ")
    print(f"overbooked seats: {over}")
    if tmp:
        tmp.cleanup()
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
