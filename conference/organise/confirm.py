"""The confirmation step of a destructive organiser action (cancel an event or a session, delete a session,
erase a registration's personal data, remove a team member): a GET page that says what follows, whose form
POSTs `confirm=y` to the same route; a POST without `confirm` shows the page again and changes nothing.
Each count comes from one query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.db import db
from conference.events.models import Event
from conference.mail import notices
from conference.registrations.models import Registration, SeatStatus, SessionSeat
from conference.sessions.models import Session

ACTIVE = notices.ACTIVE  # registrations holding or waiting for a place


def confirmed() -> bool:
    """Whether the POST comes from the confirmation page's form."""
    return request.method == "POST" and request.form.get("confirm") == "y"


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
    if notify[0] or notify[1]:
        lines.append(
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
    else:
        lines.append(_("No notice is sent: nobody would receive one."))
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
