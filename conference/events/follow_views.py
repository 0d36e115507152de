"""Following a series by e-mail: the form on the series page, the confirmation link, one-click unsubscribe.

The link pages carry a secret token in their address (private: never stored by caches, no Referer); the
change itself is a button (POST), so that a mail scanner opening the link confirms or unsubscribes nothing.
"""

from __future__ import annotations

from flask import abort, render_template, request

from conference.events import follow
from conference.events.blueprint import bp
from conference.events.forms import ConfirmForm, FollowSeriesForm
from conference.events.series import public_series, series_page
from conference.extensions import limiter
from conference.ratelimit import registration_limit, too_many_requests
from conference.security import private


@bp.post("/series/<slug>/follow")
@limiter.limit(registration_limit, error_message=too_many_requests)
def follow_series(slug: str):  # noqa: ANN201
    series = public_series(slug) or abort(404)
    form = FollowSeriesForm()
    if not form.validate_on_submit():
        page = series_page(series)
        return render_template("events/series.html", page=page, series=series, follow_form=form), 400
    follow.request_follow(series, form.email.data)
    return render_template("events/follow_sent.html", series=series, email=form.email.data)


@bp.route("/series/follow/<token>", methods=["GET", "POST"])
@private
def confirm_follow(token: str):  # noqa: ANN201
    follower = follow.pending_by_token(token) or abort(404)
    series = follower.series
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        follow.confirm(follower)
        return render_template("events/follow_done.html", series=series, state="confirmed")
    return render_template(
        "events/follow_confirm.html", series=series, form=form, confirmed=follower.confirmed_at is not None
    )


@bp.route("/series/unfollow/<token>", methods=["GET", "POST"])
@private
def unfollow(token: str):  # noqa: ANN201
    follower = follow.by_unfollow_token(token)
    if follower is None:
        # An old link of an address that stopped following already (the row is gone) looks the same.
        return render_template("events/follow_done.html", series=None, state="unknown"), 404
    series = follower.series
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        follow.unfollow(follower)
        return render_template("events/follow_done.html", series=series, state="unfollowed")
    return render_template("events/follow_unfollow.html", series=series, form=form, email=follower.email)
