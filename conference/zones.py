"""Times as a person reads them: in the event's zone and, where it differs, in their own.

One formatter for mail and pages: `time_range` ("10:00–11:30 EST · 00:00–01:30 KST, next day") and
`when` (the same with the day in front), Babel-formatted for the current locale (pages: the page's, mail:
the recipient's under `force_locale`). The names of the zones: `abbreviation` (tzdata's EST, KST, JST;
"UTC+07:00" where the zone has none) and `zone_name` (Babel's "Korean Standard Time", in the locale).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from babel.dates import format_date, format_time, get_timezone_name
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.timeutil import all_timezones, local

# Longer than any IANA name (the longest is 32 characters): anything longer is refused unread.
MAX_ZONE_LENGTH = 64


@cache
def _zone_set() -> frozenset[str]:
    return frozenset((*all_timezones(), "UTC"))


def known_zone(value: object) -> str | None:
    """`value` if it is one of the IANA zones offered (the select's list, or UTC), else None: never raises,
    whatever comes (control characters, very long strings, non-strings)."""
    if not isinstance(value, str) or not value or len(value) > MAX_ZONE_LENGTH:
        return None
    return value if value in _zone_set() else None


def zone_choices() -> tuple[str, ...]:
    """The zones a person may choose, sorted: UTC first, then the IANA names."""
    return ("UTC", *all_timezones())


def abbreviation(zone: str, at: datetime) -> str:
    """tzdata's abbreviation at that moment (EST or EDT, KST), or 'UTC+07:00' where it has none."""
    moment = local(at, zone)
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        offset = moment.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}"
    return name


def zone_name(zone: str, at: datetime) -> str:
    """Babel's name of the zone at that moment in the current locale ("Korean Standard Time", "韓国標準時")."""
    return get_timezone_name(local(at, zone), "long", locale=_locale())


def _locale() -> str:
    locale = get_locale() if has_app_context() else None
    return str(locale or "en")


