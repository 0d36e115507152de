"""Organiser routes for an event's programme: sessions, rooms, people in sessions, the timetable. Each
route parses its form and calls one operation of `conference.sessions.operations`."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from conference import translation_forms
from conference.auth.permissions import Action, may_find_person, requires
from conference.db import db
from conference.events.models import Event
from conference.events.queries import programme
from conference.mail import notices
from conference.operations import OperationError, current_actor, show_error
from conference.organise import confirm
from conference.organise.access import editable_event
from conference.organise.blueprint import bp
from conference.sessions import editing, operations
from conference.sessions.clashes import clashing_session_ids, event_clashes, session_clashes
from conference.sessions.forms import AssignmentEditForm, AssignmentForm, ConfirmForm, RoomForm, SessionForm
from conference.sessions.models import Session
from conference.sessions.timetable import build_timetable
from conference.speakers import editing as people
from conference.speakers.forms import NewSpeakerForm
from conference.speakers.models import Person, Role
from conference.timeutil import local


def _session_or_404(event, session_id: int) -> Session:  # noqa: ANN001
    return editing.event_session(event, session_id) or abort(404)


def _notify_wanted() -> bool:
    return confirm.notify_wanted()


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def new_session(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = _session_form(event)
    if request.method == "GET":
        start = local(event.starts_at, event.timezone).replace(tzinfo=None)
        form.starts_at.data = start
        form.ends_at.data = start + timedelta(hours=1)
    if form.validate_on_submit() and (values := _session_values(form, event, None)):
        try:
            session = operations.create_session(current_actor(), event, values)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Session added. Now add its people."), "success")
            return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))
    return render_template("organise/session_form.html", event=event, form=form, session=None)


@bp.route("/events/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    form = _session_form(event)
    if request.method == "GET":
        editing.fill_session_form(form, session, event)
        translation_forms.fill_form(form, session)
    move_preview = None
    valid = form.validate_on_submit()
    if valid and request.form.get("preview_notice"):
        move_preview = _move_preview(event, session, editing.session_values(form, event))
    elif valid and (values := _session_values(form, event, session)):
        try:
            operations.edit_session(current_actor(), session, values, notify=_notify_wanted())
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Session saved."), "success")
            return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session.id))
    query = (request.args.get("q") or "").strip()[:200]
    new_person = NewSpeakerForm(prefix="new")
    if query and request.method == "GET":
        new_person.name.data = query
    return _session_page(event, session, form, new_person, query=query, move_preview=move_preview)


def _session_form(event: Event, **kwargs) -> SessionForm:  # noqa: ANN003
    """The session form with a section per language other than the event's (conference/translation_forms.py)."""
    return translation_forms.with_translations(SessionForm, "session")(rooms=event.rooms, **kwargs)


def _session_values(form: SessionForm, event: Event, session: Session | None) -> dict | None:
    """The form's values with its translations (None: they were refused, the errors are on the form)."""
    stored = translation_forms.apply_form(
        form, "session", session.translations if session else {}, event.language
    )
    return None if stored is None else {**editing.session_values(form, event), "translations": stored}


def _move_preview(event: Event, session: Session, values: dict) -> tuple[str, str] | str:
    """The move notice the form's values would send (subject, text), or why none would be sent. Saves nothing."""
    room = next((r for r in event.rooms if r.id == values["room_id"]), None)
    new = notices.Place(values["starts_at"], values["ends_at"], event.timezone, room.name if room else None)
    if new == notices.place(session):
        return _("These values do not move the session: no notice is sent.")
    if event.first_published_at is None or session.is_cancelled:
        return _("No notice is sent for this session.")
    return notices.preview(session, notices.MOVED, new) or _("No notice is sent: nobody would receive one.")


def _session_page(  # noqa: ANN202
    event: Event,
    session: Session,
    form: SessionForm,
    new_person: NewSpeakerForm,
    query: str = "",
    similar: list[Person] | None = None,
    move_preview: tuple[str, str] | str | None = None,
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
        may_delete=operations.may_delete_session(event, session),
        notified=notices.counts(session) if event.first_published_at and not session.is_cancelled else (0, 0),
        move_preview=move_preview,
    )


def _session_action(slug: str, session_id: int, operation, message: str):  # noqa: ANN001, ANN202
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if operation is operations.cancel_session:
            operation(current_actor(), session, notify=_notify_wanted())
        else:
            operation(current_actor(), session)
    except OperationError as error:
        flash(error.message, "error")
        return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session_id))
    flash(message, "success")
    if operation is operations.delete_session:
        return redirect(url_for("organise.event", slug=event.slug))
    return redirect(url_for("organise.edit_session", slug=event.slug, session_id=session_id))


