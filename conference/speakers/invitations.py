"""Invitations of speakers: one message per person and event, through the outbox, folded like change notices.

Assigning a person who has an e-mail address to a session (session page, API, `import-schedule --invite`)
queues an invitation to that person for that event, unless the event holds its invitations (Speakers page).
The message lists every session of theirs at the event (role, time in the event's zone, place), the
organiser's own message and their private link `/speaking/<token>/`. It waits NOTICE_DELAY_SECONDS: more
assignments of the same person at the event within that time rewrite the waiting message in place
(`conference.mail.outbox.rewrite_waiting`, the fold of `conference.mail.notices`), and the wait starts again.
A message a sender has claimed is never rewritten: the next assignment writes a new invitation. A waiting
invitation is also rewritten when one of its sessions moves or is cancelled, or the person is taken out of
one (withdrawn when nothing is left).

The speaker's link: `speaker_selector` (16 hex characters, not secret) finds the person, the rest of the token
(256 bits) is compared with `hmac.compare_digest`. The secret is kept (not only a hash) because every later
invitation and the renewal mail carry the same link; renewing makes a new selector and secret, and the old
link answers 404 at once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import signals, translations
from conference.db import db, utcnow
from conference.events.models import Event
from conference.mail import notices, outbox
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, AssignmentStatus, Invitation, Person, SpeakerSettings
from conference.urls import absolute_url_for
from conference.zones import mail_language, when

SELECTOR_LENGTH = 16  # hex characters (64 bits, not secret: it finds the row)
_DUMMY_SECRET = "x" * 43


# --- the speaker's link -----------------------------------------------------------------------------------


def new_link(person: Person) -> str:
    """Give the person a new private link (the old one stops working); returns the token. Caller commits."""
    person.speaker_selector = secrets.token_hex(SELECTOR_LENGTH // 2)
    person.speaker_secret = secrets.token_urlsafe(32)
    return token_of(person)


def token_of(person: Person) -> str:
    """The person's token, made on first use."""
    if not person.speaker_selector or not person.speaker_secret:
        return new_link(person)
    return person.speaker_selector + person.speaker_secret


def person_for_token(token: str) -> Person | None:
    """The person whose link this is, or None (compared in constant time; unknown selectors compare too)."""
    if not isinstance(token, str) or not (SELECTOR_LENGTH + 16 <= len(token) <= 120) or not token.isascii():
        return None
    selector, secret = token[:SELECTOR_LENGTH], token[SELECTOR_LENGTH:]
    person = db.session.scalars(sa.select(Person).where(Person.speaker_selector == selector)).first()
    expected = person.speaker_secret if person is not None and person.speaker_secret else _DUMMY_SECRET
    if hmac.compare_digest(expected.encode(), secret.encode()) and person is not None:
        return person
    return None


def speaking_url(person: Person) -> str:
    return absolute_url_for("speakers.speaking", token=token_of(person))


# --- settings and states ----------------------------------------------------------------------------------


def settings_for(event: Event) -> SpeakerSettings:
    """The event's speaker settings (defaults, not added to the session, when it has none yet)."""
    found = event.speaker_settings
    if found is None:
        found = SpeakerSettings(
            event_id=event.id,
            invitation_message="",
            instructions="",
            confirmed_only=False,
            hold_invitations=False,
        )
    return found


def reply_days(event: Event) -> int:
    days = settings_for(event).reply_days
    return days if days is not None else int(current_app.config.get("SPEAKER_REPLY_DAYS", 7))


def overdue(assignment: Assignment, days: int, now: datetime | None = None) -> bool:
    """Invited, no answer, and the invitation is older than `days` days."""
    now = now or utcnow()
    return (
        assignment.status == AssignmentStatus.INVITED
        and assignment.invited_at is not None
        and assignment.invited_at <= now - timedelta(days=days)
    )


def state_text(assignment: Assignment, days: int, now: datetime | None = None) -> str:
    """What the organiser reads for an assignment: its status, or "no reply after N days"."""
    from conference.labels import label

    if overdue(assignment, days, now):
        return _("No reply after %(days)s days", days=days)
    if assignment.status == AssignmentStatus.ACCEPTED and assignment.confirmed_by_organiser:
        return _("Confirmed by an organiser")
    return label(assignment.status)


