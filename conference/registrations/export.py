"""The registrations CSV of an event, written row by row from Core queries (no ORM objects).

The registrations are read in batches of BATCH, the first of FIRST_BATCH (keyset on the list's order,
created_at then id, on its index), each batch's seats and answers with one query each: memory stays that of
one batch whatever the size of the event, and the first bytes leave before the last row is read. Headers and
values a person reads are in the organiser's page language; session titles and question labels in that
language where the event has a translation; times stay ISO 8601 (sortable); cells a spreadsheet would run as
a formula are neutralised."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

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


def _raw(column: sa.Column, type_: sa.types.TypeEngine) -> sa.ColumnElement:
    """The column as the driver gives it, without the model type's per-value Python conversion (an
    enum's member, an aware datetime): a plain string or a naive UTC datetime, formatted below."""
    return sa.type_coerce(column, type_).label(column.name)


# In the CSV's order. Times are naive UTC from the database: ISO 8601 with "+00:00", as the aware ones wrote.
_COLUMNS = (
    _REGISTRATIONS.id,
    _raw(_REGISTRATIONS.status, sa.String()),
    _REGISTRATIONS.name,
    _REGISTRATIONS.email,
    _REGISTRATIONS.affiliation,
    _REGISTRATIONS.country,
    _raw(_REGISTRATIONS.attendance_mode, sa.String()),
    _REGISTRATIONS.accessibility_needs,
    _raw(_REGISTRATIONS.created_at, sa.DateTime()),
    _raw(_REGISTRATIONS.checked_in_at, sa.DateTime()),
    _REGISTRATIONS.checkin_code,
)
# The first characters that make a spreadsheet run a cell as a formula.
_FORMULA = frozenset("=+-@\t\r")


def neutralise(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    if text[:1] in _FORMULA:
        return "'" + text
    return text


def _safe(text: str) -> str:
    """`neutralise` for a string read from the database (the registrant's own text)."""
    return "'" + text if text and text[0] in _FORMULA else text


def filename(event: Event) -> str:
    return f"{event.slug}-registrations.csv"


# The first batch is small, so the first rows leave at once (time to the first byte does not wait for a
# full batch); the others are BATCH long. Both statements are built once.
FIRST_BATCH = 100
_FIRST = (
    sa.select(*_COLUMNS)
    .where(_REGISTRATIONS.event_id == sa.bindparam("event_id"))
    .order_by(_REGISTRATIONS.created_at, _REGISTRATIONS.id)
    .limit(sa.bindparam("size", type_=sa.Integer()))
)
_NEXT = _FIRST.where(
    sa.tuple_(_REGISTRATIONS.created_at, _REGISTRATIONS.id)
    > sa.tuple_(
        sa.bindparam("after_created", type_=_REGISTRATIONS.created_at.type),
        sa.bindparam("after_id", type_=sa.Integer()),
    )
)


def _batches(connection: sa.Connection, event_id: int) -> Iterator[list[sa.Row]]:
    size = min(FIRST_BATCH, BATCH)
    rows = connection.execute(_FIRST, {"event_id": event_id, "size": size}).all()
    while rows:
        yield rows
        if len(rows) < size:
            return
        size = BATCH
        last = rows[-1]
        rows = connection.execute(
            _NEXT,
            {
                "event_id": event_id,
                "size": size,
                "after_created": last.created_at.replace(tzinfo=UTC),  # read naive, see _COLUMNS
                "after_id": last.id,
            },
        ).all()


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
        writerows = csv.writer(buffer).writerows
        # An answer's cell once per distinct stored JSON text (most answers repeat a few choices).
        cells: dict[str, str] = {}

        def answer(raw: str | None) -> str:
            if raw is None:
                return ""
            cell = cells.get(raw)
            if cell is None:
                if len(cells) >= 10_000:  # free texts, all different: memory stays bounded
                    cells.clear()
                cell = cells[raw] = neutralise(json.loads(raw))
            return cell

        for rows in _batches(connection, event_id):
            ids = [r[0] for r in rows]
            seats = _by_registration(connection, _SEATS_OF, ids) if session_ids else {}
            answers = _by_registration(connection, _ANSWERS_OF, ids) if question_ids else {}
            none: dict = {}
            out = []
            for rid, status, name, email, affiliation, country, mode, needs, created, checked, code in rows:
                mine, given = seats.get(rid, none), answers.get(rid, none)
                out.append(
                    [
                        rid,
                        labels[status],
                        _safe(name),
                        _safe(email),
                        _safe(affiliation),
                        _safe(country),
                        labels[mode],
                        _safe(needs),
                        created.isoformat() + "+00:00",
                        checked.isoformat() + "+00:00" if checked else "",
                        _safe(code),
                        *[labels[mine[s]] if s in mine else "" for s in session_ids],
                        *[answer(given.get(q)) for q in question_ids],
                    ]
                )
            writerows(out)
            yield _take(buffer)


# A batch's seats (session id, status) and answers (question id, stored JSON text), each in one query built
# once. The ids go in as one parameter: a PostgreSQL array (`= ANY(:ids)`; a thousand placeholders cost more
# to render and parse than the query takes), elsewhere an expanding IN list.
def _of_batch(table: sa.Table, key: sa.Column, value: sa.ColumnElement) -> dict[str, sa.Select]:
    query = sa.select(table.c.registration_id, key, value)
    ids = sa.bindparam("ids", type_=postgresql.ARRAY(sa.Integer()))
    return {
        "postgresql": query.where(table.c.registration_id == sa.any_(ids)),
        "other": query.where(table.c.registration_id.in_(sa.bindparam("ids", expanding=True))),
    }


_SEATS_OF = _of_batch(SessionSeat.__table__, _SEATS.session_id, _raw(_SEATS.status, sa.String()))
_ANSWERS_OF = _of_batch(Answer.__table__, _ANSWERS.question_id, sa.cast(_ANSWERS.value, sa.Text))


def _by_registration(
    connection: sa.Connection, queries: dict[str, sa.Select], ids: list[int]
) -> dict[int, dict]:
    """{registration id: {key: value}} of one batch's seats or answers, in one query."""
    query = queries.get(connection.dialect.name, queries["other"])
    found: dict[int, dict] = defaultdict(dict)
    for registration_id, key, value in connection.execute(query, {"ids": ids}).all():
        found[registration_id][key] = value
    return found


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
