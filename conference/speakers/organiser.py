"""Organiser pages for speakers: an event's Speakers page (invitations, answers, settings) and a person's
profile as the speaker keeps it (docs/speakers.md). Routes of the organise blueprint; each parses its form
and calls one operation of `conference.speakers.operations`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from conference.auth.permissions import Action, may_edit_person, requires
from conference.db import db, utcnow
from conference.events.models import Event
from conference.operations import OperationError, current_actor
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.sessions.models import Session
from conference.speakers import assignment_states, invitations, operations, photos
from conference.speakers import editing as people
from conference.speakers.forms import ConfirmAnswerForm, ProfileForm, SpeakerSettingsForm
from conference.speakers.models import Assignment, Person
from conference.speakers.speaking import apply_profile_form, fill_profile_form

SETTINGS_FIELDS = (
    "invitation_message",
    "instructions",
    "confirmed_only",
    "hold_invitations",
    "reply_days",
    "arrival_minutes",
)


@dataclass
class Row:
    person: Person
    assignments: list[Assignment]
    waiting: bool  # an invitation waits in the outbox (may be held)

    @property
    def invited(self) -> bool:
        return any(a.status.value != "not_invited" for a in self.assignments)


def speaker_rows(event: Event) -> list[Row]:
    assignments = db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.session)
        .join(Assignment.person)
        .where(Session.event_id == event.id)
        .order_by(Person.name, Person.id, Session.starts_at)
    ).all()
    waiting = invitations.waiting_invitations(event)
    rows: dict[int, Row] = {}
    for assignment in assignments:
        person = assignment.person
        rows.setdefault(person.id, Row(person, [], person.id in waiting)).assignments.append(assignment)
    return list(rows.values())


@bp.app_template_global("speaker_state")
def speaker_state(assignment: Assignment) -> str:
    """The assignment's state as organisers read it ("Invited", "No reply after 7 days", "Declined")."""
    return assignment_states.state_text(assignment, assignment_states.reply_days(assignment.session.event))


def _settings_values(form: SpeakerSettingsForm) -> dict:
    return {
        "invitation_message": (form.invitation_message.data or "").strip(),
        "instructions": (form.instructions.data or "").strip(),
        "confirmed_only": bool(form.confirmed_only.data),
        "hold_invitations": bool(form.hold_invitations.data),
        "reply_days": form.reply_days.data,
        "arrival_minutes": form.arrival_minutes.data,
    }


@bp.route("/events/<slug>/speakers", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def event_speakers(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    settings = assignment_states.settings_for(event)
    form = SpeakerSettingsForm(obj=settings)
    if form.validate_on_submit():
        operations.save_speaker_settings(current_actor(), event, _settings_values(form))
        flash(_("Saved."), "success")
        return redirect(url_for("organise.event_speakers", slug=event.slug))
    return render_template(
        "organise/speakers.html",
        event=event,
        form=form,
        rows=speaker_rows(event),
        days=assignment_states.reply_days(event),
        now=utcnow(),
        answer_form=ConfirmAnswerForm(),
    )


@bp.post("/events/<slug>/speakers/send")
@requires(Action.EDIT_EVENT)
def send_invitations(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    sent = operations.send_invitations(current_actor(), event)
    if sent:
        flash(ngettext("%(num)s invitation goes out.", "%(num)s invitations go out.", sent), "success")
    else:
        flash(_("Everyone with an e-mail address is invited already."), "success")
    return redirect(url_for("organise.event_speakers", slug=event.slug))


def _event_person(event: Event, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    in_event = person is not None and db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .join(Session, Session.id == Assignment.session_id)
        .where(Assignment.person_id == person.id, Session.event_id == event.id)
    )
    return person if in_event else abort(404)


@bp.post("/events/<slug>/speakers/<int:person_id>/invite")
@requires(Action.EDIT_EVENT)
def invite_person(slug: str, person_id: int):  # noqa: ANN201
    event = editable_event(slug)
    person = _event_person(event, person_id)
    if not person.email:
        flash(_("%(name)s has no e-mail address: add one on their page first.", name=person.name), "error")
    elif operations.send_invitations(current_actor(), event, [person]):
        flash(_("The invitation to %(name)s goes out with the next mail run.", name=person.name), "success")
    else:
        flash(_("%(name)s has no session here left to be invited to.", name=person.name), "error")
    return redirect(url_for("organise.event_speakers", slug=event.slug, _anchor=f"p{person.id}"))


@bp.post("/events/<slug>/speakers/<int:person_id>/hold")
@requires(Action.EDIT_EVENT)
def hold_invitation(slug: str, person_id: int):  # noqa: ANN201
    event = editable_event(slug)
    person = _event_person(event, person_id)
    try:
        operations.hold_invitation(current_actor(), event, person)
    except OperationError as error:
        flash(error.message, "error")
    else:
        flash(_("The invitation to %(name)s is held: it was not sent.", name=person.name), "success")
    return redirect(url_for("organise.event_speakers", slug=event.slug, _anchor=f"p{person.id}"))


@bp.post("/events/<slug>/speakers/assignments/<int:assignment_id>/answer")
@requires(Action.EDIT_EVENT)
def record_answer(slug: str, assignment_id: int):  # noqa: ANN201
    event = editable_event(slug)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.session.event_id != event.id:
        abort(404)
    form = ConfirmAnswerForm()
    if form.validate_on_submit():
        operations.confirm_assignment(
            current_actor(), assignment, form.answer.data == "accept", (form.note.data or "").strip()
        )
        flash(_("Answer recorded."), "success")
    else:
        flash(_("Choose accepted or declined."), "error")
    return redirect(url_for("organise.event_speakers", slug=event.slug, _anchor=f"p{assignment.person_id}"))


@bp.route("/people/<int:person_id>/profile", methods=["GET", "POST"])
@requires(Action.EDIT_PERSON)
def person_profile(person_id: int):  # noqa: ANN201
    """The profile as the speaker keeps it (photo and what is public too); the last edit wins."""
    person = people.person_with_sessions(person_id) or abort(404)
    if not may_edit_person(current_user, person):
        abort(404)
    form = ProfileForm()
    if request.method == "GET":
        fill_profile_form(form, person)
    elif apply_profile_form(current_actor(), person, form):
        flash(_("Saved."), "success")
        return redirect(url_for("organise.person_profile", person_id=person.id))
    return render_template(
        "organise/person_profile.html", person=person, form=form, photo_sizes=photos.sizes(person)
    ), (422 if form.errors else 200)
