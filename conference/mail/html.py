"""The HTML part of every mail: one accessible layout (`templates/mail/_layout.html`), filled from the
message's own plain text, so the two parts never say different things.

`render_html(subject, body_text, language=..., event=...)` is the one call. `conference.mail.outbox.write`
makes it for every message that brings no HTML of its own; a writer whose content is richer than its text
(an announcement written in Markdown) passes `content=render_markdown(...)` and gets the same layout.

The plain text is read as the mail templates write it:
- paragraphs are separated by blank lines; lines within one keep their breaks;
- lines starting with "- " are a list (an indented line continues the item above);
- "Label:" followed by an address on its own line, or "Label: address" on one line, becomes a link whose
  text is the label (the address stays in the text part; "link text that makes sense" in the HTML);
- a block of several "Label: value" lines shows the labels in bold;
- other web addresses become links; everything else is text, escaped;
- the signature after "-- " goes into the footer, which also names the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape

from conference.zones import mail_language

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_ONLY_URL = re.compile(r"^\s*(https?://[^\s<>\"']+)\s*$", re.IGNORECASE)
# "Label: https://..." (a label of up to 80 characters ending in an ASCII or full-width colon).
_LABELLED_URL = re.compile(r"^\s*([^\n]{1,80}?)\s*[:：]\s*(https?://[^\s<>\"']+)\s*$", re.IGNORECASE)
_FIELD = re.compile(r"^([^:：\n]{1,40}[:：])(\s*)(\S.*)$")
_LABEL_END = (":", "：")
_SIGNATURE = "\n-- \n"


@dataclass(frozen=True)
class _Item:
    lines: list[str]


def _link(url: str, text: str | Markup) -> Markup:
    return Markup('<a href="{url}" style="color:#0b57d0;text-decoration:underline;">{text}</a>').format(
        url=url, text=text
    )


def _autolink(line: str) -> Markup:
    """The line, escaped, with each web address a link (its own text)."""
    out = Markup("")
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;:!?)")  # a sentence's punctuation is not part of the address
        out += escape(line[position : match.start()])
        out += _link(url, url)
        position = match.start() + len(url)
    return out + escape(line[position:])


def _line(line: str, bold_label: bool) -> Markup:
    labelled = _LABELLED_URL.match(line)
    if labelled:
        return _link(labelled.group(2), labelled.group(1))
    if bold_label:
        field = _FIELD.match(line)
        if field:
            return Markup("<strong>{}</strong> ").format(field.group(1)) + _autolink(field.group(3))
    return _autolink(line)


def _paragraph(lines: list[str]) -> Markup:
    """Lines of one paragraph; a label line followed by its address: one link with the label as its text."""
    parts: list[Markup] = []
    fields = len(lines) > 1 and sum(1 for line in lines if _FIELD.match(line)) == len(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        url = _ONLY_URL.match(following)
        if url and line.rstrip().endswith(_LABEL_END):
            parts.append(_link(url.group(1), line.rstrip().rstrip(":：").strip()))
            index += 2
            continue
        parts.append(_line(line, fields))
        index += 1
    return Markup('<p style="margin:0 0 16px;">{}</p>').format(Markup("<br>").join(parts))


def _list(items: list[_Item]) -> Markup:
    rendered = Markup("").join(
        Markup('<li style="margin:0 0 8px;">{}</li>').format(
            Markup("<br>").join(_line(line, False) for line in item.lines)
        )
        for item in items
    )
    return Markup('<ul style="margin:0 0 16px;padding-inline-start:24px;">{}</ul>').format(rendered)


def _block(lines: list[str]) -> Markup:
    """One blank-line separated block: text lines, then any list; a list may be followed by more text."""
    out = Markup("")
    text: list[str] = []
    items: list[_Item] = []
    for line in lines:
        if line.startswith("- "):
            if text:
                out += _paragraph(text)
                text = []
            items.append(_Item([line[2:]]))
        elif items and line.startswith("  ") and line.strip():
            items[-1].lines.append(line.strip())
        else:
            if items:
                out += _list(items)
                items = []
            text.append(line)
    if text:
        out += _paragraph(text)
    if items:
        out += _list(items)
    return out


def text_to_html(body_text: str) -> tuple[Markup, list[str]]:
    """(the body as HTML, the signature's lines) of a plain-text mail body."""
    body, _sep, signature = body_text.replace("\r\n", "\n").partition(_SIGNATURE)
    blocks: list[list[str]] = [[]]
    for line in body.split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    html = Markup("").join(_block(block) for block in blocks if block)
    return html, [line.strip() for line in signature.split("\n") if line.strip()]


def direction(language: str) -> str:
    """ "rtl" or "ltr": the writing direction of the language."""
    try:
        return "rtl" if Locale.parse(language.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError):
        return "ltr"


def render_html(
    subject: str,
    body_text: str,
    *,
    language: str | None = None,
    event: object | None = None,
    content: Markup | None = None,
) -> str:
    """The HTML part of a mail: the layout in `language` (the recipient's; default: the site's), titled
    `subject`, with `body_text` turned into HTML (see the module) or, when given, `content` (HTML that is
    already safe, e.g. `conference.text.render_markdown` of an announcement) as its body. `event`: the event
    the mail is about, named in the footer with a link to its page. Every text is escaped."""
    language = mail_language(language)
    body, signature = text_to_html(body_text)
    with force_locale(language):
        return render_template(
            "mail/_layout.html",
            subject=subject,
            lang=language,
            dir=direction(language),
            body=content if content is not None else body,
            signature=signature or [current_app.config["SITE_NAME"]],
            event=event,
            event_url=_event_url(event),
        )


def _event_url(event: object | None) -> str | None:
    slug = getattr(event, "slug", None)
    if not slug:
        return None
    from conference.urls import absolute_url_for

    return absolute_url_for("events.detail", slug=slug)
