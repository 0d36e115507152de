"""Organiser routes for an event's programme: sessions, rooms, people in sessions, the timetable."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.auth.permissions import Action, may_find_person, requires
from conference.db import db
from conference.events.models import Event
from conference.events.queries import programme
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.sessions import editing
from conference.sessions.clashes import clashing_session_ids, event_clashes, session_clashes
from conference.sessions.forms import AssignmentEditForm, AssignmentForm, ConfirmForm, RoomForm, SessionForm
from conference.sessions.models import Room, Session, SessionStatus
from conference.sessions.timetable import build_timetable
from conference.speakers import editing as people
from conference.speakers.forms import NewSpeakerForm
from conference.speakers.models import Person, Role
from conference.timeutil import local


def _session_or_404(event, session_id: int) -> Session:  # noqa: ANN001
    return editing.event_session(event, session_id) or abort(404)


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def new_session(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = SessionForm(rooms=event.rooms)
    if request.method == "GET":
        start = local(event.starts_at, event.timezone).replace(tzinfo=None)
        form.starts_at.data = start
        form.ends_at.data = start + timedelta(hours=1)
    if form.validate_on_submit():
        session = Session(event=event, seats_taken=0)
        error = editing.apply_session_form(session, form, event)
        if error:
            form.capacity.errors.append(error)
        else:
            db.session.add(session)
            db.session.commit()
            flash(_("Session added. Now add its people."), "success")
            return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))
    return render_template("organise/session_form.html", event=event, form=form, session=None)


@bp.route("/events/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    form = SessionForm(rooms=event.rooms)
    if request.method == "GET":
        editing.fill_session_form(form, session, event)
    if form.validate_on_submit():
        error = editing.apply_session_form(session, form, event)
        if error:
            form.capacity.errors.append(error)
        else:
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))
    query = (request.args.get("q") or "").strip()[:200]
    new_person = NewSpeakerForm(prefix="new")
    if query and request.method == "GET":
        new_person.name.data = query
    return _session_page(event, session, form, new_person, query=query)


def _session_page(  # noqa: ANN202
    event: Event,
    session: Session,
    form: SessionForm,
    new_person: NewSpeakerForm,
    query: str = "",
    similar: list[Person] | None = None,
):
    """The session's edit page: its form, clashes, people search and the forms for its people."""
    return render_template(
        "organise/session_form.html",
        event=event,
        form=form,
        session=session,
        clashes=session_clashes(session),
        query=query,
        results=people.search_people(query, current_user) if query else [],
        assign_form=AssignmentForm(prefix="add"),
        edit_form=AssignmentEditForm(),
        new_person=new_person,
        similar=similar or [],
        confirm_form=ConfirmForm(),
        may_delete=editing.may_delete_session(event, session),
    )


def _status(slug: str, session_id: int, status: SessionStatus, message: str):  # noqa: ANN202
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    editing.set_session_status(session, status)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))


@bp.post("/events/<slug>/sessions/<int:session_id>/cancel")
@requires(Action.EDIT_EVENT)
def cancel_session(slug: str, session_id: int):  # noqa: ANN201
    return _status(
        slug, session_id, SessionStatus.CANCELLED, _("Session cancelled; it stays in the programme, marked.")
    )


@bp.post("/events/<slug>/sessions/<int:session_id>/restore")
@requires(Action.EDIT_EVENT)
def restore_session(slug: str, session_id: int):  # noqa: ANN201
    return _status(slug, session_id, SessionStatus.SCHEDULED, _("Session scheduled again."))


@bp.post("/events/<slug>/sessions/<int:session_id>/delete")
@requires(Action.EDIT_EVENT)
def delete_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not editing.may_delete_session(event, session):
        flash(_("Sessions of a published event are cancelled, not deleted."), "error")
        return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))
    db.session.delete(session)
    db.session.commit()
    flash(_("Session deleted."), "success")
    return redirect(url_for("organise.event", slug=event.slug))


# --- People in a session -----------------------------------------------------------------------------


def _back_to_session(event, session: Session):  # noqa: ANN001, ANN202
    return redirect(
        url_for("organise.edit_session", slug=event.slug, session_id=session.id, _anchor="people")
    )


def _flash_new_clashes(session: Session) -> None:
    for clash in session_clashes(session):
        if clash.kind == "person" and clash.other is not None:
            flash(
                _(
                    "Clash: %(person)s is also in “%(other)s” at the same time.",
                    person=clash.person.name,
                    other=clash.other.title,
                ),
                "warning",
            )


