"""Routes of the organiser workspace (/organise/...): home and events here; programme and people in
programme_views.py and people_views.py. Views stay thin: check access, validate a form, call a function."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from conference.auth.models import EventMember, TeamRole, User
from conference.auth.permissions import Action, may, require_event, requires, team_roles, visible_events
from conference.db import db
from conference.events import editing
from conference.events.forms import (
    DuplicateForm,
    EventForm,
    EventOrganisationForm,
    PublicationForm,
    PublishForm,
    TeamMemberForm,
    TeamRoleForm,
)
from conference.events.models import Event, EventOrganisation, EventStatus, OrganisationRole, Publication
from conference.events.queries import programme
from conference.organise import people_views, programme_views  # noqa: F401  (their routes)
from conference.organise.access import editable_event, session_link
from conference.organise.blueprint import bp
from conference.sessions.clashes import event_clashes
from conference.sessions.forms import ConfirmForm
from conference.slugs import slug_taken
from conference.timeutil import local


@bp.context_processor
def organise_context() -> dict:
    return {"session_link": session_link}


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
    form = EventForm(series_choices=editing.series_choices())
    if request.method == "GET":
        form.timezone.data = "Europe/Berlin"
    if form.validate_on_submit():
        if form.slug.data and slug_taken(Event, form.slug.data):
            form.slug.errors.append(_("Another event uses this web address."))
        else:
            event = editing.create_event(form, current_user)
            db.session.commit()
            flash(_("Event created as a draft. Add its sessions next."), "success")
            return redirect(url_for("organise.event", slug=event.slug))
    return render_template("organise/event_form.html", form=form, event=None)


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
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def edit_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = EventForm(series_choices=editing.series_choices())
    if request.method == "GET":
        editing.fill_event_form(form, event)
    if form.validate_on_submit():
        wanted = form.slug.data or event.slug
        if wanted != event.slug and event.is_published:
            form.slug.errors.append(_("A published event keeps its web address, so links keep working."))
        elif slug_taken(Event, wanted, exclude_id=event.id):
            form.slug.errors.append(_("Another event uses this web address."))
        else:
            editing.apply_event_form(event, form)
            event.slug = wanted
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("organise.event", slug=event.slug))
    return render_template("organise/event_form.html", form=form, event=event)


@bp.post("/events/<slug>/publish")
@requires(Action.EDIT_EVENT)
def publish_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    clashes = event_clashes(event)
    if clashes and not form.confirm.data:
        flash(
            _(
                "This event has %(n)s clash(es). Check them below, then confirm to publish anyway.",
                n=len(clashes),
            ),
            "warning",
        )
        return redirect(url_for("organise.event", slug=event.slug, _anchor="publish"))
    event.status = EventStatus.PUBLISHED
    db.session.commit()
    flash(_("Published: the event page is public now."), "success")
    return redirect(url_for("organise.event", slug=event.slug))


def _status_action(slug: str, status: EventStatus, message: str):  # noqa: ANN202
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    event.status = status
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("organise.event", slug=event.slug))


@bp.post("/events/<slug>/unpublish")
@requires(Action.EDIT_EVENT)
def unpublish_event(slug: str):  # noqa: ANN201
    return _status_action(slug, EventStatus.DRAFT, _("The event is a draft again and no longer public."))


@bp.post("/events/<slug>/cancel")
@requires(Action.EDIT_EVENT)
def cancel_event(slug: str):  # noqa: ANN201
    if editable_event(slug).first_published_at is None:
        message = _("The draft is cancelled; it was never published and stays private.")
    else:
        message = _("The event is cancelled; its page stays, marked cancelled.")
    return _status_action(slug, EventStatus.CANCELLED, message)


@bp.route("/events/<slug>/duplicate", methods=["GET", "POST"])
@requires(Action.EDIT_EVENT)
def duplicate_event(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    form = DuplicateForm()
    if request.method == "GET":
        form.title.data = event.title
        form.starts_at.data = local(event.starts_at, event.timezone).replace(tzinfo=None)
    if form.validate_on_submit():
        if form.slug.data and slug_taken(Event, form.slug.data):
            form.slug.errors.append(_("Another event uses this web address."))
        else:
            copy = editing.duplicate_event(
                event,
                title=form.title.data,
                slug=form.slug.data or "",
                new_start_local=form.starts_at.data,
                by=current_user,
            )
            db.session.commit()
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
        if form.organisation_id.data:
            from conference.events.models import Organisation

            organisation = db.session.get(Organisation, form.organisation_id.data)
        elif (form.new_name.data or "").strip():
            organisation = editing.find_or_create_organisation(form.new_name.data)
        else:
            organisation = None
            form.organisation_id.errors.append(_("Choose an organisation or enter a new name."))
        if organisation is not None:
            editing.link_organisation(event, organisation, OrganisationRole(form.role.data))
            db.session.commit()
            flash(_("%(name)s added.", name=organisation.name), "success")
            return redirect(url_for("organise.event_organisations", slug=event.slug))
    return render_template(
        "organise/event_organisations.html",
        event=event,
        form=form,
        publication_form=PublicationForm(prefix="pub"),
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
    db.session.delete(link)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("organise.event_organisations", slug=event.slug))


@bp.post("/events/<slug>/publications")
@requires(Action.EDIT_EVENT)
def add_publication(slug: str):  # noqa: ANN201
    event = editable_event(slug)
    publication_form = PublicationForm(prefix="pub")
    if publication_form.validate_on_submit():
        event.publications.append(
            Publication(
                title=publication_form.title.data.strip(),
                kind=(publication_form.kind.data or "").strip(),
                published_on=publication_form.published_on.data,
                authors=(publication_form.authors.data or "").strip(),
                url=publication_form.url.data or None,
                position=len(event.publications),
            )
        )
        db.session.commit()
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


@bp.post("/events/<slug>/publications/<int:publication_id>/remove")
@requires(Action.EDIT_EVENT)
def remove_publication(slug: str, publication_id: int):  # noqa: ANN201
    event = editable_event(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    publication = db.session.scalars(
        sa.select(Publication).where(Publication.id == publication_id, Publication.event_id == event.id)
    ).first() or abort(404)
    db.session.delete(publication)
    db.session.commit()
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


def _owners_left(event: Event, without: EventMember) -> int:
    return sum(1 for m in _members(event) if m.role == TeamRole.OWNER and m.id != without.id)


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
        from conference.auth.accounts import find_user

        user = find_user(form.email.data)
        if user is None:
            form.email.errors.append(_("No organiser account has this email. An admin creates accounts."))
        elif any(m.user_id == user.id for m in _members(event)):
            form.email.errors.append(_("Already on the team."))
        else:
            db.session.add(EventMember(event_id=event.id, user_id=user.id, role=TeamRole(form.role.data)))
            db.session.commit()
            flash(_("%(email)s added to the team.", email=user.email), "success")
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
    role = TeamRole(form.role.data)
    if member.role == TeamRole.OWNER and role != TeamRole.OWNER and not _owners_left(event, member):
        flash(_("Every event keeps at least one owner."), "error")
    else:
        member.role = role
        db.session.commit()
        flash(_("Role changed."), "success")
    return redirect(url_for("organise.team", slug=event.slug))


@bp.post("/events/<slug>/team/<int:member_id>/remove")
@requires(Action.MANAGE_TEAM)
def remove_member(slug: str, member_id: int):  # noqa: ANN201
    event = require_event(slug, *team_roles(Action.MANAGE_TEAM))
    member = _member(event, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if member.role == TeamRole.OWNER and not _owners_left(event, member):
        flash(_("Every event keeps at least one owner."), "error")
    else:
        db.session.delete(member)
        db.session.commit()
        flash(_("Removed from the team."), "success")
    return redirect(url_for("organise.team", slug=event.slug))
