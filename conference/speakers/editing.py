"""Finding, creating, editing and merging people, so nobody is entered twice by accident."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.auth.models import User
from conference.auth.permissions import person_findable
from conference.db import db
from conference.search import contains_text
from conference.sessions.models import Session
from conference.speakers.models import Assignment, Person
from conference.text import slugify

SEARCH_LIMIT = 30


def search_people(query: str, user: User, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People whose name or affiliation contains every word of `query` (case-insensitive), among those
    the user may find: people they may edit, and speakers of public events (`person_findable`)."""
    words = [w for w in query.split() if w][:6]
    if not words:
        return []
    statement = sa.select(Person).where(person_findable(user)).order_by(Person.name, Person.id).limit(limit)
    for word in words:
        statement = statement.where(
            sa.or_(contains_text(Person.name, word), contains_text(Person.affiliation, word))
        )
    return list(db.session.scalars(statement))


def _name_key(name: str) -> str:
    return slugify(name, max_length=200)


def similar_people(name: str, user: User, exclude_id: int | None = None) -> list[Person]:
    """People who are probably the same as a new entry called `name` (same name, ignoring case and accents),
    or whose name contains the surname."""
    key = _name_key(name)
    if not key:
        return []
    surname = name.split()[-1] if name.split() else name
    candidates = search_people(surname, user, limit=50)
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


def person_values(form, links: list[dict]) -> dict:  # noqa: ANN001
    """A validated person form's details, as `conference.speakers.operations` takes them."""
    return {
        "name": form.name.data.strip(),
        "position": (form.position.data or "").strip(),
        "affiliation": (form.affiliation.data or "").strip(),
        "bio": (form.bio.data or "").strip(),
        "email": (form.email.data or "").strip() or None,
        "links": links,
        "language": form.language.data or "en",
    }


def create_unless_similar(
    form,  # noqa: ANN001
    user: User,
    *,
    event_ids: list[int] | None = None,
    translations: dict | None = None,
) -> tuple[Person | None, list[Person]]:
    """Create the person from a validated form (through `speakers.operations.create_person`, in the caller's
    transaction, `user` acting; `event_ids`: the events it is created for), unless its links are malformed
    or someone with a similar name exists (among those `user` may find) and the form has not confirmed
    `create_anyway`. Errors go onto the form's fields. Returns (the new person or None, the similar people
    found). `translations`: the person's content translations ({"ja": {"bio": ...}}), already parsed."""
    from conference.speakers import operations

    links, similar = check_new_person(form, user)
    if links is None:
        return None, similar
    values = person_values(form, links)
    if translations:
        values["translations"] = translations
    person = operations.create_person(user, values, event_ids=event_ids, commit=False)
    return person, similar


def check_new_person(form, user: User) -> tuple[list[dict] | None, list[Person]]:  # noqa: ANN001
    """Whether a validated new-person form may be created: (its links, or None when it may not: malformed
    links, or someone with a similar name exists among those `user` may find and the form has not confirmed
    `create_anyway`; the errors go onto the form's fields), and the similar people found."""
    links, errors = parse_links(form.links.data)
    similar = similar_people(form.name.data, user)
    if errors:
        form.links.errors.extend(errors)
        return None, similar
    if similar and not form.create_anyway.data:
        form.name.errors.append(_("Someone with a similar name exists. Check the list, or confirm below."))
        return None, similar
    return links, similar


def merge_people(keep: Person, duplicate: Person) -> None:
    """Move everything of `duplicate` onto `keep` and delete `duplicate`. Empty fields of `keep` are filled
    from `duplicate`; where both were in the same session, keep's place stays. The caller commits."""
    if keep.id == duplicate.id:
        raise ValueError("cannot merge a person with themselves")
    for field in ("position", "affiliation", "bio", "email"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if duplicate.translations and duplicate.language == keep.language:
        keep.translations = {**duplicate.translations, **(keep.translations or {})}
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