def is_public(assignment: Assignment, settings: SpeakerSettings | None = None) -> bool:
    """Whether the assignment shows on public pages: never when declined; with the event's "confirmed only"
    setting, only once accepted (by the speaker, or confirmed by an organiser)."""
    if assignment.status == AssignmentStatus.DECLINED:
        return False
    if settings is None:  # the event's settings as stored (no defaults object made per assignment)
        settings = assignment.session.event.speaker_settings
    confirmed_only = settings is not None and settings.confirmed_only
    return not confirmed_only or assignment.status == AssignmentStatus.ACCEPTED


def public_condition(event_id_column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL for `is_public` (the event's settings joined by `event_id_column`)."""
    confirmed_only = (
        sa.select(SpeakerSettings.confirmed_only)
        .where(SpeakerSettings.event_id == event_id_column)
        .scalar_subquery()
    )
    return sa.and_(
        Assignment.status != AssignmentStatus.DECLINED,
        sa.or_(
            sa.func.coalesce(confirmed_only, sa.false()).is_(sa.false()),
            Assignment.status == AssignmentStatus.ACCEPTED,
        ),
    )


# --- the message ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    assignment: Assignment
    when: str
    where: str


def place_text(session: Session) -> str:
    event = session.event
    parts = [session.room.name] if session.room else []
    if event.venue_name:
        parts.append(translations.text(event, "venue_name"))
    if event.attendance_mode.value != "in_person":
        parts.append(_("online"))
    return ", ".join(parts)


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


def render(event: Event, person: Person, assignments: list[Assignment]) -> tuple[str, str]:
    """(subject, body) of the invitation, in the person's language where they gave one, else the event's (the
    one its speakers are known to read; never the language of the organiser's page that happened to queue it),
    titles and venue included; each time in the event's zone and, where they gave theirs and it differs, in
    their own."""
    with force_locale(mail_language(person.mail_language or event.language)):
        return _render(event, person, assignments)


def _render(event: Event, person: Person, assignments: list[Assignment]) -> tuple[str, str]:
    settings = settings_for(event)
    lines = [
        Line(
            a,
            when(a.session.starts_at, a.session.ends_at, event.timezone, person.timezone or None),
            place_text(a.session),
        )
        for a in assignments
    ]
    body = render_template(
        "mail/speaker_invitation.txt",
        person=person,
        event=event,
        message=settings.invitation_message.strip(),
        lines=lines,
        link=speaking_url(person),
        site_name=current_app.config["SITE_NAME"],
    )
    subject = _("Invitation to speak: %(event)s", event=translations.text(event, "title"))
    return subject, body


def _waiting(event: Event, person: Person, now: datetime) -> Invitation | None:
    """The person's invitation for the event that may still be rewritten (unsent, unclaimed)."""
    return db.session.scalars(
        sa.select(Invitation)
        .join(OutboxMessage, OutboxMessage.id == Invitation.outbox_id)
        .where(
            Invitation.event_id == event.id,
            Invitation.person_id == person.id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at == Invitation.not_before,
            Invitation.not_before > now,
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
        subject, body = _declined(event, session, person, assignment, note)
    for address in organiser_addresses(event):
        outbox.write("speaker_declined", address, subject, body, event_id=event.id, language=event.language)


def _declined(
    event: Event, session: Session, person: Person, assignment: Assignment, note: str
) -> tuple[str, str]:
    body = render_template(
        "mail/speaker_declined.txt",
        person=person,
        event=event,
        session=session,
        assignment=assignment,
        note=note,
        when=when(session.starts_at, session.ends_at, event.timezone),
        url=absolute_url_for("organise.edit_session", slug=event.slug, session_id=session.id),
        site_name=current_app.config["SITE_NAME"],
    )
    subject = _(
        "Declined: %(name)s, %(session)s", name=person.name, session=translations.text(session, "title")
    )
    return subject, body


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
