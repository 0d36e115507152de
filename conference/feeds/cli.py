"""`flask --app conference import-schedule FILE [--draft]`."""

from __future__ import annotations

from pathlib import Path

import click

from conference.db import db
from conference.feeds.blueprint import bp
from conference.feeds.schedule_import import import_schedule
from conference.feeds.schedule_reading import ScheduleError, read_schedule


@bp.cli.command("import-schedule")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Import as a draft (not published).")
def import_schedule_command(file: Path, draft: bool) -> None:
    """Create or update an event from a frab / pretalx schedule.json or schedule.xml; prints its slug."""
    try:
        data = read_schedule(file)
        event = import_schedule(data, draft=draft)
        db.session.commit()
    except ScheduleError as error:
        db.session.rollback()
        raise click.ClickException(f"{file}: {error}") from None
    except Exception:
        db.session.rollback()
        raise
    click.echo(event.slug)
