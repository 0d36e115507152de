"""The speaker's private page `/speaking/<token>/`: no account, the link is the key (docs/speakers.md).

Every page and answer here is private (`/speaking/` is a private prefix of conference.security: no-store, no
Referer) and the token never reaches an access log (conference.access_log masks the segment after
`/speaking/`). A token that finds nobody answers 404, whatever follows it. The page shows the person's own
assignments only; every POST names an assignment that must be theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_time
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import vText

from conference.db import db, utcnow
from conference.events.models import Event
from conference.feeds.entries import calendar_bytes, session_vevent
from conference.feeds.http import CALENDAR_TYPE, conditional_response
from conference.operations import OperationError
from conference.sessions.models import Session, SessionStatus
from conference.speakers import assignment_states, editing, operations, photos, private_link
from conference.speakers.blueprint import bp
from conference.speakers.forms import AnswerForm, ProfileForm
from conference.speakers.models import PUBLIC_FIELDS, Assignment, AssignmentStatus, Person
from conference.text import render_markdown
from conference.timeutil import local


def _person(token: str) -> Person:
    return private_link.person_for_token(token) or abort(404)


def shown_assignments(person: Person) -> list[Assignment]:
    """The person's assignments they were invited to (held or not-yet-sent ones stay hidden), in time order."""
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Assignment.session)
            .join(Session.event)
            .where(Assignment.person_id == person.id, Assignment.status != AssignmentStatus.NOT_INVITED)
            .order_by(Session.starts_at, Session.id)
        )
    )


@dataclass
class EventBlock:
    event: Event
    instructions: str
    arrival_minutes: int | None
    assignments: list[Assignment]


def _blocks(person: Person) -> list[EventBlock]:
    blocks: dict[int, EventBlock] = {}
    for assignment in shown_assignments(person):
        event = assignment.session.event
        if event.id not in blocks:
            settings = assignment_states.settings_for(event)
            blocks[event.id] = EventBlock(event, settings.instructions, settings.arrival_minutes, [])
        blocks[event.id].assignments.append(assignment)
    return list(blocks.values())


def fill_profile_form(form: ProfileForm, person: Person) -> None:
    form.name.data = person.name
    form.pronouns.data = person.pronouns
    form.position.data = person.position
    form.affiliation.data = person.affiliation
    form.bio.data = person.bio
    form.links.data = editing.format_links(person.links)
    form.mail_language.data = person.mail_language
    form.timezone.data = person.timezone
    form.public.data = [f for f in PUBLIC_FIELDS if person.shows(f)]


def _profile_form(person: Person) -> ProfileForm:
    form = ProfileForm()
    if request.method == "GET":
        fill_profile_form(form, person)
    return form


# The forms that take a photo: their body may be as large as the photo limit (and the form's text).
PHOTO_FORMS = frozenset({"speakers.profile", "organise.person_profile"})


@bp.app_url_value_preprocessor
def allow_photo_upload(endpoint: str | None, _values: dict | None) -> None:
    """Raise the body limit for the photo forms alone, before anything reads the body (URL value
    preprocessors run before every before_request function, which parse forms)."""
    if endpoint in PHOTO_FORMS and request.method == "POST":
        request.max_content_length = int(current_app.config["SPEAKER_PHOTO_MAX_BYTES"]) + 64 * 1024


def apply_profile_form(actor: object, person: Person, form: ProfileForm) -> bool:
    """Validate the profile form (with its photo) and save it through `operations.save_profile`; False with
    the messages on the form when something is refused (nothing is written then)."""
    if not form.validate_on_submit():
        return False
    links, errors = editing.parse_links(form.links.data)
    if errors:
        form.links.errors = [*form.links.errors, *errors]
        return False
    upload = form.photo.data
    data = upload.read() if upload and getattr(upload, "filename", "") else None
    try:
        operations.save_profile(
            actor, person, profile_values(form, links), photo=data, remove_photo=bool(form.remove_photo.data)
        )
    except photos.PhotoError as error:
        db.session.rollback()
        form.photo.errors = [*form.photo.errors, str(error)]
        return False
    except OperationError as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None) or form.name
        target.errors = [*target.errors, error.message]
        return False
    return True


def _page(person: Person, token: str, profile: ProfileForm | None = None, status: int = 200):  # noqa: ANN202
    now = utcnow()
    return render_template(
        "speakers/speaking.html",
        person=person,
        token=token,
        blocks=_blocks(person),
        profile=profile or _profile_form(person),
        answer_form=AnswerForm(),
        photo_sizes=photos.sizes(person),
        now=now,
        render_markdown=render_markdown,
        timedelta=timedelta,
    ), status


