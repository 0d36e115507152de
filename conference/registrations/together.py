"""Registering one person for several co-located events with one form, in one transaction.

Each event gets its own registration, made by the same code as a registration on its own page
(`conference.registrations.registering._register`): its capacity and waiting list (the allocation rule of
`conference.registrations.allocation`, the conditional seat UPDATEs of `seats`), its approval rule, its
questions. All of them are written in ONE transaction, in the order of the events' ids (so two
submissions lock the events' counter rows in the same order): when one event has no seat left for what
was chosen and no waiting list, nothing at all is written (`TogetherFull` names the event); a conflict on
an address or key (a concurrent submission) rolls the whole back and starts again, as `register` does.

What the person is told: the registrations this submission created are bundled
(`conference.registrations.bundles`) and get ONE mail covering all of them (the per-event mails the
registration code wrote are taken back in the same transaction), with one manage link and one agenda (the
first registration's; its page and feed show the others). An event for which the address was already
registered is answered as on its own page (its link is mailed again; nothing of it is shown here).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from conference import translations
from conference.db import db, new_uid, serialized_write
from conference.events.models import Event
from conference.mail import outbox
from conference.mail.models import OutboxMessage
from conference.registrations import mails, registering
from conference.registrations.bundles import RegistrationBundle
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus
from conference.zones import mail_language


class TogetherFull(Exception):
    """One of the events has no seat left for what was chosen and no waiting list: nothing was written."""

    def __init__(self, event: Event) -> None:
        super().__init__(event.slug)
        self.event = event


@dataclass
class Part:
    """One event of the form, with what the person chose and answered for it."""

    event: Event
    data: registering.RegistrationInput


@dataclass
class TogetherResult:
    parts: list[tuple[Event, registering.RegisterResult]]

    @property
    def created(self) -> list[tuple[Event, registering.RegisterResult]]:
        return [(e, r) for e, r in self.parts if r.outcome != registering.Outcome.LINK_SENT]

    @property
    def link_sent(self) -> list[Event]:
        return [e for e, r in self.parts if r.outcome == registering.Outcome.LINK_SENT]

    @property
    def first_token(self) -> str | None:
        """The manage token of the first registration the submitter may see (created or repeated)."""
        for _event, result in self.created:
            if result.summary is not None:
                return result.summary.token
        return None


def part_key(key: str | None, event: Event) -> str | None:
    """The idempotency key of one event's registration: derived from the form's key and the event, so that
    the same form sent twice gets each event's first answer again, and the keys of two events never clash."""
    if not key:
        return None
    return hashlib.sha256(f"{key}:{event.id}".encode()).hexdigest()[:40]


def register_together(parts: list[Part]) -> TogetherResult:
    """Register for every part's event, all or nothing (see the module's doc). Raises TogetherFull,
    registering.IdempotencyKeyTaken."""
    ordered = sorted(parts, key=lambda p: p.event.id)
    look_first = False
    for attempt in range(3):
        try:
            with serialized_write():
                results = []
                for part in ordered:
                    try:
                        results.append((part.event, registering._register(part.event, part.data, look_first)))
                    except registering.RegistrationFull as full:
                        raise TogetherFull(part.event) from full
                order = {part.event.id: n for n, part in enumerate(parts)}
                results.sort(key=lambda pair: order[pair[0].id])
                _bundle([r for _e, r in results if r.outcome == registering.Outcome.CREATED])
                db.session.commit()
                return TogetherResult(results)
        except (IntegrityError, registering._Taken):
            db.session.rollback()
            look_first = True
            if attempt == 2:
                raise
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def _bundle(created: list[registering.RegisterResult]) -> None:
    """Link the registrations just created and replace their mails with one covering all."""
    if len(created) < 2:
        return
    bundle = new_uid()
    ids = [result.registration_id for result in created]
    db.session.execute(
        sa.insert(RegistrationBundle.__table__), [{"registration_id": i, "bundle": bundle} for i in ids]
    )
    # They are brand new: every message about them was written by this transaction.
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.registration_id.in_(ids)))
    registrations = [db.session.get(Registration, i) for i in ids]
    queue_combined(registrations)


def queue_combined(registrations: list[Registration]) -> int:
    """The one mail about registrations made together (in the caller's transaction): each event with its
    status and sessions, one manage link and one agenda (the first registration's, covering all), and the
    check-in code of each event attended in person."""
    first = registrations[0]
    with force_locale(mail_language(first.language)):
        zone = first.timezone or first.event.timezone
        parts = [
            {
                "registration": r,
                "event": r.event,
                "seats": [s for s in r.seats if s.status != SeatStatus.CANCELLED],
                "join_url": r.join_url,
                "zone": first.timezone or r.event.timezone,
            }
            for r in registrations
        ]
        body = render_template(
            "mail/together.txt",
            registration=first,
            parts=parts,
            manage_url=mails.manage_url(first.token),
            calendar_url=mails.calendar_url(first.feed_token),
            site_name=current_app.config["SITE_NAME"],
            zone=zone,
        )
        titles = ", ".join(str(translations.text(r.event, "title")) for r in registrations)
        heading = _("Your registrations")
        subject = f"{heading}: {titles}"
    attachments = []
    if any(r.status == RegistrationStatus.CONFIRMED for r in registrations):
        attachments.append(outbox.generated("agenda.ics", "text/calendar", "registration_agenda"))
    # A check-in code for each event attended in person, named after its event when there are several.
    in_person = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED and r.attends_in_person]
    for r in in_person:
        filename = "checkin-code.png" if len(in_person) == 1 else f"checkin-code-{r.event.slug}.png"
        attachments.append(outbox.generated(filename, "image/png", "checkin_code", registration_id=r.id))
    return outbox.write(
        "together",
        first.email,
        subject,
        body,
        event_id=first.event_id,
        registration_id=first.id,
        attachments=attachments,
        language=mail_language(first.language),
    )
