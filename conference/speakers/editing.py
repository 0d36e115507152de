"""Finding, creating, editing and merging people, so nobody is entered twice by accident."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.auth.models import User
from conference.auth.permissions import editable_event_ids
from conference.db import db
from conference.sessions.models import Session
from conference.slugs import unique_slug
from conference.speakers.models import Assignment, Person
from conference.text import slugify

SEARCH_LIMIT = 30


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_people(query: str, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People whose name or affiliation contains every word of `query` (case-insensitive)."""
    words = [w for w in query.split() if w][:6]
    if not words:
        return []
    statement = sa.select(Person).order_by(Person.name, Person.id).limit(limit)
    for word in words:
        pattern = _like(word.lower())
        statement = statement.where(
            sa.or_(
                sa.func.lower(Person.name).like(pattern, escape="\\"),
                sa.func.lower(Person.affiliation).like(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(statement))


def _name_key(name: str) -> str:
    return slugify(name, max_length=200)


def similar_people(name: str, exclude_id: int | None = None) -> list[Person]:
    """People who are probably the same as a new entry called `name` (same name, ignoring case and accents),
    or whose name contains the surname."""
    key = _name_key(name)
    if not key:
        return []
    surname = name.split()[-1] if name.split() else name
    candidates = search_people(surname, limit=50)
    return [p for p in candidates if p.id != exclude_id and (_name_key(p.name) == key or len(surname) > 2)][
        :10
    ]


def parse_links(text: str) -> tuple[list[dict], list[str]]:
    """'Label https://...' lines -> [{"label", "url"}]; returns (links, errors)."""
    links, errors = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, _sep, url = line.rpartition(" ")
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            errors.append(_("“%(line)s” does not end with an https:// link.", line=line[:80]))
            continue
        links.append({"label": label.strip() or url, "url": url})
    return links, errors


def format_links(links: list[dict] | None) -> str:
    return "\n".join(f"{link.get('label', '')} {link.get('url', '')}".strip() for link in links or [])


def apply_person_form(person: Person, form, links: list[dict]) -> None:  # noqa: ANN001
    person.name = form.name.data.strip()
    person.position = (form.position.data or "").strip()
    person.affiliation = (form.affiliation.data or "").strip()
    person.bio = (form.bio.data or "").strip()
    person.email = (form.email.data or "").strip() or None
    person.links = links


def create_person(form, links: list[dict]) -> Person:  # noqa: ANN001
    person = Person(
        slug=unique_slug(Person, "", form.name.data, default="person", max_length=80), name="", links=[]
    )
    apply_person_form(person, form, links)
    db.session.add(person)
    db.session.flush()
    return person


def create_unless_similar(form) -> tuple[Person | None, list[Person]]:  # noqa: ANN001
    """Create the person from a validated form, unless its links are malformed or someone with a similar
    name exists and the form has not confirmed `create_anyway`. Errors go onto the form's fields.
    Returns (the new person or None, the similar people found)."""
    links, errors = parse_links(form.links.data)
    similar = similar_people(form.name.data)
    if errors:
        form.links.errors.extend(errors)
        return None, similar
    if similar and not form.create_anyway.data:
        form.name.errors.append(_("Someone with a similar name exists. Check the list, or confirm below."))
        return None, similar
    return create_person(form, links), similar


def may_edit_person(user: User, person: Person) -> bool:
    """Admins; otherwise an editor (owner or manager) of an event the person takes part in. A person in no
    session yet (just created, or whose sessions were removed) may be edited
    by any organiser who edits an event."""
    if user.is_admin:
        return True
    editable = editable_event_ids(user).subquery()
    person_events = (
        sa.select(Session.event_id)
        .join(Assignment, Assignment.session_id == Session.id)
        .where(Assignment.person_id == person.id)
        .subquery()
    )
    in_any = db.session.scalar(sa.select(sa.exists(sa.select(person_events.c.event_id))))
    if not in_any:
        return bool(db.session.scalar(sa.select(sa.exists(sa.select(editable)))))
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists(
                    sa.select(person_events.c.event_id).where(
                        person_events.c.event_id.in_(sa.select(editable))
                    )
                )
            )
        )
    )


def merge_people(keep: Person, duplicate: Person) -> None:
    """Move everything of `duplicate` onto `keep` and delete `duplicate`. Empty fields of `keep` are filled
    from `duplicate`; where both were in the same session, keep's place stays. The caller commits."""
    if keep.id == duplicate.id:
        raise ValueError("cannot merge a person with themselves")
    for field in ("position", "affiliation", "bio", "email"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    known_urls = {link.get("url") for link in keep.links or []}
    extra = [link for link in duplicate.links or [] if link.get("url") not in known_urls]
    if extra:
        keep.links = list(keep.links or []) + extra
    keep_sessions = {a.session_id for a in keep.assignments}
    for assignment in list(duplicate.assignments):
        if assignment.session_id in keep_sessions:
            duplicate.assignments.remove(assignment)  # an orphan now: deleted on flush
        else:
            assignment.person = keep
            # The column too, so change tracking sees person_id change and bumps the session's revision.
            assignment.person_id = keep.id
    db.session.flush()
    db.session.delete(duplicate)


def person_with_sessions(person_id: int) -> Person | None:
    return db.session.scalars(
        sa.select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.assignments).joinedload(Assignment.session).joinedload(Session.event))
    ).first()
