"""Read API: series and their public events (`GET /series`, `GET /series/<slug>`)."""

from __future__ import annotations

from flask import abort, jsonify

from conference.api.blueprint import bp
from conference.api.serialise import event_summary
from conference.events.models import Series
from conference.events.series import public_series, public_series_list, series_page
from conference.urls import absolute_url_for


def series_summary(series: Series, event_count: int) -> dict:
    return {
        "slug": series.slug,
        "title": series.title,
        "description": series.description,
        "event_count": event_count,
        "url": absolute_url_for("events.series", slug=series.slug),
        "calendar": absolute_url_for("feeds.series", slug=series.slug),
    }


@bp.get("/series")
def series_list():  # noqa: ANN201
    return jsonify({"series": [series_summary(s, n) for s, n in public_series_list()]})


@bp.get("/series/<slug>")
def series(slug: str):  # noqa: ANN201
    found = public_series(slug) or abort(404, description=f"No public series with the slug {slug!r}.")
    page = series_page(found)
    data = series_summary(found, len(page.events))
    data.update(
        {
            "organisers": [o.name for o in page.organisers],
            "upcoming": [event_summary(e) for e in page.upcoming],
            "past": [event_summary(e) for e in page.past],
            "publications": [
                {
                    "title": p.title,
                    "kind": p.kind or None,
                    "published_on": p.published_on.isoformat() if p.published_on else None,
                    "authors": p.authors or None,
                    "url": p.url,
                    "event": p.event.slug,
                }
                for p in page.publications
            ],
        }
    )
    return jsonify(data)
