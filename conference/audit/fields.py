"""How the audit page shows an entry's fields: the one table of field labels, and each stored value as a
person reads it (times in the event's zone with Babel, enum values by their labels from `conference.labels`,
an empty capacity as "no limit"). The API keeps the raw names and values (`queries.entry_json`).

The tables are built once at import with lazy strings; `changes()` formats one entry's before/after in
Python, so the template only loops (a macro rebuilding a dict per call was a measured hot spot).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from conference.audit.models import AuditEntry
from conference.auth.models import TeamRole
from conference.db import db
from conference.events.models import AttendanceMode, Event, EventKind, EventStatus, Series
from conference.labels import label
from conference.registrations.models import QuestionKind, RegistrationStatus
from conference.sessions.models import SessionKind, SessionStatus
from conference.speakers.models import Role

# Every field name an entry's before/after may hold (see conference/audit/receivers.py), with its label.
FIELDS: Mapping[str, LazyString] = {
    # events
    "title": _l("Title"),
    "kind": _l("Kind"),
    "timezone": _l("Time zone"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "attendance_mode": _l("Attendance"),
    "online_url": _l("Online link"),
    "reply_to": _l("Replies to mail go to"),
    "venue_name": _l("Venue"),
    "venue_address": _l("Address"),
    "city": _l("City"),
    "country": _l("Country"),
    "hashtag": _l("Hashtag"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "slug": _l("Web address"),
    "series_id": _l("Series"),
    "organisations": _l("Hosts and partners"),
    "publications": _l("Publications"),
    "status": _l("Status"),
    "copied_from": _l("Copied from"),
    "language": _l("Language"),
    "translations": _l("Translations"),
    # registration settings and capacities
    "registration_enabled": _l("Registration"),
    "registration_opens_at": _l("Registration opens"),
    "registration_closes_at": _l("Registration closes"),
    "waitlist_enabled": _l("Waiting list"),
    "approval_required": _l("Approval required"),
    "capacity_in_person": _l("Seats in person"),
    "capacity_online": _l("Seats online"),
    # sessions and the people in them
    "room": _l("Room"),
    "capacity": _l("Seats"),
    "session": _l("Session"),
    "role": _l("Role"),
    "position": _l("Position"),
    # people
    "name": _l("Name"),
    "email": _l("E-mail"),
    "affiliation": _l("Affiliation"),
    "bio": _l("Biography"),
    "links": _l("Links"),
    "mail_language": _l("Language of our mails"),
    "merged": _l("Merged"),
    # registration questions
    "label": _l("Question"),
    "help_text": _l("Help text"),
    "required": _l("Required"),
    "options": _l("Options"),
    "archived": _l("Retired"),
}
# A field whose meaning depends on what the entry is about: (subject type, field) -> its label there.
SUBJECT_FIELDS: Mapping[tuple[str, str], LazyString] = {
    ("person", "position"): _l("Position"),
    ("question", "position"): _l("Order"),
    ("room", "position"): _l("Order"),
    ("session", "registration_enabled"): _l("Registration for it"),
}
# Stored enum values by what the entry is about and the field: (subject type, field) -> the enum.
ENUMS: Mapping[tuple[str, str], type[enum.Enum]] = {
    ("event", "kind"): EventKind,
    ("event", "status"): EventStatus,
    ("event", "attendance_mode"): AttendanceMode,
    ("session", "kind"): SessionKind,
    ("session", "status"): SessionStatus,
    ("person", "role"): Role,
    ("team", "role"): TeamRole,
    ("question", "kind"): QuestionKind,
    ("registration", "status"): RegistrationStatus,
}
TIMES = frozenset({"starts_at", "ends_at", "registration_opens_at", "registration_closes_at"})
CAPACITIES = frozenset({"capacity", "capacity_in_person", "capacity_online"})
LONG_TEXT = frozenset({"description", "summary", "bio", "help_text"})
LONG = 120  # a longer text is shortened on the page (the API has it whole)


@dataclass(frozen=True)
class Change:
    """One field of an entry as the page shows it; `before` None: the entry has no earlier value."""

    label: str
    before: str | None
    after: str | None
    removed: bool = False


def field_label(subject_type: str, name: str) -> str:
    text = SUBJECT_FIELDS.get((subject_type, name)) or FIELDS.get(name)
    return str(text) if text is not None else name


def _when(value: str, timezone: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    locale = get_locale()
    local = moment.astimezone(ZoneInfo(timezone))
    pattern = locale.datetime_formats["medium"] if locale is not None else "{1}, {0}"
    return pattern.replace("'", "").format(
        format_time(local.time(), "short", locale=locale), format_date(local.date(), "medium", locale=locale)
    )


def _shown(subject_type: str, name: str, value: object, timezone: str) -> str:
    if value is None:
        return _("no limit") if name in CAPACITIES else "—"
    if name == "series_id" and isinstance(value, int):
        series = db.session.get(Series, value)
        return series.title if series is not None else str(value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    enum_cls = ENUMS.get((subject_type, name))
    if enum_cls is not None and isinstance(value, str):
        try:
            return label(enum_cls(value))
        except ValueError:
            return value
    if name in TIMES and isinstance(value, str):
        return _when(value, timezone)
    if isinstance(value, list):
        parts = [str(v.get("url") or v.get("label") or "") if isinstance(v, dict) else str(v) for v in value]
        return ", ".join(p for p in parts if p) or "—"
    text = str(value)
    if name in LONG_TEXT and len(text) > LONG:
        return text[:LONG].rstrip() + "…"
    return text


def changes(entry: AuditEntry, event: Event) -> list[Change]:
    """The entry's fields, labelled, with before and after as a person reads them (times in the event's zone)."""
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    shown = []
    for name in names:
        shown.append(
            Change(
                label=field_label(entry.subject_type, name),
                before=_shown(entry.subject_type, name, before[name], event.timezone)
                if name in before
                else None,
                after=_shown(entry.subject_type, name, after.get(name), event.timezone)
                if name in after
                else None,
                removed=name not in after,
            )
        )
    return shown
