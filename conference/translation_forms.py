"""The translation sections of organiser forms (event, session, person, question, publication): a text field per
configured language and translatable field (`with_translations`, named `tr_<lang>_<field>`), filled from the
stored translations (`fill_form`), shown one section per language other than the default (`sections`, the
template global `tr_sections` of templates/_translations.html) and read back as the same changes the API takes
(`form_changes`), checked and merged by `conference.translations` (`apply_form`). Which fields are
translatable, reading and validating translations: `conference.translations`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from conference.i18n import languages
from conference.translations import (
    CHOICES,
    FIELDS,
    LONG_TEXT,
    TranslationErrors,
    apply,
    kind_of,
    language_name,
    translation,
)

_LINES = re.compile("\r\n|\r|\n")


def field_name(language: str, name: str) -> str:
    return f"tr_{language}_{name}"


def with_translations(form_class: type, kind: str) -> type:
    """`form_class` with a text field per configured language and translatable field (named
    `tr_<lang>_<field>`; a question's choices one per line). The page shows the sections of the languages
    other than the default (`sections`); `form_changes` reads them for `parse`."""
    attributes: dict = {}
    for language in languages():
        for field in FIELDS[kind]:
            cls = TextAreaField if field.kind in (LONG_TEXT, CHOICES) else StringField
            limit = field.max_length * 100 if field.kind == CHOICES else field.max_length
            attributes[field_name(language, field.name)] = cls(field.label, validators=[Length(max=limit)])
    return type(form_class.__name__, (form_class,), attributes)


def fill_form(form: object, obj: object) -> None:
    """Put the stored translations of `obj` into the form's translation fields."""
    for language in languages():
        stored = translation(obj, language)
        for field in FIELDS[kind_of(obj)]:
            value = stored.get(field.name) or ""
            if field.kind == CHOICES and isinstance(value, list):
                value = "\n".join(value)
            getattr(form, field_name(language, field.name)).data = value


def sections(form: object, kind: str, default: str) -> list[tuple[str, str, list]]:
    """(language, its name, [form fields]) for each language other than `default`; each field's label names
    the language ("Title – 日本語"), so that no two controls of the page have the same label."""
    result = []
    for language in languages():
        if language == default:
            continue
        name = language_name(language)
        fields = [getattr(form, field_name(language, f.name)) for f in FIELDS[kind]]
        for form_field, spec in zip(fields, FIELDS[kind], strict=True):
            form_field.label.text = f"{spec.label} – {name}"
        result.append((language, name, fields))
    return result


def form_changes(form: object, kind: str, default: str) -> dict:
    """The translation changes the form's sections send (every field of every language but the default):
    the same shape the API takes. Raw text, checked by `parse`."""
    changes: dict = {}
    for language in languages():
        if language == default:
            continue
        values: dict = {}
        for field in FIELDS[kind]:
            raw = getattr(form, field_name(language, field.name)).raw_data
            value = raw[0] if raw else ""
            if field.kind == CHOICES:
                values[field.name] = [line for line in _LINES.split(value) if line.strip()]
            else:
                values[field.name] = value
        changes[language] = values
    return changes


def apply_form(form: object, kind: str, current: Mapping | None, default: str, **kw: object) -> dict | None:
    """The translations to store from a submitted form, or None with the errors put on its fields."""
    try:
        return apply(kind, current, form_changes(form, kind, default), default, **kw)
    except TranslationErrors as refused:
        for where, messages in refused.errors.items():
            language, _dot, name = where.partition(".")
            target = getattr(form, field_name(language, name), None) if name else None
            if target is not None:
                target.errors = [*target.errors, *messages]
            else:  # not a field of the form: cannot happen for what the page sends
                form.form_errors.extend(messages)  # type: ignore[attr-defined]
        return None
