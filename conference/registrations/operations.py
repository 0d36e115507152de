"""The organiser's operations on registrations: approve, reject, cancel, erase, check in; the registration
settings (opening times, capacities, waiting list, approval) and the organiser's questions; and the
registrant's request for their links again (lost link).

Organiser pages (and later the organiser API) call these. Each takes the acting user, refuses with
`OperationError` what the rules forbid, writes in one transaction (`serialized_write()`, the event row
locked first, then the registration's), sends its signal inside the transaction and commits once. The seat
rules themselves are `conference.registrations.capacity`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _

from conference import signals
from conference.db import db, utcnow
from conference.events.models import Event
from conference.mail import throttle
from conference.operations import OperationError, changed_values, check_capacity, transaction
from conference.registrations import capacity, mails
from conference.registrations.capacity import ENDED
from conference.registrations.models import (
    Question,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from conference.registrations.seats import MODE_COLUMNS, lock_event
from conference.sessions.models import Session

if TYPE_CHECKING:
    from conference.auth.models import User


class OperationErrors(OperationError):
    """Several refusals at once (a settings form with several fields): `errors` lists them."""

    def __init__(self, errors: list[OperationError]) -> None:
        super().__init__("; ".join(e.message for e in errors), errors[0].field if errors else None)
        self.errors = errors


def approve(actor: User | None, registration: Registration) -> None:
    """Approve a pending registration: its seats are allocated now, or it waits on the list."""
    with transaction():
        event, registration = capacity.lock(registration)
        if registration.status != RegistrationStatus.PENDING:
            raise OperationError(_("Only a registration that awaits approval can be approved."))
        capacity.approve_locked(event, registration)
        signals.registration_approved.send(registration, actor=actor)


def reject(actor: User | None, registration: Registration) -> None:
    with transaction():
        _event, registration = capacity.lock(registration)
        if registration.status != RegistrationStatus.PENDING:
            raise OperationError(_("Only a registration that awaits approval can be rejected."))
        capacity.reject_locked(registration)
        signals.registration_rejected.send(registration, actor=actor)


def cancel_registration(actor: User | None, registration: Registration) -> list[Registration]:
    """Cancel a registration (mail "cancelled by the organisers"); its seats go to the waiting list."""
    with transaction():
        event, registration = capacity.lock(registration)
        if registration.status in ENDED:
            raise OperationError(_("This registration is cancelled already."))
        mail = None if registration.erased_at else "cancelled_by_organiser"
        promoted = capacity.cancel_locked(event, registration, mail)
        signals.registration_cancelled.send(registration, actor=actor, promoted=promoted)
    return promoted


def erase(actor: User | None, registration: Registration) -> None:
    """Delete a registration's personal data (see `capacity.erase`); erasing twice changes nothing."""
    with transaction():
        event, registration = capacity.lock(registration)
        if registration.erased_at is not None:
            return
        capacity.erase_locked(event, registration)
        signals.registration_erased.send(registration, actor=actor)


