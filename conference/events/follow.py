"""Following a series by e-mail: double opt-in, one-click unsubscribe, and the notices followers get.

- `request_follow(series, email)`: a confirmation link goes to the address (at most one link mail per
  address per LINK_MAIL_INTERVAL_SECONDS, `conference.mail.throttle`); the answer is the same whether or not
  the address follows already, so the page tells nobody who follows what. An address that follows already
  gets its unsubscribe link instead.
- `confirm(token)`: the link's token (stored only as its SHA-256) confirms the address.
- `unfollow(token)`: the unsubscribe token (an HMAC with SECRET_KEY of the row's id and salt, compared in
  constant time) deletes the row: nothing of the address is kept.
- Notices (receivers of `event_published`, `event_unpublished`, `event_cancelled` and `settings_changed`,
  connected by `connect()` in `create_app`): at an event's first publication every confirmed follower of its
  series is told (once per event, `SeriesNotice` "published"); when its registration opens later than that,
  a second mail waits in the outbox until the opening time ("opens"), moved or withdrawn when the opening
  time, registration or the event's status change before it is sent. Written in the operation's
  transaction, like every notice.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from conference import signals
from conference.db import db, utcnow
from conference.events.models import Event, EventStatus, Series, SeriesFollower, SeriesNotice
from conference.mail import outbox, throttle
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.operations import transaction
from conference.urls import absolute_url_for

# Pending (unconfirmed) addresses are forgotten after this many days.
PENDING_DAYS = 7


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mac(follower_id: int, salt: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"series-unfollow:{follower_id}:{salt}".encode(), hashlib.sha256).hexdigest()[:43]


def unfollow_token(follower: SeriesFollower) -> str:
    return f"{follower.id}-{_mac(follower.id, follower.salt)}"


def unfollow_url(follower: SeriesFollower) -> str:
    return absolute_url_for("events.unfollow", token=unfollow_token(follower))


def _mail(
    kind: str, follower: SeriesFollower, subject: str, *, event: Event | None = None, **context: object
) -> int:
    body = render_template(
        f"mail/{kind}.txt",
        series=follower.series,
        event=event,
        unfollow_url=unfollow_url(follower) if follower.id else None,
        series_url=absolute_url_for("events.series", slug=follower.series.slug),
        site_name=current_app.config["SITE_NAME"],
        **context,
    )
    return outbox.write(kind, follower.email, subject, body, event_id=event.id if event else None)


def _forget_stale(now: datetime) -> None:
    db.session.execute(
        sa.delete(SeriesFollower).where(
            SeriesFollower.confirmed_at.is_(None),
            SeriesFollower.created_at < now - timedelta(days=PENDING_DAYS),
        )
    )


def request_follow(series: Series, email: str) -> None:
    """Send the confirmation link (or, to an address that follows already, its unsubscribe link)."""
    now = utcnow()
    with transaction():
        _forget_stale(now)
        if not throttle.claim(email):
            return
        follower = db.session.scalars(
            sa.select(SeriesFollower).where(
                SeriesFollower.series_id == series.id, SeriesFollower.email == email
            )
        ).first()
        if follower is not None and follower.confirmed_at is not None:
            _mail("series_already", follower, _("You follow %(series)s", series=series.title))
            return
        token = secrets.token_urlsafe(32)
        if follower is None:
            follower = SeriesFollower(series=series, email=email, salt=secrets.token_hex(16), created_at=now)
            db.session.add(follower)
        follower.confirm_hash = _hash(token)
        db.session.flush()
        _mail(
            "series_confirm",
            follower,
            _("Confirm that you follow %(series)s", series=series.title),
            confirm_url=absolute_url_for("events.confirm_follow", token=token),
        )


def pending_by_token(token: str) -> SeriesFollower | None:
    """The follower whose confirmation link this is (pending or already confirmed with it), or None."""
    if not token or len(token) > 100:
        return None
    digest = _hash(token)
    found = db.session.scalars(sa.select(SeriesFollower).where(SeriesFollower.confirm_hash == digest)).first()
    if found is None or not hmac.compare_digest(found.confirm_hash or "", digest):
        return None
    return found


def confirm(follower: SeriesFollower) -> None:
    with transaction():
        follower = db.session.get(SeriesFollower, follower.id, with_for_update=True)
        if follower is not None and follower.confirmed_at is None:
            follower.confirmed_at = utcnow()


def by_unfollow_token(token: str) -> SeriesFollower | None:
    follower_id, _sep, mac = (token or "").partition("-")
    if not follower_id.isascii() or not follower_id.isdigit() or len(follower_id) > 10 or not mac:
        return None
    follower = db.session.get(SeriesFollower, int(follower_id))
    if follower is None or not hmac.compare_digest(_mac(follower.id, follower.salt), mac):
        return None
    return follower


def unfollow(follower: SeriesFollower) -> None:
    with transaction():
        db.session.execute(sa.delete(SeriesFollower).where(SeriesFollower.id == follower.id))


# --- notices ---------------------------------------------------------------------------------------------


def _followers(event: Event) -> list[SeriesFollower]:
    if event.series_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(SeriesFollower)
            .where(SeriesFollower.series_id == event.series_id, SeriesFollower.confirmed_at.is_not(None))
            .order_by(SeriesFollower.id)
        )
    )


def _noticed(event: Event, kind: str) -> bool:
    return (
        db.session.scalar(
            sa.select(SeriesNotice.id)
            .where(SeriesNotice.event_id == event.id, SeriesNotice.kind == kind)
            .limit(1)
        )
        is not None
    )


def _withdraw_opening(event: Event) -> bool:
    """Take back the unsent "registration opens" mails of the event; whether there were any."""
    pending = sa.select(SeriesNotice.outbox_id).where(
        SeriesNotice.event_id == event.id, SeriesNotice.kind == "opens", SeriesNotice.outbox_id.is_not(None)
    )
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.id.in_(pending), OutboxMessage.status == OutboxStatus.PENDING
            )
        )
    )
    if ids:
        db.session.execute(sa.delete(SeriesNotice).where(SeriesNotice.outbox_id.in_(ids)))
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return bool(ids)


def _schedule_opening(event: Event, now: datetime, *, announced: bool) -> None:
    """Mail every follower when the event's registration opens: at the opening time when it is still ahead;
    now if it opened early after an opening mail had been announced (`announced`)."""
    opens = event.registration_opens_at
    if not event.registration_enabled or event.status != EventStatus.PUBLISHED:
        return
    if opens is not None and opens > now:
        when = opens
    elif announced:
        when = now
    else:
        return
    for follower in _followers(event):
        message_id = _mail(
            "series_registration_open",
            follower,
            _("Registration is open: %(event)s", event=event.title),
            event=event,
            register_url=absolute_url_for("registrations.register", slug=event.slug),
        )
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(next_attempt_at=when)
        )
        db.session.add(SeriesNotice(event_id=event.id, kind="opens", outbox_id=message_id))


def on_published(event: Event, **_kwargs: object) -> None:
    if event.series_id is None or _noticed(event, "published"):
        return
    now = utcnow()
    opens = event.registration_opens_at
    registration = "closed"
    if event.registration_enabled:
        registration = "later" if opens is not None and opens > now else "open"
    followers = _followers(event)
    for follower in followers:
        message_id = _mail(
            "series_new_event",
            follower,
            _("New in %(series)s: %(event)s", series=follower.series.title, event=event.title),
            event=event,
            event_url=absolute_url_for("events.detail", slug=event.slug),
            register_url=absolute_url_for("registrations.register", slug=event.slug),
            registration=registration,
        )
        db.session.add(SeriesNotice(event_id=event.id, kind="published", outbox_id=message_id))
    if not followers:
        db.session.add(SeriesNotice(event_id=event.id, kind="published", outbox_id=None))
    if registration == "later":
        _schedule_opening(event, now, announced=False)


def on_withdrawn(event: Event, **_kwargs: object) -> None:
    """Unpublished or cancelled: nobody is told its registration opens."""
    _withdraw_opening(event)


REGISTRATION_FIELDS = {"registration_opens_at", "registration_enabled"}


def on_settings(event: Event, *, action: str = "", changes: dict | None = None, **_kwargs: object) -> None:
    if action != "settings.changed" or not REGISTRATION_FIELDS & set(changes or {}):
        return
    if not _noticed(event, "published"):
        return  # never announced: the publication's mail says how registration stands
    announced = _withdraw_opening(event)
    _schedule_opening(event, utcnow(), announced=announced)


def connect() -> None:
    signals.event_published.connect(on_published)
    signals.event_unpublished.connect(on_withdrawn)
    signals.event_cancelled.connect(on_withdrawn)
    signals.settings_changed.connect(on_settings)
