"""The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json: its assembly and route.

Kept as data, one entry per endpoint and method, in sibling modules:
- openapi_pieces.py: schema builders, common types, error answers, shared parameters, `endpoint()`;
- openapi_public.py: the schemas and methods anyone may use without a token;
- openapi_organiser_events.py (events and sessions), openapi_organiser_people.py (registrations, the audit log,
  check-in, the account, speakers) and openapi_organiser_paths.py: the organiser endpoints (bearer token);
- openapi_announcements.py: announcements (conference/announcements/api.py).
tests/api/test_openapi.py validates the document, fails for any /api/v1 rule or method of app.url_map that is
not described, and checks real answers of every endpoint against the schemas. Enumerations are read from the
models, so they cannot drift. Built once per BASE_URL and served as compact JSON (the C encoder).
"""

from __future__ import annotations

import functools
import json

from flask import Response, current_app

from conference.api import (
    openapi_announcements,
    openapi_organiser_events,
    openapi_organiser_paths,
    openapi_organiser_people,
    openapi_public,
)
from conference.api.blueprint import bp
from conference.api.openapi_pieces import COMMON_SCHEMAS

SCHEMAS: dict[str, dict] = {
    **COMMON_SCHEMAS,
    **openapi_public.SCHEMAS,
    **openapi_organiser_people.SCHEMAS,
    **openapi_organiser_events.SCHEMAS,
    **openapi_announcements.SCHEMAS,
}


def _paths(*parts: dict[str, dict]) -> dict[str, dict]:
    """The parts' paths, the methods of a path given in several parts together."""
    paths: dict[str, dict] = {}
    for part in parts:
        for path, methods in part.items():
            paths[path] = {**paths.get(path, {}), **methods}
    return paths


PATHS = _paths(openapi_public.PATHS, openapi_organiser_paths.PATHS, openapi_announcements.PATHS)


def document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Conference API",
            "version": "1",
            "description": "Public endpoints need no authentication. Organiser endpoints need a personal API "
            "token (made on /account/tokens or with `flask create-api-token`), sent as "
            "`Authorization: Bearer <token>`; it acts as its account, on the events that account's team "
            "roles allow (`x-action`: the action of the role matrix in docs/organising.md). Times are "
            "ISO 8601 with the offset of the event's time zone.",
        },
        "servers": [{"url": base_url}],
        "tags": [
            {"name": "public", "description": "Anyone; no token."},
            {"name": "organiser", "description": "A bearer token of a member of the event's team."},
        ],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (`ct_...`), shown once when it is made.",
                }
            },
        },
    }


@functools.cache
def _encoded(base_url: str) -> bytes:
    return json.dumps(document(base_url), ensure_ascii=False, separators=(",", ":")).encode()


@bp.get("/openapi.json")
def openapi():  # noqa: ANN201
    return Response(_encoded(current_app.config["BASE_URL"]), mimetype="application/json")
