"""Secrets of a registration: its manage token (also the personal feed's key) and its check-in code."""

from __future__ import annotations

import secrets

from conference.db import db, utcnow
from conference.registrations import mails
from conference.registrations.models import Registration


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def new_checkin_code() -> str:
    return secrets.token_hex(8).upper()


def regenerate_token(registration: Registration) -> str:
    registration.token = new_token()
    registration.updated_at = utcnow()
    mails.queue(registration, "manage_link")
    db.session.commit()
    return registration.token
