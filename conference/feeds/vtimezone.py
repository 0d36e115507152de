"""VTIMEZONE components in the RRULE form, computed from the zoneinfo database.

Why not icalendar's `add_missing_timezones()`: it writes one RDATE per past transition, and
Thunderbird's parser (ical.js) reads such lists wrongly (a Berlin summer event comes out an hour
off). Here every observance is one DTSTART plus, where the transitions repeat year after year on
the same rule ("last Sunday of March at 02:00"), a yearly RRULE. Transitions that follow no weekday
rule become observances of their own (a single DTSTART, no RDATE list).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAY = timedelta(days=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _State:
    offset: timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class _Transition:
    at: datetime  # UTC instant
    before: _State
    after: _State

    @property
    def local_start(self) -> datetime:
        """The wall-clock time of the transition, in the offset in force before it (naive)."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    def rule_candidates(self) -> set[int]:
        """Which "n-th weekday of the month" this transition falls on: n in 1..4 and/or -1 (last)."""
        local = self.local_start
        candidates = {(local.day - 1) // 7 + 1}
        if local.day + 7 > calendar.monthrange(local.year, local.month)[1]:
            candidates.add(-1)
        return {c for c in candidates if c <= 4 or c == -1}

    def shape(self) -> tuple:
        local = self.local_start
        return (self.before, self.after, local.month, local.weekday(), local.time())


def _state(zone: ZoneInfo, instant: datetime) -> _State:
    local = instant.astimezone(zone)
    return _State(local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or "")


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[_Transition]:
    """Every change of offset, DST flag or name between two UTC instants, to the minute."""
    found: list[_Transition] = []
    cursor, state = start, _state(zone, start)
    while cursor < end:
        step = min(cursor + _DAY, end)
        next_state = _state(zone, step)
        if next_state != state:
            low, high = cursor, step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    break
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(_Transition(high, state, next_state))
            state = next_state
        cursor = step
    return found


def _observance(kind: type, transition: _Transition, rrule: dict | None) -> object:
    observance = kind()
    observance.add("dtstart", transition.local_start)
    observance.add("tzoffsetfrom", transition.before.offset)
    observance.add("tzoffsetto", transition.after.offset)
    if transition.after.name:
        observance.add("tzname", transition.after.name)
    if rrule:
        observance.add("rrule", rrule)
    return observance


@lru_cache(maxsize=256)
def vtimezone_bytes(tzid: str, first_year: int, last_year: int) -> bytes:
    """The serialised VTIMEZONE for `tzid`, correct for every instant from `first_year` to `last_year`."""
    return build_vtimezone(tzid, first_year, last_year).to_ical()


def build_vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    zone = ZoneInfo(tzid)
    # One year of margin each side: the observance in force on 1 January started the year before.
    start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 2, 1, 1, tzinfo=UTC)
    transitions = _transitions(zone, start, end)
    timezone = Timezone()
    timezone.add("tzid", tzid)

    if not transitions:
        state = _state(zone, start)
        fixed = _Transition(datetime(1970, 1, 1, tzinfo=UTC) - state.offset, state, state)
        timezone.add_component(_observance(TimezoneDaylight if state.dst else TimezoneStandard, fixed, None))
        return timezone

    # Group the transitions of each kind (to DST / to standard) into runs that share one yearly rule.
    runs: list[list[_Transition]] = []
    open_runs: dict[tuple, tuple[list[_Transition], set[int]]] = {}
    for transition in transitions:
        key = transition.shape()
        candidates = transition.rule_candidates()
        current = open_runs.get(key)
        if current is not None:
            run, allowed = current
            common = allowed & candidates
            consecutive = transition.local_start.year == run[-1].local_start.year + 1
            if common and consecutive:
                run.append(transition)
                open_runs[key] = (run, common)
                continue
        run = [transition]
        runs.append(run)
        # A new run of this shape (or another shape) ends older runs that had the same target state.
        for other_key in [
            k for k, (r, _) in open_runs.items() if r[-1].after == transition.after and k != key
        ]:
            del open_runs[other_key]
        open_runs[key] = (run, candidates)

    for run in runs:
        kind = TimezoneDaylight if run[0].after.dst else TimezoneStandard
        allowed = _common_candidates(run)
        # A rule still in force at the end of the range stays open-ended; older rules end with UNTIL.
        open_ended = run[-1].local_start.year >= last_year + 1
        if not allowed or (len(run) == 1 and not open_ended):
            for transition in run:
                timezone.add_component(_observance(kind, transition, None))
            continue
        nth = max(allowed) if max(allowed) > 0 else -1
        local = run[0].local_start
        rrule: dict = {
            "freq": "yearly",
            "bymonth": local.month,
            "byday": f"{nth}{_WEEKDAYS[local.weekday()]}",
        }
        if not open_ended:
            rrule["until"] = run[-1].at
        timezone.add_component(_observance(kind, run[0], rrule))
    return timezone


def _common_candidates(run: list[_Transition]) -> set[int]:
    allowed = run[0].rule_candidates()
    for transition in run[1:]:
        allowed &= transition.rule_candidates()
    return allowed
