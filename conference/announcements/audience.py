"""Who an announcement goes to: the audience rules, one place for the organiser page, the API and sending.

An audience is a JSON object (stored with the announcement, sent by the API):

    {"status": ["confirmed"],          registration statuses (default: confirmed only)
     "mode": "in_person" | "online",   attendance mode (absent or null: both)
     "sessions": [12, 13],             registered for at least one of these sessions (seat not cancelled)
     "checked_in": true | false,       checked in at the door, or not (absent or null: either)
     "question": {"id": 7, "answer": "Vegetarian"}}   answered this (a choice, a country code, true/false)

Every rule narrows the audience. Registrations whose personal data was erased, and those that unsubscribed
from the event's announcements, are never in one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from conference import translations
from conference.announcements.models import AnnouncementOptOut
from conference.db import db
from conference.events.models import Event
from conference.inputs import MAX_ROW_ID
from conference.labels import label
from conference.registrations.models import (
    Answer,
    Question,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.sessions.models import Session

KEYS = ("status", "mode", "sessions", "checked_in", "question")
QUESTION_KEYS = ("id", "answer")
# Questions an audience can be chosen by: their answers are one of a few values.
CHOICE_QUESTIONS = (
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.CHECKBOX,
    QuestionKind.COUNTRY,
)
MAX_SESSIONS = 200


class AudienceErrors(Exception):
    """The audience cannot be used: {key: [what to fix]} (keys as in the JSON: "status", "question.id")."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Audience:
    statuses: tuple[RegistrationStatus, ...] = (RegistrationStatus.CONFIRMED,)
    mode: RegistrationMode | None = None
    session_ids: tuple[int, ...] = ()
    checked_in: bool | None = None
    question_id: int | None = None
    answer: str | bool | None = None
    # The sessions and question named, as found in the event (for the description).
    sessions: tuple[Session, ...] = field(default=(), compare=False)
    question: Question | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        value: dict = {"status": [status.value for status in self.statuses]}
        if self.mode is not None:
            value["mode"] = self.mode.value
        if self.session_ids:
            value["sessions"] = list(self.session_ids)
        if self.checked_in is not None:
            value["checked_in"] = self.checked_in
        if self.question_id is not None:
            value["question"] = {"id": self.question_id, "answer": self.answer}
        return value


def parse(event: Event, raw: object) -> Audience:
    """The audience `raw` (JSON) describes within `event`; AudienceErrors saying what to fix otherwise."""
    errors: dict[str, list[str]] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise AudienceErrors({"audience": [_("The audience must be a JSON object.")]})
    for key in raw:
        if key not in KEYS:
            errors.setdefault(str(key)[:60], []).append(
                _("Unknown audience rule. Use: %(keys)s.", keys=", ".join(KEYS))
            )
    statuses = _statuses(raw.get("status", ["confirmed"]), errors)
    mode = _mode(raw.get("mode"), errors)
    sessions = _sessions(event, raw.get("sessions", []), errors)
    checked_in = raw.get("checked_in")
    if checked_in is not None and not isinstance(checked_in, bool):
        errors.setdefault("checked_in", []).append(_("Use true, false or null."))
        checked_in = None
    question, answer = _question(event, raw.get("question"), errors)
    if errors:
        raise AudienceErrors(errors)
    return Audience(
        statuses=statuses,
        mode=mode,
        session_ids=tuple(s.id for s in sessions),
        checked_in=checked_in,
        question_id=question.id if question is not None else None,
        answer=answer,
        sessions=tuple(sessions),
        question=question,
    )


def _statuses(value: object, errors: dict) -> tuple[RegistrationStatus, ...]:
    known = [status.value for status in RegistrationStatus]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        errors.setdefault("status", []).append(
            _("Give a list of one or more statuses: %(values)s.", values=", ".join(known))
        )
        return ()
    wrong = [v for v in value if v not in known]
    if wrong:
        errors.setdefault("status", []).append(
            _(
                "Unknown status %(value)s. Use: %(values)s.",
                value=repr(wrong[0])[:60],
                values=", ".join(known),
            )
        )
        return ()
    return tuple(RegistrationStatus(v) for v in dict.fromkeys(value))


def _mode(value: object, errors: dict) -> RegistrationMode | None:
    if value is None:
        return None
    known = [mode.value for mode in RegistrationMode]
    if not isinstance(value, str) or value not in known:
        errors.setdefault("mode", []).append(_("Use one of %(values)s, or null.", values=", ".join(known)))
        return None
    return RegistrationMode(value)


def _sessions(event: Event, value: object, errors: dict) -> list[Session]:
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > MAX_SESSIONS
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ROW_ID for v in value)
    ):
        errors.setdefault("sessions", []).append(
            _("Give a list of at most %(n)s session ids (whole numbers).", n=MAX_SESSIONS)
        )
        return []
    wanted = list(dict.fromkeys(value))
    found = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Session).where(Session.event_id == event.id, Session.id.in_(wanted))
        )
    }
    missing = [v for v in wanted if v not in found]
    if missing:
        errors.setdefault("sessions", []).append(
            _("This event has no session with the id %(id)s.", id=missing[0])
        )
        return []
    return [found[v] for v in wanted]


