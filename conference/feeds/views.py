"""Routes of this area."""

from conference.feeds.blueprint import bp  # noqa: F401
