"""Reading registrations: by manage or feed token (constant-time compare), by event with filters, counts per session."""

from __future__ import annotations

import hmac
import re

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from conference.db import db
from conference.events.models import Event
from conference.events.queries import published_by_slug
from conference.registrations import search_index
from conference.registrations.models import (
    Question,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.seats import event_taken_and_capacity
from conference.sessions.models import Session, SessionStatus


def by_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    found = db.session.scalars(
        sa.select(Registration)
        .where(Registration.token == token)
        .options(
            selectinload(Registration.seats).joinedload(SessionSeat.session),
            selectinload(Registration.answers),
        )
    ).first()
    if found is None or not hmac.compare_digest(found.token.encode(), token.encode()):
        return None
    return found


def by_feed_token(feed_token: str) -> Registration | None:
    """The registration whose personal calendar feed has this token (never the manage token), with its
    event; None for an erased registration."""
    if not feed_token or len(feed_token) > 64:
        return None
    found = db.session.scalars(
        sa.select(Registration)
        .where(Registration.feed_token == feed_token, Registration.erased_at.is_(None))
        .options(joinedload(Registration.event))
    ).first()
    if found is None or not hmac.compare_digest(found.feed_token.encode(), feed_token.encode()):
        return None
    return found


_ACTIVE_QUESTIONS = (
    sa.select(Question)
    .where(Question.event_id == sa.bindparam("event_id"), Question.archived.is_(False))
    .order_by(Question.position, Question.id)
)


def active_questions(event: Event) -> list[Question]:
    """The questions the registration form and the API ask: not archived, and answerable."""
    return [q for q in db.session.scalars(_ACTIVE_QUESTIONS, {"event_id": event.id}) if q.answerable]


_EVENT_FOR_REGISTERING = published_by_slug(
    Event, sa.exists().where(Question.event_id == Event.id, Question.archived.is_(False))
)


def event_for_registering(slug: str) -> tuple[Event | None, bool]:
    """A published event by slug (`events.queries.public_event(details=False)`'s rule), and whether it has
    questions that are not archived, in one statement: the API's registrations read `active_questions`
    only then (most events ask none; a statement costs more CPU than most of what a registration does)."""
    row = db.session.execute(_EVENT_FOR_REGISTERING, {"slug": slug}).first()
    return (None, False) if row is None else (row[0], bool(row[1]))


def all_questions(event: Event) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id)
            .order_by(Question.archived, Question.position, Question.id)
        )
    )


def registrations_query(
    event: Event,
    status: str | None = None,
    session_id: int | None = None,
    mode: str | None = None,
    q: str = "",
) -> sa.Select:
    """The event's registrations, oldest first, filtered as the organiser list and the API filter them:
    by status, by a session chosen (not cancelled), by attendance mode, by name, email or check-in code
    (on SQLite from the FTS5 index's ids where they are few, as `registration_page`)."""
    ids = search_index.matching_ids(event.id, q, SEARCH_INDEX_FEW) if q else None
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event.id if ids is None else Registration.id.in_(ids))
        .options(
            selectinload(Registration.seats).joinedload(SessionSeat.session),
            selectinload(Registration.answers),
        )
        .order_by(Registration.created_at, Registration.id)
    )
    if status:
        query = query.where(Registration.status == status)
    if mode:
        query = query.where(Registration.attendance_mode == mode)
    if session_id:
        query = query.where(
            Registration.id.in_(
                sa.select(SessionSeat.registration_id).where(
                    SessionSeat.session_id == session_id, SessionSeat.status != SeatStatus.CANCELLED
                )
            )
        )
    if q and ids is None:
        query = query.where(matches(q))
    return query


# The organiser list's page size, and how many people a search shows at most (the check-in desk and the
# list's search alike: a search that finds more asks for more letters).
PER_PAGE = 50
SEARCH_CAP = 50
# On SQLite, how many matches the list reads by id from the FTS5 index; a word with more is common.
SEARCH_INDEX_FEW = 1000
# Only what the list and the check-in desk show: no seats, no answers, no tokens.
LIST_COLUMNS = (
    Registration.id,
    Registration.name,
    Registration.email,
    Registration.affiliation,
    Registration.attendance_mode,
    Registration.status,
    Registration.created_at,
    Registration.checked_in_at,
    Registration.checkin_code,
    Registration.erased_at,
)
CHECKIN_CODE = re.compile(r"[0-9A-F]{16}")


