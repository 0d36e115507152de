"""The follow-up message after an event: an announcement drafted from its sessions' recordings, slides and
links, for those who came (checked in) or those who registered but did not come. The organiser edits the
draft on the compose page before it goes (it is their text: written in the event's language)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from conference import translations
from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Session, SessionStatus
from conference.zones import mail_language

ATTENDED, ABSENT = "attended", "absent"
AUDIENCES = {
    ATTENDED: {"status": ["confirmed"], "checked_in": True},
    ABSENT: {"status": ["confirmed"], "checked_in": False},
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def _escaped(text: str) -> str:
    """Text shown as it is in Markdown (a title with * or [ stays a title)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _link(title: str, url: str) -> str:
    return f"- [{_escaped(title)}](<{url.replace('>', '%3E').replace('<', '%3C')}>)"


def sessions_with_materials(event: Event) -> list[Session]:
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == event.id, Session.status != SessionStatus.CANCELLED)
        .order_by(Session.starts_at, Session.id)
    )
    return [s for s in sessions if s.has_materials]


def draft(event: Event, which: str) -> tuple[str, str, dict]:
    """(subject, Markdown body, audience JSON) of the follow-up to `which` (ATTENDED or ABSENT)."""
    language = event.language or mail_language(None)
    title = str(translations.text(event, "title", language))
    with force_locale(mail_language(language)):
        subject = _("Recordings and slides: %(title)s", title=title)
        if which == ATTENDED:
            opening = _(
                "Thank you for coming to %(title)s. Here are the recordings, slides and links of its sessions.",
                title=title,
            )
        else:
            opening = _(
                "We missed you at %(title)s. Here are the recordings, slides and links of its sessions.",
                title=title,
            )
        lines = [_escaped(opening), ""]
        sessions = sessions_with_materials(event)
        for session in sessions:
            lines.append(f"## {_escaped(str(translations.text(session, 'title', language)))}")
            lines.append("")
            if session.recording_url:
                lines.append(_link(_("Recording"), session.recording_url))
            if session.slides_url:
                lines.append(_link(_("Slides"), session.slides_url))
            for link in session.links or []:
                if isinstance(link, dict) and link.get("url"):
                    lines.append(_link(str(link.get("title") or link["url"]), str(link["url"])))
            lines.append("")
        if not sessions:
            lines.append(
                _("(No session has a recording, slides or links yet: add them on the sessions' pages.)")
            )
    return subject, "\n".join(lines).strip() + "\n", dict(AUDIENCES[which])
