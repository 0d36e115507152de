"""The migrations and the models describe the same schema (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from conference.db import db
from conference.registrations import search_index


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        # include_name: on SQLite, the FTS5 search index (a virtual table and its shadow tables, made by
        # migration 0023) is no model and would be reported as tables to remove; migrations/env.py leaves
        # it out of autogenerate the same way. Every other table is compared.
        opts = {"compare_type": True, "render_as_batch": True, "include_name": search_index.include_name}
        context = MigrationContext.configure(conn, opts=opts)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_are_a_single_line(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
