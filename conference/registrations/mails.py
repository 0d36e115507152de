"""The mails a registration sends, written to the outbox in the same transaction as the change."""

from __future__ import annotations

import io

import segno
from flask import current_app, render_template
from flask_babel import gettext as _

from conference.feeds.builders import registration_feed
from conference.mail import outbox
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus

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


def manage_url(registration: Registration) -> str:
    # Built by hand (the public URL contract) so that mail can be written outside a request too.
    return current_app.config["BASE_URL"] + f"/registrations/{registration.token}/"


def calendar_url(registration: Registration) -> str:
    return current_app.config["BASE_URL"] + f"/registrations/{registration.token}/calendar.ics"


def qr_png(registration: Registration, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(registration.checkin_code, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(registration: Registration) -> str:
    return segno.make(registration.checkin_code, error="m").svg_inline(
        scale=5, border=2, omitsize=True, title=_("Check-in code")
    )


def calendar_bytes(registration: Registration) -> bytes:
    """The personal agenda, from the same builder as the personal calendar feed."""
    return registration_feed(registration)


def queue(registration: Registration, kind: str) -> None:
    if registration.erased_at and kind != "manage_link":
        return
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "manage_url": manage_url(registration),
        "site_name": current_app.config["SITE_NAME"],
        "seats": [s for s in registration.seats if s.status != SeatStatus.CANCELLED],
        "show_join_link": registration.status == RegistrationStatus.CONFIRMED and event.online_url,
        "kind": kind,
    }
    body = render_template(f"mail/{kind}.txt", **context)
    attachments = []
    if kind in WITH_ATTACHMENTS and registration.status == RegistrationStatus.CONFIRMED:
        attachments.append(outbox.attachment("agenda.ics", "text/calendar", calendar_bytes(registration)))
        attachments.append(outbox.attachment("checkin-code.png", "image/png", qr_png(registration)))
    subject = f"{SUBJECTS[kind]()}: {event.title}"
    outbox.write(
        kind,
        registration.email,
        subject,
        body,
        event_id=event.id,
        registration_id=registration.id,
        attachments=attachments,
    )
