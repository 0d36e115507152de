"""The public page of a series: its events (upcoming, then past), organisers, publications and feed."""

from __future__ import annotations

from flask import abort, render_template

from conference.events.blueprint import bp
from conference.events.forms import FollowSeriesForm
from conference.events.series import public_series, series_page


@bp.get("/series/<slug>/")
def series(slug: str):  # noqa: ANN201
    found = public_series(slug) or abort(404)
    return render_template(
        "events/series.html", page=series_page(found), series=found, follow_form=FollowSeriesForm()
    )