def check_in(actor: User | None, registration: Registration) -> bool:
    """Mark a confirmed registrant as arrived; False when already checked in."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise OperationError(
            _(
                "%(name)s is not confirmed (%(status)s).",
                name=registration.name,
                status=registration.status.value,
            )
        )
    with transaction():
        done = capacity.mark_checked_in(registration)
        if done:
            signals.registration_checked_in.send(registration, actor=actor)
    db.session.refresh(registration)
    return done


def set_preferences(actor: User | None, registration: Registration, *, language: str, timezone: str) -> bool:
    """Set the language and IANA time zone every mail to the registrant is written in (the registrant on
    their manage page, `actor` None). Refuses a language not in LANGUAGES and an unknown zone; False when
    nothing changed."""
    from conference.zones import known_language, known_zone

    if not known_language(language):
        raise OperationError(_("Choose a language from the list."), "language")
    if not known_zone(timezone):
        raise OperationError(_("Choose a time zone from the list."), "timezone")
    with transaction():
        _event, registration = capacity.lock(registration)
        if (registration.language, registration.timezone) == (language, timezone):
            return False
        registration.language = language
        registration.timezone = timezone
        registration.updated_at = utcnow()
    return True


def undo_check_in(actor: User | None, registration: Registration) -> bool:
    """Take back a check-in made by mistake (the wrong person, a double tap); False when the registrant
    was not checked in. Announces `registration_check_in_undone` with the time it had recorded."""
    with transaction():
        table = Registration.__table__
        was = db.session.execute(
            sa.select(table.c.checked_in_at).where(table.c.id == registration.id).with_for_update()
        ).scalar_one_or_none()
        done = False
        if was is not None:
            result = db.session.execute(
                sa.update(table)
                .where(table.c.id == registration.id, table.c.checked_in_at.is_not(None))
                .values(checked_in_at=None)
            )
            done = result.rowcount == 1
        if done:
            signals.registration_check_in_undone.send(registration, actor=actor, checked_in_at=was)
    db.session.refresh(registration)
    return done


# --- settings --------------------------------------------------------------------------------------------


def update_settings(
    actor: User | None,
    event: Event,
    *,
    enabled: bool,
    opens_at: datetime | None,
    closes_at: datetime | None,
    capacities: dict[RegistrationMode, int | None],
    waitlist: bool,
    approval: bool,
    session_capacities: dict[int, int | None] | None = None,
) -> None:
    """Save an event's registration settings and its sessions' capacities in one transaction. A capacity
    below the seats taken is refused (every refusal is reported, `OperationErrors`); a larger one promotes
    the waiting list, through the same signals and receivers as the session form."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise OperationErrors(
            [OperationError(_("Closing must come after opening."), "registration_closes_at")]
        )
    session_capacities = session_capacities or {}
    with transaction():
        event = lock_event(event.id)
        sessions = {
            s.id: s
            for s in db.session.scalars(
                sa.select(Session)
                .where(Session.event_id == event.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        }
        errors: list[OperationError] = []
        for mode, new in capacities.items():
            taken_column, capacity_column = MODE_COLUMNS[mode]
            try:
                check_capacity(new, getattr(event, taken_column), capacity_column)
            except OperationError as error:
                errors.append(error)
        for session_id, new in session_capacities.items():
            if session_id not in sessions:
                errors.append(OperationError(_("No such session."), str(session_id)))
                continue
            try:
                check_capacity(new, sessions[session_id].seats_taken, str(session_id))
            except OperationError as error:
                errors.append(error)
        if errors:
            raise OperationErrors(errors)
        settings = {
            "registration_enabled": enabled,
            "registration_opens_at": opens_at,
            "registration_closes_at": closes_at,
            "waitlist_enabled": waitlist,
            "approval_required": approval,
        }
        changed_settings = changed_values(event, settings)
        for name, value in settings.items():
            setattr(event, name, value)
        changed_modes = []
        for mode, new in capacities.items():
            column = MODE_COLUMNS[mode][1]
            if getattr(event, column) != new:
                changed_modes.append((mode, getattr(event, column), new))
                setattr(event, column, new)
        changed_sessions = []
        for session_id, new in session_capacities.items():
            session = sessions[session_id]
            if session.capacity != new:
                changed_sessions.append((session, session.capacity, new))
                session.capacity = new
        db.session.flush()
        if changed_settings:
            signals.settings_changed.send(
                event, actor=actor, action="settings.changed", subject_type="settings", subject_id=event.id,
                label=event.title, changes=changed_settings,
            )  # fmt: skip
        # The event's seats first (those promoted there may take session seats), then each session's.
        for mode, old, new in changed_modes:
            signals.event_capacity_changed.send(event, actor=actor, mode=mode, old=old, new=new)
        for session, old, new in changed_sessions:
            signals.session_capacity_changed.send(session, actor=actor, old=old, new=new)


# --- questions -------------------------------------------------------------------------------------------


def _question_changed(
    actor: User | None, event: Event, action: str, question: Question, changes: dict
) -> None:
    signals.settings_changed.send(
        event, actor=actor, action=action, subject_type="question", subject_id=question.id, label=question.label,
        changes=changes,
    )  # fmt: skip


def save_question(
    actor: User | None,
    event: Event,
    question: Question | None,
    *,
    label: str,
    help_text: str,
    kind: QuestionKind,
    required: bool,
    options: list[str],
    translations: dict | None = None,
) -> Question:
    """Add a question to the registration form, or change one. Answers given before keep the label and
    value they were given with. `translations`: its label, help text and choices in other languages than
    the event's (conference/translations.py); None keeps them."""
    if translations is not None:
        from conference.events.operations import checked_translations

        checked_translations("question", translations, event.language)
    new = question is None
    if question is None:
        position = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Question.position), 0)).where(
                Question.event_id == event.id
            )
        )
        question = Question(event_id=event.id, position=position + 1)
        db.session.add(question)
    values = {
        "label": label.strip(),
        "help_text": help_text.strip(),
        "kind": kind,
        "required": required,
        "options": options if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) else [],
    }
    if translations is not None:
        values["translations"] = translations
    changes = (
        {name: (None, value) for name, value in values.items()} if new else changed_values(question, values)
    )
    for name, value in values.items():
        setattr(question, name, value)
    db.session.flush()
    if changes:
        _question_changed(actor, event, "question.added" if new else "question.changed", question, changes)
    db.session.commit()
    return question


def move_question(actor: User | None, question: Question, ordered: list[Question], step: int) -> None:
    """Move a question one place up (step -1) or down (+1) among the event's active questions."""
    if question in ordered:
        i = ordered.index(question)
        j = i + step
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
        old = question.position
        for position, q in enumerate(ordered, start=1):
            q.position = position
        if question.position != old:
            _question_changed(
                actor,
                db.session.get(Event, question.event_id),
                "question.moved",
                question,
                {"position": (old, question.position)},
            )
    db.session.commit()


def archive_question(actor: User | None, question: Question, archived: bool = True) -> None:
    """Retire a question (its answers are kept) or ask it again."""
    if question.archived != archived:
        action = "question.archived" if archived else "question.restored"
        event = db.session.get(Event, question.event_id)
        _question_changed(actor, event, action, question, {"archived": (question.archived, archived)})
    question.archived = archived
    db.session.commit()


def mail_manage_links(email: str) -> None:
    """The lost-link request of a registrant: mail the manage link of each of the address's live registrations
    (`email` normalised to lower case), at most once per LINK_MAIL_INTERVAL_SECONDS for the address (all its
    registrations). Says nothing of whether the address is registered: the page answers the same either way."""
    with transaction():
        # Locked (PostgreSQL) before the address's mail record, in the order registering takes them
        # (registration, then record), so that a repeat registration at the same time cannot deadlock.
        found = db.session.scalars(
            sa.select(Registration)
            .where(
                sa.func.lower(Registration.email) == email,
                Registration.status != RegistrationStatus.CANCELLED,
                Registration.erased_at.is_(None),
            )
            .order_by(Registration.id)
            .with_for_update()
        ).all()
        if found and throttle.claim(email):
            for registration in found:
                mails.queue(registration, "manage_link")
