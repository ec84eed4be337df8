"""`flask backup create|restore`: the whole database to a file and back."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.backup.services import BackupError, create_backup, display_url, restore_backup
from app.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.argument("path", required=False)
def create_command(path: str | None) -> None:
    """Write a backup of the database to PATH (a file or folder; default BACKUP_DIR)."""
    config = current_app.config
    folder = Path(config["BACKUP_DIR"])
    if path and path.endswith("/"):
        folder, path = Path(path), None  # a folder that may not exist yet
    try:
        written = create_backup(_app_database_url(), Path(path) if path else None, folder,
                                config.get("PG_BIN_DIR"))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written: {written.path} ({written.size} bytes)")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "url", metavar="URL",
              help="Restore into this database instead of the app's (DATABASE_URL).")
@click.option("--force", is_flag=True, help="Replace a database that is not empty.")
def restore_command(path: Path, url: str | None, force: bool) -> None:
    """Restore the backup at PATH into an empty database (or any with --force)."""
    target = url or _app_database_url()
    # Our own pooled connections would hold locks (SQLite) or sessions the restore replaces.
    db.engine.dispose()
    try:
        restore_backup(path, target, force=force, bin_dir=current_app.config.get("PG_BIN_DIR"))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {path} into {display_url(target)}; "
               "run `flask db upgrade` if it came from an older version")


def _app_database_url() -> str:
    # The engine's URL, not the setting: Flask-SQLAlchemy puts relative SQLite paths in instance/.
    return db.engine.url.render_as_string(hide_password=False)
