"""Each recipient's own copy of an announcement: the organiser's text as written, the system's lines (why
they receive it, their registration, how to unsubscribe) in the recipient's language, a plain-text part and
an HTML part (the Markdown rendered and sanitised by `conference.text.render_markdown`), and the
List-Unsubscribe headers of RFC 2369 and RFC 8058 (one click), which only announcements carry.

The text is rendered once per language with placeholders, then each copy fills in its own links: sending to
thousands renders a handful of templates, not thousands.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from conference import translations
from conference.announcements.audience import Recipient
from conference.events.models import Event
from conference.mail.html import render_html
from conference.registrations.mails import manage_url
from conference.text import render_markdown
from conference.urls import absolute_url_for
from conference.zones import mail_language

KIND = "announcement"
_MANAGE = "@@manage-url@@"
_UNSUBSCRIBE = "@@unsubscribe-url@@"


def unsubscribe_token(registration_id: int) -> str:
    """The secret of a registration's unsubscribe link: an HMAC of its id under SECRET_KEY, 128 bits (the
    one-click POST of RFC 8058 cannot carry a CSRF token; this unguessable value authenticates it instead).
    Short on purpose: a List-Unsubscribe target longer than a header line (78 characters) is folded by
    Python's email package into RFC 2047 encoded words, which mail clients do not read as a link."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"announcement-unsubscribe:{registration_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode("ascii").rstrip("=")


def token_matches(registration_id: int, token: str) -> bool:
    return hmac.compare_digest(unsubscribe_token(registration_id), token)


def unsubscribe_url(registration_id: int) -> str:
    return absolute_url_for(
        "announcements.unsubscribe", registration_id=registration_id, token=unsubscribe_token(registration_id)
    )


def list_headers(registration_id: int) -> dict[str, str]:
    """List-Unsubscribe (the https link, and a mailto: when ANNOUNCEMENT_UNSUBSCRIBE_MAILTO is set) and
    List-Unsubscribe-Post for one-click unsubscribing (RFC 8058)."""
    targets = [f"<{unsubscribe_url(registration_id)}>"]
    mailto = current_app.config.get("ANNOUNCEMENT_UNSUBSCRIBE_MAILTO")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe%20{registration_id}>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass(frozen=True)
class Copy:
    body_text: str
    body_html: str  # the whole HTML document of the mail
    content: Markup  # what the document shows (the organiser's preview shows it in the page)


class Writer:
    """Renders an announcement's text once per language and fills in each recipient's links."""

    def __init__(self, event: Event, subject: str, body: str) -> None:
        self.event = event
        self.subject = subject
        self.body = body
        self.body_html = render_markdown(body)
        self._templates: dict[str, Copy] = {}

    def _template(self, language: str) -> Copy:
        if language not in self._templates:
            with force_locale(language):
                context = {
                    "event": self.event,
                    "event_title": translations.text(self.event, "title", language),
                    "subject": self.subject,
                    "body": self.body,
                    "body_html": self.body_html,
                    "body_language": self.event.language,
                    "language": language,
                    "site_name": current_app.config["SITE_NAME"],
                    # Placeholders (plain text, nothing to escape), filled in for each copy.
                    "manage_url": Markup(_MANAGE),  # noqa: S704
                    "unsubscribe_url": Markup(_UNSUBSCRIBE),  # noqa: S704
                }
                content = Markup(render_template("announcements/_content.html", **context))  # noqa: S704
                text = render_template("announcements/mail.txt", **context)
                self._templates[language] = Copy(
                    text,
                    # The layout every mail has (conference/mail/html.py), the organiser's Markdown inside.
                    render_html(self.subject, text, language=language, event=self.event, content=content),
                    content,
                )
        return self._templates[language]

    def copy(self, recipient: Recipient) -> Copy:
        template = self._template(mail_language(recipient.language))
        links = {
            _MANAGE: manage_url(recipient.token),
            _UNSUBSCRIBE: unsubscribe_url(recipient.registration_id),
        }

        def fill(text: str) -> str:
            for placeholder, url in links.items():
                text = text.replace(placeholder, url)
            return text

        return Copy(fill(template.body_text), fill(template.body_html), Markup(fill(template.content)))  # noqa: S704
