"""Notices of an event cancelled.

Who: every registrant holding or waiting for a seat (an active registration, or one the cancellation
itself withdrew: the receivers of `event_cancelled` may run in either order), and every person assigned
to one of its sessions who has an e-mail address; one notice per address (registrants first). Only for
events that were ever published. The notice lists the person's sessions (those not cancelled before) and
carries one calendar (`METHOD:CANCEL`) with each of them as in the feeds (same UID, the revision the
cancellation raised as SEQUENCE), or the event's own entry when they have no session; made when it is sent.
It waits NOTICE_DELAY_SECONDS like a session's: restoring the event before then takes it back.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import translations
from conference.db import db, utcnow
from conference.events.models import Event, EventStatus
from conference.mail import outbox
from conference.mail.models import OutboxMessage
from conference.mail.notices.recipients import ACTIVE, REGISTRANT_COLUMNS, Recipient, delay
from conference.mail.notices.render import CalendarEntry, manage_link, organizer, when_text, without_own_link
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, Person
from conference.zones import mail_language

EVENT_CANCELLED = "event_cancelled"


def event_registrations(event_id: int) -> sa.ColumnElement[bool]:
    """Registrations a cancellation of the event concerns: active, or withdrawn by that cancellation."""
    return sa.and_(
        Registration.event_id == event_id,
        Registration.erased_at.is_(None),
        sa.or_(
            Registration.status.in_(ACTIVE),
            sa.and_(Registration.withdrawn.is_(True), Registration.status == RegistrationStatus.CANCELLED),
        ),
    )


def event_recipients(event: Event) -> list[Recipient]:
    """Everyone the cancellation notice of the event goes to, one per address (registrants first)."""
    rows = db.session.execute(
        sa.select(*REGISTRANT_COLUMNS).where(event_registrations(event.id)).order_by(Registration.id)
    ).all()
    people = db.session.execute(
        sa.select(Person.email, Person.name)
        .join(Assignment, Assignment.person_id == Person.id)
        .join(Session, Session.id == Assignment.session_id)
        .where(Session.event_id == event.id, Person.email.is_not(None), Person.email != "")
        .order_by(Session.starts_at, Session.id, Assignment.position, Assignment.id)
    ).all()
    found: dict[str, Recipient] = {}
    for email, name, registration_id, language, timezone in rows:
        found.setdefault(email.lower(), Recipient(email, name, registration_id, language, timezone))
    for email, name in people:
        found.setdefault(email.lower(), Recipient(email, name, None, event.language))
    return list(found.values())


def event_counts(event: Event) -> tuple[int, int]:
    """(registrants, speakers) the event's cancellation notice would reach."""
    found = event_recipients(event)
    registrants = sum(1 for r in found if r.registration_id is not None)
    return registrants, len(found) - registrants


def their_sessions(event_id: int, address: str) -> list[Session]:
    """The sessions of the event (not cancelled on their own) in which `address` holds or waited for a
    seat, or is assigned; in programme order."""
    address = address.lower()
    seats = (
        sa.select(SessionSeat.session_id)
        .join(Registration, Registration.id == SessionSeat.registration_id)
        .where(
            event_registrations(event_id),
            sa.func.lower(Registration.email) == address,
            sa.or_(SessionSeat.status != SeatStatus.CANCELLED, SessionSeat.withdrawn.is_(True)),
        )
    )
    assigned = (
        sa.select(Assignment.session_id)
        .join(Person, Person.id == Assignment.person_id)
        .where(sa.func.lower(Person.email) == address)
    )
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.event_id == event_id,
                Session.status != SessionStatus.CANCELLED,
                sa.or_(Session.id.in_(seats), Session.id.in_(assigned)),
            )
            .order_by(Session.starts_at, Session.id)
        )
    )


def _event_when(event: Event, reader_zone: str = "") -> str:
    return when_text(event.starts_at, event.ends_at, event.timezone, reader_zone)