def same_clock(zone: str, other: str, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the two zones show the same wall-clock times for this span (Tokyo and Seoul do)."""
    return all(local(t, zone).utcoffset() == local(t, other).utcoffset() for t in (starts_at, ends_at))


def _clock(starts_at: datetime, ends_at: datetime | None, zone: str, locale: str) -> str:
    """'10:00 AM – 11:30 AM' in the zone; the end's date in front of its time when the span is longer than
    12 hours and ends on another day (a three-day meeting; not a session past midnight)."""
    start = local(starts_at, zone)
    text = format_time(start.time(), "short", locale=locale)
    if ends_at is None:
        return text
    end = local(ends_at, zone)
    end_text = format_time(end.time(), "short", locale=locale)
    if end.date() != start.date() and end - start > timedelta(hours=12):
        end_text = f"{format_date(end.date(), 'medium', locale=locale)}, {end_text}"
        if abbreviation(zone, starts_at) != abbreviation(zone, ends_at):  # summer time begins or ends
            text = f"{text} {abbreviation(zone, starts_at)}"
    return f"{text}\u2013{end_text}"


def _day_note(starts_at: datetime, zone: str, other: str, locale: str) -> str:
    """How the other zone's day differs from the event zone's at the start: next day, previous day, a date."""
    days = (local(starts_at, other).date() - local(starts_at, zone).date()).days
    if days == 0:
        return ""
    if days == 1:
        return _("next day")
    if days == -1:
        return _("previous day")
    return format_date(local(starts_at, other).date(), "medium", locale=locale)


def time_range(
    starts_at: datetime,
    ends_at: datetime | None,
    zone: str,
    other: str | None = None,
    *,
    name_zone: bool = True,
) -> str:
    """'10:00 AM – 11:30 AM EST · 12:00 AM – 1:30 AM KST, next day': the span in `zone` (the event's) and,
    where `other` shows other clock times, in `other` with the day change. `name_zone=False` leaves out the
    event zone's abbreviation when `other` adds nothing (pages without a chosen zone, as before)."""
    return _time_range(starts_at, ends_at, zone, other, name_zone, _locale())


def when(starts_at: datetime, ends_at: datetime | None, zone: str, other: str | None = None) -> str:
    """The day (in `zone`) and `time_range`: 'Tuesday, December 1, 2026, 10:00 AM – 11:30 AM EST · …'."""
    return _when(starts_at, ends_at, zone, other, _locale())


# A span is written the same way every time for the same inputs and language, and the same few spans come
# again and again (an event's dates in every registrant's mail, a programme's time slots on every page): each
# is formatted once per worker. The language is part of the key; the catalogues do not change while a
# process runs.
_SPANS = 16384


@lru_cache(maxsize=_SPANS)
def _time_range(
    starts_at: datetime, ends_at: datetime | None, zone: str, other: str | None, name_zone: bool, locale: str
) -> str:
    end = ends_at or starts_at
    text = _clock(starts_at, ends_at, zone, locale)
    if not other or other == zone or same_clock(zone, other, starts_at, end):
        return f"{text} {abbreviation(zone, end)}" if name_zone else text
    other_text = f"{_clock(starts_at, ends_at, other, locale)} {abbreviation(other, end)}"
    note = _day_note(starts_at, zone, other, locale)
    if note:
        other_text = _("%(times)s, %(day)s", times=other_text, day=note)
    return f"{text} {abbreviation(zone, end)} \u00b7 {other_text}"


@lru_cache(maxsize=_SPANS)
def _when(starts_at: datetime, ends_at: datetime | None, zone: str, other: str | None, locale: str) -> str:
    from conference.i18n import format_day  # the one way a day is written (Japanese 2026年12月28日(月))

    day = format_day(local(starts_at, zone).date(), "full", locale=locale)
    return _("%(day)s, %(times)s", day=day, times=_time_range(starts_at, ends_at, zone, other, True, locale))


# --- a country's zone --------------------------------------------------------------------------------


def _zone_tab() -> str:
    try:
        return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        return path.read_text(encoding="utf-8") if path.exists() else ""


@cache
def _country_zones() -> dict[str, str]:
    """Country code -> its first zone in tzdata's zone.tab (the most populous region's: US -> New York)."""
    zones: dict[str, str] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and known_zone(fields[2]):
            zones.setdefault(fields[0], fields[2])
    return zones


def country_zone(country: str) -> str | None:
    """The zone a registrant in this country most likely lives in (None for an unknown country)."""
    return _country_zones().get((country or "").upper())


def suggested_zone(country: str, event_zone: str) -> str:
    """A registrant's zone when they chose none: their country's, else the event's."""
    return country_zone(country) or event_zone


# --- a person's language -----------------------------------------------------------------------------


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def default_language() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def known_language(value: object) -> str | None:
    """`value` if it is one of LANGUAGES, else None."""
    return value if isinstance(value, str) and value in languages() else None


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name): English, 日本語, 한국어, ไทย."""
    from babel import Locale

    return [(code, Locale.parse(code).get_display_name(code) or code) for code in languages()]


def offset_label(zone: str, at: datetime | None = None) -> str:
    """'Asia/Seoul (UTC+09:00)': a zone as the selects list it."""
    at = at or datetime.now().astimezone()
    offset = local(at, zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{zone.replace('_', ' ')} (UTC{sign}{hours:02d}:{rest:02d})"


def zone_options() -> tuple[tuple[str, str], ...]:
    """(zone, 'Asia/Seoul (UTC+09:00)') for every zone offered, with the offsets of this hour."""
    now = datetime.now().astimezone()
    return _zone_options(now.replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=2)
def _zone_options(hour: datetime) -> tuple[tuple[str, str], ...]:
    return tuple((zone, offset_label(zone, hour)) for zone in zone_choices())


def page_language() -> str:
    """The language the current page is shown in (one of LANGUAGES), or the site's default."""
    return known_language(str(get_locale() or "")) or default_language()


def mail_language(language: str | None) -> str:
    """The language a mail is written in: the person's where it is one of LANGUAGES, else the default."""
    return known_language(language) or default_language()
