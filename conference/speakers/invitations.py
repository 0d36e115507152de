"""Invitations of speakers: one message per person and event, through the outbox, folded like change notices.

Assigning a person who has an e-mail address to a session (session page, API, `import-schedule --invite`)
queues an invitation to that person for that event, unless the event holds its invitations (Speakers page).
The message (`conference.speakers.invitation_mail`) lists every session of theirs at the event (role, time in
the event's zone, place), the organiser's own message and their private link
(`conference.speakers.private_link`). It waits NOTICE_DELAY_SECONDS: more assignments of the same person at
the event within that time rewrite the waiting message in place (`conference.mail.outbox.rewrite_waiting`,
the fold of `conference.mail.notices`), and the wait starts again. A message a sender has claimed is never
rewritten: the next assignment writes a new invitation. A waiting invitation is also rewritten when one of
its sessions moves or is cancelled, or the person is taken out of one (withdrawn when nothing is left).
Organisers hear when a speaker declines. Where an assignment stands and which ones are public:
`conference.speakers.assignment_states`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from conference import signals
from conference.db import db, utcnow
from conference.events.models import Event
from conference.mail import notices, outbox
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.mail.notices.folding import still_waiting
from conference.sessions.models import Session, SessionStatus
from conference.speakers.assignment_states import settings_for
from conference.speakers.invitation_mail import render, render_declined
from conference.speakers.models import Assignment, AssignmentStatus, Invitation, Person
from conference.zones import mail_language


def event_assignments(event: Event, person: Person) -> list[Assignment]:
    """The person's assignments at the event (cancelled sessions left out), in time order."""
    return db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.session)
        .where(
            Assignment.person_id == person.id,
            Session.event_id == event.id,
            Session.status != SessionStatus.CANCELLED,
        )
        .order_by(Session.starts_at, Session.id)
    ).all()


def _waiting(event: Event, person: Person, now: datetime) -> Invitation | None:
    """The person's invitation for the event that may still be rewritten (unsent, unclaimed)."""
    return db.session.scalars(
        sa.select(Invitation)
        .join(OutboxMessage, OutboxMessage.id == Invitation.outbox_id)
        .where(
            Invitation.event_id == event.id,
            Invitation.person_id == person.id,
            still_waiting(now, Invitation.not_before),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    ).first()


def queue(event: Event, person: Person, *, now_: bool = False) -> list[Assignment]:
    """Write (or fold into the waiting one) the person's invitation for the event, in the caller's
    transaction; `now_`: it goes with the next send-mail (send or resend). Returns the assignments it lists
    (none, and nothing written, when the person has no address or nothing to be invited to)."""
    if not person.email:
        return []
    assignments = [a for a in event_assignments(event, person) if a.status != AssignmentStatus.DECLINED]
    if not assignments:
        return []
    now = utcnow()
    not_before = now if now_ else now + notices.delay()
    subject, body = render(event, person, assignments)
    waiting = _waiting(event, person, now)
    if waiting is not None and outbox.rewrite_waiting(
        waiting.outbox_id, waiting.not_before, subject=subject, body_text=body, next_attempt_at=not_before
    ):
        waiting.not_before = not_before
    else:
        message_id = outbox.write(
            "speaker_invitation",
            person.email,
            subject,
            body,
            event_id=event.id,
            language=person.mail_language or event.language,
        )
        outbox.schedule(message_id, not_before)
        db.session.add(
            Invitation(event_id=event.id, person_id=person.id, outbox_id=message_id, not_before=not_before)
        )
    for assignment in assignments:
        if assignment.status in (AssignmentStatus.NOT_INVITED, AssignmentStatus.INVITED):
            assignment.status = AssignmentStatus.INVITED
            assignment.invited_at = now
    db.session.flush()
    return assignments


def hold(event: Event, person: Person) -> bool:
    """Take back the person's waiting invitation for the event (False when none waits: sent or claimed);
    the assignments it listed that were not answered go back to "not invited"."""
    waiting = _waiting(event, person, utcnow() - timedelta(days=36500))
    if waiting is None or waiting.outbox_id is None:
        return False
    message = db.session.get(OutboxMessage, waiting.outbox_id)
    if message is None or message.next_attempt_at != waiting.not_before:
        return False
    outbox_id = waiting.outbox_id
    db.session.delete(waiting)
    db.session.flush()
    outbox.withdraw(outbox_id)
    earlier = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Invitation)
        .where(Invitation.event_id == event.id, Invitation.person_id == person.id)
    )
    if not earlier:
        for assignment in event_assignments(event, person):
            if assignment.status == AssignmentStatus.INVITED:
                assignment.status = AssignmentStatus.NOT_INVITED
                assignment.invited_at = None
    return True


