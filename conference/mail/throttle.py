"""At most one link mail per address per `LINK_MAIL_INTERVAL_SECONDS`, across workers and machines.

The lost-link form, a repeated registration and the revival of a cancelled registration each mail a
registration's link to an address that anyone can type. `claim` records the link mail in the database, in
the caller's transaction, so the record and the message are committed (or rolled back) together and the
limit holds across gunicorn workers: one row per address with the time of its last link mail. On SQLite
the caller runs inside `serialized_write()` (one writer at a time); on PostgreSQL the INSERT ... ON
CONFLICT and the conditional UPDATE lock the address's row until the commit, so a concurrent claim for
the same address waits and then finds it taken. Callers answer the same way whether or not a mail was
written, so the answer does not tell whether the address is registered.

Rows are keyed by an HMAC (with SECRET_KEY) of the lower-cased address: the table holds no addresses. Each
claim deletes some rows older than the interval, so the table holds only the addresses mailed recently.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import UTCDateTime, db, utcnow


class LinkMailThrottle(db.Model):
    """When the last link mail to an address was written to the outbox."""

    __tablename__ = "link_mail_throttle"

    address_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


_TABLE = LinkMailThrottle.__table__
_INSERT_UNLESS_PRESENT = {
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.address_key),
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.address_key),
}


def address_key(address: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, address.strip().lower().encode(), hashlib.sha256).hexdigest()


PURGE_BATCH = 100  # expired rows deleted by one claim at most


def _purge_expired(now: datetime) -> None:
    """Delete rows older than the interval: they no longer hold anything back (a claim treats them as
    absent), and without this the table grows by one row per address ever mailed. Rows another transaction
    holds are skipped (PostgreSQL), so two claims never wait for each other here; on SQLite claims run one
    at a time anyway."""
    cutoff = now - timedelta(seconds=current_app.config["LINK_MAIL_INTERVAL_SECONDS"])
    expired = (
        sa.select(_TABLE.c.address_key)
        .where(_TABLE.c.sent_at <= cutoff)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(sa.delete(_TABLE).where(_TABLE.c.address_key.in_(expired)))


def claim(address: str, *, always: bool = False) -> bool:
    """True when a link mail to `address` may be written now, and records it; False when one was written
    less than LINK_MAIL_INTERVAL_SECONDS ago. `always` records the mail without asking (for a mail that must
    go, such as the notice of a revived registration, so that repeats right after it send nothing more)."""
    now = utcnow()
    _purge_expired(now)
    key = address_key(address)
    statement = _INSERT_UNLESS_PRESENT[db.session.get_bind().dialect.name]
    if db.session.execute(statement, {"address_key": key, "sent_at": now}).scalar() is not None:
        return True
    condition = _TABLE.c.address_key == key
    if not always:
        interval = timedelta(seconds=current_app.config["LINK_MAIL_INTERVAL_SECONDS"])
        condition = condition & (_TABLE.c.sent_at <= now - interval)
    updated = db.session.execute(sa.update(_TABLE).where(condition).values(sent_at=now))
    return always or updated.rowcount == 1
