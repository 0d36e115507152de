"""Operations on events: create, edit, duplicate; an event's hosts and partners, publications and team; series
and organisations. Its status (publish, unpublish, cancel, restore) and deleting it: `conference.events.status`.

Organiser pages (and later the organiser API and the CLI) change events only through these functions. Each
takes the acting user (None for the CLI or an import), refuses with `OperationError` what the rules forbid
(nothing is written then), writes in one transaction (the event row locked first where registrations may
react), sends its signal (`conference.signals`) inside that transaction, and commits once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _

from conference import signals
from conference.auth.models import EventMember, TeamRole
from conference.db import db, lock_row
from conference.events import editing
from conference.events.models import (
    Event,
    EventOrganisation,
    EventStatus,
    Organisation,
    OrganisationRole,
    Publication,
    Series,
)
from conference.operations import OperationError, changed_values, transaction
from conference.slugs import slug_taken, unique_slug

if TYPE_CHECKING:
    from conference.auth.models import User

# A change of one of these moves every session of the event in the calendar.
MOVE_FIELDS = ("timezone", "starts_at", "ends_at")


def _check_values(values: dict) -> None:
    if values["ends_at"] < values["starts_at"]:
        raise OperationError(_("The end must come after the start."), "ends_at")
    if "translations" in values:
        checked_translations("event", values["translations"], values.get("language") or "en")


def checked_translations(kind: str, stored: object, default: str) -> None:
    """Translations as stored (`conference.translations.merged`) are well-formed: anything else (from a
    caller that did not `parse`) is refused before it is written."""
    from conference import translations

    if isinstance(
        stored, dict
    ):  # one kept from before the default language changed is not shown, not refused
        stored = {language: values for language, values in stored.items() if language != default}
    try:
        translations.parse(kind, stored, default)
    except translations.TranslationErrors as refused:
        where, messages = next(iter(refused.errors.items()))
        raise OperationError(f"{where}: {messages[0]}", "translations") from refused


def create_event(actor: User | None, values: dict, slug: str | None = None) -> Event:
    """A new draft event (`values`: as `editing.event_values` gives them); the actor becomes its owner."""
    _check_values(values)
    if slug and slug_taken(Event, slug):
        raise OperationError(_("Another event uses this web address."), "slug")
    with transaction():
        event = Event(status=EventStatus.DRAFT, **values)
        event.slug = unique_slug(Event, slug or "", event.title)
        db.session.add(event)
        db.session.flush()
        if actor is not None:
            db.session.add(EventMember(event_id=event.id, user_id=actor.id, role=TeamRole.OWNER))
        signals.event_created.send(event, actor=actor)
    return event


def edit_event(
    actor: User | None, event: Event, values: dict, slug: str | None = None, *, notify: bool = True
) -> dict:
    """Change an event's details; returns {field: (old, new)}. A published event keeps its web address.
    Announces `event_changed`, with `moved` when its zone, start or end changed (every session's local
    time or date in calendars moves with it)."""
    _check_values(values)
    wanted = slug or event.slug
    if wanted != event.slug and event.is_published:
        raise OperationError(_("A published event keeps its web address, so links keep working."), "slug")
    if slug_taken(Event, wanted, exclude_id=event.id):
        raise OperationError(_("Another event uses this web address."), "slug")
    with transaction():
        event = lock_row(Event, event.id)
        changes = changed_values(event, {**values, "slug": wanted})
        for name, (_old, new) in changes.items():
            setattr(event, name, new)
        db.session.flush()
        if changes:
            moved = any(name in changes for name in MOVE_FIELDS)
            signals.event_changed.send(event, actor=actor, changes=changes, moved=moved, notify=notify)
    return changes


def duplicate_event(
    actor: User, source: Event, *, title: str, slug: str | None, new_start_local: datetime
) -> Event:
    """A draft copy of the event starting at `new_start_local` (see `editing.duplicate_event`)."""
    if slug and slug_taken(Event, slug):
        raise OperationError(_("Another event uses this web address."), "slug")
    with transaction():
        copy = editing.duplicate_event(
            source, title=title, slug=slug or "", new_start_local=new_start_local, by=actor
        )
        signals.event_duplicated.send(copy, actor=actor, source=source)
    return copy


# --- hosts, partners and publications ------------------------------------------------------------------


def link_organisation(
    actor: User | None,
    event: Event,
    role: OrganisationRole,
    *,
    organisation_id: int | None = None,
    new_name: str = "",
) -> Organisation:
    """Add an existing organisation (or one by a new name) as host or partner, or change its part."""
    if organisation_id:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise OperationError(_("Choose an organisation or enter a new name."), "organisation_id")
    elif new_name.strip():
        organisation = editing.find_or_create_organisation(new_name)
    else:
        raise OperationError(_("Choose an organisation or enter a new name."), "organisation_id")
    editing.link_organisation(event, organisation, role)
    signals.event_changed.send(
        event, actor=actor, changes={"organisations": (None, organisation.name)}, moved=False
    )
    db.session.commit()
    return organisation


def unlink_organisation(actor: User | None, link: EventOrganisation) -> None:
    event, name = link.event, link.organisation.name
    db.session.delete(link)
    signals.event_changed.send(event, actor=actor, changes={"organisations": (name, None)}, moved=False)
    db.session.commit()


def add_publication(actor: User | None, event: Event, values: dict) -> Publication:
    """A publication of the event (`values`: title, kind, published_on, authors, url, and optionally
    translations of its title)."""
    checked_translations("publication", values.get("translations", {}), event.language)
    publication = Publication(position=len(event.publications), **values)
    event.publications.append(publication)
    signals.event_changed.send(
        event, actor=actor, changes={"publications": (None, publication.title)}, moved=False
    )
    db.session.commit()
    return publication


def remove_publication(actor: User | None, publication: Publication) -> None:
    event, title = publication.event, publication.title
    db.session.delete(publication)
    signals.event_changed.send(event, actor=actor, changes={"publications": (title, None)}, moved=False)
    db.session.commit()


# --- series and organisations (shared by events) ----------------------------------------------------------


def _changes_of(obj: object, before: dict) -> dict:
    return {name: (old, getattr(obj, name)) for name, old in before.items() if old != getattr(obj, name)}


def save_series(actor: User | None, series: Series | None, values: dict) -> Series:
    """Create a series (`series` None) or change one: values title, description, slug (empty: made from the
    title). A short name another series uses is refused."""
    with transaction():
        slug = values.get("slug") or ""
        if slug and slug_taken(Series, slug, exclude_id=series.id if series else None):
            raise OperationError(_("Another series uses this short name."), "slug")
        created = series is None
        if series is None:
            series = Series(slug="", title="", description="")
            db.session.add(series)
        before = {"title": series.title, "description": series.description, "slug": series.slug}
        series.title = values["title"].strip()
        series.description = (values.get("description") or "").strip()
        series.slug = slug or unique_slug(Series, "", series.title, exclude_id=series.id)
        db.session.flush()
        signals.series_changed.send(series, actor=actor, changes=_changes_of(series, before), created=created)
    return series


def organisation_event_ids(organisation: Organisation) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(EventOrganisation.event_id).where(EventOrganisation.organisation_id == organisation.id)
        )
    )


def save_organisation(actor: User | None, organisation: Organisation | None, values: dict) -> Organisation:
    """Create an organisation (`organisation` None) or change one: values name, short_name, url, country.
    A name another organisation has (ignoring case) is refused."""
    name = values["name"].strip()
    with transaction():
        clash = db.session.scalar(
            sa.select(Organisation.id).where(
                sa.func.lower(Organisation.name) == name.lower(),
                Organisation.id != (organisation.id if organisation else -1),
            )
        )
        if clash:
            raise OperationError(_("An organisation with this name exists already."), "name")
        created = organisation is None
        if organisation is None:
            organisation = Organisation(name=name)
            db.session.add(organisation)
        fields = ("name", "short_name", "url", "country")
        before = {field: None if created else getattr(organisation, field) for field in fields}
        organisation.name = name
        organisation.short_name = (values.get("short_name") or "").strip() or None
        organisation.url = values.get("url") or None
        organisation.country = (values.get("country") or "").strip() or None
        db.session.flush()
        signals.organisation_changed.send(
            organisation, actor=actor, changes=_changes_of(organisation, before), created=created
        )
    return organisation


# --- the event's team ------------------------------------------------------------------------------------


def _owners_left(event_id: int, without: EventMember) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EventMember)
        .where(
            EventMember.event_id == event_id, EventMember.role == TeamRole.OWNER, EventMember.id != without.id
        )
    )


def _team_changed(
    actor: User | None, event: Event, action: str, member: EventMember, email: str, changes: dict
) -> None:
    signals.settings_changed.send(
        event,
        actor=actor,
        action=action,
        subject_type="team",
        subject_id=member.user_id,
        label=email,
        changes=changes,
    )


def add_team_member(actor: User | None, event: Event, email: str, role: TeamRole) -> EventMember:
    """Put an existing account on the event's team (who may give which role is checked by the page)."""
    from conference.auth.accounts import find_user

    user = find_user(email)
    if user is None:
        raise OperationError(_("No organiser account has this email. An admin creates accounts."), "email")
    known = db.session.scalar(
        sa.select(EventMember.id).where(EventMember.event_id == event.id, EventMember.user_id == user.id)
    )
    if known is not None:
        raise OperationError(_("Already on the team."), "email")
    member = EventMember(event_id=event.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    _team_changed(actor, event, "team.added", member, user.email, {"role": (None, role)})
    db.session.commit()
    return member


def change_team_role(actor: User | None, member: EventMember, role: TeamRole) -> None:
    if member.role == TeamRole.OWNER and role != TeamRole.OWNER and not _owners_left(member.event_id, member):
        raise OperationError(_("Every event keeps at least one owner."), "role")
    old = member.role
    member.role = role
    if old != role:
        _team_changed(
            actor,
            db.session.get(Event, member.event_id),
            "team.role_changed",
            member,
            member.user.email,
            {"role": (old, role)},
        )
    db.session.commit()


def remove_team_member(actor: User | None, member: EventMember) -> None:
    if member.role == TeamRole.OWNER and not _owners_left(member.event_id, member):
        raise OperationError(_("Every event keeps at least one owner."))
    _team_changed(
        actor,
        db.session.get(Event, member.event_id),
        "team.removed",
        member,
        member.user.email,
        {"role": (member.role, None)},
    )
    db.session.delete(member)
    db.session.commit()
