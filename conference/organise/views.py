"""Routes of the organiser workspace (/organise/...): home and events here (an event's overview, form, copy,
hosts, publications and team); its status changes (publish, unpublish, cancel, restore, delete) in
event_status_views.py; programme and people in programme_views.py and people_views.py. Views stay thin: check
access, parse the form, call one operation (`conference.events.operations`), show its refusal
(`OperationError`) or redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from conference import translation_forms
from conference.auth.models import EventMember, TeamRole, User
from conference.auth.permissions import Action, may, require_event, requires, team_roles, visible_events
from conference.db import db
from conference.events import editing, operations
from conference.events import status as event_status
from conference.events.forms import (
    DuplicateForm,
    EventForm,
    EventOrganisationForm,
    PublicationForm,
    PublishForm,
    TeamMemberForm,
    TeamRoleForm,
)
from conference.events.models import Event, EventOrganisation, OrganisationRole, Publication
from conference.events.queries import programme
from conference.labels import label
from conference.operations import OperationError, current_actor, show_error
from conference.organise import confirm
from conference.organise.access import editable_event, session_link
from conference.organise.blueprint import bp
from conference.sessions.clashes import event_clashes
from conference.sessions.forms import ConfirmForm
from conference.timeutil import local


@bp.context_processor
def organise_context() -> dict:
    """For every organiser page: links to sessions in clash warnings; which of the event's tabs to show."""
    return {
        "session_link": session_link,
        "may": lambda action, event=None: may(current_user, action, event),
        "Action": Action,
    }


@bp.get("/")
@requires(Action.HOME)
def home():  # noqa: ANN201
    events = db.session.scalars(visible_events(current_user)).unique().all()
    roles = dict(
        db.session.execute(
            sa.select(EventMember.event_id, EventMember.role).where(EventMember.user_id == current_user.id)
        ).all()
    )
    return render_template(
        "organise/home.html", events=events, roles=roles, may_organise=may(current_user, Action.ORGANISE)
    )


@bp.route("/events/new", methods=["GET", "POST"])
@requires(Action.ORGANISE)
def new_event():  # noqa: ANN201
    form = translation_forms.with_translations(EventForm, "event")(series_choices=editing.series_choices())
    if request.method == "GET":
        form.timezone.data = "Europe/Berlin"
    if form.validate_on_submit() and (values := _event_values(form, None)):
        try:
            event = operations.create_event(current_actor(), values, form.slug.data or None)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Event created as a draft. Add its sessions next."), "success")
            return redirect(url_for("organise.event", slug=event.slug))
    return render_template("organise/event_form.html", form=form, event=None)


def _event_values(form: EventForm, event: Event | None) -> dict | None:
    """The event form's values with the translations of its language sections (None: they were refused,
    the errors are on the form)."""
    values = editing.event_values(form)
    stored = translation_forms.apply_form(
        form, "event", event.translations if event else {}, values["language"]
    )
    if stored is None:
        return None
    return {**values, "translations": stored}


