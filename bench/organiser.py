"""Benchmark of the organiser pages of a large event (not a timed test).

    .venv/bin/python bench/organiser.py --db sqlite --sizes 20000,100000
    .venv/bin/python bench/organiser.py --db postgresql://postgres@127.0.0.1/conference_bench --sizes 20000,100000

For each size, one event with that many registrations (each with one or two seats of three sessions and
two answers, bulk-loaded with Core INSERTs) and, in the same run and the same process (Flask's test
client, no network):
- the registrations list (first page, and a page deep in the list), the list searched for a common word,
  a rare one (one person's e-mail) and a word nobody has; the check-in desk searched for a name, a rare
  e-mail, a word nobody has (also of two letters, below the three a trigram needs) and a check-in code;
- the registrations CSV: time to the first row, total time, rows per second;
and for each, the median time over --rounds (wall and this process's CPU), the peak of Python memory
allocated during one request (tracemalloc) and the ratio to a reference: a bare SELECT of the same rows (the
page's rows, for a search with `queries.matches`, the LIKE scan SQLite ran before its FTS5 index; for the
CSV, every registration's columns, fetched and dropped). Flat times and peaks across sizes mean nothing an
organiser opens grows with the event. The PostgreSQL database named is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import bench_app, recreated_database  # noqa: E402
from conference.auth.models import EventMember, TeamRole, User  # noqa: E402
from conference.db import db  # noqa: E402
from conference.events.models import Event, EventKind, EventStatus  # noqa: E402
from conference.registrations.models import (  # noqa: E402
    Answer,
    Question,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.queries import LIST_COLUMNS, PER_PAGE, SEARCH_CAP, matches  # noqa: E402
from conference.sessions.models import Session  # noqa: E402

START = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
FIRST = ["Ada", "Grace", "Alan", "Emmy", "Kurt", "太郎", "민준", "สมชาย", "Marie", "Niels", "Lise", "Paul"]
LAST = ["Lovelace", "Hopper", "Turing", "Noether", "Gödel", "山田", "김", "ใจดี", "Curie", "Bohr", "Meitner"]
CHUNK = 5000


def fresh_database(db_arg: str) -> str:
    if db_arg == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='organiser-bench-')}/bench.db"
    return recreated_database(db_arg)


def load(slug: str, size: int, owner: User) -> tuple[Event, str]:
    """An event with `size` registrations, their seats and answers, in Core INSERTs of CHUNK rows; returns
    the event and the check-in code of a registrant in the middle."""
    event = Event(
        slug=slug,
        title=f"Bench {size}",
        kind=EventKind.CONFERENCE,
        timezone="Europe/Berlin",
        starts_at=START,
        ends_at=START + timedelta(days=2),
        status=EventStatus.PUBLISHED,
    )
    db.session.add(event)
    db.session.flush()
    sessions = [
        Session(
            event_id=event.id,
            title=f"Workshop {n}",
            starts_at=START + timedelta(hours=n),
            ends_at=START + timedelta(hours=n + 1),
            capacity=None,
        )
        for n in range(3)
    ]
    questions = [
        Question(event_id=event.id, label="Diet", kind=QuestionKind.SHORT_TEXT, position=1),
        Question(event_id=event.id, label="Topics", kind=QuestionKind.MULTIPLE_CHOICE, options=["A", "B"]),
    ]
    db.session.add_all(sessions + questions)
    db.session.add(EventMember(event_id=event.id, user_id=owner.id, role=TeamRole.OWNER))
    db.session.commit()
    first_id = (db.session.scalar(sa.select(sa.func.max(Registration.id))) or 0) + 1
    for begin in range(0, size, CHUNK):
        numbers = range(begin, min(begin + CHUNK, size))
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "event_id": event.id,
                    "token": f"t{event.id}-{i}",
                    "feed_token": f"f{event.id}-{i}",
                    "checkin_code": f"{event.id:04X}{i:012X}",
                    "name": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]} {i}",
                    "email": f"person{i}@example.org",
                    "affiliation": f"University {i % 300}",
                    "attendance_mode": RegistrationMode.IN_PERSON,
                    "status": RegistrationStatus.CONFIRMED if i % 10 else RegistrationStatus.CANCELLED,
                    "created_at": START - timedelta(days=30) + timedelta(seconds=i),
                    "updated_at": START,
                }
                for i in numbers
            ],
        )
        ids = [first_id + i for i in numbers]  # one INSERT per chunk into an empty range of ids
        db.session.execute(
            sa.insert(SessionSeat),
            [
                {"registration_id": rid, "session_id": sessions[k].id, "status": SeatStatus.CONFIRMED}
                for rid in ids
                for k in ((0,) if rid % 2 else (1, 2))
            ],
        )
        db.session.execute(
            sa.insert(Answer),
            [
                {
                    "registration_id": rid,
                    "question_id": q.id,
                    "question_label": q.label,
                    "value": "Vegan" if q.kind == QuestionKind.SHORT_TEXT else ["A"],
                }  # fmt: skip
                for rid in ids
                for q in questions
            ],
        )
        db.session.commit()
    # The seat counters, as registering through the operations would have left them (the pages read them).
    confirmed_seats = (
        sa.select(sa.func.count())
        .select_from(SessionSeat)
        .where(SessionSeat.session_id == Session.id, SessionSeat.status == SeatStatus.CONFIRMED)
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(Session).where(Session.event_id == event.id).values(seats_taken=confirmed_seats),
        execution_options={"synchronize_session": False},
    )
    event.seats_taken_in_person = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    return event, f"{event.id:04X}{size // 2:012X}"


def measure(action, rounds: int) -> tuple[float, int, float]:  # noqa: ANN001
    """Median seconds over `rounds` (after one warm-up), the peak of memory allocated in one run, and the
    median CPU seconds of this process (SQLite's work included, PostgreSQL's server not): on a machine
    shared with other jobs the CPU time is the steadier figure to compare between runs."""
    action()
    times, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", default="sqlite", help="'sqlite' or a postgresql:// URL (dropped and recreated)"
    )
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    database_url = fresh_database(args.db)
    app = bench_app(database_url)
    with app.app_context():
        upgrade()
        owner = User(email="owner@example.org", password_hash="!")  # noqa: S106 (no password: signed in by session)
        db.session.add(owner)
        db.session.commit()
        user_id = owner.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    print(f"database: {database_url.split(':')[0]}, rounds: {args.rounds}, page size {PER_PAGE}, "
          f"search cap {SEARCH_CAP}")  # fmt: skip
    print(
        f"{'size':>7} {'what':<34} {'median':>9} {'CPU':>9} {'reference':>10} {'ratio':>6} {'peak memory':>12}"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        slug = f"bench-{size}"
        with app.app_context():
            t0 = time.perf_counter()
            event, code = load(slug, size, db.session.get(User, int(user_id.split(":")[0])))
            event_id = event.id
            print(f"{size:>7} loaded in {time.perf_counter() - t0:.1f} s")
        base = f"/organise/events/{slug}"

        def get(url: str) -> None:
            with app.app_context():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                response.get_data()

        def bare(query: sa.Select):  # noqa: ANN202
            def run() -> None:
                with app.app_context():
                    db.session.execute(query).all()

            return run

        alive = sa.and_(Registration.event_id == event_id)
        page = sa.select(*LIST_COLUMNS).where(alive).order_by(Registration.created_at, Registration.id)
        deep = (size // PER_PAGE) // 2
        rare = f"person{size // 3}@"  # one person's e-mail
        cases = [
            ("list, first page", f"{base}/registrations/", page.limit(PER_PAGE)),
            (f"list, page {deep}", f"{base}/registrations/?page={deep}",
             page.limit(PER_PAGE).offset((deep - 1) * PER_PAGE)),
            ("list searched 'lovelace'", f"{base}/registrations/?q=lovelace",
             page.where(matches("lovelace")).limit(PER_PAGE)),
            (f"list searched '{rare}'", f"{base}/registrations/?q={rare}",
             page.where(matches(rare)).limit(PER_PAGE)),
            ("list searched 'nobody' (no match)", f"{base}/registrations/?q=nobody",
             page.where(matches("nobody")).limit(PER_PAGE)),
            ("desk: name 'hopper'", f"{base}/checkin/desk?q=hopper",
             sa.select(*LIST_COLUMNS).where(alive, matches("hopper")).limit(SEARCH_CAP)),
            (f"desk: '{rare}'", f"{base}/checkin/desk?q={rare}",
             sa.select(*LIST_COLUMNS).where(alive, matches(rare)).limit(SEARCH_CAP)),
            ("desk: 'nobody' (no match)", f"{base}/checkin/desk?q=nobody",
             sa.select(*LIST_COLUMNS).where(alive, matches("nobody")).limit(SEARCH_CAP)),
            ("desk: 'zq' (no match, 2 letters)", f"{base}/checkin/desk?q=zq",
             sa.select(*LIST_COLUMNS).where(alive, matches("zq")).limit(SEARCH_CAP)),
            ("desk: a check-in code", f"{base}/checkin/desk?q={code}",
             sa.select(*LIST_COLUMNS).where(Registration.checkin_code == code)),
        ]  # fmt: skip
        for what, url, reference in cases:
            took, peak, cpu = measure(lambda url=url: get(url), args.rounds)
            floor, _, _ = measure(bare(reference), args.rounds)
            print(f"{size:>7} {what:<34} {took * 1000:>7.1f}ms {cpu * 1000:>7.1f}ms {floor * 1000:>8.1f}ms "
                  f"{took / floor:>6.1f} {peak / 1e6:>9.1f} MB")  # fmt: skip

        def csv_export(base: str = base) -> tuple[float, float, int]:
            with app.app_context():
                t0 = time.perf_counter()
                response = client.get(f"{base}/registrations/export.csv", buffered=False)
                pieces = iter(response.response)
                first = next(pieces) + next(pieces)  # the header, then the first batch of rows
                to_first = time.perf_counter() - t0
                lines = first.count(b"\n") + sum(piece.count(b"\n") for piece in pieces)
                response.close()
                return to_first, time.perf_counter() - t0, lines - 1

        every = sa.select(*LIST_COLUMNS).where(alive).order_by(Registration.created_at, Registration.id)
        csv_export()
        runs = [csv_export() for _ in range(max(3, args.rounds // 2))]
        to_first = statistics.median(r[0] for r in runs)
        total = statistics.median(r[1] for r in runs)
        rows = runs[0][2]
        tracemalloc.start()
        csv_export()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        floor, floor_peak, _ = measure(bare(every), max(3, args.rounds // 2))
        assert rows == size, (rows, size)
        print(f"{size:>7} {'CSV: first rows':<34} {to_first * 1000:>7.1f}ms")
        print(f"{size:>7} {'CSV: all ' + str(rows) + ' rows':<34} {total * 1000:>7.1f}ms {'':>9} "
              f"{floor * 1000:>8.1f}ms {total / floor:>6.1f} {peak / 1e6:>9.1f} MB  ({rows / total:,.0f} rows/s; "
              f"the bare SELECT holds {floor_peak / 1e6:.1f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
