"""Operations on people: create, edit, merge; speakers' invitations, answers, links, profiles, settings.

The people pages (and any later caller) change a person only through these functions. Each takes the acting
user (None for the CLI or an import), refuses with `OperationError` what the rules forbid (nothing is written
then), writes in one transaction, announces the change (`signals.person_changed`, `signals.person_merged`)
inside it and commits once. Who may edit or merge a person is decided before, by the caller
(`conference.auth.permissions.may_edit_person`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import signals
from conference.db import db, lock_row, utcnow
from conference.events.models import Event
from conference.mail import outbox
from conference.operations import OperationError, transaction
from conference.sessions.models import Session, SessionStatus
from conference.slugs import unique_slug
from conference.speakers import editing
from conference.speakers.assignment_states import settings_for
from conference.speakers.models import Assignment, AssignmentStatus, Person
from conference.zones import mail_language

if TYPE_CHECKING:
    from conference.auth.models import User

# A person's own details, as the people pages edit them.
PERSON_FIELDS = (
    "name",
    "position",
    "affiliation",
    "bio",
    "email",
    "links",
    "language",
    "translations",
    "mail_language",
    "timezone",
)
# What the speaker keeps on their own page (and organisers edit too); never the address.
PROFILE_FIELDS = (
    "name",
    "position",
    "affiliation",
    "bio",
    "links",
    "pronouns",
    "public_fields",
    "mail_language",
    "timezone",
)


def _check(values: dict, default: str) -> None:
    from conference.zones import known_language, known_zone

    if values.get("mail_language") and not known_language(values["mail_language"]):
        raise OperationError(_("Choose a language from the list."), "mail_language")
    if values.get("timezone") and not known_zone(values["timezone"]):
        raise OperationError(_("Choose a time zone from the list."), "timezone")
    if "translations" in values:
        from conference.events.operations import checked_translations

        checked_translations("person", values["translations"], values.get("language") or default)


def _apply(person: Person, values: dict) -> dict:
    """Set the values that differ; returns {field: (old, new)} of those."""
    changes = {
        name: (getattr(person, name), value)
        for name, value in values.items()
        if getattr(person, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(person, name, new)
    return changes


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
        changes = _apply(person, values)
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


# --- speakers: invitations, answers, links, profiles (docs/speakers.md) ----------------------------------


class SpeakerActor:
    """The speaker acting on their own page: no account, the audit log records their address."""

    id = None

    def __init__(self, person: Person) -> None:
        self.email = person.email or person.name


def send_invitations(actor: User | None, event: Event, people: list[Person] | None = None) -> int:
    """Send (or send again) the invitation of each person (default: everyone of the event with an address
    who is not invited yet) with the next send-mail; returns how many were written."""
    from conference.speakers import invitations

    with transaction():
        lock_row(Event, event.id)
        resent = people is not None
        if people is None:
            people = _not_invited(event)
        sent = 0
        for person in people:
            listed = invitations.queue(event, person, now_=True)
            if listed:
                sent += 1
                signals.speaker_invited.send(
                    person, actor=actor, event=event, assignments=listed, resent=resent
                )
    return sent


def _not_invited(event: Event) -> list[Person]:
    """People of the event with an address and an assignment not invited yet (a subquery of ids: PostgreSQL
    cannot compare the JSON columns a DISTINCT over whole rows would need)."""
    ids = (
        sa.select(Assignment.person_id)
        .join(Session, Session.id == Assignment.session_id)
        .where(
            Session.event_id == event.id,
            Session.status != SessionStatus.CANCELLED,
            Assignment.status == AssignmentStatus.NOT_INVITED,
        )
    )
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(Person.id.in_(ids), Person.email.is_not(None), Person.email != "")
            .order_by(Person.id)
        )
    )


def hold_invitation(actor: User | None, event: Event, person: Person) -> None:
    """Keep the person's waiting invitation from going out (refused once it is sent or being sent)."""
    from conference.speakers import invitations

    with transaction():
        lock_row(Event, event.id)
        if not invitations.hold(event, person):
            raise OperationError(_("No invitation of %(name)s is waiting to be sent.", name=person.name))
        signals.settings_changed.send(
            event, actor=actor, action="invitation.held", subject_type="person", subject_id=person.id,
            label=person.name, changes={},
        )  # fmt: skip


