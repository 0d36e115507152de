"""Organiser accounts: creating them and checking passwords."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from conference.addresses import normalise_email
from conference.auth.models import User
from conference.auth.passwords import hash_password, needs_rehash, verify_password
from conference.db import db

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email costs the same time as a wrong password.
    Made on first use, not at import: an Argon2 hash costs about a second and a large memory peak, which every
    gunicorn worker and every CLI call paid at start-up."""
    return hash_password("not a real password")


def find_user(email: str) -> User | None:
    """The account with this address, found case-insensitively; None for an unknown or invalid address."""
    try:
        address = normalise_email(email)
    except ValueError:
        return None
    return db.session.scalars(sa.select(User).where(sa.func.lower(User.email) == address)).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Upgrades an outdated hash."""
    user = find_user(email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def create_or_update_user(
    email: str, password: str, *, admin: bool = False, name: str = ""
) -> tuple[User, bool]:
    """Create the organiser, or set the password (and admin flag) of an existing one, which ends every
    session of that account. ValueError (with a message) when `email` is not an address.

    Returns (user, created)."""
    email = normalise_email(email)
    user = find_user(email)
    created = user is None
    if user is None:
        user = User(email=email, name=name or email.split("@")[0], password_hash="")
        db.session.add(user)
        user.password_hash = hash_password(password)
    else:
        set_password(user, password)
    if admin:
        user.is_admin = True
    db.session.commit()
    return user, created


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the account (the caller commits, and logs the user in
    again if the change was made in one of them)."""
    user.password_hash = hash_password(password)
    user.end_all_sessions()
