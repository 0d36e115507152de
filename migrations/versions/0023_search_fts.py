"""registrations: on SQLite, a trigram full-text index of the names and e-mail addresses searched

Revision ID: 0023_search_fts
Revises: 0022_registration_counters

The organisers' search (registrations list, check-in page and desk) finds a registration whose name or
e-mail contains the text typed. PostgreSQL answers that from the trigram indexes of 0018; SQLite's B-trees
cannot answer "contains", so a search for a word nobody has read every registration of the event. Here
SQLite gets an FTS5 table with the `trigram` tokenizer (SQLite 3.34 or later): a quoted phrase of three
or more characters matches exactly the rows that contain it (conference/registrations/search_index.py).

It holds `lower(name)` and `lower(email)` with `case_sensitive 1`: SQLite's `lower()` folds A-Z only, as
its LIKE does, so the index finds exactly what `lower(name) LIKE lower('%text%')` finds and the search
may take either path. Triggers keep it in step with every INSERT, DELETE and UPDATE of a name or e-mail
(the erasure of personal data too: an erased registration is indexed under its blanked values only).
Its rowid is the registration's id; `columnsize=0` (no ranking).

A later migration that rebuilds the registrations table on SQLite (`op.batch_alter_table`) drops these
triggers with the old table: it must create them again (copy TRIGGERS below).

On PostgreSQL this migration does nothing.
"""

from alembic import op

revision = "0023_search_fts"
down_revision = "0022_registration_counters"
branch_labels = None
depends_on = None

TABLE = "registrations_search"
_ROW = "INSERT INTO registrations_search (rowid, name, email) VALUES (new.id, lower(new.name), lower(new.email));"
TRIGGERS = {
    "registrations_search_insert": f"AFTER INSERT ON registrations BEGIN {_ROW} END",
    "registrations_search_update": (
        "AFTER UPDATE OF id, name, email ON registrations BEGIN "
        f"DELETE FROM registrations_search WHERE rowid = old.id; {_ROW} END"
    ),
    "registrations_search_delete": (
        "AFTER DELETE ON registrations BEGIN DELETE FROM registrations_search WHERE rowid = old.id; END"
    ),
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        "name, email, tokenize = 'trigram case_sensitive 1', columnsize = 0)"
    )
    op.execute(
        f"INSERT INTO {TABLE} (rowid, name, email) SELECT id, lower(name), lower(email) FROM registrations"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
