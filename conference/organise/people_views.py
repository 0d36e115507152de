"""Organiser routes shared across events: people (find, create, edit, merge), series and organisations.

Every account that may organise (not an account that is only a check-in helper) may list, search and create.
A person may be edited or merged only by someone who edits every event the person takes part in
(`conference.auth.permissions.person_editable`), so an organiser cannot change another team's speakers;
a series or organisation by an editor of every one of its events (`may_edit_linked`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference import translation_forms
from conference.auth.permissions import (
    Action,
    editable_event_ids,
    editable_person_ids,
    may_edit_person,
    requires,
)
from conference.db import db
from conference.events import operations as events
from conference.events.forms import OrganisationForm, SeriesForm
from conference.events.models import Organisation, Series
from conference.inputs import parse_id
from conference.operations import OperationError, current_actor, show_error
from conference.organise.blueprint import bp
from conference.speakers import editing as people
from conference.speakers import operations
from conference.speakers.forms import MergeForm, PersonForm
from conference.speakers.models import Person


def _editable_person(person_id: int) -> Person:
    person = people.person_with_sessions(person_id) or abort(404)
    if not may_edit_person(current_user, person):
        abort(404)
    return person


@bp.get("/people/")
@requires(Action.ORGANISE)
def people_index():  # noqa: ANN201
    query = (request.args.get("q") or "").strip()[:200]
    results = people.search_people(query, current_user) if query else []
    return render_template(
        "organise/people.html",
        query=query,
        results=results,
        editable=editable_person_ids(current_user, (p.id for p in results)),
        merge_form=MergeForm(),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@requires(Action.ORGANISE)
def new_person():  # noqa: ANN201
    form = translation_forms.with_translations(PersonForm, "person")()
    similar: list[Person] = []
    if request.method == "GET":
        form.name.data = (request.args.get("name") or "")[:200]
    if form.validate_on_submit() and (stored := _translations(form, None)) is not None:
        links, similar = people.check_new_person(form, current_user)
        if links is not None:
            values = {**people.person_values(form, links), "translations": stored}
            person = operations.create_person(current_actor(), values)
            flash(_("%(name)s created.", name=person.name), "success")
            return redirect(url_for("organise.edit_person", person_id=person.id))
    return render_template("organise/person_form.html", form=form, person=None, similar=similar)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_PERSON)
def edit_person(person_id: int):  # noqa: ANN201
    person = _editable_person(person_id)
    form = translation_forms.with_translations(PersonForm, "person")(obj=person)
    if request.method == "GET":
        form.links.data = people.format_links(person.links)
        translation_forms.fill_form(form, person)
    if form.validate_on_submit() and (stored := _translations(form, person)) is not None:
        links, errors = people.parse_links(form.links.data)
        if errors:
            form.links.errors.extend(errors)
        else:
            values = {**people.person_values(form, links), "translations": stored}
            operations.edit_person(current_actor(), person, values)
            flash(_("Saved."), "success")
            return redirect(url_for("organise.edit_person", person_id=person.id))
    return render_template("organise/person_form.html", form=form, person=person, similar=[])


def _translations(form: PersonForm, person: Person | None) -> dict | None:
    """The translations of position and bio the form sends (None: refused, the errors are on the form)."""
    return translation_forms.apply_form(
        form, "person", person.translations if person else {}, form.language.data
    )


@bp.route("/people/merge", methods=["GET", "POST"])
@requires(Action.EDIT_PERSON)
def merge_people():  # noqa: ANN201
    form = MergeForm()
    if request.method == "GET":
        form.keep_id.data = request.args.get("keep", type=parse_id)
        form.merge_id.data = request.args.get("merge", type=parse_id)
    # Read before the form is validated: an id beyond the id column is nobody (not a database error).
    keep_id, merge_id = parse_id(form.keep_id.data), parse_id(form.merge_id.data)
    keep = db.session.get(Person, keep_id) if keep_id else None
    duplicate = db.session.get(Person, merge_id) if merge_id else None
    for person in (keep, duplicate):  # merging needs the right on both
        if person is not None and not may_edit_person(current_user, person):
            abort(404)
    if form.validate_on_submit():
        if keep is None or duplicate is None:
            form.merge_id.errors.append(_("Choose two existing people."))
        else:
            name = duplicate.name
            try:
                operations.merge_people(current_actor(), keep, duplicate)
            except OperationError as error:
                show_error(form, error)
            else:
                flash(_("%(old)s merged into %(name)s.", old=name, name=keep.name), "success")
                return redirect(url_for("organise.edit_person", person_id=keep.id))
    return render_template("organise/merge.html", form=form, keep=keep, duplicate=duplicate)


# --- Series and organisations ------------------------------------------------------------------------


def may_edit_linked(event_ids: list[int]) -> bool:
    """Admins; editors of *every* one of these events (as for people: anyone may link a series or an
    organisation to their own event, so "one of its events" would let them rename another team's); an item
    used by no event yet: any account that may organise (checked by `requires`)."""
    if current_user.is_admin or not event_ids:
        return True
    return set(event_ids) <= set(db.session.scalars(editable_event_ids(current_user)))


@bp.get("/series/")
@requires(Action.ORGANISE)
def series_index():  # noqa: ANN201
    return render_template(
        "organise/series.html", series=db.session.scalars(sa.select(Series).order_by(Series.title)).all()
    )


@bp.route("/series/new", methods=["GET", "POST"])
@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_SHARED)
def edit_series(series_id: int | None = None):  # noqa: ANN201
    series = None
    if series_id is not None:
        series = db.session.get(Series, series_id) or abort(404)
        if not may_edit_linked([e.id for e in series.events]):
            abort(404)
    form = SeriesForm(obj=series)
    if form.validate_on_submit():
        try:
            events.save_series(current_actor(), series, form.data)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Series saved."), "success")
            return redirect(url_for("organise.series_index"))
    return render_template("organise/simple_form.html", form=form, title=_("Series"), item=series,
                           back=url_for("organise.series_index"))  # fmt: skip


@bp.get("/organisations/")
@requires(Action.ORGANISE)
def organisations_index():  # noqa: ANN201
    return render_template(
        "organise/organisations.html",
        organisations=db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all(),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_SHARED)
def edit_organisation(organisation_id: int | None = None):  # noqa: ANN201
    organisation = None
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id) or abort(404)
        if not may_edit_linked(events.organisation_event_ids(organisation)):
            abort(404)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            events.save_organisation(current_actor(), organisation, form.data)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Organisation saved."), "success")
            return redirect(url_for("organise.organisations_index"))
    return render_template("organise/simple_form.html", form=form, title=_("Organisation"), item=organisation,
                           back=url_for("organise.organisations_index"))  # fmt: skip
