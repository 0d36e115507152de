"""Content in several languages: the one place that knows which fields of which model are translatable,
reads a field in a language (falling back to the text's own language), and validates translations.

An event is written in its default language (`Event.language`, one of the `LANGUAGES` setting); its sessions,
registration questions and publications are written in the event's language. A person's position and bio
are written in `Person.language` (people take part in several events). Each of these models has a
`translations` JSON column, `{"ja": {"title": "...", "description": "..."}}`: only the fields of `FIELDS`,
only languages of `LANGUAGES` other than the default, only non-empty text (a question's `options` is a list,
one translated label per choice, in the order of the choices). Slugs, UIDs and URLs never change with the
language; answers to a choice question are stored as the choice in the event's language.

Reading: `text(obj, field, language)` gives a `Text` (a `str` that knows its language): the translation
when there is one, else the field itself in its default language. Pages mark any text in another language
than the page's with its `lang` attribute (`lang_attr`, `inline`, `block` in templates).

Writing: organiser pages and the organiser API both build a dict of changes `{lang: {field: text}}` and give
it to `parse` (which refuses an unknown language or field, the default language, a value that is not
text, control characters and text over the field's limit) and `merged` (which applies the changes: a
language or field given replaces the stored one, an empty text or null removes it); the result goes to the
area's operation as the `translations` value, so the audit log records it like any other field. The
translation sections of organiser forms build those changes: `conference.translation_forms`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from flask import abort, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from conference import i18n
from conference.i18n import languages
from conference.text import render_markdown

TEXT, LONG_TEXT, CHOICES = "text", "long_text", "choices"


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy string
    max_length: int
    kind: str = TEXT


# Translatable fields by model (`kind_of`), with the same limits as the field itself.
FIELDS: dict[str, tuple[Field, ...]] = {
    "event": (
        Field("title", _l("Title"), 300),
        Field("summary", _l("Summary"), 2000, LONG_TEXT),
        Field("description", _l("Description"), 50_000, LONG_TEXT),
        Field("venue_name", _l("Venue"), 300),
        Field("venue_address", _l("Address"), 500),
        Field("city", _l("City"), 120),
        Field("country", _l("Country"), 120),
    ),
    "session": (
        Field("title", _l("Title"), 300),
        Field("description", _l("Description"), 50_000, LONG_TEXT),
    ),
    "person": (
        Field("position", _l("Position"), 300),
        Field("bio", _l("Short biography"), 10_000, LONG_TEXT),
    ),
    "question": (
        Field("label", _l("Question"), 300),
        Field("help_text", _l("Help text"), 500),
        Field("options", _l("Choices, one per line, in the order of the choices"), 200, CHOICES),
    ),
    "publication": (Field("title", _l("Title"), 400),),
}
_KIND_BY_TABLE = {
    "events": "event",
    "sessions": "session",
    "people": "person",
    "questions": "question",
    "publications": "publication",
}
# Control characters (C0 and C1, lone surrogates, U+FFFE/U+FFFF); tab and line feed are allowed in long text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|\r")


def language_name(code: str) -> str:
    """A language's own name ("日本語"), followed by its name in the page's language when that differs."""
    own = Locale.parse(code).get_display_name(code) or code
    page = str(get_locale() or "en")
    here = Locale.parse(code).get_display_name(page) or code
    return own if here == own else f"{own} ({here})"


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in languages()]


def kind_of(obj: object) -> str:
    return _KIND_BY_TABLE[obj.__tablename__]  # type: ignore[attr-defined]


def fields_of(kind: str) -> tuple[Field, ...]:
    return FIELDS[kind]


def default_language(obj: object) -> str:
    """The language a model's own fields are written in: the event's (a person: their own)."""
    own = getattr(obj, "language", None)
    if own:
        return own
    event = getattr(obj, "event", None)
    return getattr(event, "language", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


# --- reading ----------------------------------------------------------------------------------------------


class Text(str):
    """Text that knows the language it is written in (`language`)."""

    language: str

    def __new__(cls, value: str, language: str) -> Text:
        text = super().__new__(cls, value or "")
        text.language = language
        return text


def page_language() -> str:
    """The reader's language: the page's locale (Flask-Babel), in a request; else the default locale."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def requested_language() -> str | None:
    """`?lang=xx` of the API and the feeds: one of `LANGUAGES` (the rule of `conference.i18n`), or None when
    not given; anything else is answered 400 with the languages there are."""
    if not has_request_context():
        return None
    value = request.args.get(i18n.LANG_PARAMETER)
    if not value:
        return None
    known = i18n.requested_language()
    if known is None:
        abort(400, description=_("Unknown language %(lang)s; use one of %(languages)s.", lang=value[:20],
                                 languages=", ".join(languages())))  # fmt: skip
    return known


