"""Web addresses (slugs) that no other row of a table uses."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.text import slugify


def slug_taken(model: type, slug: str, exclude_id: int | None = None) -> bool:
    query = sa.select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def taken_slugs(model: type) -> set[str]:
    """Every slug the table uses: load once, then hand out many with unique_slug(..., taken=...)."""
    return set(db.session.scalars(sa.select(model.slug)))


def unique_slug(
    model: type,
    wanted: str,
    fallback: str,
    exclude_id: int | None = None,
    *,
    default: str = "item",
    max_length: int = 100,
    also_taken: set[str] | None = None,
    taken: set[str] | None = None,
) -> str:
    """`wanted` (or a slug of `fallback`, or `default`), with -2, -3... added until no other row uses it
    and it is not in `also_taken` (slugs handed out but not yet written), to which it is then added.
    With `taken` (every slug in use, from taken_slugs()) the database is not asked, and the slug handed
    out is added to it: one query for many slugs instead of one each."""
    base = slugify(wanted or fallback, max_length=max_length) or default
    slug, n = base, 1
    if taken is not None:
        also_taken = taken
    while (also_taken is not None and slug in also_taken) or (
        taken is None and slug_taken(model, slug, exclude_id)
    ):
        n += 1
        slug = f"{base}-{n}"
    if also_taken is not None:
        also_taken.add(slug)
    return slug
