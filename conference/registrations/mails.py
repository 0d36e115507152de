"""The mails a registration sends, written to the outbox in the same transaction as the change.

The text is written with the change; the agenda (.ics) and the check-in code (PNG) are attached by the
sender when the message goes out, from the registration as it is then (see `conference.mail.outbox`).
"""

from __future__ import annotations

import io

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import translations
from conference.db import db
from conference.feeds.builders import registration_feed
from conference.mail import outbox
from conference.mail.models import OutboxMessage
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus
from conference.urls import absolute_url_for
from conference.zones import mail_language

SUBJECTS = {
    "confirmed": lambda: _("Your registration is confirmed"),
    "waitlisted": lambda: _("You are on the waiting list"),
    "pending": lambda: _("Your registration awaits approval"),
    "approved": lambda: _("Your registration was approved"),
    "rejected": lambda: _("Your registration was not approved"),
    "promoted": lambda: _("A seat became free: you are in"),
    "changed": lambda: _("Your registration was changed"),
    "cancelled": lambda: _("Your registration is cancelled"),
    "cancelled_by_organiser": lambda: _("Your registration was cancelled by the organisers"),
    "manage_link": lambda: _("Your registration link"),
}
# Mails that carry the calendar and the check-in code.
WITH_ATTACHMENTS = ("confirmed", "approved", "promoted", "changed")


def manage_url(token: str) -> str:
    """The absolute manage link of the registration with this token."""
    # Built by hand (the public URL contract) so that mail can be written outside a request too.
    return absolute_url_for("registrations.manage", token=token)


def calendar_url(feed_token: str) -> str:
    """The absolute address of the personal calendar feed (its own token, never the manage token)."""
    return absolute_url_for("feeds.registration", token=feed_token)


def checkin_qr(code: str) -> segno.QRCode:
    """The QR code of a check-in code (mail, manage page, badges). Never a Micro QR, which segno.make picks
    for short texts: phone cameras, BarcodeDetector and jsQR read only full QR codes."""
    return segno.make(code, error="m", micro=False)


def qr_png(registration: Registration, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    checkin_qr(registration.checkin_code).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(registration: Registration) -> str:
    return checkin_qr(registration.checkin_code).svg_inline(
        scale=5, border=2, omitsize=True, title=_("Check-in code")
    )


def calendar_bytes(registration: Registration) -> bytes:
    """The personal agenda, from the same builder as the personal calendar feed."""
    return registration_feed(registration)


def _registration_of(message: OutboxMessage, registration_id: int | None = None) -> Registration | None:
    """The registration a message is about (`registration_id`: another one it names, as a combined mail
    names each of its registrations), unless it is gone or its personal data was erased."""
    registration_id = message.registration_id if registration_id is None else registration_id
    if registration_id is None:
        return None
    registration = db.session.get(Registration, registration_id)
    return None if registration is None or registration.erased_at else registration


@outbox.attachment_generator("registration_agenda")
def _agenda_attachment(message: OutboxMessage) -> bytes | None:
    registration = _registration_of(message)
    return calendar_bytes(registration) if registration else None


@outbox.attachment_generator("checkin_code")
def _checkin_code_attachment(message: OutboxMessage, registration_id: int | None = None) -> bytes | None:
    """The check-in code of the message's registration (or of `registration_id`), as it is when sent: none
    unless it is confirmed and attends in person."""
    registration = _registration_of(message, registration_id)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return None
    if not registration.attends_in_person:
        return None
    return qr_png(registration)


def queue(registration: Registration, kind: str, *, revived: bool = False) -> int | None:
    """Write the mail of `kind` about the registration to the outbox (in the caller's transaction);
    returns the message's id. `revived`: the address's cancelled registration was registered again (by
    someone who may not be its owner), which the mail says."""
    row = message(registration, kind, revived=revived)
    return None if row is None else outbox.write_many([row])[0]


def message(registration: Registration, kind: str, *, revived: bool = False) -> dict | None:
    """The outbox row `queue` writes (`outbox.message`), for a caller that writes it itself: a new
    registration's rows and its mail go in one statement (`rows.insert_new`), which fills in
    `registration_id`. None for a registration whose personal data was erased (but its link mail)."""
    if registration.erased_at and kind != "manage_link":
        return None
    event = registration.event
    # In the registrant's language, with each time in the event's zone and in theirs.
    with force_locale(mail_language(registration.language)):
        return _message(registration, event, kind, revived)


def _message(registration: Registration, event, kind: str, revived: bool) -> dict:  # noqa: ANN001
    context = {
        "registration": registration,
        "event": event,
        "manage_url": manage_url(registration.token),
        "calendar_url": calendar_url(registration.feed_token),
        "active": registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED),
        "site_name": current_app.config["SITE_NAME"],
        "seats": [s for s in registration.seats if s.status != SeatStatus.CANCELLED],
        "join_url": registration.join_url,
        "kind": kind,
        "revived": revived,
        "zone": registration.timezone or event.timezone,
    }
    # The environment's template straight away, not `render_template`: that would also run every context
    # processor (the signed-in user, the CSRF token, the pages' helpers), which no mail uses, on the path
    # of every registration. Same template, same globals (`_`, `tr`, `zone_when`...), same text.
    body = current_app.jinja_env.get_template(f"mail/{kind}.txt").render(context)
    attachments = []
    if kind in WITH_ATTACHMENTS and registration.status == RegistrationStatus.CONFIRMED:
        attachments.append(outbox.generated("agenda.ics", "text/calendar", "registration_agenda"))
        if registration.attends_in_person:
            attachments.append(outbox.generated("checkin-code.png", "image/png", "checkin_code"))
    subject = f"{SUBJECTS[kind]()}: {translations.text(event, 'title')}"
    return outbox.message(
        kind,
        registration.email,
        subject,
        body,
        event_id=event.id,
        registration_id=registration.id,
        attachments=attachments,
        language=mail_language(registration.language),
    )
