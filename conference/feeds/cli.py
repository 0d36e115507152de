"""`flask --app conference import-schedule FILE [--event SLUG --as EMAIL] [--draft | --publish]
[--notify | --no-notify] [--dry-run] [--invite]`.

The summary of what changes goes to stderr, the event's slug alone to stdout (for scripts).
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from conference.auth.accounts import find_user
from conference.auth.models import User
from conference.db import db, serialized_write
from conference.events.models import EventStatus
from conference.feeds.blueprint import bp
from conference.feeds.schedule_import import import_schedule
from conference.feeds.schedule_matching import find_target
from conference.feeds.schedule_reading import ScheduleError, read_schedule


def _account(email: str) -> User:
    user = find_user(email)
    if user is None or not user.is_active:
        raise ScheduleError(f"--as: there is no active organiser account {email!r}")
    return user


@bp.cli.command("import-schedule")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--event", "event_slug", metavar="SLUG", help="Update this existing event (needs --as).")
@click.option(
    "--as",
    "email",
    metavar="EMAIL",
    help="Act as this organiser account: it must be allowed to edit the event; a new event gets it as owner.",
)
@click.option(
    "--draft", is_flag=True, help="A new event: create it as a draft. An existing one: unpublish it."
)
@click.option(
    "--publish", is_flag=True, help="Publish an existing event (a new one is published unless --draft)."
)
@click.option(
    "--notify/--no-notify",
    default=True,
    show_default=True,
    help="Tell registrants and speakers of the sessions the import moves or cancels (a notice each, through "
    "the outbox), as the organiser's pages do; --no-notify tells nobody.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@click.option(
    "--invite",
    is_flag=True,
    help="Then invite everyone of the event with an e-mail address who is not invited yet (docs/speakers.md).",
)
def import_schedule_command(
    file: Path,
    event_slug: str | None,
    email: str | None,
    draft: bool,
    publish: bool,
    notify: bool,
    dry_run: bool,
    invite: bool = False,
) -> None:
    """Create an event from a frab / pretalx schedule.json or schedule.xml, or update the event imported
    from the same schedule (or the one named with --event); prints what changes, then the event's slug.

    An existing event keeps its status unless --publish or --draft is given."""
    if draft and publish:
        raise click.UsageError("--draft and --publish exclude each other")
    if event_slug and not email:
        raise click.UsageError("--event needs --as EMAIL: an organiser account that may edit that event")
    status = EventStatus.DRAFT if draft else EventStatus.PUBLISHED if publish else None
    try:
        data = read_schedule(file)
        with serialized_write():  # seats given back in cancelled sessions: no registration races the import
            user = _account(email) if email else None
            result = import_schedule(
                data,
                event=find_target(data, slug=event_slug, user=user),
                user=user,
                status=status,
                notify=notify,
            )
            summary, slug = result.summary(), result.event.slug
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    except ScheduleError as error:
        db.session.rollback()
        raise click.ClickException(f"{file}: {error}") from None
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise click.ClickException(
            f"{file}: the database refused the import, nothing was written: {reason}"
        ) from None
    if invite and not dry_run:
        from conference.events.models import Event
        from conference.speakers.operations import send_invitations

        event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).one()
        invited = send_invitations(user, event)
        summary.append(f"{invited} invitation(s) queued")
    for line in summary:
        click.echo(line, err=True)
    if dry_run:
        click.echo("dry run: nothing was written", err=True)
    click.echo(slug)
