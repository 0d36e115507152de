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
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import vCalAddress

from conference import signals
from conference.db import db, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus, SessionNotice
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Room, Session, SessionStatus
from conference.speakers.models import Assignment, AssignmentStatus, Person

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


def recipients(session: Session) -> list[Recipient]:
    """Everyone a notice about the session goes to, one per address (registrants first)."""
    rows = db.session.execute(
        sa.select(Registration.email, Registration.name, Registration.id)
        .join(SessionSeat, SessionSeat.registration_id == Registration.id)
        .where(_seat_condition(session.id))
        .order_by(Registration.id)
    ).all()
    people = db.session.execute(
        sa.select(Person.email, Person.name)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.session_id == session.id, _TOLD_SPEAKER, Person.email.is_not(None), Person.email != ""
        )
        .order_by(Assignment.position, Assignment.id)
    ).all()
    found: dict[str, Recipient] = {}
    for email, name, registration_id in rows:
        found.setdefault(email.lower(), Recipient(email, name, registration_id))
    for email, name in people:
        found.setdefault(email.lower(), Recipient(email, name, None))
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


def _when(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    """ "Monday, 10 March 2031, 11:00 to 12:30 (Europe/Berlin)" in the event's zone and the mail's language."""
    zone, locale = ZoneInfo(timezone), get_locale()
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day = format_date(start.date(), "full", locale=locale)
    if end.date() != start.date():
        day_end = format_date(end.date(), "full", locale=locale)
        return _(
            "%(day)s, %(start)s to %(day_end)s, %(end)s (%(zone)s)",
            day=day,
            start=format_time(start.time(), "short", locale=locale),
            day_end=day_end,
            end=format_time(end.time(), "short", locale=locale),
            zone=timezone,
        )
    return _(
        "%(day)s, %(start)s to %(end)s (%(zone)s)",
        day=day,
        start=format_time(start.time(), "short", locale=locale),
        end=format_time(end.time(), "short", locale=locale),
        zone=timezone,
    )


def _render(
    kind: str, session: Session, recipient: Recipient, old: Place, new: Place | None = None
) -> tuple[str, str]:
    event = session.event
    new = new or _place(session)
    context = {
        "name": recipient.name,
        "session": session,
        "event": event,
        "old_when": _when(old.starts_at, old.ends_at, old.timezone),
        "new_when": _when(new.starts_at, new.ends_at, new.timezone),
        "old_room": old.room,
        "new_room": new.room,
        "site_name": current_app.config["SITE_NAME"],
    }
    if recipient.registration_id is not None:
        from conference.registrations.mails import manage_url

        registration = db.session.get(Registration, recipient.registration_id)
        context["manage_url"] = manage_url(registration.token)
    body = render_template(f"mail/session_{kind}.txt", **context)
    if kind == MOVED:
        subject = _("Moved: %(session)s (%(event)s)", session=session.title, event=event.title)
    else:
        subject = _("Cancelled: %(session)s (%(event)s)", session=session.title, event=event.title)
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


def invitation(session: Session, kind: str) -> bytes:
    """The calendar attachment of a notice: the session's entry as in the feeds (same UID, SEQUENCE = its
    revision), with METHOD:REQUEST (the entry moves) or METHOD:CANCEL (STATUS:CANCELLED)."""
    from conference.feeds.entries import calendar_bytes, session_vevent

    vevent = session_vevent(session)
    if kind == CANCELLED:
        vevent["STATUS"] = "CANCELLED"
    sender = current_app.config["MAIL_FROM"]
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = current_app.config["SITE_NAME"]
    vevent["ORGANIZER"] = organizer
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


RECEIVERS = (
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
