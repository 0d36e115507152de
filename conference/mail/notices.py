"""Notices of a moved or cancelled session to everyone it touches, through the outbox.

Who: every registrant holding or waiting for a seat in the session (an active registration), and every
person assigned to it who has an e-mail address and has not declined it; one notice per address (a speaker
who also registered gets the registrant's). Only for events that were ever published (a draft's programme is
still being made).

When: a session moved (`session_changed` with moved: start, end or room; `event_changed` with moved: the
event's zone or dates, for each of its scheduled sessions) or cancelled (`session_cancelled`). An operation
called with `notify=False` sends the signal with notify=False and nobody is told. A cancelled session
restored before its cancellation notice went out takes the notice back (or turns it into a move notice
if the session is not where it was).

Folding: a notice waits NOTICE_DELAY_SECONDS (default 120) in the outbox. A later change to the same session
within that time rewrites the waiting message in place (one `SessionNotice` row per message keeps how the
session stood before the first change), and the wait starts again; a fold that ends with the session back
where it was deletes the message. A message that a sender has claimed, or that has been tried, is never
rewritten: the next change writes a new one. The calendar attachment (`METHOD:REQUEST`, or `METHOD:CANCEL`
with `STATUS:CANCELLED`; the feeds' UID and the session's revision as SEQUENCE) is made when the message is
sent, from the session as it is then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import vCalAddress

from conference import signals, translations
from conference.db import db, utcnow
from conference.events.models import Event, EventStatus
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus, SessionNotice
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, AssignmentStatus, Person
from conference.zones import mail_language, when

MOVED = "moved"
CANCELLED = "cancelled"
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
# A speaker who declined the session is no longer told of its changes.
_TOLD_SPEAKER = Assignment.status != AssignmentStatus.DECLINED


@dataclass(frozen=True)
class Place:
    """Where and when a session is, as a notice tells it."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    room: str | None


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    registration_id: int | None
    # A registrant's or speaker's language and zone (conference.zones); a speaker who gave none: the event's
    # language; empty: the site's default language, the event's zone.
    language: str = ""
    timezone: str = ""


def delay() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("NOTICE_DELAY_SECONDS", 120)))


def place(session: Session) -> Place:
    """Where and when the session is now."""
    return _place(session)


def _place(session: Session) -> Place:
    return Place(
        session.starts_at,
        session.ends_at,
        session.event.timezone,
        session.room.name if session.room else None,
    )


def _seat_condition(session_id: int) -> sa.ColumnElement[bool]:
    """Seats that are held or waited for in the session, or were until its cancellation took them."""
    return sa.and_(
        SessionSeat.session_id == session_id,
        Registration.status.in_(ACTIVE),
        Registration.erased_at.is_(None),
        sa.or_(SessionSeat.status != SeatStatus.CANCELLED, SessionSeat.withdrawn.is_(True)),
    )


# What a registrant's Recipient is made of: address, name, registration, language and zone.
_REGISTRANT_COLUMNS = (
    Registration.email,
    Registration.name,
    Registration.id,
    Registration.language,
    Registration.timezone,
)


def recipients(session: Session) -> list[Recipient]:
    """Everyone a notice about the session goes to, one per address (registrants first)."""
    rows = db.session.execute(
        sa.select(*_REGISTRANT_COLUMNS)
        .join(SessionSeat, SessionSeat.registration_id == Registration.id)
        .where(_seat_condition(session.id))
        .order_by(Registration.id)
    ).all()
    people = db.session.execute(
        sa.select(Person.email, Person.name, Person.mail_language, Person.timezone)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.session_id == session.id, _TOLD_SPEAKER, Person.email.is_not(None), Person.email != ""
        )
        .order_by(Assignment.position, Assignment.id)
    ).all()
    found: dict[str, Recipient] = {}
    for email, name, registration_id, language, timezone in rows:
        found.setdefault(email.lower(), Recipient(email, name, registration_id, language, timezone))
    for email, name, language, timezone in people:
        found.setdefault(
            email.lower(), Recipient(email, name, None, language or session.event.language, timezone)
        )
    return list(found.values())


