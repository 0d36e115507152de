"""Login and logout."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from conference.auth import cli, loader  # noqa: F401  (registers the CLI command and the user loader)
from conference.auth.accounts import authenticate
from conference.auth.blueprint import bp
from conference.auth.forms import LoginForm
from conference.auth.redirects import safe_next
from conference.extensions import limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "warning"


def _renew_session() -> None:
    """Drop everything in the session (and the CSRF token cached for this request) before a login or
    after a logout, so nothing planted before survives (session fixation)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login():  # noqa: ANN201
    default = url_for("organise.home")
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, default))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            target = safe_next(form.next.data, default)
            _renew_session()
            login_user(user)
            flash(_("You are logged in."), "success")
            return redirect(target)
        form.password.errors.append(_("Unknown email or wrong password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():  # noqa: ANN201
    logout_user()
    _renew_session()
    flash(_("You are logged out."), "success")
    return redirect(url_for("events.index"))