def _render_event(event: Event, recipient: Recipient) -> tuple[str, str]:
    with force_locale(mail_language(recipient.language)):
        return _render_event_in_language(event, recipient)


def _render_event_in_language(event: Event, recipient: Recipient) -> tuple[str, str]:
    sessions = their_sessions(event.id, recipient.address)
    zone = recipient.timezone
    context = {
        "name": recipient.name,
        "event": event,
        "when": _event_when(event, zone),
        "place": ", ".join(
            p for p in (translations.text(event, "venue_name"), translations.text(event, "city")) if p
        ),
        "sessions": [
            (
                translations.text(s, "title"),
                when_text(s.starts_at, s.ends_at, event.timezone, zone),
                s.room.name if s.room else None,
            )
            for s in sessions
        ],
        "registrant": recipient.registration_id is not None,
        "site_name": current_app.config["SITE_NAME"],
    }
    link = manage_link(recipient)
    if link is not None:
        context["manage_url"] = link
    body = render_template("mail/event_cancelled.txt", **context)
    return _("Cancelled: %(event)s", event=translations.text(event, "title")), body


def send_event_notices(event: Event) -> int:
    """Tell everyone the event touches that it is cancelled: one message per address in the outbox, waiting
    NOTICE_DELAY_SECONDS; in the caller's transaction. Returns how many were written."""
    if event.first_published_at is None:
        return 0
    now = utcnow()
    not_before = now + delay()
    attachment = outbox.generated("cancel.ics", "text/calendar", EVENT_CANCELLED)
    told = 0
    for recipient in event_recipients(event):
        subject, body = _render_event(event, recipient)
        message_id = outbox.write(
            EVENT_CANCELLED,
            recipient.address,
            subject,
            body,
            event_id=event.id,
            registration_id=recipient.registration_id,
            attachments=[attachment],
            language=recipient.language,
        )
        # created_at and the first attempt a delay apart mark the message as still waiting (see restore).
        db.session.execute(
            sa.update(OutboxMessage.__table__)
            .where(OutboxMessage.__table__.c.id == message_id)
            .values(created_at=now, next_attempt_at=not_before)
        )
        told += 1
    return told


def event_invitation(event: Event, address: str) -> bytes:
    """The calendar of an event's cancellation notice to `address`: METHOD:CANCEL with each of their sessions'
    entries as in the feeds (STATUS:CANCELLED, the feeds' UID and SEQUENCE), or the event's own entry."""
    from conference.feeds.entries import calendar_bytes, event_vevent, session_vevent

    sessions = their_sessions(event.id, address)
    vevents = [session_vevent(s) for s in sessions] or [event_vevent(event)]
    bodies = []
    for vevent in vevents:
        vevent["STATUS"] = "CANCELLED"
        vevent["ORGANIZER"] = organizer()
        bodies.append(vevent.to_ical())
    entries = [CalendarEntry(s.starts_at, event.timezone) for s in sessions] or [
        CalendarEntry(event.starts_at, event.timezone)
    ]
    data = calendar_bytes(event.title, "", entries, bodies)
    return data.replace(b"METHOD:PUBLISH\r\n", b"METHOD:CANCEL\r\n", 1)


@outbox.attachment_generator(EVENT_CANCELLED)
def _event_cancel_attachment(message: OutboxMessage) -> bytes | None:
    event = db.session.get(Event, message.event_id) if message.event_id is not None else None
    if event is None or event.status != EventStatus.CANCELLED:
        return None  # restored meanwhile: no calendar removes what is on again
    return event_invitation(event, message.to_address)


def event_preview(event: Event) -> tuple[str, str] | None:
    """(subject, plain-text body) of the cancellation notice as its first recipient would get it; None when
    nobody would get one. Nothing is written."""
    found = event_recipients(event)
    if not found:
        return None
    recipient = found[0]
    subject, body = _render_event(event, recipient)
    return subject, without_own_link(body, recipient)