def waiting_invitations(event: Event) -> set[int]:
    """Ids of the people whose invitation for the event still waits in the outbox (may be held)."""
    return set(
        db.session.scalars(
            sa.select(Invitation.person_id)
            .join(OutboxMessage, OutboxMessage.id == Invitation.outbox_id)
            .where(
                Invitation.event_id == event.id,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.attempts == 0,
                OutboxMessage.next_attempt_at == Invitation.not_before,
            )
        )
    )


# --- receivers --------------------------------------------------------------------------------------------


def person_assigned(
    assignment: Assignment, *, actor: object, session: Session, person: Person, changes: dict | None = None,
    invite: bool = True, **_: object,
) -> None:  # fmt: skip
    """A new assignment: invite the person (folded with their other assignments at the event)."""
    if changes is not None or not invite or not person.email:
        return
    event = session.event
    if settings_for(event).hold_invitations:
        return
    listed = queue(event, person)
    if listed:
        signals.speaker_invited.send(person, actor=actor, event=event, assignments=listed, resent=False)


def refresh_waiting(event: Event, person: Person) -> None:
    """Rewrite the person's waiting invitation for the event as things stand now (a session moved, or they were
    taken out of one), keeping its send time; withdraw it when nothing is left to invite them to."""
    waiting = _waiting(event, person, utcnow())
    if waiting is None or waiting.outbox_id is None:
        return
    assignments = [a for a in event_assignments(event, person) if a.status != AssignmentStatus.DECLINED]
    if not assignments:
        hold(event, person)
        return
    subject, body = render(event, person, assignments)
    outbox.rewrite_waiting(waiting.outbox_id, waiting.not_before, subject=subject, body_text=body)


def person_unassigned(session: Session, *, person: Person, **_rest: object) -> None:
    refresh_waiting(session.event, person)


def session_changed(session: Session, *, moved: bool = False, **_rest: object) -> None:
    if moved:
        for assignment in session.assignments:
            refresh_waiting(session.event, assignment.person)


def session_cancelled(session: Session, **_rest: object) -> None:
    for assignment in session.assignments:
        refresh_waiting(session.event, assignment.person)


def organiser_addresses(event: Event) -> list[str]:
    """The addresses of the event's owners and managers (check-in helpers are not told)."""
    from conference.auth.models import EventMember, TeamRole, User

    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(EventMember, EventMember.user_id == User.id)
            .where(
                EventMember.event_id == event.id,
                EventMember.role.in_((TeamRole.OWNER, TeamRole.MANAGER)),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def assignment_answered(
    assignment: Assignment, *, accepted: bool, note: str, by_organiser: bool, **_rest: object
) -> None:
    """A speaker declined on their page: the organisers hear of it (never the other speakers)."""
    if accepted or by_organiser:
        return
    session = assignment.session
    event = session.event
    person = assignment.person
    # In the event's language (the team's working language), not the declining speaker's page language.
    with force_locale(mail_language(event.language)):
        subject, body = render_declined(event, session, person, assignment, note)
    for address in organiser_addresses(event):
        outbox.write("speaker_declined", address, subject, body, event_id=event.id, language=event.language)


RECEIVERS = (
    (signals.person_assigned, person_assigned),
    (signals.person_unassigned, person_unassigned),
    (signals.session_changed, session_changed),
    (signals.session_cancelled, session_cancelled),
    (signals.assignment_answered, assignment_answered),
)


def connect() -> None:
    """Connect the receivers (idempotent)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
