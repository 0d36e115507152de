"""Routes are registered in one visible place: `conference.ROUTES` (blueprint -> the modules that decorate its
`bp`), which `create_app` imports. Every module that adds a route or command with `@bp.` is in the table, under
its own blueprint, and no module of the app imports a route module (a route added by a side-effect import)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from flask import Flask

import conference
from conference import ROUTES

PACKAGE = Path(conference.__file__).parent
DECORATES_BP = re.compile(r"^@bp\.", re.MULTILINE)


def _module_name(path: Path) -> str:
    return ".".join(("conference", *path.relative_to(PACKAGE).with_suffix("").parts))


def _listed() -> dict[str, str]:
    return {module: area for area, modules in ROUTES.items() for module in modules}


def test_every_module_that_decorates_a_blueprint_is_in_the_table_under_its_own_blueprint() -> None:
    decorating = {
        _module_name(path) for path in PACKAGE.rglob("*.py") if DECORATES_BP.search(path.read_text("utf-8"))
    }
    listed = _listed()
    assert sorted(decorating - set(listed)) == [], "add these to conference.ROUTES"
    assert sorted(set(listed) - decorating) == [], "these add no route: take them out of conference.ROUTES"
    for module, area in listed.items():
        blueprint = importlib.import_module(f"conference.{area}.blueprint").bp
        assert importlib.import_module(module).bp is blueprint, (module, area)


def test_no_module_imports_a_route_module_for_its_routes() -> None:
    route_modules = set(_listed())
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from conference.x.constants_module import NAME` uses a name; importing the module itself
                # (`from conference.organise import people_views`) is what a side-effect import looks like.
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            offenders += [(_module_name(path), name) for name in names if name in route_modules]
    assert offenders == []


def test_routes_and_commands_of_the_modules_outside_views_py_are_there(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    # people_views, programme_views, audit.views, organise.registrations, organise.registration_setup, api.openapi,
    # audit.api
    assert {"organise.people_index", "organise.edit_session", "organise.audit", "api.openapi",
            "api.organiser_audit", "organise.registrations"} <= endpoints  # fmt: skip
    result = app.test_cli_runner().invoke(args=["--help"])
    assert "import-schedule" in result.output and "create-api-token" in result.output


def test_no_page_module_writes_to_the_database_itself() -> None:
    """Views parse, call one operation and render: the commit (and the write lock) is the operation's. The
    `flask` command modules (`*.cli`) are left out: a command may run several operations in its own way."""
    writes = re.compile(r"\.commit\(|serialized_write\(")
    offenders = [
        module
        for module in _listed()
        if not module.endswith(".cli")
        and writes.search(Path(importlib.import_module(module).__file__).read_text("utf-8"))
    ]
    assert offenders == []
