"""Login, logout, changing one's password and one's API tokens."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from conference.auth import operations
from conference.auth.accounts import MIN_PASSWORD_LENGTH, authenticate
from conference.auth.api_tokens import create_token, revoke_token, user_tokens
from conference.auth.blueprint import bp
from conference.auth.forms import ApiTokenForm, ChangePasswordForm, LoginForm
from conference.auth.redirects import safe_next
from conference.extensions import limiter, login_manager
from conference.inputs import FlaskForm
from conference.operations import OperationError

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
    operations.log_out_everywhere(current_user._get_current_object())
    logout_user()
    _renew_session()
    flash(_("You are logged out."), "success")
    return redirect(url_for("events.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10/minute", methods=["POST"])
def change_password():  # noqa: ANN201
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            operations.change_password(user, form.current_password.data or "", form.new_password.data)
        except OperationError as error:
            form.current_password.errors.append(error.message)
        else:
            _renew_session()
            login_user(user)  # this session goes on under the new session version; all others end
            flash(_("Your password was changed. You are logged out everywhere else."), "success")
            return redirect(url_for("organise.home"))
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), (
        422 if form.errors else 200
    )


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
@limiter.limit("20/minute", methods=["POST"])
def api_tokens():  # noqa: ANN201
    """The account's API tokens; a new one is shown in the answer to the form that made it, and never again."""
    user = current_user._get_current_object()
    form = ApiTokenForm()
    created = None
    if form.validate_on_submit():
        created = create_token(user, form.name.data or "")
        form = ApiTokenForm(formdata=None)
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=user_tokens(user),
        created=created,
        format_datetime=format_datetime,
    ), (422 if form.errors else 200)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):  # noqa: ANN201
    if not FlaskForm().validate_on_submit():
        abort(400)
    record = revoke_token(current_user._get_current_object(), token_id) or abort(404)
    flash(_("The token “%(name)s” is revoked: it no longer works.", name=record.name), "success")
    return redirect(url_for("auth.api_tokens"))