def answer_values(question: Question) -> list[str | bool]:
    """The answers an audience can be chosen by for this question."""
    if question.kind == QuestionKind.CHECKBOX:
        return [True, False]
    if question.kind == QuestionKind.COUNTRY:
        return sorted(
            {
                value
                for value in db.session.scalars(
                    sa.select(Answer.value).where(Answer.question_id == question.id)
                )
                if isinstance(value, str) and value
            }
        )
    return list(question.options or [])


def _question(event: Event, value: object, errors: dict) -> tuple[Question | None, str | bool | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        errors.setdefault("question", []).append(_('Give {"id": <question id>, "answer": <answer>}.'))
        return None, None
    for key in value:
        if key not in QUESTION_KEYS:
            errors.setdefault(f"question.{str(key)[:60]}", []).append(_("Unknown key: use id and answer."))
    question_id = value.get("id")
    if not isinstance(question_id, int) or isinstance(question_id, bool) or not 0 < question_id <= MAX_ROW_ID:
        errors.setdefault("question.id", []).append(_("Give the question's id (a whole number)."))
        return None, None
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        errors.setdefault("question.id", []).append(
            _("This event has no question with the id %(id)s.", id=question_id)
        )
        return None, None
    if question.kind not in CHOICE_QUESTIONS:
        errors.setdefault("question.id", []).append(
            _(
                "Choose a question with choices, a checkbox or a country: text answers cannot choose an audience."
            )
        )
        return None, None
    answer = value.get("answer")
    if question.kind == QuestionKind.CHECKBOX:
        if not isinstance(answer, bool):
            errors.setdefault("question.answer", []).append(
                _("This question is a checkbox: use true or false.")
            )
            return None, None
    elif not isinstance(answer, str) or not answer or len(answer) > 300:
        errors.setdefault("question.answer", []).append(_("Give the answer as text."))
        return None, None
    elif question.kind != QuestionKind.COUNTRY and answer not in (question.options or []):
        errors.setdefault("question.answer", []).append(
            _("Use one of the question's choices: %(choices)s.", choices=", ".join(question.options or []))
        )
        return None, None
    return question, answer


# --- who is in it ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    registration_id: int
    email: str
    language: str
    token: str


def _query(event: Event, audience: Audience) -> sa.Select:
    query = (
        sa.select(Registration.id, Registration.email, Registration.language, Registration.token)
        .where(
            Registration.event_id == event.id,
            Registration.erased_at.is_(None),
            Registration.status.in_(audience.statuses),
            ~sa.exists().where(AnnouncementOptOut.registration_id == Registration.id),
        )
        .order_by(Registration.id)
    )
    if audience.mode is not None:
        query = query.where(Registration.attendance_mode == audience.mode)
    if audience.checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif audience.checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    if audience.session_ids:
        query = query.where(
            sa.exists().where(
                SessionSeat.registration_id == Registration.id,
                SessionSeat.session_id.in_(audience.session_ids),
                SessionSeat.status != SeatStatus.CANCELLED,
            )
        )
    if audience.question_id is not None:
        query = query.where(
            sa.exists().where(
                Answer.registration_id == Registration.id, Answer.question_id == audience.question_id
            )
        )
    return query


def _answered(audience: Audience) -> set[int]:
    """The registrations whose answer to the audience's question is its answer (the value is JSON: a string,
    a list of strings or a boolean; compared here, alike on every database)."""
    wanted = audience.answer
    chosen = set()
    rows = db.session.execute(
        sa.select(Answer.registration_id, Answer.value).where(Answer.question_id == audience.question_id)
    )
    for registration_id, value in rows:
        if isinstance(wanted, bool):
            hit = value is wanted
        elif isinstance(value, list):
            hit = wanted in value
        else:
            hit = value == wanted
        if hit:
            chosen.add(registration_id)
    return chosen


def recipients(event: Event, audience: Audience) -> list[Recipient]:
    """Everyone the announcement goes to now, in registration order."""
    rows = db.session.execute(_query(event, audience)).all()
    if audience.question_id is not None:
        answered = _answered(audience)
        rows = [row for row in rows if row.id in answered]
    return [Recipient(row.id, row.email, row.language, row.token) for row in rows]


def count(event: Event, audience: Audience) -> int:
    if audience.question_id is not None:
        return len(recipients(event, audience))
    return int(
        db.session.scalar(sa.select(sa.func.count()).select_from(_query(event, audience).subquery())) or 0
    )


# --- what it is called -------------------------------------------------------------------------------------


def answer_label(answer: str | bool | None) -> str:
    if answer is True:
        return _("yes")
    if answer is False:
        return _("no")
    return str(answer or "")


def describe(audience: Audience) -> str:
    """The audience in words, in the current locale: "Confirmed · in person · registered for: Panel 1"."""
    parts = [", ".join(label(status) for status in audience.statuses)]
    if audience.mode is not None:
        parts.append(label(audience.mode))
    if audience.sessions:
        titles = ", ".join(str(translations.text(s, "title")) for s in audience.sessions)
        parts.append(
            ngettext("registered for the session: %(titles)s", "registered for one of the sessions: %(titles)s",
                     len(audience.sessions), titles=titles)
        )  # fmt: skip
    if audience.checked_in is True:
        parts.append(_("checked in"))
    elif audience.checked_in is False:
        parts.append(_("not checked in"))
    if audience.question is not None:
        parts.append(
            _("answered “%(answer)s” to “%(question)s”",
              answer=answer_label(audience.answer), question=translations.text(audience.question, "label"))
        )  # fmt: skip
    return " · ".join(parts)
