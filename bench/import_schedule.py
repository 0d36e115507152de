"""Benchmark of `flask --app conference import-schedule` (not a timed test).

    .venv/bin/python bench/import_schedule.py [--sizes 1000,4000,16000] [--profile 4000]
    .venv/bin/python bench/import_schedule.py --db postgresql://postgres@127.0.0.1/conference_bench

Generates frab/C3VOC `schedule.json` files of N talks (20 rooms, 1-3 people per talk drawn from N/2
people, some sharing a name), and imports each into a fresh database (SQLite in a temporary directory;
a PostgreSQL database given with --db is dropped and recreated for every size), through the CLI command
as an operator runs it. For every size it prints the time of the first import and of a re-import of the
same file (updates in place, nothing changes): wall-clock and CPU time of this process, CPU time per
talk, and its ratio to that of the smallest size, all measured in the same run: linear growth keeps the
ratio near 1. (CPU time, since wall time on a shared machine carries other processes' load.)
--profile N runs cProfile over the first import of N talks and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import bench_app, recreated_database  # noqa: E402
from conference.db import db  # noqa: E402

FIRST = ["Ada", "Bo", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jun", "Kofi", "Lena"]
LAST = ["Ito", "Jansen", "Kowalski", "Lopez", "Müller", "Nair", "Okafor", "Park", "Quist", "Rossi"]


def schedule(talks: int, rooms: int = 20, seed: int = 1) -> dict:
    """A schedule.json of `talks` talks over as many days as needed (16 talks per room and day)."""
    rng = random.Random(seed)
    people = []
    for i in range(max(1, talks // 2)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if i % 3:  # two in three names are unique; the rest are shared by several people
            name = f"{name} {i}"
        people.append({"guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-person-{i}")), "name": name})
    start = datetime(2027, 8, 21, 9, 0)
    per_day = rooms * 16
    days = []
    for d in range((talks + per_day - 1) // per_day):
        day = start + timedelta(days=d)
        by_room: dict[str, list] = {f"Room {r + 1}": [] for r in range(rooms)}
        for slot in range(per_day):
            n = d * per_day + slot
            if n >= talks:
                break
            room = f"Room {slot % rooms + 1}"
            begins = day + timedelta(minutes=40 * (slot // rooms))
            by_room[room].append(
                {
                    "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-talk-{n}")),
                    "id": n + 1,
                    "date": begins.isoformat() + "+02:00",
                    "start": begins.strftime("%H:%M"),
                    "duration": "00:30",
                    "room": room,
                    "title": f"Talk number {n}",
                    "type": "lecture",
                    "abstract": "An abstract. " * 5,
                    "description": "",
                    "persons": [
                        {**p, "public_name": p["name"], "biography": ""}
                        for p in rng.sample(people, rng.randint(1, 3))
                    ],
                }
            )
        days.append(
            {
                "index": d + 1,
                "date": day.date().isoformat(),
                "day_start": day.isoformat() + "+02:00",
                "day_end": (day + timedelta(hours=18)).isoformat() + "+02:00",
                "rooms": by_room,
            }
        )
    return {
        "schedule": {
            "version": "bench",
            "base_url": "https://bench.example.org/",
            "conference": {
                "acronym": "Bench2027",
                "title": "Benchmark camp",
                "start": start.date().isoformat(),
                "end": (start + timedelta(days=len(days) - 1)).date().isoformat(),
                "daysCount": len(days),
                "timeslot_duration": "00:10",
                "time_zone_name": "Europe/Berlin",
                "rooms": [{"name": f"Room {r + 1}"} for r in range(rooms)],
                "days": days,
            },
        }
    }


def fresh_database(db_arg: str | None, directory: Path, size: int) -> str:
    if not db_arg:
        return f"sqlite:///{directory}/import-{size}.db"
    return recreated_database(db_arg)


def run_import(app, path: Path, profile: bool = False) -> tuple[float, float]:  # noqa: ANN001
    """(wall-clock seconds, CPU seconds of this process: the import and SQLite, not other load)."""
    runner = app.test_cli_runner()
    profiler = cProfile.Profile() if profile else None
    began, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = runner.invoke(args=["import-schedule", str(path)])
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    if result.exit_code != 0:
        raise SystemExit(f"import failed: {result.output}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return elapsed, cpu


def measure(size: int, db_arg: str | None, directory: Path, profile: bool) -> tuple[tuple, tuple]:
    path = directory / f"schedule-{size}.json"
    path.write_text(json.dumps(schedule(size)))
    app = bench_app(fresh_database(db_arg, directory, size))
    with app.app_context():
        upgrade()
        first = run_import(app, path, profile)
        again = run_import(app, path)
        with db.engine.connect() as conn:
            sessions = conn.scalar(sa.text("SELECT count(*) FROM sessions"))
        if sessions != size:
            raise SystemExit(f"{size} talks imported as {sessions} sessions")
        db.session.remove()
        db.engine.dispose()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,4000,16000", help="comma-separated numbers of talks")
    parser.add_argument("--db", help="a PostgreSQL URL (dropped and recreated per size); default SQLite")
    parser.add_argument("--profile", type=int, help="profile the first import of this many talks")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory = Path(tempfile.mkdtemp(prefix="import-bench-"))
    if args.profile:
        measure(args.profile, args.db, directory, profile=True)
        return
    measure(200, args.db, directory, profile=False)  # warm-up: imports, zoneinfo, first connection
    rows = [(size, *measure(size, args.db, directory, profile=False)) for size in sizes]
    smallest, (first0, again0) = rows[0][0], rows[0][1:]
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}")
    print("         first import                     re-import (nothing changes)")
    print("  talks  wall s   CPU s  CPU ms/talk ratio  wall s   CPU s  CPU ms/talk ratio")
    for size, (wall, cpu), (wall_again, cpu_again) in rows:
        ratio = (cpu / size) / (first0[1] / smallest)
        ratio_again = (cpu_again / size) / (again0[1] / smallest)
        print(
            f"{size:>7} {wall:>7.2f} {cpu:>7.2f} {cpu / size * 1000:>12.3f} {ratio:>5.2f}"
            f" {wall_again:>7.2f} {cpu_again:>7.2f} {cpu_again / size * 1000:>12.3f} {ratio_again:>5.2f}"
        )
    print(f"ratio: CPU time per talk relative to {smallest} talks (linear growth keeps it near 1)")
    if args.db:
        print("(PostgreSQL's own CPU is in the wall time, not in the CPU time of this process)")


if __name__ == "__main__":
    main()
