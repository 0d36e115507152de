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


def unique_slug(
    model: type,
    wanted: str,
    fallback: str,
    exclude_id: int | None = None,
    *,
    default: str = "item",
    max_length: int = 100,
    also_taken: set[str] | None = None,
) -> str:
    """`wanted` (or a slug of `fallback`, or `default`), with -2, -3... added until no other row uses it
    and it is not in `also_taken` (slugs handed out but not yet written), to which it is then added."""
    base = slugify(wanted or fallback, max_length=max_length) or default
    slug, n = base, 1
    while (also_taken is not None and slug in also_taken) or slug_taken(model, slug, exclude_id):
        n += 1
        slug = f"{base}-{n}"
    if also_taken is not None:
        also_taken.add(slug)
    return slug