@bp.route("/events/<slug>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def cancel_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    if not confirm.confirmed():
        if request.method == "POST" and not ConfirmForm().validate_on_submit():
            abort(400)
        published = event.first_published_at is not None and not session.is_cancelled
        notify = notices.counts(session) if published else (0, 0)
        return confirm.page(
            title=_("Cancel “%(session)s”?", session=session.title),
            lines=confirm.session_cancel_lines(session, notify),
            action=url_for("organise.cancel_session", slug=event.slug, session_id=session.id),
            back=url_for("organise.edit_session", slug=event.slug, session_id=session.id),
            button=_("Cancel the session"),
            event=event,
            notify=notify,
            preview=confirm.notice_preview(session) if notify[0] or notify[1] else None,
        )
    return _session_action(
        slug,
        session_id,
        operations.cancel_session,
        _("Session cancelled; it stays in the programme, marked. Its seats are given back."),
    )


@bp.post("/events/<slug>/sessions/<int:session_id>/restore")
@requires(Action.EDIT_EVENT)
def restore_session(slug: str, session_id: int):  # noqa: ANN201
    return _session_action(
        slug,
        session_id,
        operations.restore_session,
        _("Session scheduled again; those who had chosen it are back on its list, in their order."),
    )


@bp.route("/events/<slug>/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def delete_session(slug: str, session_id: int):  # noqa: ANN201
    if not confirm.confirmed():
        event = editable_event(slug)
        session = _session_or_404(event, session_id)
        if request.method == "POST" and not ConfirmForm().validate_on_submit():
            abort(400)
        people_count = len(session.assignments)
        return confirm.page(
            title=_("Delete “%(session)s”?", session=session.title),
            lines=[
                _("The session is deleted from the draft programme; this cannot be undone."),
                ngettext(
                    "%(num)s person loses their place in it (the person stays in the event's people).",
                    "%(num)s people lose their place in it (the people stay in the event's people).",
                    people_count,
                ),
                _("No notice is sent: nobody holds a seat in it."),
            ],
            action=url_for("organise.delete_session", slug=event.slug, session_id=session.id),
            back=url_for("organise.edit_session", slug=event.slug, session_id=session.id),
            button=_("Delete the session"),
            event=event,
        )
    return _session_action(slug, session_id, operations.delete_session, _("Session deleted."))


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
    try:
        operations.assign_person(current_actor(), session, person, Role(form.role.data))
    except OperationError as error:
        flash(error.message, "warning")
    else:
        flash(_("%(name)s added.", name=person.name), "success")
        _flash_new_clashes(session)
    return _back_to_session(event, session)


@bp.post("/events/<slug>/sessions/<int:session_id>/people/new")
@requires(Action.EDIT_EVENT)
def new_person_in_session(slug: str, session_id: int):  # noqa: ANN201
    event = editable_event(slug)
    session = _session_or_404(event, session_id)
    new_person = NewSpeakerForm(prefix="new")
    similar: list[Person] = []
    if new_person.validate_on_submit():
        person, similar = people.create_unless_similar(new_person, current_actor(), event_ids=[event.id])
        if person is not None:
            operations.assign_person(current_actor(), session, person, Role(new_person.role.data))
            flash(_("%(name)s created and added.", name=person.name), "success")
            _flash_new_clashes(session)
            return _back_to_session(event, session)
    form = _session_form(event, formdata=None)
    editing.fill_session_form(form, session, event)
    translation_forms.fill_form(form, session)
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
    operations.change_assignment(current_actor(), assignment, Role(form.role.data), form.position.data or 0)
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
    operations.remove_assignment(current_actor(), assignment)
    flash(_("%(name)s removed from this session.", name=name), "success")
    return _back_to_session(event, session)


# --- Rooms and timetable -----------------------------------------------------------------------------


@bp.route("/events/<slug>/rooms", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def rooms(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            operations.add_room(current_actor(), event, form.name.data, form.position.data or None)
        except OperationError as error:
            show_error(form, error)
        else:
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
        try:
            operations.edit_room(current_actor(), room, form.name.data, form.position.data)
        except OperationError as error:
            show_error(form, error)
        else:
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
    try:
        operations.remove_room(current_actor(), room)
    except OperationError as error:
        flash(error.message, "error")
    else:
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