def counts(session: Session) -> tuple[int, int]:
    """(registrants, speakers) a notice about the session would reach, in one query."""
    registrants = (
        sa.select(sa.func.lower(Registration.email).label("address"), sa.literal(1).label("registrant"))
        .join(SessionSeat, SessionSeat.registration_id == Registration.id)
        .where(_seat_condition(session.id))
    )
    speakers = (
        sa.select(sa.func.lower(Person.email).label("address"), sa.literal(0).label("registrant"))
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.session_id == session.id, _TOLD_SPEAKER, Person.email.is_not(None), Person.email != ""
        )
    )
    union = sa.union_all(registrants, speakers).subquery()
    per_address = (
        sa.select(union.c.address, sa.func.max(union.c.registrant).label("registrant"))
        .group_by(union.c.address)
        .subquery()
    )
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(per_address.c.registrant), 0),
            sa.func.count() - sa.func.coalesce(sa.func.sum(per_address.c.registrant), 0),
        ).select_from(per_address)
    ).one()
    return int(row[0]), int(row[1])


def _when(starts_at: datetime, ends_at: datetime, timezone: str, reader_zone: str = "") -> str:
    """ "Monday, March 10, 2031, 11:00 AM – 12:30 PM CET" in the session's zone and, where it differs, the
    reader's (conference.zones.when), in the mail's language."""
    return when(starts_at, ends_at, timezone, reader_zone or None)


def _render(
    kind: str, session: Session, recipient: Recipient, old: Place, new: Place | None = None
) -> tuple[str, str]:
    with force_locale(mail_language(recipient.language)):
        return _render_in_language(kind, session, recipient, old, new)


def _render_in_language(
    kind: str, session: Session, recipient: Recipient, old: Place, new: Place | None
) -> tuple[str, str]:
    event = session.event
    new = new or _place(session)
    context = {
        "name": recipient.name,
        "session": session,
        "event": event,
        "old_when": _when(old.starts_at, old.ends_at, old.timezone, recipient.timezone),
        "new_when": _when(new.starts_at, new.ends_at, new.timezone, recipient.timezone),
        "old_room": old.room,
        "new_room": new.room,
        "site_name": current_app.config["SITE_NAME"],
    }
    if recipient.registration_id is not None:
        from conference.registrations.mails import manage_url

        registration = db.session.get(Registration, recipient.registration_id)
        context["manage_url"] = manage_url(registration.token)
    body = render_template(f"mail/session_{kind}.txt", **context)
    # Titles in the mail's language where the event has a translation (the locale forced by `_render`).
    titles = {"session": translations.text(session, "title"), "event": translations.text(event, "title")}
    if kind == MOVED:
        subject = _("Moved: %(session)s (%(event)s)", **titles)
    else:
        subject = _("Cancelled: %(session)s (%(event)s)", **titles)
    return subject, body


def _waiting(session: Session, address: str, now: datetime) -> SessionNotice | None:
    """The notice to this address about this session that may still be rewritten (unsent, unclaimed)."""
    return db.session.scalars(
        sa.select(SessionNotice)
        .join(OutboxMessage, OutboxMessage.id == SessionNotice.outbox_id)
        .where(
            SessionNotice.session_id == session.id,
            sa.func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at == SessionNotice.not_before,
            SessionNotice.not_before > now,
        )
        .order_by(SessionNotice.id.desc())
        .limit(1)
    ).first()


def _rewrite(notice: SessionNotice, kind: str, subject: str, body: str, not_before: datetime) -> bool:
    """Rewrite a waiting message in place; False when a sender claimed it meanwhile (the conditional
    UPDATE finds it no longer waiting for the notice's time)."""
    done = outbox.rewrite_waiting(
        notice.outbox_id,
        notice.not_before,
        subject=subject,
        body_text=body,
        next_attempt_at=not_before,
        kind=f"session_{kind}",
    )
    if done:
        notice.kind = kind
        notice.not_before = not_before
    return bool(done)


def _withdraw(notice: SessionNotice) -> None:
    outbox_id = notice.outbox_id
    db.session.delete(notice)
    db.session.flush()
    outbox.withdraw(outbox_id)


def _write(kind: str, session: Session, recipient: Recipient, old: Place, not_before: datetime) -> None:
    subject, body = _render(kind, session, recipient, old)
    attachment = outbox.generated("invite.ics", "text/calendar", "session_notice")
    message_id = outbox.write(
        f"session_{kind}",
        recipient.address,
        subject,
        body,
        event_id=session.event_id,
        registration_id=recipient.registration_id,
        attachments=[attachment],
        language=recipient.language,
    )
    outbox.schedule(message_id, not_before)
    db.session.add(
        SessionNotice(
            outbox_id=message_id,
            session_id=session.id,
            kind=kind,
            old_starts_at=old.starts_at,
            old_ends_at=old.ends_at,
            old_timezone=old.timezone,
            old_room=old.room,
            not_before=not_before,
        )
    )