@bp.post("/events/<slug>/sessions/<int:session_id>/people")
@requires(Action.EDIT_EVENT)
def add_person_to_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    form = AssignmentForm(prefix="add")
    if not form.validate_on_submit():
        abort(400)
    person = db.session.get(Person, form.person_id.data)
    if person is None or not may_find_person(current_user, person):
        abort(404)  # another team's speaker who is in no public event yet
    if editing.assign(session, person, Role(form.role.data), None):
        db.session.commit()
        flash(_("%(name)s added.", name=person.name), "success")
        _flash_new_clashes(session)
    else:
        flash(_("%(name)s is already in this session.", name=person.name), "warning")
    return _back_to_session(event, session)


@bp.post("/events/<slug>/sessions/<int:session_id>/people/new")
@requires(Action.EDIT_EVENT)
def new_person_in_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    new_person = NewSpeakerForm(prefix="new")
    similar: list[Person] = []
    if new_person.validate_on_submit():
        person, similar = people.create_unless_similar(new_person, current_user)
        if person is not None:
            editing.assign(session, person, Role(new_person.role.data), None)
            db.session.commit()
            flash(_("%(name)s created and added.", name=person.name), "success")
            _flash_new_clashes(session)
            return _back_to_session(event, session)
    form = SessionForm(rooms=event.rooms, formdata=None)
    editing.fill_session_form(form, session, event)
    return _session_page(event, session, form, new_person, similar=similar), 400


@bp.post("/events/<slug>/sessions/<int:session_id>/people/<int:assignment_id>")
@requires(Action.EDIT_EVENT)
def edit_assignment(slug: str, session_id: int, assignment_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    assignment = editing.session_assignment(session, assignment_id) or abort(404)
    form = AssignmentEditForm()
    if not form.validate_on_submit():
        abort(400)
    assignment.role = Role(form.role.data)
    assignment.position = form.position.data or 0
    db.session.commit()
    flash(_("Role saved."), "success")
    return _back_to_session(event, session)


@bp.post("/events/<slug>/sessions/<int:session_id>/people/<int:assignment_id>/remove")
@requires(Action.EDIT_EVENT)
def remove_assignment(slug: str, session_id: int, assignment_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    assignment = editing.session_assignment(session, assignment_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = assignment.person.name
    db.session.delete(assignment)
    db.session.commit()
    flash(_("%(name)s removed from this session.", name=name), "success")
    return _back_to_session(event, session)


# --- Rooms and timetable -----------------------------------------------------------------------------


@bp.route("/events/<slug>/rooms", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def rooms(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = RoomForm()
    if form.validate_on_submit():
        if editing.room_name_taken(event, form.name.data):
            form.name.errors.append(_("This event already has a room with this name."))
        else:
            event.rooms.append(
                Room(name=form.name.data.strip(), position=form.position.data or len(event.rooms))
            )
            db.session.commit()
            flash(_("Room added."), "success")
            return redirect(url_for("organise.rooms", slug=event.slug))
    return render_template("organise/rooms.html", event=event, form=form, confirm_form=ConfirmForm())


@bp.route("/events/<slug>/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_room(slug: str, room_id: int):  # noqa: ANN201
    event = editable_event(slug)
    room = editing.event_room(event, room_id) or abort(404)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        if editing.room_name_taken(event, form.name.data, exclude_id=room.id):
            form.name.errors.append(_("This event already has a room with this name."))
        else:
            room.name = form.name.data.strip()
            room.position = form.position.data or 0
            db.session.commit()
            flash(_("Room saved."), "success")
            return redirect(url_for("organise.rooms", slug=event.slug))
    return render_template("organise/room_form.html", event=event, form=form, room=room)


@bp.post("/events/<slug>/rooms/<int:room_id>/remove")
@requires(Action.EDIT_EVENT)
def remove_room(slug: str, room_id: int):  # noqa: ANN201
    event = editable_event(slug)
    room = editing.event_room(event, room_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if any(s.room_id == room.id for s in event.sessions):
        flash(_("Sessions still take place in this room: move them first."), "error")
    else:
        db.session.delete(room)
        db.session.commit()
        flash(_("Room removed."), "success")
    return redirect(url_for("organise.rooms", slug=event.slug))


@bp.get("/events/<slug>/timetable")
@requires(Action.EDIT_EVENT)
def timetable(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    sessions = programme(event)
    clashes = event_clashes(event)
    columns, days = build_timetable(event, sessions, list(event.rooms))
    return render_template(
        "organise/timetable.html",
        event=event,
        columns=columns,
        days=days,
        clashes=clashes,
        clashing=clashing_session_ids(clashes),
    )
