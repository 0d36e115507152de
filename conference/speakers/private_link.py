"""A speaker's private link `/speaking/<token>/` (their page, `conference.speakers.speaking`), which every
invitation and the renewal mail carry.

`speaker_selector` (16 hex characters, not secret) finds the person, the rest of the token (256 bits) is
compared with `hmac.compare_digest`. The secret is kept (not only a hash) because every later invitation and
the renewal mail carry the same link; renewing makes a new selector and secret, and the old link answers 404
at once.
"""

from __future__ import annotations

import hmac
import secrets

import sqlalchemy as sa

from conference.db import db
from conference.speakers.models import Person
from conference.urls import absolute_url_for

SELECTOR_LENGTH = 16  # hex characters (64 bits, not secret: it finds the row)
_DUMMY_SECRET = "x" * 43


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
