"""What every response tells browsers and caches: one after_request hook, one rule each.

Private responses (`is_private`) are never stored: `Cache-Control: no-store` and no Referer. They are
  - every page under a private prefix: the organiser area and its outbox, manage links, speaker links and the
    registration API with their tokens, the demo mailbox, the account pages, login and logout;
  - every answer to a request that changes something (POST, DELETE, ...; the registration API answers
    with a manage link);
  - every page made for a logged-in organiser (its menu carries a CSRF token and the organiser's name);
  - every view marked with `@private` (the organiser API: its answers carry registrants' data), and every
    answer to a request that carries an `Authorization` header.
  One exception keeps its own header: a private response that already says `private, no-cache` (the
  personal calendar feeds of registrants and speakers). Calendar apps poll it with If-None-Match and must
  keep a copy to revalidate;
  `private` keeps it out of shared caches, `no-cache` makes every use ask the server first. A response
  that says `private, no-store` (the event's organiser view in the public API) keeps it too.

Every response: a Content-Security-Policy without inline script or style (`frame-ancestors 'none'`
included), X-Content-Type-Options, Referrer-Policy, X-Frame-Options for old browsers, and
Strict-Transport-Security when BASE_URL is https.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, g, request

PRIVATE_PREFIXES = (
    "/organise/",
    "/registrations/",
    "/speaking/",
    "/api/v1/registrations/",
    "/demo-mailbox/",
    "/account/",
    "/login",
    "/logout",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"


def _logged_in() -> bool:
    """Whether Flask-Login loaded a logged-in user while making this response (it keeps it in `g`)."""
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


PRIVATE_VIEW = "private_response"


def private(view: Callable) -> Callable:
    """Mark a view whose every answer is private (whatever its URL, method or status)."""
    setattr(view, PRIVATE_VIEW, True)
    return view


def _private_view() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, PRIVATE_VIEW, False)) or "Authorization" in request.headers


def is_private(path: str, method: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES) or method not in SAFE_METHODS or _logged_in() or _private_view()


def _revalidated_privately(response: Response) -> bool:
    control = response.cache_control
    return bool(control.private and control.no_cache and not control.max_age)


def _private_no_store(response: Response) -> bool:
    control = response.cache_control
    return bool(control.private and control.no_store)


def apply_headers(response: Response) -> Response:
    headers = response.headers
    if is_private(request.path, request.method):
        if not (_revalidated_privately(response) or _private_no_store(response)):
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["BASE_URL"].startswith("https://"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(apply_headers)
