"""Personal API tokens: made, listed, revoked, and found again from an `Authorization: Bearer` header.

A token is `ct_` and 256 random bits (URL-safe base64). It is shown once, when it is made; the database
keeps only its SHA-256, so a copy of the database opens nothing. Because the token is random (not a
password), a fast hash is enough and a lookup by hash compares no secret: nothing to time.

A token acts as its user, with that user's team roles at the moment of each request (conference/api/auth.py);
it stops working when revoked or when the account is deactivated. Changing the password does not end the
account's tokens (they are revoked one by one on /account/tokens).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.auth.models import ApiToken, User
from conference.db import db, utcnow

TOKEN_PREFIX = "ct_"  # noqa: S105 - not a secret: marks tokens for people and secret scanners
SHOWN_CHARACTERS = 8  # of the random part, kept to tell tokens apart (the rest stays secret)
MAX_NAME_LENGTH = 100
# How a token looks: anything else is refused before the database is asked.
_TOKEN = re.compile(r"ct_[A-Za-z0-9_-]{43}", re.ASCII)
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` (committed) and the token itself, which is never stored nor shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        name=name.strip()[:MAX_NAME_LENGTH],
        token_hash=_digest(token),
        prefix=token[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
    )
    db.session.add(record)
    db.session.commit()
    return record, token


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, those in use first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens (committed); None when the user has no token with this id.
    Revoking a revoked token changes nothing."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        return None
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.commit()
    return record


def token_from_header(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None (no header, another scheme)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def find_token(token: str) -> ApiToken | None:
    """The token record if `token` is one in use (not revoked, its account active), else None. Notes the
    time of use (at most once a minute, committed)."""
    if not _TOKEN.fullmatch(token):
        return None
    record = db.session.scalars(
        sa.select(ApiToken).join(User).where(ApiToken.token_hash == _digest(token))
    ).first()
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    _note_use(record, utcnow())
    return record


def _note_use(record: ApiToken, now: datetime) -> None:
    if record.last_used_at is not None and now - record.last_used_at < LAST_USED_RESOLUTION:
        return
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=now))
    db.session.commit()  # expires `record`: it is read again when next used
