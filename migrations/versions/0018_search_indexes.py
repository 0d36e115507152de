"""registrations: indexes for the organiser list's pages, its counts by status and its search

Revision ID: 0018_search_indexes
Revises: 0017_reminders

On PostgreSQL the name and email searches use trigram indexes (pg_trgm, a trusted extension of
postgresql-contrib, which Debian's postgresql-15 includes: the database owner may create it). Where the
extension cannot be created the indexes are plain B-trees of the same name: the search still works (by
scanning the event's rows), only slower.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0018_search_indexes"
down_revision = "0017_reminders"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
SEARCHED = ("name", "email")


def _trigrams_available(bind: sa.engine.Connection) -> bool:
    """Create pg_trgm if it is not there; False (nothing changed) where it cannot be."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        return True
    if not bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")):
        log.warning("pg_trgm is not installed: registration search uses plain indexes")
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm could not be created (%s): registration search uses plain indexes", error.orig)
        return False
    return True


def upgrade():
    bind = op.get_bind()
    op.create_index("ix_registrations_event_created", "registrations", ["event_id", "created_at", "id"])
    op.create_index("ix_registrations_event_status", "registrations", ["event_id", "status"])
    trigrams = bind.dialect.name == "postgresql" and _trigrams_available(bind)
    for column in SEARCHED:
        if trigrams:
            op.create_index(
                f"ix_registrations_{column}_search",
                "registrations",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
        else:
            op.create_index(f"ix_registrations_{column}_search", "registrations", [column])


def downgrade():
    for column in SEARCHED:
        op.drop_index(f"ix_registrations_{column}_search", table_name="registrations")
    op.drop_index("ix_registrations_event_status", table_name="registrations")
    op.drop_index("ix_registrations_event_created", table_name="registrations")