@bp.get("/events/<slug>/")
@requires(Action.EDIT_EVENT)
def event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    return render_template(
        "organise/event.html",
        event=event,
        sessions=programme(event),
        clashes=event_clashes(event),
        publish_form=PublishForm(),
        confirm_form=ConfirmForm(),
        deletable=event_status.deletion_refusal(event) is None,
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = translation_forms.with_translations(EventForm, "event")(series_choices=editing.series_choices())
    if request.method == "GET":
        editing.fill_event_form(form, event)
        translation_forms.fill_form(form, event)
    if form.validate_on_submit() and (values := _event_values(form, event)):
        try:
            operations.edit_event(current_actor(), event, values, form.slug.data or None)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Event saved."), "success")
            return redirect(url_for("organise.event", slug=event.slug))
    return render_template("organise/event_form.html", form=form, event=event)


@bp.route("/events/<slug>/duplicate", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def duplicate_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = DuplicateForm()
    if request.method == "GET":
        form.title.data = event.title
        form.starts_at.data = local(event.starts_at, event.timezone).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            copy = operations.duplicate_event(
                current_actor(),
                event,
                title=form.title.data,
                slug=form.slug.data or None,
                new_start_local=form.starts_at.data,
            )
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Copied as a new draft event. Check the dates and people."), "success")
            return redirect(url_for("organise.event", slug=copy.slug))
    return render_template("organise/duplicate.html", form=form, event=event)


# --- Hosts, partners and publications ---------------------------------------------------------------


@bp.route("/events/<slug>/organisations", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def event_organisations(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = EventOrganisationForm()
    form.organisation_id.choices = [SelectChoice(0, _("— choose —")), *editing.organisation_choices()]
    if form.validate_on_submit():
        try:
            organisation = operations.link_organisation(
                current_actor(),
                event,
                OrganisationRole(form.role.data),
                organisation_id=form.organisation_id.data or None,
                new_name=form.new_name.data or "",
            )
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s added.", name=organisation.name), "success")
            return redirect(url_for("organise.event_organisations", slug=event.slug))
    return render_template(
        "organise/event_organisations.html",
        event=event,
        form=form,
        publication_form=_publication_form(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/events/<slug>/organisations/<int:link_id>/remove")
@requires(Action.EDIT_EVENT)
def remove_event_organisation(slug: str, link_id: int):  # noqa: ANN201
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link = db.session.scalars(
        sa.select(EventOrganisation).where(
            EventOrganisation.id == link_id, EventOrganisation.event_id == event.id
        )
    ).first() or abort(404)
    operations.unlink_organisation(current_actor(), link)
    flash(_("Removed."), "success")
    return redirect(url_for("organise.event_organisations", slug=event.slug))


@bp.post("/events/<slug>/publications")
@requires(Action.EDIT_EVENT)
def add_publication(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    publication_form = _publication_form()
    if (
        publication_form.validate_on_submit()
        and (stored := translation_forms.apply_form(publication_form, "publication", {}, event.language))
        is not None
    ):
        operations.add_publication(
            current_actor(),
            event,
            {
                "title": publication_form.title.data.strip(),
                "kind": (publication_form.kind.data or "").strip(),
                "published_on": publication_form.published_on.data,
                "authors": (publication_form.authors.data or "").strip(),
                "url": publication_form.url.data or None,
                "translations": stored,
            },
        )
        flash(_("Publication added."), "success")
        return redirect(url_for("organise.event_organisations", slug=event.slug))
    form = EventOrganisationForm(formdata=None)
    form.organisation_id.choices = [SelectChoice(0, _("— choose —")), *editing.organisation_choices()]
    return render_template(
        "organise/event_organisations.html",
        event=event,
        form=form,
        publication_form=publication_form,
        confirm_form=ConfirmForm(),
    ), 400


def _publication_form(**kwargs) -> PublicationForm:  # noqa: ANN003
    """The publication form with its title in the languages other than the event's."""
    return translation_forms.with_translations(PublicationForm, "publication")(prefix="pub", **kwargs)


@bp.post("/events/<slug>/publications/<int:publication_id>/remove")
@requires(Action.EDIT_EVENT)
def remove_publication(slug: str, publication_id: int):  # noqa: ANN201
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    publication = db.session.scalars(
        sa.select(Publication).where(Publication.id == publication_id, Publication.event_id == event.id)
    ).first() or abort(404)
    operations.remove_publication(current_actor(), publication)
    flash(_("Publication removed."), "success")
    return redirect(url_for("organise.event_organisations", slug=event.slug))


# --- The event's team --------------------------------------------------------------------------------


def _members(event: Event) -> list[EventMember]:
    return list(
        db.session.scalars(
            sa.select(EventMember)
            .where(EventMember.event_id == event.id)
            .options(selectinload(EventMember.user))
            .join(User)
            .order_by(User.email)
        )
    )


def _role_choices(form: TeamMemberForm | TeamRoleForm, event: Event) -> bool:
    """Offer "owner" only to those who may manage owners; returns whether they may."""
    manages_owners = may(current_user, Action.MANAGE_OWNERS, event)
    if not manages_owners:
        form.role.choices = [c for c in form.role.choices if c.value != TeamRole.OWNER.value]
    return manages_owners


@bp.route("/events/<slug>/team", methods=["GET", "POST"])
@requires(Action.MANAGE_TEAM)
def team(slug: str):  # noqa: ANN201
    event = require_event(slug, *team_roles(Action.MANAGE_TEAM))
    form = TeamMemberForm()
    role_form = TeamRoleForm()
    manages_owners = _role_choices(form, event)
    _role_choices(role_form, event)
    if form.validate_on_submit():
        try:
            member = operations.add_team_member(
                current_actor(), event, form.email.data, TeamRole(form.role.data)
            )
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("%(email)s added to the team.", email=member.user.email), "success")
            return redirect(url_for("organise.team", slug=event.slug))
    return render_template(
        "organise/team.html", event=event, form=form, members=_members(event), role_form=role_form,
        confirm_form=ConfirmForm(), manages_owners=manages_owners,
    )  # fmt: skip


def _member(event: Event, member_id: int) -> EventMember:
    """A member of the event's team; an owner only for those who may manage owners (others: 403)."""
    member = db.session.scalars(
        sa.select(EventMember).where(EventMember.id == member_id, EventMember.event_id == event.id)
    ).first() or abort(404)
    if member.role == TeamRole.OWNER and not may(current_user, Action.MANAGE_OWNERS, event):
        abort(403)
    return member


@bp.post("/events/<slug>/team/<int:member_id>/role")
@requires(Action.MANAGE_TEAM)
def team_role(slug: str, member_id: int):  # noqa: ANN201
    event = require_event(slug, *team_roles(Action.MANAGE_TEAM))
    member = _member(event, member_id)
    form = TeamRoleForm()
    _role_choices(form, event)
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.change_team_role(current_actor(), member, TeamRole(form.role.data))
    except OperationError as error:
        flash(error.message, "error")
    else:
        flash(_("Role changed."), "success")
    return redirect(url_for("organise.team", slug=event.slug))


@bp.route("/events/<slug>/team/<int:member_id>/remove", methods=["GET", "POST"])
@requires(Action.MANAGE_TEAM)
def remove_member(slug: str, member_id: int):  # noqa: ANN201
    event = require_event(slug, *team_roles(Action.MANAGE_TEAM))
    member = _member(event, member_id)
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirm.confirmed():
        who = member.user.name or member.user.email
        return confirm.page(
            title=_("Remove %(person)s from the team?", person=who),
            lines=[
                _(
                    "%(person)s (%(email)s) loses access to this event's organiser pages; their role was: "
                    "%(role)s.",
                    person=who,
                    email=member.user.email,
                    role=label(member.role),
                ),
                _("Their account stays; what they did stays in the audit log. You can add them again."),
            ],
            action=url_for("organise.remove_member", slug=event.slug, member_id=member.id),
            back=url_for("organise.team", slug=event.slug),
            button=_("Remove from the team"),
            event=event,
        )
    try:
        operations.remove_team_member(current_actor(), member)
    except OperationError as error:
        flash(error.message, "error")
    else:
        flash(_("Removed from the team."), "success")
    return redirect(url_for("organise.team", slug=event.slug))
