"""`flask privacy ...`: the retention purge."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.personal_data.purge import purge

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase non-members whose events ended long ago and clear old mail bodies."""
    result = purge(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(result.line())
