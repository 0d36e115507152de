"""Text helpers: sanitised Markdown and slugs."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    """Keep only harmless markup: no scripts, no event handlers, only http/https/mailto links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitised HTML, safe to insert into a page."""
    if not text:
        return Markup("")
    return Markup(sanitise_html(_markdown.render(text)))  # noqa: S704 (sanitised above)


_NON_SLUG = re.compile(r"[^a-z0-9]+")
_DASHES = str.maketrans({dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def slugify(text: str, max_length: int = 80) -> str:
    """'Alexis Dudden' -> 'alexis-dudden'. Returns '' for text with no Latin letters or digits."""
    text = text.translate(_DASHES)  # "Japan–Korea" -> "japan-korea", not "japankorea"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


# --- Control characters -----------------------------------------------------------------------------
#
# Typed or pasted text is cleaned once, where it comes in (`clean_text`, used by every form's text fields
# and the JSON API); what is already stored is made safe where it goes out (`one_line` for mail headers,
# `xml_safe` for XML). C0 and C1 control characters other than tab and line feed are dropped, as are lone
# surrogates and the non-characters U+FFFE and U+FFFF (none of them can be typed, several break XML, mail
# and calendar files); line breaks of every kind become "\n".

_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_TAB_OR_NEWLINE = re.compile("[\t\n]")
# Characters XML 1.0 does not allow at all (lxml refuses them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str, multiline: bool = False) -> str:
    """Text as people meant to type it: NFC, no control characters; a single line unless `multiline`
    (then tabs and line feeds stay, and every line break is "\\n")."""
    value = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))
    if not multiline:
        value = _TAB_OR_NEWLINE.sub(" ", value)
    return unicodedata.normalize("NFC", value)


def one_line(value: str) -> str:
    """Stored text made fit for a mail header or any other single line: line breaks and tabs become
    spaces, other control characters go."""
    return clean_text(value, multiline=False)


def xml_safe(value: str) -> str:
    """Text without the characters XML 1.0 forbids (a vertical tab stored by an older version, say)."""
    return _NOT_XML.sub("", value)
