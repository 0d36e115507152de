"""`flask create-organiser EMAIL [--password PW] [--admin]`, `flask create-api-token EMAIL [--name NAME]` and
the demo organiser."""

from __future__ import annotations

import click

from conference.addresses import normalise_email
from conference.auth.accounts import MIN_PASSWORD_LENGTH, create_or_update_user, find_user
from conference.auth.blueprint import bp
from conference.cli import demo_hooks

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-organiser-2024"  # noqa: S105 - for local use only; documented in docs/organising.md


@bp.cli.command("create-organiser")
@click.argument("email")
@click.option("--password", help="The password (prompted for, hidden, when absent).")
@click.option("--admin", is_flag=True, help="May see and change every event.")
def create_organiser(email: str, password: str | None, admin: bool) -> None:
    """Create an organiser account (or reset the password of an existing one, logging it out everywhere)."""
    try:
        email = normalise_email(email)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password")
    user, created = create_or_update_user(email, password, admin=admin)
    role = "admin" if user.is_admin else "organiser"
    click.echo(f"{'Created' if created else 'Updated'} {role} {user.email}.")


@bp.cli.command("create-api-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (shown on the account's token page).")
def create_api_token(email: str, name: str) -> None:
    """Make an API token for the account with this email; the token is the last line of the output."""
    from conference.auth.api_tokens import MAX_NAME_LENGTH, create_token
    from conference.text import clean_text

    user = find_user(email)
    if user is None or not user.is_active:
        raise click.BadParameter(f"no active account with the email {email!r}", param_hint="EMAIL")
    name = clean_text(name).strip() or "command line"
    if len(name) > MAX_NAME_LENGTH:
        raise click.BadParameter(f"use at most {MAX_NAME_LENGTH} characters", param_hint="--name")
    record, token = create_token(user, name)
    click.echo(f"Created API token {record.name!r} ({record.prefix}…) for {user.email}.")
    click.echo("It is shown only now; keep it secret. Send it as `Authorization: Bearer <token>`:")
    click.echo(token)


def demo_organiser() -> None:
    """The demo organiser owns the demo events (idempotent). Printed by `flask demo`."""
    from conference.auth.models import EventMember, TeamRole
    from conference.db import db
    from conference.demo import CONGRESS_SLUG, PANEL_SLUG, SYMPOSIUM_SLUG
    from conference.events.models import Event

    user = find_user(DEMO_EMAIL)
    if user is None:
        user, _ = create_or_update_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Organiser")
    for event in db.session.scalars(
        db.select(Event).where(Event.slug.in_((PANEL_SLUG, SYMPOSIUM_SLUG, CONGRESS_SLUG)))
    ):
        if not any(m.event_id == event.id for m in user.memberships):
            db.session.add(EventMember(event_id=event.id, user=user, role=TeamRole.OWNER))
    db.session.commit()
    click.echo(f"Demo organiser (local use only): {DEMO_EMAIL} / {DEMO_PASSWORD} — log in at /login")


if demo_organiser not in demo_hooks:
    demo_hooks.append(demo_organiser)
