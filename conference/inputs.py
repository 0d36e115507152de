"""Input at the edge, checked once for every view: URL converters, the request check, JSON and forms.

- URL converters: `<int:...>` takes only ASCII digits up to MAX_ROW_ID (ids are 32-bit integers on
  PostgreSQL, which refuses a larger one with an error rather than finding nothing), and the
  default/string converter refuses control characters (NUL included); anything else is a 404.
- Every request's query string and form are refused with 400 when they carry a NUL character, and a JSON
  body is parsed by `load_json`, which refuses (400, saying what to fix) NUL characters, lone
  surrogates, nesting deeper than MAX_JSON_DEPTH and numbers beyond 64 bits.
- `FlaskForm` (use it instead of Flask-WTF's): every text field is cleaned by `conference.text.clean_text`
  (single-line fields lose line breaks; text areas keep them), integer fields take ASCII digits within
  64 bits only, and `coerce=int` choices likewise.
- `parse_id` and `form_id` read an id from the query string or a form by hand, up to MAX_ROW_ID too.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import flask_wtf
from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from conference.text import clean_text

MAX_ID = 2**63 - 1  # PostgreSQL's bigint and SQLite's INTEGER: the bound of any integer input
MAX_ROW_ID = 2**31 - 1  # our id columns are 32-bit `Integer` on PostgreSQL: the bound of an id that is stored
MAX_JSON_DEPTH = 32
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")  # ASCII digits only: str.isdigit() and int() accept "²" or "٣"


class InputError(ValueError):
    """Input that cannot be used; the message says what to fix and may be shown to the sender."""


# --- numbers ---------------------------------------------------------------------------------------


def parse_int(value: object) -> int | None:
    """An integer written in ASCII digits (optionally signed) within 64 bits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -MAX_ID <= value <= MAX_ID else None
    if not isinstance(value, str) or not _INTEGER.fullmatch(value := value.strip(" ")):
        return None
    number = int(value)
    return number if -MAX_ID <= number <= MAX_ID else None


def parse_id(value: object) -> int | None:
    """A database id (0 to MAX_ROW_ID) from a query string or form value, else None: use it as
    `request.args.get("session", type=parse_id)`."""
    number = parse_int(value)
    return number if number is not None and 0 <= number <= MAX_ROW_ID else None


def form_id(value: object) -> int:
    """`coerce` for choice fields holding ids: ValueError (the field's own message) for anything else."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


# --- URL converters ----------------------------------------------------------------------------------


class IdConverter(IntegerConverter):
    """`<int:...>`: ASCII digits up to MAX_ROW_ID (werkzeug's matches "²" and numbers of any size)."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ROW_ID:
            raise ValidationError()
        return number


class TextConverter(UnicodeConverter):
    """The default converter without control characters (a NUL would reach the database)."""

    def __init__(
        self, map, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:  # noqa: A002, ANN001
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f-\\x9f]", 1)


# --- JSON --------------------------------------------------------------------------------------------

_BAD_STRING = re.compile("[\x00\ud800-\udfff]")


def _refuse_constant(name: str) -> None:
    raise InputError(_("%(name)s is not a JSON number; send a finite number.", name=name))


def check_json(value: Any, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The parsed document, if it nests at most `max_depth` levels and has no NUL characters, lone
    surrogates, integers beyond 64 bits or infinite numbers; InputError naming the place otherwise."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise InputError(
                    _(
                        "The JSON is nested more than %(n)s levels deep at %(where)s.",
                        n=max_depth,
                        where=where,
                    )
                )
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and _BAD_STRING.search(key):
                    raise InputError(
                        _("A key in %(where)s has a NUL character or a lone surrogate.", where=where)
                    )
                stack.append(
                    (child, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]", depth + 1)
                )
        elif isinstance(item, str):
            if _BAD_STRING.search(item):
                raise InputError(_("Remove the NUL character or lone surrogate from %(where)s.", where=where))
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -MAX_ID <= item <= MAX_ID:
                raise InputError(_("The number at %(where)s is too large.", where=where))
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputError(_("The number at %(where)s is too large.", where=where))
    return value


def load_json(data: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON sent from outside (request bodies, uploaded schedules): InputError with a message
    saying what to fix for anything `check_json` refuses, for bad syntax and for text that is not UTF-8."""
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except InputError:
        raise
    except RecursionError as error:
        raise InputError(_("The JSON is nested more than %(n)s levels deep.", n=max_depth)) from error
    except json.JSONDecodeError as error:
        raise InputError(
            _(
                "This is not valid JSON: %(problem)s (line %(line)s, column %(column)s).",
                problem=error.msg,
                line=error.lineno,
                column=error.colno,
            )
        ) from error
    except UnicodeDecodeError as error:
        raise InputError(_("Send JSON in UTF-8.")) from error
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise InputError(_("The JSON has a number that is too large.")) from error
    return check_json(value, max_depth)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading with `load_json` (so `request.get_json()` never sees a bad document)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_json(s)


# --- the request check -----------------------------------------------------------------------------


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_request() -> None:
    """Refuse (400) query strings and forms with NUL characters and JSON bodies `load_json` refuses."""
    # Werkzeug parses a form only from these two types: another body (JSON) has an empty `request.form`,
    # which is not built for nothing (on the path of every API registration).
    sources = (request.args, request.form) if request.mimetype in _FORM_TYPES else (request.args,)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                field = key.replace("\x00", "")[:60]
                abort(400, description=_("Remove the NUL character from the field “%(field)s”.", field=field))
    if request.is_json and request.content_length != 0:
        data = request.get_data(cache=True)
        if data:
            try:
                value = load_json(data)
            except InputError as error:
                abort(400, description=str(error))
            # What `request.get_json()` returns (Werkzeug's cache of it), so the view does not parse the
            # body a second time. Werkzeug without this cache would parse it again: slower, not wrong.
            request._cached_json = (value, value)  # type: ignore[attr-defined]


# --- forms -------------------------------------------------------------------------------------------


def _single_line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _multiline(value: object) -> object:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


class StrictIntegerField(IntegerField):
    """An IntegerField that takes ASCII digits within 64 bits only (WTForms' takes "٣" and any size)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = parse_int(valuelist[0])
        if self.data is None:
            raise ValueError(self.invalid_value_message or _l("Enter a whole number, such as 12."))

    def pre_validate(self, form) -> None:  # noqa: ANN001
        # Say what is wrong with what was typed, rather than DataRequired's "This field is required."
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()


class _CleanMeta:
    def bind_field(self, form, unbound_field: UnboundField, options: dict):  # noqa: ANN001, ANN201
        field_class = unbound_field.field_class
        kwargs = unbound_field.kwargs
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            clean = _multiline if issubclass(field_class, TextAreaField) else _single_line
            options = {**options, "filters": (clean, *kwargs.get("filters", ()))}
        elif field_class is IntegerField:
            unbound_field = UnboundField(
                StrictIntegerField, *unbound_field.args, name=unbound_field.name, **kwargs
            )
        if kwargs.get("coerce") is int:
            options = {**options, "coerce": form_id}
        return super().bind_field(form, unbound_field, options)


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form with every field's input cleaned as described above. Every form derives from it."""

    class Meta(_CleanMeta, flask_wtf.FlaskForm.Meta):
        pass


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: rules take their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.json = JSONProvider(app)
    app.before_request(check_request)
