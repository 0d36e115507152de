"""Reading registrations: by manage or feed token (constant-time compare), by event with filters, counts per session."""

from __future__ import annotations

import hmac
import re

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from conference.db import db
from conference.events.models import Event
from conference.registrations.models import (
    Question,
    Registration,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
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
    by status, by a session chosen (not cancelled), by attendance mode, by name, email or check-in code."""
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event.id)
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
    if q:
        query = query.where(matches(q))
    return query


# The organiser list's page size, and how many people a search shows at most (the check-in desk and the
# list's search alike: a search that finds more asks for more letters).
PER_PAGE = 50
SEARCH_CAP = 50
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
    code. ILIKE '%...%' is what PostgreSQL's trigram indexes answer (migration 0021)."""
    pattern = _like(q)
    return sa.or_(
        Registration.name.ilike(pattern, escape="/"),
        Registration.email.ilike(pattern, escape="/"),
        Registration.checkin_code == q.upper(),
    )


def _filtered(
    event: Event, status: str | None, session_id: int | None, mode: str | None, q: str
) -> sa.Select:
    query = sa.select(*LIST_COLUMNS).where(Registration.event_id == event.id)
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
    page follows. One query: it reads one row more than the page instead of counting every match."""
    rows = db.session.execute(
        _filtered(event, status, session_id, mode, q)
        .order_by(Registration.created_at, Registration.id)
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
    rows = db.session.execute(
        sa.select(*LIST_COLUMNS)
        .where(alive, matches(q))
        .order_by(Registration.id)  # the index's order: the scan stops at the cap, however common the word
        .limit(cap + 1)
    ).all()
    return sorted(rows[:cap], key=lambda row: (row.name.casefold(), row.id)), len(rows) > cap


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    counts = {s.value: 0 for s in RegistrationStatus}
    counts.update({status.value if hasattr(status, "value") else status: n for status, n in rows})
    return counts


def session_counts(event: Event) -> list[tuple[Session, int, int]]:
    """(session, confirmed, waitlisted) for each session that takes registrations."""
    sessions = list(
        db.session.scalars(
            sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at, Session.id)
        )
    )
    rows = db.session.execute(
        sa.select(SessionSeat.session_id, SessionSeat.status, sa.func.count())
        .join(Session)
        .where(Session.event_id == event.id)
        .group_by(SessionSeat.session_id, SessionSeat.status)
    )
    counts: dict[tuple[int, str], int] = {}
    for session_id, status, n in rows:
        counts[(session_id, status.value if hasattr(status, "value") else status)] = n
    return [
        (s, counts.get((s.id, "confirmed"), 0), counts.get((s.id, "waitlisted"), 0))
        for s in sessions
        if s.registration_enabled
    ]


def checkin_counts(event: Event) -> dict:
    """Who has arrived, for the check-in desk's live counter: confirmed registrations checked in and
    expected, in all, per attendance mode and per session (confirmed seats, cancelled sessions left out).
    Two grouped queries, whatever the number of registrants."""
    from conference.labels import label
    from conference.registrations.models import RegistrationMode

    arrived = Registration.checked_in_at.is_not(None)
    confirmed = sa.and_(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.erased_at.is_(None),
    )
    by_mode = {
        mode: (expected, checked or 0)
        for mode, expected, checked in db.session.execute(
            sa.select(
                Registration.attendance_mode,
                sa.func.count(),
                sa.func.sum(sa.case((arrived, 1), else_=0)),
            )
            .where(confirmed)
            .group_by(Registration.attendance_mode)
        )
    }
    sessions = db.session.execute(
        sa.select(
            Session.id,
            Session.title,
            Session.starts_at,
            sa.func.count(Registration.id),
            sa.func.sum(sa.case((arrived, 1), else_=0)),
        )
        .outerjoin(
            SessionSeat,
            sa.and_(SessionSeat.session_id == Session.id, SessionSeat.status == SeatStatus.CONFIRMED),
        )
        .outerjoin(Registration, sa.and_(Registration.id == SessionSeat.registration_id, confirmed))
        .where(
            Session.event_id == event.id,
            Session.registration_enabled,
            Session.status != SessionStatus.CANCELLED,
        )
        .group_by(Session.id, Session.title, Session.starts_at)
        .order_by(Session.starts_at, Session.id)
    ).all()
    modes = [
        {
            "mode": mode.value,
            "label": label(mode),
            "checked_in": by_mode.get(mode, (0, 0))[1],
            "expected": by_mode.get(mode, (0, 0))[0],
        }
        for mode in RegistrationMode
    ]
    return {
        "checked_in": sum(m["checked_in"] for m in modes),
        "expected": sum(m["expected"] for m in modes),
        "modes": modes,
        "sessions": [
            {"id": row[0], "title": row[1], "checked_in": row[4] or 0, "expected": row[3]} for row in sessions
        ],
    }
