"""Routes of this area."""

from conference.registrations.blueprint import bp  # noqa: F401