def send_notices(session: Session, kind: str, old: Place) -> int:
    """Tell everyone the session touches that it moved (from `old`) or was cancelled, folding into the
    notices still waiting; in the caller's transaction. Returns how many notices were written or rewritten."""
    event = session.event
    if event.first_published_at is None:
        return 0
    if kind == MOVED and session.status == SessionStatus.CANCELLED:
        return 0
    now = utcnow()
    not_before = now + delay()
    new = _place(session)
    told = 0
    for recipient in recipients(session):
        notice = _waiting(session, recipient.address, now)
        if notice is not None:
            first = Place(notice.old_starts_at, notice.old_ends_at, notice.old_timezone, notice.old_room)
            # A cancelled session that moves is still cancelled: its notice stays a cancellation.
            folded = CANCELLED if CANCELLED in (kind, notice.kind) else MOVED
            if folded == MOVED and first == new:
                _withdraw(notice)  # back where it was before the first change: nothing to tell
                continue
            subject, body = _render(folded, session, recipient, first)
            if _rewrite(notice, folded, subject, body, not_before):
                told += 1
                continue
            # A sender took the message meanwhile: it tells of the earlier changes, a new one of this.
        if kind == MOVED and old == new:
            continue
        _write(kind, session, recipient, old, not_before)
        told += 1
    return told


def _method(kind: str) -> str:
    return "CANCEL" if kind == CANCELLED else "REQUEST"


def _organizer() -> vCalAddress:
    """The ORGANIZER of a notice's calendar entries (iTIP wants one): the site's sender address."""
    sender = current_app.config["MAIL_FROM"]
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = current_app.config["SITE_NAME"]
    return organizer


def invitation(session: Session, kind: str) -> bytes:
    """The calendar attachment of a notice: the session's entry as in the feeds (same UID, SEQUENCE = its
    revision), with METHOD:REQUEST (the entry moves) or METHOD:CANCEL (STATUS:CANCELLED)."""
    from conference.feeds.entries import calendar_bytes, session_vevent

    vevent = session_vevent(session)
    if kind == CANCELLED:
        vevent["STATUS"] = "CANCELLED"
    vevent["ORGANIZER"] = _organizer()
    body = vevent.to_ical()
    entry = _Entry(session.starts_at, session.event.timezone)
    data = calendar_bytes(session.title, "", [entry], [body])
    return data.replace(b"METHOD:PUBLISH\r\n", f"METHOD:{_method(kind)}\r\n".encode(), 1)


@dataclass
class _Entry:
    starts_at: datetime
    timezone: str


@outbox.attachment_generator("session_notice")
def _invitation_attachment(message: OutboxMessage) -> bytes | None:
    notice = db.session.scalars(sa.select(SessionNotice).where(SessionNotice.outbox_id == message.id)).first()
    if notice is None:
        return None
    session = db.session.get(Session, notice.session_id)
    return invitation(session, notice.kind) if session is not None else None


# --- an event cancelled ---------------------------------------------------------------------------------
#
# Who: every registrant holding or waiting for a seat (an active registration, or one the cancellation
# itself withdrew: the receivers of `event_cancelled` may run in either order), and every person assigned
# to one of its sessions who has an e-mail address; one notice per address (registrants first). Only for
# events that were ever published. The notice lists the person's sessions (those not cancelled before) and
# carries one calendar (`METHOD:CANCEL`) with each of them as in the feeds (same UID, the revision the
# cancellation raised as SEQUENCE), or the event's own entry when they have no session; made when it is sent.
# It waits NOTICE_DELAY_SECONDS like a session's: restoring the event before then takes it back.

EVENT_CANCELLED = "event_cancelled"


