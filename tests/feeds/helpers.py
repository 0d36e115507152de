"""Helpers for feed tests: parse feeds with independent parsers, find ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from conference import ROOT

SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared (next to the repository); skip the test with a reason if it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared schemas/tools live next to the repository in ../shared")
    return path


def vevents(body: bytes) -> list:
    calendar = Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def by_summary(body: bytes) -> dict:
    return {str(v["SUMMARY"]): v for v in vevents(body)}


def ical_timeline(body: bytes) -> list:
    """Events as read by the independent PyPI `ical` parser (strict), with their UTC instants."""
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return list(calendar.events)
