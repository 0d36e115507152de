"""Routes of this area."""

from conference.organise.blueprint import bp  # noqa: F401
