"""The organisers' registration search on SQLite, answered by the FTS5 trigram index of migration 0023.

`queries.matches` says what the search finds: a registration whose name or e-mail contains the text typed
(A-Z ignoring case on SQLite, as its LIKE does), or whose check-in code it is. PostgreSQL answers that
expression from its trigram indexes; SQLite's B-trees cannot answer "contains", so there the event's rows
were read one by one until enough matched: fast for a common word, every row for a rare one.

On SQLite a text of three characters or more (what a trigram needs) is looked up in `registrations_search`
instead, which holds `lower(name)` and `lower(email)` by registration id. The text is one FTS5 string
(double quotes, a quote doubled), so nothing typed is read as FTS syntax (AND, OR, NEAR, *, ^, :, -,
parentheses): the phrase of its trigrams matches exactly the rows that contain it. Shorter texts, and
PostgreSQL, keep `matches`. Each helper returns None where it does not apply.
"""

from __future__ import annotations

import string

import sqlalchemy as sa

from conference.db import db
from conference.registrations.models import Registration

TABLE = "registrations_search"
MIN_LENGTH = 3  # a trigram's
# The FTS5 table and the shadow tables SQLite keeps its index in: made by migration 0023, not models.
TABLES = frozenset([TABLE] + [f"{TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")])
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # SQLite's lower()

# Rows of the index that are registrations of the event: the index drives (CROSS JOIN keeps SQLite from
# walking the event's rows and probing the index for each, which costs more than the scan it replaces), and
# only the range of the event's ids is read, so other events' matches cost nothing outside it.
_MATCHES = """
FROM registrations_search CROSS JOIN registrations ON registrations.id = registrations_search.rowid
WHERE registrations_search MATCH :phrase
  AND registrations_search.rowid BETWEEN (SELECT min(id) FROM registrations WHERE event_id = :event_id)
                                     AND (SELECT max(id) FROM registrations WHERE event_id = :event_id)
  AND registrations.event_id = :event_id
"""


def _phrase(q: str) -> str:
    """`q` as one FTS5 string: everything inside double quotes is text, a double quote is written twice."""
    return '"' + q.translate(_ASCII_LOWER).replace('"', '""') + '"'


def indexed(q: str) -> bool:
    """Whether the index answers a search for `q` here: on SQLite, three characters or more."""
    return len(q) >= MIN_LENGTH and db.session.get_bind().dialect.name == "sqlite"


def first_matches(event_id: int, q: str, columns: tuple, limit: int, *, alive: bool) -> list[sa.Row]:
    """`columns` of the first `limit` registrations of the event (by id) whose name or e-mail contains
    `q`, not erased ones if `alive`: as many index entries as it takes, in id order. Only where
    `indexed(q)`."""
    names = ", ".join(f"registrations.{column.key}" for column in columns)
    statement = sa.text(
        f"SELECT {names} {_MATCHES}"
        + (" AND registrations.erased_at IS NULL" if alive else "")
        + " ORDER BY registrations_search.rowid LIMIT :limit"
    ).columns(*columns)
    return list(db.session.execute(statement, {"phrase": _phrase(q), "event_id": event_id, "limit": limit}))


def matching_ids(event_id: int, q: str, limit: int) -> list[int] | None:
    """The ids of the event's registrations that `queries.matches(q)` finds (name or e-mail contains `q`,
    or `q` is the check-in code), when there are at most `limit` of them; None when there are more (a
    common word: the event's rows in the list's order meet its matches soon) or where `indexed(q)` is
    false. Reads at most limit + 1 index entries."""
    if not indexed(q):
        return None
    rows = first_matches(event_id, q, (Registration.id,), limit + 1, alive=False)
    if len(rows) > limit:
        return None
    ids = {row.id for row in rows}
    ids.update(
        db.session.scalars(
            sa.select(Registration.id).where(
                Registration.checkin_code == q.upper(), Registration.event_id == event_id
            )
        )
    )
    return sorted(ids)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's comparison of the models with the database (autogenerate, tests/test_migrations.py):
    the search index's tables are made by migration 0023 with SQL no model can say (a virtual table), so
    they are left out of it instead of being reported as tables the models do not have."""
    return not (type_ == "table" and name in TABLES)
