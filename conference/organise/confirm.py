"""The confirmation step of a destructive organiser action (cancel an event or a session, delete an event or
a session, cancel a registration, erase a registration's personal data, remove a team member): a GET page
that says what follows, whose form POSTs `confirm=y` to the same route; a POST without `confirm` shows the
page again and changes nothing. Each count comes from one query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.db import db
from conference.events.models import Event, EventStatus
from conference.mail import notices
from conference.registrations.models import Registration, SeatStatus, SessionSeat
from conference.sessions.models import Session

ACTIVE = notices.ACTIVE  # registrations holding or waiting for a place


def confirmed() -> bool:
    """Whether the POST comes from the confirmation page's form."""
    return request.method == "POST" and request.form.get("confirm") == "y"


def notify_wanted() -> bool:
    """The "Tell registrants and speakers" checkbox: the form sends an empty `notify` before the checkbox's
    "y", so that an unticked box says no; a form without it (nobody to tell when the page was shown) says yes."""
    values = request.form.getlist("notify")
    return not values or "y" in values


def _notice_line(notify: tuple[int, int]) -> str:
    if not (notify[0] or notify[1]):
        return _("No notice is sent: nobody would receive one.")
    return (
        ngettext(
            "A cancellation notice goes to %(num)s registrant",
            "A cancellation notice goes to %(num)s registrants",
            notify[0],
        )
        + " "
        + ngettext("and %(num)s speaker.", "and %(num)s speakers.", notify[1])
        + " "
        + _("Untick the box below to tell nobody.")
    )


def page(
    *,
    title: str,
    lines: list[str],
    action: str,
    back: str,
    button: str,
    event: Event,
    notify: tuple[int, int] | None = None,
    preview: tuple[str, str] | None = None,
) -> str:
    return render_template(
        "organise/confirm.html",
        title=title,
        lines=lines,
        action=action,
        back=back,
        button=button,
        event=event,
        notified=notify,
        preview=preview,
    )


def session_seats(session: Session) -> tuple[int, int]:
    """(held seats, waiting-list places) of active registrations in the session, in one query."""
    rows = db.session.execute(
        sa.select(SessionSeat.status, sa.func.count())
        .join(Registration, Registration.id == SessionSeat.registration_id)
        .where(SessionSeat.session_id == session.id, Registration.status.in_(ACTIVE))
        .group_by(SessionSeat.status)
    ).all()
    found = dict(rows)
    return int(found.get(SeatStatus.CONFIRMED, 0)), int(found.get(SeatStatus.WAITLISTED, 0))


def session_cancel_lines(session: Session, notify: tuple[int, int]) -> list[str]:
    seats, waiting = session_seats(session)
    lines = [
        _("The session stays in the programme and the feeds, marked cancelled; it can no longer be chosen."),
        ngettext("%(num)s seat is given back.", "%(num)s seats are given back.", seats),
        ngettext(
            "%(num)s waiting-list place is withdrawn.", "%(num)s waiting-list places are withdrawn.", waiting
        ),
    ]
    lines.append(_notice_line(notify))
    return lines


