"""Public speaker pages with their schedule across all events."""

from __future__ import annotations

from flask import abort, render_template

from conference.speakers.blueprint import bp
from conference.speakers.queries import public_person, speaker_schedule


@bp.get("/speakers/<slug>/")
def detail(slug: str):  # noqa: ANN201
    person = public_person(slug) or abort(404)
    return render_template("speakers/detail.html", person=person, schedule=speaker_schedule(person))
