"""Routes of this area."""

from conference.mail.blueprint import bp  # noqa: F401