def _like(text: str) -> str:
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def matches(q: str) -> sa.ColumnElement[bool]:
    """Name or email contains `q` (ignoring case; `%` and `_` match themselves), or `q` is the check-in
    code. ILIKE '%...%' is what PostgreSQL's trigram indexes answer (migration 0018); on SQLite the list
    and the check-in desk look texts of three characters or more up in the FTS5 index of migration 0023
    (`search_index`), which finds the same rows."""
    pattern = _like(q)
    return sa.or_(
        Registration.name.ilike(pattern, escape="/"),
        Registration.email.ilike(pattern, escape="/"),
        Registration.checkin_code == q.upper(),
    )


def _filtered(
    among: sa.ColumnElement[bool], status: str | None, session_id: int | None, mode: str | None, q: str
) -> sa.Select:
    query = sa.select(*LIST_COLUMNS).where(among)
    if status:
        query = query.where(Registration.status == status)
    if mode:
        query = query.where(Registration.attendance_mode == mode)
    if session_id:
        query = query.where(
            Registration.id.in_(
                sa.select(SessionSeat.registration_id).where(
                    SessionSeat.session_id == session_id, SessionSeat.status != SeatStatus.CANCELLED
                )
            )
        )
    if q:
        query = query.where(matches(q))
    return query


def registration_page(
    event: Event,
    *,
    status: str | None = None,
    session_id: int | None = None,
    mode: str | None = None,
    q: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[list[sa.Row], bool]:
    """One page of the event's registrations (oldest first, the list's columns only) and whether another
    page follows: one query that reads one row more than the page instead of counting every match. On
    SQLite a search first asks the FTS5 index for the matches; if there are at most SEARCH_INDEX_FEW, the
    page is read from them by id (a rare word, or one nobody has, costs no scan); else the word is common
    and the event's rows in the list's order meet its matches soon."""
    ids = search_index.matching_ids(event.id, q, SEARCH_INDEX_FEW) if q else None
    if ids is None:
        query = _filtered(Registration.event_id == event.id, status, session_id, mode, q)
    elif not ids:
        return [], False
    else:  # the ids are the event's matches
        query = _filtered(Registration.id.in_(ids), status, None, mode, "")
        if session_id:  # a look-up per match in the (registration, session) key, not the session's seats
            query = query.where(
                sa.exists().where(
                    SessionSeat.registration_id == Registration.id,
                    SessionSeat.session_id == session_id,
                    SessionSeat.status != SeatStatus.CANCELLED,
                )
            )
    rows = db.session.execute(
        query.order_by(Registration.created_at, Registration.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    return rows[:per_page], len(rows) > per_page


def find_for_checkin(event: Event, q: str, cap: int = SEARCH_CAP) -> tuple[list[sa.Row], bool]:
    """The check-in desk's search: the registrant whose check-in code this is (one look-up in the code's
    unique index), else up to `cap` not-erased registrants whose name or email contains `q` (sorted by name), and
    whether there were more. Whatever the size of the event, one or two queries of at most cap + 1 rows."""
    alive = sa.and_(Registration.event_id == event.id, Registration.erased_at.is_(None))
    code = q.strip().upper()
    if CHECKIN_CODE.fullmatch(code):
        row = db.session.execute(
            sa.select(*LIST_COLUMNS).where(Registration.checkin_code == code, alive)
        ).first()
        if row is not None:
            return [row], False
    if search_index.indexed(q):
        # The FTS5 index in id order, as many entries as it takes (a code is no name: it was looked up).
        rows = search_index.first_matches(event.id, q, LIST_COLUMNS, cap + 1, alive=True)
    else:
        # The primary key's order: the scan stops at the cap, however common the word.
        rows = db.session.execute(
            sa.select(*LIST_COLUMNS).where(alive, matches(q)).order_by(Registration.id).limit(cap + 1)
        ).all()
    return sorted(rows[:cap], key=lambda row: (row.name.casefold(), row.id)), len(rows) > cap


# The counts every organiser page shows come from the seat counters where there is one (an event's seats per
# attendance mode, a session's seats: `conference.registrations.seats`, kept exact by the same UPDATEs that
# guarantee capacity; a confirmed registration is exactly one that holds its mode's event seat, a confirmed
# seat exactly one that took its session's seat) and otherwise from index ranges that hold only the rows
# counted (waiting lists, ended registrations, arrivals): nothing here reads every registration of an event.
_NOT_CONFIRMED = [s for s in RegistrationStatus if s != RegistrationStatus.CONFIRMED]


def _confirmed(event: Event) -> dict[RegistrationMode, int]:
    """Confirmed registrations per attendance mode: the event's seat counters."""
    return {mode: event_taken_and_capacity(event, mode)[0] for mode in RegistrationMode}


def status_counts(event: Event) -> dict[str, int]:
    """Registrations per status: confirmed from the seat counters, the others from the (event_id, status)
    index's ranges of those statuses."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id, Registration.status.in_(_NOT_CONFIRMED))
        .group_by(Registration.status)
    )
    counts = {s.value: 0 for s in RegistrationStatus}
    counts.update({RegistrationStatus(status).value: n for status, n in rows})
    counts[RegistrationStatus.CONFIRMED.value] = sum(_confirmed(event).values())
    return counts


def _waitlisted(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(SessionSeat.session_id, sa.func.count())
            .where(SessionSeat.session_id.in_(session_ids), SessionSeat.status == SeatStatus.WAITLISTED)
            .group_by(SessionSeat.session_id)
        ).all()
    )


def session_counts(event: Event) -> list[tuple[Session, int, int]]:
    """(session, confirmed, waitlisted) for each session that takes registrations: confirmed is the
    session's seat counter, waitlisted a count of the waiting list's index range."""
    sessions = [
        s
        for s in db.session.scalars(
            sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at, Session.id)
        )
        if s.registration_enabled
    ]
    waiting = _waitlisted([s.id for s in sessions])
    return [(s, s.seats_taken, waiting.get(s.id, 0)) for s in sessions]


def checkin_counts(event: Event) -> dict:
    """Who has arrived, for the check-in desk's live counter: confirmed registrations checked in and
    expected, in all, per attendance mode and per session (confirmed seats, cancelled sessions left out).
    Expected comes from the seat counters; arrivals from the index range of the confirmed registrations
    checked in (and their seats), so the work grows with the arrivals counted, never with the event."""
    from conference.labels import label

    arrived = sa.and_(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.checked_in_at.is_not(None),
        Registration.erased_at.is_(None),
    )
    checked = dict(
        db.session.execute(
            sa.select(Registration.attendance_mode, sa.func.count())
            .where(arrived)
            .group_by(Registration.attendance_mode)
        ).all()
    )
    sessions = db.session.execute(
        sa.select(Session.id, Session.title, Session.seats_taken)
        .where(
            Session.event_id == event.id,
            Session.registration_enabled,
            Session.status != SessionStatus.CANCELLED,
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
    checked_seats = dict(
        db.session.execute(
            sa.select(SessionSeat.session_id, sa.func.count())
            .join(Registration, Registration.id == SessionSeat.registration_id)
            .where(arrived, SessionSeat.status == SeatStatus.CONFIRMED)
            .group_by(SessionSeat.session_id)
        ).all()
    )
    expected = _confirmed(event)
    modes = [
        {
            "mode": mode.value,
            "label": label(mode),
            "checked_in": checked.get(mode, 0),
            "expected": expected[mode],
        }
        for mode in RegistrationMode
    ]
    return {
        "checked_in": sum(m["checked_in"] for m in modes),
        "expected": sum(m["expected"] for m in modes),
        "modes": modes,
        "sessions": [
            {"id": sid, "title": title, "checked_in": checked_seats.get(sid, 0), "expected": taken}
            for sid, title, taken in sessions
        ],
    }
