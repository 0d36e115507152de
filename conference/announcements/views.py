"""The public unsubscribe link of announcements (RFC 8058 one-click, and a page for people).

`List-Unsubscribe` in each announcement points here. A mail client's one-click POST carries no cookie and no
CSRF token (RFC 8058 forbids needing either), so the link's own secret, an HMAC of the registration
(`mails.unsubscribe_token`), authenticates it; a wrong one is 404. GET only shows a page with a button (link
scanners and previews fetch GETs, which must change nothing); POST unsubscribes, and again does no harm.
"""

from __future__ import annotations

from flask import abort, render_template, request

from conference.announcements import mails, operations
from conference.announcements.blueprint import bp
from conference.db import db
from conference.extensions import csrf
from conference.registrations.models import Registration
from conference.security import private


def _registration(registration_id: int, token: str) -> Registration:
    if not mails.token_matches(registration_id, token):
        abort(404)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.erased_at is not None:
        abort(404)
    return registration


@bp.route("/unsubscribe/<int:registration_id>/<token>", methods=["GET", "POST"])
@csrf.exempt
@private
def unsubscribe(registration_id: int, token: str):  # noqa: ANN201
    registration = _registration(registration_id, token)
    done = False
    if request.method == "POST":
        operations.unsubscribe(registration)
        done = True
    return render_template(
        "announcements/unsubscribe.html",
        registration=registration,
        event=registration.event,
        done=done or operations.is_unsubscribed(registration),
    )