@bp.get("/speaking/<token>/")
def speaking(token: str):  # noqa: ANN201
    return _page(_person(token), token)


@bp.post("/speaking/<token>/assignments/<int:assignment_id>/answer")
def answer(token: str, assignment_id: int):  # noqa: ANN201
    person = _person(token)
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.person_id != person.id
        or assignment.status == AssignmentStatus.NOT_INVITED
    ):
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Choose accept or decline; a note is at most 2,000 characters."), "error")
        return redirect(url_for("speakers.speaking", token=token, _anchor=f"a{assignment.id}"))
    try:
        operations.answer(person, assignment, form.answer.data == "accept", (form.note.data or "").strip())
    except OperationError as error:
        flash(error.message, "error")
    else:
        if form.answer.data == "accept":
            flash(
                _("Thank you: you have accepted “%(session)s”.", session=assignment.session.title), "success"
            )
        else:
            flash(
                _(
                    "You have declined “%(session)s”. The organisers are told.",
                    session=assignment.session.title,
                ),
                "success",
            )
    return redirect(url_for("speakers.speaking", token=token, _anchor=f"a{assignment.id}"))


@bp.post("/speaking/<token>/profile")
def profile(token: str):  # noqa: ANN201
    person = _person(token)
    form = ProfileForm()
    if not apply_profile_form(operations.SpeakerActor(person), person, form):
        return _page(person, token, form, 422)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("speakers.speaking", token=token, _anchor="profile"))


def profile_values(form: ProfileForm, links: list[dict]) -> dict:
    """The profile form's values as `operations.save_profile` takes them."""
    return {
        "name": form.name.data.strip(),
        "pronouns": (form.pronouns.data or "").strip(),
        "position": (form.position.data or "").strip(),
        "affiliation": (form.affiliation.data or "").strip(),
        "bio": (form.bio.data or "").strip(),
        "links": links,
        "mail_language": form.mail_language.data or "",
        "timezone": form.timezone.data or "",
        "public_fields": [f for f in PUBLIC_FIELDS if f in (form.public.data or [])],
    }


@bp.post("/speaking/<token>/renew")
def renew(token: str):  # noqa: ANN201
    person = _person(token)
    new_token = operations.renew_link(person)
    flash(_("Your link is renewed: the old one no longer works. Bookmark this page again."), "success")
    return redirect(url_for("speakers.speaking", token=new_token))


@bp.get("/speaking/<token>/photo/<digest>/<int:width>.<fmt>")
def own_photo(token: str, digest: str, width: int, fmt: str):  # noqa: ANN201
    person = _person(token)
    found = photos.variant(person, digest, width, fmt) or abort(404)
    return Response(found.data, content_type=photos.CONTENT_TYPES[found.format])


@dataclass
class _Entry:
    starts_at: datetime
    timezone: str


@bp.get("/speaking/<token>/calendar.ics")
def calendar(token: str):  # noqa: ANN201
    """The speaker's own sessions (invited or accepted; declined ones left out), with what only speakers get:
    the online join link and the time to arrive. Same UIDs as the public feeds, so entries do not double."""
    person = _person(token)
    entries, bodies, last = [], [], person.updated_at
    for assignment in shown_assignments(person):
        if assignment.status == AssignmentStatus.DECLINED:
            continue
        session, event = assignment.session, assignment.session.event
        join_url = event.online_url if event.attendance_mode.value != "in_person" else None
        vevent = session_vevent(session, role=assignment.role.value, join_url=join_url)
        minutes = assignment_states.settings_for(event).arrival_minutes
        if minutes is not None and session.status == SessionStatus.SCHEDULED:
            at = local(session.starts_at - timedelta(minutes=minutes), event.timezone)
            arrive = _(
                "Please arrive by %(time)s.", time=format_time(at.time(), "short", locale=get_locale())
            )
            vevent["DESCRIPTION"] = vText(arrive + "\n\n" + str(vevent["DESCRIPTION"]))
        entries.append(_Entry(session.starts_at, event.timezone))
        bodies.append(vevent.to_ical())
        last = max(last, session.updated_at, assignment.answered_at or last)
    body = calendar_bytes(_("%(name)s: speaking", name=person.name), "", entries, bodies)
    return conditional_response(body, last, CALENDAR_TYPE, filename="speaking.ics", private=True)
