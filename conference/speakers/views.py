"""Public speaker pages with their schedule across all events, and their photos."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from conference import page_keys, pages
from conference.auth.permissions import may_edit_person
from conference.db import db
from conference.speakers import assignment_states, photos
from conference.speakers.blueprint import bp
from conference.speakers.models import Assignment, Person
from conference.speakers.queries import public_person, speaker_schedule
from conference.text import render_markdown
from conference.urls import absolute_url_for

# A photo's URL names its content (the SHA-256 of the re-encoded sizes): it never changes, so it is cached.
PHOTO_CACHE = "public, max-age=31536000, immutable"


@bp.get("/speakers/<slug>/")
def detail(slug: str):  # noqa: ANN201
    person = public_person(slug) or abort(404)
    schedule = speaker_schedule(person)
    # The key: the person and every session, event, room and co-speaker the page shows (loaded already).
    shown = page_keys.fingerprint(
        page_keys.columns(person),
        tuple(
            (
                page_keys.columns(a),
                page_keys.columns(a.session, skip=("seats_taken",)),
                page_keys.columns(a.session.event, skip=("seats_taken_in_person", "seats_taken_online")),
                page_keys.columns(a.session.room),
                tuple((page_keys.columns(o), page_keys.columns(o.person)) for o in a.session.assignments),
            )
            for a in schedule
        ),
    )

    def render() -> str:
        sizes = photos.sizes(person) if person.shows("photo") else []
        return render_template(
            "speakers/detail.html",
            person=person,
            schedule=schedule,
            photo_sizes=sizes,
            open_graph=open_graph(person, sizes),
        )

    return pages.serve((person.id, shown), render)


def open_graph(person: Person, sizes: list[photos.Size]) -> dict:
    """The Open Graph properties of a speaker page (what a shared link's preview shows)."""
    properties = {
        "og:type": "profile",
        "og:title": person.name,
        "og:url": absolute_url_for("speakers.detail", slug=person.slug),
    }
    about = person.public_title_line
    if person.shows("bio") and person.bio.strip():
        about = " ".join(filter(None, (about, plain_text(person.bio))))
    if about:
        properties["og:description"] = about[:300]
    jpeg = [s for s in sizes if s.format == "jpeg"]
    if jpeg:
        largest = jpeg[-1]
        properties["og:image"] = absolute_url_for(
            "speakers.photo", slug=person.slug, digest=person.photo_digest, width=largest.width, fmt="jpeg"
        )
        properties["og:image:width"] = str(largest.width)
        properties["og:image:height"] = str(largest.height)
        properties["og:image:alt"] = _("Photo of %(name)s", name=person.name)
    return properties


def plain_text(markdown: str) -> str:
    """The text of rendered Markdown without its tags, on one line."""
    return " ".join(render_markdown(markdown).striptags().split())


@bp.get("/speakers/<slug>/photo/<digest>/<int:width>.<fmt>")
def photo(slug: str, digest: str, width: int, fmt: str):  # noqa: ANN201
    """A size of a person's photo: public when the person shows it on a public page; otherwise only for
    organisers who may edit the person (then never cached)."""
    person = db.session.query(Person).filter_by(slug=slug).first() or abort(404)
    public = person.shows("photo") and public_person(slug) is not None
    editor = current_user.is_authenticated and may_edit_person(current_user, person)
    if not (public or editor):
        abort(404)
    found = photos.variant(person, digest, width, fmt) or abort(404)
    response = Response(found.data, content_type=photos.CONTENT_TYPES[found.format])
    response.headers["Cache-Control"] = PHOTO_CACHE if public else "no-store"
    return response


@bp.app_template_filter("public_assignments")
def public_assignments(assignments: list[Assignment]) -> list[Assignment]:
    """The assignments public pages show (conference.speakers.assignment_states.is_public)."""
    return [a for a in assignments if assignment_states.is_public(a)]


@bp.app_template_global("photo_sizes")
def photo_sizes(person: Person) -> list[photos.Size]:
    """The sizes of a person's photo if they show it publicly (none otherwise)."""
    return photos.sizes(person) if person.shows("photo") else []
