"""Login and logout."""

from conference.auth import loader  # noqa: F401  (registers the user loader)
from conference.auth.blueprint import bp  # noqa: F401
