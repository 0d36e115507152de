"""Top-level `flask` commands that span areas. Areas add their own on their blueprint's `cli`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from conference.db import db


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo events (idempotent: existing demo events are left as they are)."""
    from conference.demo import load_demo

    added = load_demo()
    if added:
        click.echo("Added demo events: " + ", ".join(added))
    else:
        click.echo("Demo events already present; nothing changed.")
    for hook in demo_hooks:
        hook()


@click.command("demo-if-empty")
@with_appcontext
def demo_if_empty_command() -> None:
    """Load the demo only when the database has no events yet (used by `make run`)."""
    from conference.events.models import Event

    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        click.echo("Database has events; demo not loaded.")
        return
    click.get_current_context().invoke(demo_command)


# Other areas append callables here to add their own demo data (e.g. the demo organiser).
demo_hooks: list = []


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_if_empty_command)
