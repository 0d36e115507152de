"""Secrets of a registration: its manage token, its calendar feed token and its check-in code.

The manage token opens the manage page (and the API's GET/DELETE); the feed token opens only the personal
calendar feed, whose address is handed to calendar apps and services (Google, Microsoft). Each is renewed
on its own, and renewing retires the old value at once.
"""

from __future__ import annotations

import secrets

from conference.db import db, utcnow
from conference.registrations import mails
from conference.registrations.models import Registration, new_token

__all__ = ["new_checkin_code", "new_token", "regenerate_feed_token", "regenerate_token"]


def new_checkin_code() -> str:
    return secrets.token_hex(8).upper()


def regenerate_token(registration: Registration) -> str:
    """A new manage link (mailed to the registrant); the old one stops working."""
    registration.token = new_token()
    registration.updated_at = utcnow()
    mails.queue(registration, "manage_link")
    db.session.commit()
    return registration.token


def regenerate_feed_token(registration: Registration) -> str:
    """A new calendar feed address; calendars subscribed to the old one get nothing more from it."""
    registration.feed_token = new_token()
    registration.updated_at = utcnow()
    db.session.commit()
    return registration.feed_token
