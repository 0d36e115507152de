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
from conference.registrations.models import Answer, Registration, SessionSeat
from conference.registrations.queries import all_questions, session_counts

BATCH = 1000

_COLUMNS = (
    Registration.id,
    Registration.status,
    Registration.name,
    Registration.email,
    Registration.affiliation,
    Registration.country,
    Registration.attendance_mode,
    Registration.accessibility_needs,
    Registration.created_at,
    Registration.checked_in_at,
    Registration.checkin_code,
)


def neutralise(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def filename(event: Event) -> str:
    return f"{event.slug}-registrations.csv"


def _batches(event_id: int) -> Iterator[list[sa.Row]]:
    query = (
        sa.select(*_COLUMNS)
        .where(Registration.event_id == event_id)
        .order_by(Registration.created_at, Registration.id)
        .limit(BATCH)
    )
    after: tuple | None = None
    while True:
        page = (
            query
            if after is None
            else query.where(sa.tuple_(Registration.created_at, Registration.id) > after)
        )
        rows = db.session.execute(page).all()
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
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for rows in _batches(event_id):
            seats, answers = _seats_and_answers([r.id for r in rows], bool(session_ids), bool(question_ids))
            for r in rows:
                row = [
                    r.id,
                    label(r.status),
                    r.name,
                    r.email,
                    r.affiliation,
                    r.country,
                    label(r.attendance_mode),
                    r.accessibility_needs,
                    r.created_at.isoformat(),
                    r.checked_in_at.isoformat() if r.checked_in_at else "",
                    r.checkin_code,
                ]
                mine, given = seats.get(r.id, {}), answers.get(r.id, {})
                row += [label(mine[s]) if s in mine else "" for s in session_ids]
                row += [given.get(q, "") for q in question_ids]
                writer.writerow([neutralise(cell) for cell in row])
            yield _take(buffer)


def _seats_and_answers(
    ids: list[int], with_seats: bool, with_answers: bool
) -> tuple[dict[int, dict[int, object]], dict[int, dict[int, object]]]:
    """{registration id: {session id: seat status}} and {registration id: {question id: answer}} of a batch."""
    seats: dict[int, dict[int, object]] = defaultdict(dict)
    if with_seats:
        for registration_id, session_id, status in db.session.execute(
            sa.select(SessionSeat.registration_id, SessionSeat.session_id, SessionSeat.status).where(
                SessionSeat.registration_id.in_(ids)
            )
        ):
            seats[registration_id][session_id] = status
    answers: dict[int, dict[int, object]] = defaultdict(dict)
    if with_answers:
        for registration_id, question_id, value in db.session.execute(
            sa.select(Answer.registration_id, Answer.question_id, Answer.value).where(
                Answer.registration_id.in_(ids)
            )
        ):
            answers[registration_id][question_id] = value
    return seats, answers


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
