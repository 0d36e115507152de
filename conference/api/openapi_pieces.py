"""Shared pieces of the OpenAPI document (conference/api/openapi.py): schema builders and common types, the
error answers, the path and query parameters used by several endpoints, and `endpoint()`, which describes one
operation (public, or organiser with its bearer token and `x-action`)."""

from __future__ import annotations

from conference.auth.permissions import Action
from conference.translations import CHOICES, FIELDS

BEARER = [{"bearerAuth": []}]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def values_of(enum_class: type) -> list[str]:
    return [member.value for member in enum_class]


def closed_object(properties: dict, required: list[str] | None = None, **extra: object) -> dict:
    """A closed object: every property required unless listed otherwise, no other properties."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset."}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": "string", "format": "uri"}

LANGUAGE = {
    "type": "string",
    "description": "A language of the LANGUAGES setting (en, ja, ko, th by default).",
}


def languages_object(fields: tuple[str, ...]) -> dict:
    return closed_object(
        {name: LANGUAGE for name in fields},
        description="The language each text field of this answer is in: the `?lang=` asked for where a "
        "translation exists, else the text's own language.",
    )


def translations_in(kind: str) -> dict:
    """The `translations` object of a model, as written (and as the organiser answers return it)."""
    fields = {
        f.name: {"type": ["array", "null"], "items": {"type": "string", "maxLength": f.max_length},
                 "description": "One label per choice, in the order of the choices."}
        if f.kind == CHOICES
        else {"type": ["string", "null"], "maxLength": f.max_length}
        for f in FIELDS[kind]
    }  # fmt: skip
    return {
        "type": "object",
        "additionalProperties": {
            "oneOf": [closed_object(fields, required=[]), {"type": "null"}],
        },
        "description": "Translations by language (any of the LANGUAGES setting but the default language): "
        '{"ja":{"title":"…"}}. Written: a field given replaces the stored one, an empty text or null '
        "removes it, a language given as null is removed, languages not given are kept. An unknown "
        "language or field, the default language, control characters or text over the limit: 422 "
        "(`translations.<lang>.<field>`).",
    }


# Refusals not about the input (Error) and messages by field (ValidationErrors): ERROR below refers to them.
COMMON_SCHEMAS: dict[str, dict] = {
    "Error": closed_object(
        {"error": closed_object({"code": {"type": "integer"}, "message": STRING})},
        description="Any refusal that is not about the input's fields (400, 401, 403, 404, 429).",
    ),
    "ValidationErrors": closed_object(
        {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
                "description": "Messages by field name (nested fields as `answers.<question id>`).",
            }
        },
    ),
}


def json_answer(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {
    400: json_answer(ref("Error"), "Malformed request (bad JSON, NUL characters, bad query values)."),
    401: json_answer(
        ref("Error"), "No API token, or one that is unknown or revoked (`WWW-Authenticate: Bearer`)."
    ),
    403: json_answer(ref("Error"), "The account's roles do not allow this."),
    404: json_answer(ref("Error"), "Not found (or not yours to see)."),
    409: json_answer(ref("ValidationErrors"), "The request conflicts with the current state."),
    422: json_answer(ref("ValidationErrors"), "Invalid input: messages by field."),
    429: json_answer(ref("Error"), "Too many requests from this client; wait and try again."),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": STRING, "description": "The event's slug."}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
LANG = {
    "name": "lang",
    "in": "query",
    "schema": STRING,
    "description": "The language to give text in (one of the LANGUAGES setting, else 400), where a "
    "translation exists; without it, each text in its own language. `languages` says which is which.",
}
PERSON_SLUG = {
    "name": "person_slug",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The person's slug.",
}
TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The registration's secret manage token (from its manage link).",
}


def endpoint(
    operation_id: str,
    summary: str,
    responses: dict,
    *,
    errors: tuple[int, ...] = (),
    parameters: list | None = None,
    body: dict | None = None,
    body_required: bool = True,
    organiser: Action | None = None,
    description: str = "",
) -> dict:
    operation: dict = {"operationId": operation_id, "summary": summary, "tags": ["public"]}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
    if organiser is not None:
        operation["tags"] = ["organiser"]
        operation["security"] = BEARER
        operation["x-action"] = organiser.value
        errors = (401, *errors, 429)
    operation["responses"] = {str(code): response for code, response in responses.items()} | {
        str(code): ERROR[code] for code in errors
    }
    return operation


SERIES_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The series' slug.",
}
ASSIGNMENT_ID = {"name": "assignment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
REGISTRATION_ID = {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def paging(maximum: int, default: int) -> list[dict]:
    """The `page` and `per_page` query parameters of a paged list."""
    return [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {
            "name": "per_page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
        },
    ]


def page_of(items: str, item: str, maximum: int) -> dict:
    """One page of a paged list: its `items` (each an `item`), where it is, the total and the next page."""
    return closed_object(
        {
            items: {"type": "array", "items": ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": maximum},
            "total": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri", "description": "The next page, if any."},
        }
    )