def _event_registrations(event_id: int) -> sa.ColumnElement[bool]:
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
        sa.select(*_REGISTRANT_COLUMNS).where(_event_registrations(event.id)).order_by(Registration.id)
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
            _event_registrations(event_id),
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
    return _when(event.starts_at, event.ends_at, event.timezone, reader_zone)


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
                _when(s.starts_at, s.ends_at, event.timezone, zone),
                s.room.name if s.room else None,
            )
            for s in sessions
        ],
        "registrant": recipient.registration_id is not None,
        "site_name": current_app.config["SITE_NAME"],
    }
    if recipient.registration_id is not None:
        from conference.registrations.mails import manage_url

        registration = db.session.get(Registration, recipient.registration_id)
        context["manage_url"] = manage_url(registration.token)
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
        vevent["ORGANIZER"] = _organizer()
        bodies.append(vevent.to_ical())
    entries = [_Entry(s.starts_at, event.timezone) for s in sessions] or [
        _Entry(event.starts_at, event.timezone)
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
    if recipient.registration_id is not None:
        from conference.registrations.mails import manage_url

        registration = db.session.get(Registration, recipient.registration_id)
        body = body.replace(manage_url(registration.token), _("(their registration's own link)"))
    return subject, body


# --- receivers ---------------------------------------------------------------------------------------


def session_changed(
    session: Session, *, changes: dict, moved: bool, notify: bool = True, **_: object
) -> None:
    if not (moved and notify):
        return
    old = _place(session)
    room_id = changes.get("room_id", (session.room_id,))[0]
    room = db.session.get(Room, room_id) if room_id is not None else None
    old = Place(
        changes.get("starts_at", (session.starts_at,))[0],
        changes.get("ends_at", (session.ends_at,))[0],
        old.timezone,
        room.name if room is not None else None,
    )
    send_notices(session, MOVED, old)


def event_changed(event: Event, *, changes: dict, moved: bool, notify: bool = True, **_: object) -> None:
    if not (moved and notify):
        return
    timezone = changes.get("timezone", (event.timezone,))[0]
    for session in event.sessions:
        if session.status == SessionStatus.CANCELLED:
            continue
        old = _place(session)
        send_notices(session, MOVED, Place(old.starts_at, old.ends_at, timezone, old.room))


def session_cancelled(session: Session, *, notify: bool = True, **_: object) -> None:
    if notify:
        send_notices(session, CANCELLED, _place(session))


def session_restored(session: Session, **_: object) -> None:
    """A cancellation taken back before its notice went out: the notice goes too (or tells of the move)."""
    now = utcnow()
    waiting = db.session.scalars(
        sa.select(SessionNotice)
        .join(OutboxMessage, OutboxMessage.id == SessionNotice.outbox_id)
        .where(
            SessionNotice.session_id == session.id,
            SessionNotice.kind == CANCELLED,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at == SessionNotice.not_before,
            SessionNotice.not_before > now,
        )
    ).all()
    for notice in waiting:
        first = Place(notice.old_starts_at, notice.old_ends_at, notice.old_timezone, notice.old_room)
        message = db.session.get(OutboxMessage, notice.outbox_id)
        if first == _place(session):
            if message is not None and message.next_attempt_at == notice.not_before:
                _withdraw(notice)
            continue
        address = message.to_address.lower()
        recipient = next(
            (r for r in recipients(session) if r.address.lower() == address),
            Recipient(message.to_address, "", message.registration_id),
        )
        subject, body = _render(MOVED, session, recipient, first)
        _rewrite(notice, MOVED, subject, body, now + delay())


def event_cancelled(event: Event, *, notify: bool = True, **_: object) -> None:
    if notify:
        send_event_notices(event)


def event_restored(event: Event, **_: object) -> None:
    """A cancellation taken back before its notices went out: they go too. A message a sender has claimed
    (its next attempt moved past the delay by the lease) or tried is left alone; the conditional DELETE
    loses to a claim made meanwhile."""
    now = utcnow()
    table = OutboxMessage.__table__
    waiting = db.session.execute(
        sa.select(table.c.id, table.c.created_at, table.c.next_attempt_at).where(
            table.c.event_id == event.id,
            table.c.kind == EVENT_CANCELLED,
            table.c.status == OutboxStatus.PENDING,
            table.c.attempts == 0,
            table.c.next_attempt_at > now,
        )
    ).all()
    for message_id, created_at, next_attempt_at in waiting:
        if next_attempt_at <= created_at + delay():
            db.session.execute(
                sa.delete(table).where(
                    table.c.id == message_id,
                    table.c.status == OutboxStatus.PENDING,
                    table.c.next_attempt_at == next_attempt_at,
                )
            )


RECEIVERS = (
    (signals.event_cancelled, event_cancelled),
    (signals.event_restored, event_restored),
    (signals.session_changed, session_changed),
    (signals.event_changed, event_changed),
    (signals.session_cancelled, session_cancelled),
    (signals.session_restored, session_restored),
)


def connect() -> None:
    """Connect the receivers (idempotent)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)


def preview(session: Session, kind: str, new: Place | None = None) -> tuple[str, str] | None:
    """(subject, plain-text body) of the notice of `kind` as its first recipient would get it, the session
    moving from where it is to `new` (default: where it is); None when nobody would get one. Nothing is
    written."""
    found = recipients(session)
    if not found:
        return None
    recipient = found[0]
    subject, body = _render(kind, session, recipient, _place(session), new)
    if recipient.registration_id is not None:  # the registrant's own link is theirs, not the organiser's
        from conference.registrations.mails import manage_url

        registration = db.session.get(Registration, recipient.registration_id)
        body = body.replace(manage_url(registration.token), _("(their registration's own link)"))
    return subject, body
