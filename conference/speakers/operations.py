"""Operations on people: create, edit, merge.

The people pages (and any later caller) change a person only through these functions. Each takes the acting
user (None for the CLI or an import), refuses with `OperationError` what the rules forbid (nothing is written
then), writes in one transaction, announces the change (`signals.person_changed`, `signals.person_merged`)
inside it and commits once. Who may edit or merge a person is decided before, by the caller
(`conference.auth.permissions.may_edit_person`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from conference import signals
from conference.db import db
from conference.operations import OperationError, transaction
from conference.slugs import unique_slug
from conference.speakers import editing
from conference.speakers.models import Person

if TYPE_CHECKING:
    from conference.auth.models import User

# A person's own details, as the people pages edit them.
PERSON_FIELDS = ("name", "position", "affiliation", "bio", "email", "links", "language", "translations")


def _check(values: dict, default: str) -> None:
    if "translations" in values:
        from conference.events.operations import checked_translations

        checked_translations("person", values["translations"], values.get("language") or default)


def event_ids(person: Person) -> list[int]:
    """The events the person takes part in (their audit log hears of changes to the person)."""
    return sorted({a.session.event_id for a in person.assignments})


def create_person(
    actor: User | None, values: dict, *, event_ids: list[int] | None = None, commit: bool = True
) -> Person:
    """A new person with these details ({field: value} of `PERSON_FIELDS`), announced with
    `person_changed(created=True)`: the one way a person is made (the people page, a session's "new person"
    form, the API). `event_ids`: the events the person is created for (a session's), whose audit logs record
    it. With `commit=False` it runs in the caller's transaction (creating and assigning commit together)."""
    _check(values, "en")
    with transaction(commit):
        slug = unique_slug(Person, "", values["name"], default="person", max_length=80)
        person = Person(slug=slug, **values)
        db.session.add(person)
        db.session.flush()
        changes = {name: (None, value) for name, value in values.items() if value}
        signals.person_changed.send(
            person, actor=actor, changes=changes, event_ids=list(event_ids or []), created=True
        )
    return person


def edit_person(actor: User | None, person: Person, values: dict) -> dict:
    """Change the person's details; returns the changes {field: (old, new)} (nothing announced if none)."""
    _check(values, person.language)
    with transaction():
        changes = {
            name: (getattr(person, name), value)
            for name, value in values.items()
            if getattr(person, name) != value
        }
        for name, (_old, new) in changes.items():
            setattr(person, name, new)
        if changes:
            db.session.flush()
            signals.person_changed.send(person, actor=actor, changes=changes, event_ids=event_ids(person))
    return changes


def merge_people(actor: User | None, keep: Person, duplicate: Person) -> None:
    """Move everything of `duplicate` onto `keep` and delete `duplicate` (`editing.merge_people`)."""
    if keep.id == duplicate.id:
        raise OperationError(_("Choose two different people."), "merge_id")
    with transaction():
        name = duplicate.name
        ids = sorted(set(event_ids(keep)) | set(event_ids(duplicate)))
        editing.merge_people(keep, duplicate)
        db.session.flush()
        signals.person_merged.send(keep, actor=actor, duplicate_name=name, event_ids=ids)
