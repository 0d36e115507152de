"""The organiser's timetable: for each local day of the event, a grid of start times x rooms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from conference.events.models import Event
from conference.sessions.models import Room, Session
from conference.timeutil import local


@dataclass
class TimetableRow:
    starts: time
    cells: list[list[Session]]


@dataclass
class TimetableDay:
    day: date
    rows: list[TimetableRow] = field(default_factory=list)


def build_timetable(
    event: Event, sessions: list[Session], rooms: list[Room]
) -> tuple[list[str | None], list[TimetableDay]]:
    """Columns (room names; None for 'no room' if a session has none) and the days, in the event's zone."""
    columns: list[Room | None] = list(rooms)
    if any(s.room_id is None for s in sessions):
        columns.append(None)
    index = {(room.id if room else None): n for n, room in enumerate(columns)}
    days: dict[date, dict[time, list[list[Session]]]] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        start = local(session.starts_at, event.timezone)
        row = days.setdefault(start.date(), {}).setdefault(start.time(), [[] for _ in columns])
        row[index.get(session.room_id, len(columns) - 1)].append(session)
    result = [
        TimetableDay(day, [TimetableRow(t, cells) for t, cells in sorted(rows.items())])
        for day, rows in sorted(days.items())
    ]
    return [room.name if room else None for room in columns], result