def answer(person: Person, assignment: Assignment, accepted: bool, note: str) -> None:
    """The speaker's answer on their page: accept or decline (with a note) one of their assignments."""
    if assignment.person_id != person.id:
        raise OperationError(_("This is not one of your sessions."))
    if assignment.session.status == SessionStatus.CANCELLED:
        raise OperationError(_("This session is cancelled."))
    with transaction():
        lock_row(Event, assignment.session.event_id)
        _answer(SpeakerActor(person), assignment, accepted, note, by_organiser=False)


def confirm_assignment(actor: User | None, assignment: Assignment, accepted: bool, note: str = "") -> None:
    """An organiser records the speaker's answer given elsewhere (by phone, in person)."""
    with transaction():
        lock_row(Event, assignment.session.event_id)
        _answer(actor, assignment, accepted, note, by_organiser=True)


def _answer(actor: object, assignment: Assignment, accepted: bool, note: str, *, by_organiser: bool) -> None:
    status = AssignmentStatus.ACCEPTED if accepted else AssignmentStatus.DECLINED
    if assignment.status == status and assignment.answer_note == note:
        return
    assignment.status = status
    assignment.answer_note = note
    assignment.answered_at = utcnow()
    assignment.confirmed_by_organiser = by_organiser
    session = assignment.session
    session.updated_at = utcnow()  # public pages and feeds show who takes part
    db.session.flush()
    signals.assignment_answered.send(
        assignment, actor=actor, accepted=accepted, note=note, by_organiser=by_organiser
    )


def renew_link(person: Person) -> str:
    """A new private link for the speaker, mailed to them; the old one stops working at once."""
    from conference.speakers import private_link

    with transaction():
        token = private_link.new_link(person)
        person.updated_at = utcnow()
        if person.email:
            with force_locale(mail_language(person.mail_language)):  # the speaker's language of our mails
                subject = _("Your new speaker link")
                body = render_template(
                    "mail/speaker_link.txt",
                    person=person,
                    link=private_link.speaking_url(person),
                    site_name=current_app.config["SITE_NAME"],
                )
            outbox.write("speaker_link", person.email, subject, body, language=person.mail_language)
    return token


def save_profile(actor: object, person: Person, values: dict, photo: bytes | None = None,
                 remove_photo: bool = False) -> dict:  # fmt: skip
    """The speaker's (or an organiser's) profile: the fields of PROFILE_FIELDS and public_fields, and the
    photo (bytes of an uploaded file, checked and re-encoded by `photos.prepare` before anything is
    written). The last edit wins; `person_changed` records who."""
    from conference.speakers import photos

    _check({k: v for k, v in values.items() if k in ("mail_language", "timezone")}, person.language)
    prepared = photos.prepare(photo) if photo else None  # PhotoError: refused, nothing written
    with transaction():
        changes = _apply(person, values)
        if prepared is not None:
            old = person.photo_digest
            photos.store(person, prepared)
            changes["photo"] = (old, person.photo_digest)
        elif remove_photo and person.photo_digest:
            changes["photo"] = (person.photo_digest, None)
            photos.remove(person)
        if changes:
            person.updated_at = utcnow()
            db.session.flush()
            signals.person_changed.send(person, actor=actor, changes=changes, event_ids=event_ids(person))
    return changes


def save_speaker_settings(actor: User | None, event: Event, values: dict) -> dict:
    """The event's speaker settings (the Speakers page): invitation message, instructions, who is public,
    hold, reply days, arrival minutes."""

    with transaction():
        lock_row(Event, event.id)
        settings = event.speaker_settings
        if settings is None:
            settings = settings_for(event)  # the defaults, kept from now on
            db.session.add(settings)
            event.speaker_settings = settings
        changes = {n: (getattr(settings, n), v) for n, v in values.items() if getattr(settings, n) != v}
        for name, (_old, new) in changes.items():
            setattr(settings, name, new)
        if "confirmed_only" in changes:
            event.updated_at = utcnow()  # who is public changed: pages and feeds
        if changes:
            db.session.flush()
            signals.settings_changed.send(
                event, actor=actor, action="speakers.settings_changed", subject_type="settings",
                subject_id=event.id, label=event.title, changes=changes,
            )  # fmt: skip
    return changes
