"""The text of a session's notice in the recipient's language and zone (mail/session_<kind>.txt), and its
calendar attachment (`METHOD:REQUEST`, or `METHOD:CANCEL` with `STATUS:CANCELLED`; the feeds' UID and the
session's revision as SEQUENCE), made when the message is sent, from the session as it is then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import vCalAddress

from conference import translations
from conference.db import db
from conference.mail import outbox
from conference.mail.models import OutboxMessage, SessionNotice
from conference.mail.notices.recipients import CANCELLED, MOVED, Place, Recipient, place
from conference.registrations.models import Registration
from conference.sessions.models import Session
from conference.zones import mail_language, when


def manage_link(recipient: Recipient) -> str | None:
    """The registrant's own manage link; None for a speaker who did not register."""
    if recipient.registration_id is None:
        return None
    from conference.registrations.mails import manage_url

    registration = db.session.get(Registration, recipient.registration_id)
    return manage_url(registration.token)


def without_own_link(body: str, recipient: Recipient) -> str:
    """A preview's body for the organiser: the registrant's own link is theirs, not the organiser's."""
    link = manage_link(recipient)
    return body if link is None else body.replace(link, _("(their registration's own link)"))


def when_text(starts_at: datetime, ends_at: datetime, timezone: str, reader_zone: str = "") -> str:
    """ "Monday, March 10, 2031, 11:00 AM – 12:30 PM CET" in the session's zone and, where it differs, the
    reader's (conference.zones.when), in the mail's language."""
    return when(starts_at, ends_at, timezone, reader_zone or None)


def render(
    kind: str, session: Session, recipient: Recipient, old: Place, new: Place | None = None
) -> tuple[str, str]:
    with force_locale(mail_language(recipient.language)):
        return _render_in_language(kind, session, recipient, old, new)


def _render_in_language(
    kind: str, session: Session, recipient: Recipient, old: Place, new: Place | None
) -> tuple[str, str]:
    event = session.event
    new = new or place(session)
    context = {
        "name": recipient.name,
        "session": session,
        "event": event,
        "old_when": when_text(old.starts_at, old.ends_at, old.timezone, recipient.timezone),
        "new_when": when_text(new.starts_at, new.ends_at, new.timezone, recipient.timezone),
        "old_room": old.room,
        "new_room": new.room,
        "site_name": current_app.config["SITE_NAME"],
    }
    link = manage_link(recipient)
    if link is not None:
        context["manage_url"] = link
    body = render_template(f"mail/session_{kind}.txt", **context)
    # Titles in the mail's language where the event has a translation (the locale forced by `render`).
    titles = {"session": translations.text(session, "title"), "event": translations.text(event, "title")}
    if kind == MOVED:
        subject = _("Moved: %(session)s (%(event)s)", **titles)
    else:
        subject = _("Cancelled: %(session)s (%(event)s)", **titles)
    return subject, body


def _method(kind: str) -> str:
    return "CANCEL" if kind == CANCELLED else "REQUEST"


def organizer() -> vCalAddress:
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
    vevent["ORGANIZER"] = organizer()
    body = vevent.to_ical()
    entry = CalendarEntry(session.starts_at, session.event.timezone)
    data = calendar_bytes(session.title, "", [entry], [body])
    return data.replace(b"METHOD:PUBLISH\r\n", f"METHOD:{_method(kind)}\r\n".encode(), 1)


@dataclass
class CalendarEntry:
    starts_at: datetime
    timezone: str


@outbox.attachment_generator("session_notice")
def _invitation_attachment(message: OutboxMessage) -> bytes | None:
    notice = db.session.scalars(sa.select(SessionNotice).where(SessionNotice.outbox_id == message.id)).first()
    if notice is None:
        return None
    session = db.session.get(Session, notice.session_id)
    return invitation(session, notice.kind) if session is not None else None
