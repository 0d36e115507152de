"""One entry of the audit log (see conference/audit/__init__.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import UTCDateTime, db, utcnow


class AuditEntry(db.Model):
    """What one operation changed. `actor_email` is the account's e-mail at the time (kept when the account
    is deleted); None for the command line and `import-schedule`. `before`/`after` hold only the changed
    fields, as JSON (times ISO 8601 with offset, enums as their values). `event_id` is None for a person
    who takes part in no event, and for an event's deletion (the event is gone)."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_event_created", "event_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(sa.String(320))
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(30))
    subject_id: Mapped[int | None] = mapped_column()
    subject_label: Mapped[str] = mapped_column(sa.String(300), default="")
    before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind(self) -> str:
        """The subject's kind as the filters name it: event, session, person, registration, settings."""
        return self.action.split(".", 1)[0]
