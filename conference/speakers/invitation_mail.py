"""The texts of the mail about speakers: the invitation (every session of the person at the event, with role,
time in the event's zone and their own, and place; the organiser's message; their private link), and the
notice to organisers that a speaker declined. Queueing and folding them: `conference.speakers.invitations`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import translations
from conference.events.models import Event
from conference.sessions.models import Session
from conference.speakers.assignment_states import settings_for
from conference.speakers.models import Assignment, Person
from conference.speakers.private_link import speaking_url
from conference.urls import absolute_url_for
from conference.zones import mail_language, when


@dataclass(frozen=True)
class Line:
    assignment: Assignment
    when: str
    where: str


def place_text(session: Session) -> str:
    event = session.event
    parts = [session.room.name] if session.room else []
    if event.venue_name:
        parts.append(translations.text(event, "venue_name"))
    if event.attendance_mode.value != "in_person":
        parts.append(_("online"))
    return ", ".join(parts)


def render(event: Event, person: Person, assignments: list[Assignment]) -> tuple[str, str]:
    """(subject, body) of the invitation, in the person's language where they gave one, else the event's (the
    one its speakers are known to read; never the language of the organiser's page that happened to queue it),
    titles and venue included; each time in the event's zone and, where they gave theirs and it differs, in
    their own."""
    with force_locale(mail_language(person.mail_language or event.language)):
        return _render(event, person, assignments)


def _render(event: Event, person: Person, assignments: list[Assignment]) -> tuple[str, str]:
    settings = settings_for(event)
    lines = [
        Line(
            a,
            when(a.session.starts_at, a.session.ends_at, event.timezone, person.timezone or None),
            place_text(a.session),
        )
        for a in assignments
    ]
    body = render_template(
        "mail/speaker_invitation.txt",
        person=person,
        event=event,
        message=settings.invitation_message.strip(),
        lines=lines,
        link=speaking_url(person),
        site_name=current_app.config["SITE_NAME"],
    )
    subject = _("Invitation to speak: %(event)s", event=translations.text(event, "title"))
    return subject, body


def render_declined(
    event: Event, session: Session, person: Person, assignment: Assignment, note: str
) -> tuple[str, str]:
    body = render_template(
        "mail/speaker_declined.txt",
        person=person,
        event=event,
        session=session,
        assignment=assignment,
        note=note,
        when=when(session.starts_at, session.ends_at, event.timezone),
        url=absolute_url_for("organise.edit_session", slug=event.slug, session_id=session.id),
        site_name=current_app.config["SITE_NAME"],
    )
    subject = _(
        "Declined: %(name)s, %(session)s", name=person.name, session=translations.text(session, "title")
    )
    return subject, body
