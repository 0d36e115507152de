"""The registrations CSV of an event, written row by row from Core queries (no ORM objects).

The registrations are read in batches of BATCH (keyset on the list's order, created_at then id, on its
index), each batch's seats and answers with one query each: memory stays that of one batch whatever the
size of the event, and the first bytes leave before the last row is read. Headers and values a person
reads are in the organiser's page language; session titles and question labels in that language where the
event has a translation; times stay ISO 8601 (sortable); cells a spreadsheet would run as a formula are
neutralised.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from conference import translations
from conference.db import db
from conference.events.models import Event
from conference.labels import label
from conference.registrations.models import (
    Answer,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.queries import all_questions, session_counts

BATCH = 1000

_REGISTRATIONS = Registration.__table__.c
_SEATS = SessionSeat.__table__.c
_ANSWERS = Answer.__table__.c
_COLUMNS = (
    _REGISTRATIONS.id,
    _REGISTRATIONS.status,
    _REGISTRATIONS.name,
    _REGISTRATIONS.email,
    _REGISTRATIONS.affiliation,
    _REGISTRATIONS.country,
    _REGISTRATIONS.attendance_mode,
    _REGISTRATIONS.accessibility_needs,
    _REGISTRATIONS.created_at,
    _REGISTRATIONS.checked_in_at,
    _REGISTRATIONS.checkin_code,
)


def neutralise(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def filename(event: Event) -> str:
    return f"{event.slug}-registrations.csv"


def _batches(connection: sa.Connection, event_id: int) -> Iterator[list[sa.Row]]:
    query = (
        sa.select(*_COLUMNS)
        .where(_REGISTRATIONS.event_id == event_id)
        .order_by(_REGISTRATIONS.created_at, _REGISTRATIONS.id)
        .limit(BATCH)
    )
    after: tuple | None = None
    while True:
        page = (
            query
            if after is None
            else query.where(sa.tuple_(_REGISTRATIONS.created_at, _REGISTRATIONS.id) > after)
        )
        rows = connection.execute(page).all()
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        after = (rows[-1].created_at, rows[-1].id)


def csv_chunks(event: Event) -> Iterator[str]:
    """The CSV in pieces of one batch each, the header (with a BOM, for spreadsheets) first.

    The header is written at once (in the caller's request: its language, the event's sessions and
    questions); the rows when the server first asks for them, in an application context of their own (its own
    database session, closed after the last row) and the same language. Nothing runs for a response that is
    never read, and no request context has to outlive its request."""
    questions = all_questions(event)
    sessions = [s for s, _c, _w in session_counts(event)]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(
        [
            _("Registration ID"),
            _("Status"),
            _("Name"),
            _("Email"),
            _("Affiliation"),
            _("Country"),
            _("Attendance"),
            _("Accessibility needs"),
            _("Registered at"),
            _("Checked in at"),
            _("Check-in code"),
        ]
        + [_("Session: %(title)s", title=translations.text(s, "title")) for s in sessions]
        + [_("Question: %(label)s", label=translations.text(q, "label")) for q in questions]
    )
    header = "\ufeff" + buffer.getvalue()
    return _chunks(
        current_app._get_current_object(),
        header,
        event.id,
        [s.id for s in sessions],
        [q.id for q in questions],
        str(get_locale()),
    )


def _chunks(
    app: Flask, header: str, event_id: int, session_ids: list[int], question_ids: list[int], locale: str
) -> Iterator[str]:
    yield header
    with app.app_context(), force_locale(locale):
        # Each enum's labels once, in the language of the page (a gettext per cell cost 40% of the time).
        labels = {member: label(member) for kind in (RegistrationStatus, RegistrationMode, SeatStatus)
                  for member in kind}  # fmt: skip
        connection = db.session.connection()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for rows in _batches(connection, event_id):
            ids = [r.id for r in rows]
            seats = _by_registration(connection, _SEATS.session_id, _SEATS.status, ids) if session_ids else {}
            answers = (
                _by_registration(connection, _ANSWERS.question_id, _ANSWERS.value, ids)
                if question_ids
                else {}
            )
            for r in rows:
                row = [
                    r.id,
                    labels[r.status],
                    r.name,
                    r.email,
                    r.affiliation,
                    r.country,
                    labels[r.attendance_mode],
                    r.accessibility_needs,
                    r.created_at.isoformat(),
                    r.checked_in_at.isoformat() if r.checked_in_at else "",
                    r.checkin_code,
                ]
                mine, given = seats.get(r.id, {}), answers.get(r.id, {})
                row += [labels[mine[s]] if s in mine else "" for s in session_ids]
                row += [given.get(q, "") for q in question_ids]
                writer.writerow([neutralise(cell) for cell in row])
            yield _take(buffer)


def _by_registration(
    connection: sa.Connection, key: sa.Column, value: sa.Column, ids: list[int]
) -> dict[int, dict[object, object]]:
    """{registration id: {key: value}} of one batch's seats (session id: status) or answers (question id:
    value), in one query."""
    table = key.table
    found: dict[int, dict[object, object]] = defaultdict(dict)
    for registration_id, k, v in connection.execute(
        sa.select(table.c.registration_id, key, value).where(table.c.registration_id.in_(ids))
    ):
        found[registration_id][k] = v
    return found


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