def event_registrations(event: Event) -> int:
    """Active registrations of the event (those a cancellation cancels), in one query."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        )
        or 0
    )


def notice_preview(session: Session) -> tuple[str, str] | None:
    """The cancellation notice as the first recipient would get it (subject, plain-text body)."""
    return notices.preview(session, notices.CANCELLED)


def event_cancel_notify(event: Event) -> tuple[int, int]:
    """(registrants, speakers) a cancellation of the event would tell: nobody for a draft never published."""
    if event.first_published_at is None or event.status == EventStatus.CANCELLED:
        return (0, 0)
    return notices.event_counts(event)


def event_cancel_lines(event: Event, notify: tuple[int, int]) -> list[str]:
    if event.first_published_at is None:
        lines = [_("The draft is cancelled; it was never published and stays private.")]
    else:
        lines = [_("The event's page stays, marked cancelled; nobody can register any more.")]
    lines.append(
        ngettext(
            "%(num)s registration is cancelled (and comes back if you restore the event).",
            "%(num)s registrations are cancelled (and come back if you restore the event).",
            event_registrations(event),
        )
    )
    if event.first_published_at is None:
        lines.append(_("No notice is sent: the event was never public."))
    else:
        lines.append(_notice_line(notify))
    lines.append(
        _(
            "Restoring the event later makes it a draft again: its registrations come back on the waiting "
            "list in their order and take the free seats (those get the usual mail); notices still waiting "
            "in the outbox are taken back, those sent stay sent."
        )
    )
    return lines


def event_notice_preview(event: Event) -> tuple[str, str] | None:
    return notices.event_preview(event)


def event_delete_lines(event: Event) -> list[str]:
    """What deleting a draft takes with it, counted in one query."""
    from conference.auth.models import EventMember
    from conference.sessions.models import Room
    from conference.speakers.models import Assignment

    def count(model: type, *where: sa.ColumnElement[bool]) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()

    sessions, rooms, places, team = db.session.execute(
        sa.select(
            count(Session, Session.event_id == event.id),
            count(Room, Room.event_id == event.id),
            count(
                Assignment,
                Assignment.session_id.in_(sa.select(Session.id).where(Session.event_id == event.id)),
            ),
            count(EventMember, EventMember.event_id == event.id),
        )
    ).one()
    lines = [
        _(
            "The draft was never published and nobody registered: it is deleted for good; this cannot be undone."
        ),
        ngettext("%(num)s session is deleted", "%(num)s sessions are deleted", sessions)
        + " "
        + ngettext("with %(num)s room.", "with %(num)s rooms.", rooms),
    ]
    if places:
        lines.append(
            ngettext(
                "%(num)s place of a person in its sessions goes (the people stay in the people list).",
                "%(num)s places of people in its sessions go (the people stay in the people list).",
                places,
            )
        )
    lines.append(
        ngettext("%(num)s team member loses access to it.", "%(num)s team members lose access to it.", team)
    )
    lines.append(
        _("The audit log keeps a record of the deletion; no notice is sent: nobody was told of the draft.")
    )
    return lines


def registration_cancel_lines(registration: Registration) -> list[str]:
    """What cancelling a registration on the registrant's behalf does (`registrations.operations.
    cancel_registration`)."""
    if registration.status not in ACTIVE:
        return [_("This registration is cancelled already; nothing more follows.")]
    rows = db.session.execute(
        sa.select(SessionSeat.status, sa.func.count())
        .where(SessionSeat.registration_id == registration.id)
        .group_by(SessionSeat.status)
    ).all()
    found = dict(rows)
    seats = int(found.get(SeatStatus.CONFIRMED, 0))
    waiting = int(found.get(SeatStatus.WAITLISTED, 0))
    who = registration.name or registration.email
    lines = [
        _("The registration of %(name)s is cancelled; it stays in the list, marked cancelled.", name=who)
    ]
    if registration.holds_event_seat:
        lines.append(
            _(
                "Their seat at the event is given back: the next person on the event's waiting list gets it "
                "and is told by mail."
            )
        )
    if seats:
        lines.append(
            ngettext(
                "Their seat in %(num)s session is given back: the next person on its waiting list gets it "
                "and is told by mail.",
                "Their seats in %(num)s sessions are given back: the next person on each waiting list gets "
                "it and is told by mail.",
                seats,
            )
        )
    if waiting:
        lines.append(
            ngettext(
                "Their place on %(num)s waiting list is withdrawn.",
                "Their places on %(num)s waiting lists are withdrawn.",
                waiting,
            )
        )
    if registration.erased_at:
        lines.append(_("No mail goes to them: their personal data was deleted."))
    else:
        lines.append(
            _(
                "%(name)s is told by mail that the organisers cancelled their registration.",
                name=who,
            )
        )
    return lines
