"""Time zones: everything is stored in UTC and shown in the event's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def all_timezones() -> tuple[str, ...]:
    """The IANA zone names, sorted (from the tzdata package where the system has none)."""
    return tuple(
        sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    )


def is_valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local(dt: datetime, tzname: str) -> datetime:
    """An aware datetime converted into the named zone."""
    return dt.astimezone(ZoneInfo(tzname))


def from_local(naive: datetime, tzname: str) -> datetime:
    """A wall-clock time entered in the named zone, as aware UTC."""
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=ZoneInfo(tzname)).astimezone(UTC)


def local_date(dt: datetime, tzname: str) -> date:
    return local(dt, tzname).date()


def zone_label(tzname: str, at: datetime) -> str:
    """'America/New_York (EST)', or 'Asia/Bangkok (UTC+07:00)' where the zone has no abbreviation."""
    abbreviation = local(at, tzname).tzname() or ""
    if not abbreviation or abbreviation[0] in "+-":
        offset = local(at, tzname).strftime("%z")
        abbreviation = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{tzname} ({abbreviation})"


def isoformat(dt: datetime | None, tzname: str | None = None) -> str | None:
    """ISO 8601 with offset, in the named zone if given."""
    if dt is None:
        return None
    return (local(dt, tzname) if tzname else dt).isoformat()