def translation(obj: object, language: str) -> dict:
    """The stored translation of `obj` into `language` ({} when none)."""
    stored = getattr(obj, "translations", None) or {}
    value = stored.get(language)
    return value if isinstance(value, dict) else {}


def text(obj: object, field: str, language: str | None = None) -> Text:
    """`obj.field` in `language` (default: the page's) where a translation exists, else in the text's own
    language; the result says which (`Text.language`)."""
    own = default_language(obj)
    wanted = language or page_language()
    if wanted != own:
        translated = translation(obj, wanted).get(field)
        if isinstance(translated, str) and translated:
            return Text(translated, wanted)
    return Text(getattr(obj, field) or "", own)


def choice_labels(question: object, language: str | None = None) -> list[tuple[str, Text]]:
    """A choice question's choices as (value stored with the answer, label in `language`)."""
    options = list(getattr(question, "options", None) or [])
    own = default_language(question)
    wanted = language or page_language()
    translated = translation(question, wanted).get("options") if wanted != own else None
    if not isinstance(translated, list) or len(translated) != len(options):
        translated = [None] * len(options)
    return [
        (option, Text(label, wanted) if label else Text(option, own))
        for option, label in zip(options, translated, strict=True)
    ]


def translated_fields(obj: object, language: str | None = None) -> dict[str, Text]:
    """Every translatable text field of `obj` in `language` (choices excluded)."""
    return {f.name: text(obj, f.name, language) for f in FIELDS[kind_of(obj)] if f.kind != CHOICES}


def languages_in(texts: Mapping[str, Text]) -> dict[str, str]:
    """{field: language} for a dict of `Text` (the API's `languages` member)."""
    return {name: value.language for name, value in texts.items()}


# --- in pages ---------------------------------------------------------------------------------------------


def lang_attr(value: object) -> Markup:
    """` lang="xx"` when `value` (a `Text`) is in another language than the page, else nothing."""
    language = getattr(value, "language", None)
    if language and language != page_language():
        return Markup(' lang="%s"') % language
    return Markup("")


def inline(value: object) -> Markup:
    """Text for a page: escaped, in a `<span lang>` when in another language than the page."""
    attr = lang_attr(value)
    return Markup("<span%s>%s</span>") % (attr, value) if attr else escape(value)


def block(value: object) -> Markup:
    """Markdown text for a page: rendered, in a `<div lang>` when in another language than the page."""
    html = render_markdown(value)
    attr = lang_attr(value)
    return Markup("<div%s>%s</div>") % (attr, html) if attr and html else html


def init_app(app: object) -> None:
    """Template helpers: `tr(obj, "field")` gives a `Text`; `lang_attr(text)`, `inline(text)`, `block(text)`
    mark text in another language than the page; `tr_choices(question)`; `tr_sections` (the translation
    sections of an organiser form, `conference.translation_forms`)."""
    from conference.translation_forms import sections  # it builds on this module

    app.jinja_env.globals.update(  # type: ignore[attr-defined]
        tr=text, tr_choices=choice_labels, lang_attr=lang_attr, inline=inline, block=block,
        tr_sections=sections,
    )  # fmt: skip


# --- writing ----------------------------------------------------------------------------------------------


