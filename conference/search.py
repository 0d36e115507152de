"""Text search in organiser lists: the one place that builds LIKE conditions."""

from __future__ import annotations

import sqlalchemy as sa


def contains_text(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    """`column` contains `text`, ignoring case; `%`, `_` and the escape character in `text` match
    themselves (SQLAlchemy's autoescape), so a search for "100%" does not find everything."""
    return sa.func.lower(column).contains(text.lower(), autoescape=True)
