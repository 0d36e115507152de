"""Who calls the organiser API: `Authorization: Bearer <token>` only.

Every organiser endpoint declares its action of the role matrix with `@token_required(Action.X)`
(conference/auth/permissions.py), as organiser pages do with `@requires`. The token acts as its user,
with the roles the user holds at the time of the request:
- no token, or an unknown or revoked one: 401 with `WWW-Authenticate: Bearer`;
- an account without any role the matrix allows for the action: 403;
- event actions with a <slug>: an event the user has no allowed role on answers 404, as an event that
  does not exist does (its existence is not revealed).

The session cookie is never read here: a browser sends it by itself, so accepting it would let any page
on the web make an organiser's browser call the API (CSRF). Bearer tokens are sent only by code that
holds them, so these endpoints are exempt from the CSRF check. Failed authentications count against a
per-client limit (RATELIMIT_API_AUTH); over it, every token request of the client answers 429 for a while.
Answers are private (`Cache-Control: no-store`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, g
from flask import request as flask_request
from flask_babel import gettext as _
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized
from werkzeug.wrappers import Response

from conference.auth.api_tokens import find_token, token_from_header
from conference.auth.models import ApiToken, User
from conference.auth.permissions import ACTION_ATTRIBUTE, EVENT_ACTIONS, Action, may
from conference.db import db
from conference.events.models import Event
from conference.extensions import csrf, limiter
from conference.security import private

REALM = "organiser API"


def auth_failure_limit() -> str:
    return current_app.config["RATELIMIT_API_AUTH"]


def _failed(response: Response) -> bool:
    return response.status_code == 401


# One counter per client across every organiser endpoint, counting failed authentications only.
_count_failures = limiter.shared_limit(auth_failure_limit, scope="api-token-auth", deduct_when=_failed)


def _no_token() -> bool:
    return "Authorization" not in flask_request.headers


# The same counter for public endpoints that tell an event's team more (`token_optional`); requests without
# an Authorization header are not limited by it.
_count_optional_failures = limiter.shared_limit(
    auth_failure_limit, scope="api-token-auth", deduct_when=_failed, exempt_when=_no_token
)


def _unauthorized(message: str, invalid: bool) -> Unauthorized:
    values = {"realm": REALM}
    if invalid:
        values["error"] = "invalid_token"  # RFC 6750: a token was sent but is not one in use
    return Unauthorized(description=message, www_authenticate=WWWAuthenticate("Bearer", values))


def authenticate() -> ApiToken:
    """The token of this request, or 401."""
    token = token_from_header(flask_request.headers.get("Authorization"))
    if not token:
        raise _unauthorized(_("Send an API token: Authorization: Bearer <token>."), invalid=False)
    record = find_token(token)
    if record is None:
        raise _unauthorized(_("This API token is unknown or revoked."), invalid=True)
    return record


def api_user() -> User:
    """The user the token of this request acts as (inside a `token_required` view)."""
    return g.api_token.user


def api_event(slug: str, action: Action) -> Event:
    """The event with this slug if the token's user may take `action` on it; else 404."""
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).first()
    if event is None or not may(api_user(), action, event):
        abort(404, description=_("No event with the slug %(slug)s that you work on.", slug=repr(slug)))
    return event


def token_required(action: Action) -> Callable:
    """Authenticate by bearer token and check `action` (see the module's docstring). The view finds the
    user in `api_user()` and, for event actions, the event in `g.api_event`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.api_token = authenticate()
            if not may(api_user(), action):
                abort(403, description=_("Your account may not do this."))
            if action in EVENT_ACTIONS and "slug" in kwargs:
                g.api_event = api_event(kwargs["slug"], action)
            return view(*args, **kwargs)

        limited = _count_failures(wrapper)
        setattr(limited, ACTION_ATTRIBUTE, action)
        return csrf.exempt(private(limited))

    return decorate


def token_optional(view: Callable) -> Callable:
    """A public endpoint that answers more to an event's team: without an Authorization header it is public;
    a token that is unknown or revoked answers 401 (counted against RATELIMIT_API_AUTH as on every organiser
    endpoint). The view asks `token_user(event, action)` whether the token's user may see more."""
    return _count_optional_failures(view)


def token_sent() -> bool:
    """Whether the request carries an Authorization header (a `token_optional` view then looks further)."""
    return not _no_token()


def token_user(event: Event, action: Action) -> User | None:
    """The user of the request's bearer token if one is sent and its user may take `action` on `event`
    (inside a `token_optional` view); None without a token and for anyone else's (they get the public
    answer). An unknown or revoked token: 401."""
    if _no_token():
        return None
    g.api_token = authenticate()
    user = api_user()
    return user if may(user, action, event) else None