class TranslationErrors(Exception):
    """Refused translations: {"ja.title": [message]} (the API prefixes "translations.")."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _clean(value: str, field: Field, where: str, errors: dict) -> str | None:
    value = _LINE_BREAKS.sub("\n", value)
    allowed = "\t\n" if field.kind == LONG_TEXT else ""
    if any(ch not in allowed for ch in _CONTROL.findall(value)) or (
        field.kind != LONG_TEXT and ("\n" in value or "\t" in value)
    ):
        errors.setdefault(where, []).append(
            _("Remove the control characters (line breaks only in long text).")
        )
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > field.max_length:
        errors.setdefault(where, []).append(
            _("At most %(max)s characters (this has %(n)s).", max=field.max_length, n=len(value))
        )
        return None
    return value


def parse(kind: str, raw: object, default: str, *, options_count: int | None = None) -> dict:
    """Check translation changes as given by the API or a form: {lang: {field: text | null} | null}.
    Returns them cleaned (NFC, trimmed; "" and None mean "remove"); raises `TranslationErrors`."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        raise TranslationErrors({"_": [_('Give an object of languages, e.g. {"ja": {"title": "…"}}.')]})
    fields = {f.name: f for f in FIELDS[kind]}
    known = languages()
    changes: dict = {}
    for language, values in raw.items():
        if language not in known:
            errors.setdefault(str(language)[:20], []).append(
                _("Unknown language; use one of %(languages)s.", languages=", ".join(known))
            )
            continue
        if language == default:
            errors.setdefault(language, []).append(
                _("This is the default language: change the fields themselves.")
            )
            continue
        if values is None:
            changes[language] = None
            continue
        if not isinstance(values, dict):
            errors.setdefault(language, []).append(_("Give an object of fields, or null to remove it."))
            continue
        cleaned: dict = {}
        for name, value in values.items():
            where = f"{language}.{name}"
            field = fields.get(name)
            if field is None:
                errors.setdefault(where, []).append(
                    _("This field cannot be translated; translatable: %(fields)s.", fields=", ".join(fields))
                )
                continue
            if value is None:
                cleaned[name] = None
            elif field.kind == CHOICES:
                cleaned[name] = _parse_choices(value, field, where, errors, options_count)
            elif not isinstance(value, str):
                errors.setdefault(where, []).append(_("Give text."))
            else:
                cleaned[name] = _clean(value, field, where, errors)
        changes[language] = cleaned
    if errors:
        raise TranslationErrors(errors)
    return changes


def _parse_choices(value: object, field: Field, where: str, errors: dict, count: int | None) -> list | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(where, []).append(_("Give a list of texts, one per choice."))
        return None
    if count == 0:  # not a choice question: its choices (and their translations) are not kept
        return None
    labels = [_clean(v, field, where, errors) for v in value]
    if where in errors:
        return None
    if not any(labels):
        return None
    if count is not None and len(labels) != count:
        errors.setdefault(where, []).append(
            _("Give one label per choice: %(count)s, in the order of the choices.", count=count)
        )
        return None
    if not all(labels):
        errors.setdefault(where, []).append(_("Give a label for every choice."))
        return None
    return labels


def merged(current: Mapping | None, changes: Mapping) -> dict:
    """The stored translations after `changes` (from `parse`): a field given replaces the stored one, an
    empty one (or null) removes it; a language given as null is removed; empty languages go."""
    result = {lang: dict(values) for lang, values in (current or {}).items() if isinstance(values, dict)}
    for language, values in changes.items():
        if values is None:
            result.pop(language, None)
            continue
        target = result.setdefault(language, {})
        for name, value in values.items():
            if value:
                target[name] = value
            else:
                target.pop(name, None)
        if not target:
            result.pop(language, None)
    return {lang: result[lang] for lang in sorted(result)}


def apply(kind: str, current: Mapping | None, raw: object, default: str, **kw: object) -> dict:
    """`parse` then `merged`: the translations to store."""
    return merged(current, parse(kind, raw, default, **kw))
